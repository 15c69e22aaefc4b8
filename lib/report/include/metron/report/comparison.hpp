// Renderings of a comparison against a baseline (`metron compare`): terminal table, Markdown,
// JUnit XML, JSON and the comparability messages.
#pragma once

#include <metron/compare/compare.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace metron::report {

/// What the renderings of a comparison state besides the report: the inputs and the settings.
struct compare_context {
  std::vector<std::string> baseline_files;   ///< the baseline's files, one per run, as given
  std::vector<std::string> candidate_files;  ///< the candidate's files, one per run, as given
  analysis::compare_options options;         ///< the settings the comparison used
  bool fail_on_inconclusive = false;         ///< whether an inconclusive row fails the gate
  bool allow_blind = false;  ///< whether a design that cannot flag a gating row passes
  int exit_code = 0;         ///< the exit code the comparison ends with
};

/// Why a row is inconclusive, or what else a reader should know of it, in words: the row's note,
/// or the sentence its doubt makes of its numbers; empty when there is nothing to say.
[[nodiscard]] std::string comparison_note(const analysis::comparison& row);

/// One sentence naming what differs between two runs, the files and the field: "CPU count
/// differs: base.json has '8', head.json has '16' (num_cpus)".
[[nodiscard]] std::string comparability_text(const analysis::comparability_issue& issue);

/// An aligned table for a terminal, one row per metric or KPI, after what must be read first (a
/// design that cannot flag some gating row, single runs, failed benchmarks), then a summary line
/// and the notes (added and removed metrics, comparability warnings, breaches, informative rows,
/// rows of unknown direction that changed); verdicts in ANSI colour when `colour` is set. Any
/// thread; linear in the rows.
void write_table(std::ostream& out, const analysis::comparison_report& report,
                 const compare_context& context, bool colour);

/// GitHub-flavoured Markdown: a summary line, the table, added and removed metrics, warnings.
/// Pipes in names are escaped so that they cannot split a cell.
void write_markdown(std::ostream& out, const analysis::comparison_report& report,
                    const compare_context& context);

/// JUnit XML: one test case per metric or KPI (a gating row that regressed fails; inconclusive is
/// skipped, or fails when `context.fail_on_inconclusive`; changed, of unknown direction, and
/// informative rows pass), one per KPI breach, one per comparability issue (a failure when
/// `context.exit_code` is 2), and one for a blind design (a failure unless
/// `context.allow_blind`). Every text is XML-escaped.
void write_junit(std::ostream& out, const analysis::comparison_report& report,
                 const compare_context& context);

/// One JSON object described by specs/compare.schema.json; numbers that are not finite are null.
void write_json(std::ostream& out, const analysis::comparison_report& report,
                const compare_context& context);

/// The comparability issues as one-line messages for standard error: when `context.exit_code` is
/// 2 (--strict refused the sides), one message naming the first issue; else one warning per
/// issue, saying that the comparison may reflect the machines rather than the code. Empty when
/// the sides were measured alike.
[[nodiscard]] std::vector<std::string> comparability_messages(
    const analysis::comparison_report& report, const compare_context& context);

}  // namespace metron::report
