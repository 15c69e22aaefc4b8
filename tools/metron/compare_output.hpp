// Renderings of a comparison report: terminal table, Markdown, JUnit XML and JSON.
#pragma once

#include <metron/compare/compare.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace metron::tool {

/// What the renderings state besides the report: the inputs and the settings used.
struct compare_context {
  std::vector<std::string> baseline_files;
  std::vector<std::string> candidate_files;
  analysis::compare_options options;
  bool fail_on_inconclusive = false;
  int exit_code = 0;  ///< the exit code the comparison ends with
};

/// An aligned table for a terminal, verdicts in colour when `colour` is set.
void write_table(std::ostream& out, const analysis::comparison_report& report,
                 const compare_context& context, bool colour);

/// GitHub-flavoured Markdown: a summary line, the table, added and removed metrics, warnings.
void write_markdown(std::ostream& out, const analysis::comparison_report& report,
                    const compare_context& context);

/// JUnit XML: one test case per metric or KPI (regressed fails; inconclusive is skipped, or fails
/// with --fail-on-inconclusive), one per KPI breach, one per comparability issue.
void write_junit(std::ostream& out, const analysis::comparison_report& report,
                 const compare_context& context);

/// One JSON object described by specs/compare.schema.json.
void write_json(std::ostream& out, const analysis::comparison_report& report,
                const compare_context& context);

}  // namespace metron::tool
