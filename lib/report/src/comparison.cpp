// Renderings of a comparison against a baseline: terminal table, Markdown, JUnit XML, JSON and
// the comparability messages.
#include <metron/report/comparison.hpp>

#include "json_document.hpp"
#include "xml.hpp"

#include <metron/report/format.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace metron::report {

namespace {

using analysis::comparison;
using analysis::comparison_report;
using analysis::verdict;

/// The verdict as shown: marked when the test was per-call and so only indicative, or when it
/// rests on reported aggregates rather than repetitions.
std::string verdict_text(const comparison& row) {
  std::string text(analysis::to_string(row.result));
  if (row.informative) {
    text += " (informative)";
  }
  if (row.indicative) {
    text += " (indicative)";
  }
  if (row.from_aggregates) {
    text += " (aggregates)";
  }
  return text;
}

std::string summary_line(const comparison_report& report, const compare_context& context) {
  // "changed" is only possible for metrics of unknown direction, and only then counted.
  const std::size_t changed = report.count(verdict::changed);
  std::string line = fmt::format(
      "{} regressed, {} improved, {}{} unchanged, {} inconclusive of {} compared",
      report.count(verdict::regressed), report.count(verdict::improved),
      changed > 0 ? fmt::format("{} changed, ", changed) : "", report.count(verdict::unchanged),
      report.count(verdict::inconclusive), report.rows.size());
  if (!report.breaches.empty()) {
    line += fmt::format("; {} KPI breach(es)", report.breaches.size());
  }
  const auto& options = context.options;
  line += fmt::format(
      " (tolerance {}, alpha {}{}; 'detects': the smallest slowdown flagged "
      "with power {})",
      options.absolute_tolerance
          ? fmt::format("{} absolute", format_number(*options.absolute_tolerance))
          : fmt::format("{:g} %", 100.0 * options.tolerance),
      options.alpha, options.equivalence ? ", equivalence tests" : "", format_share(options.power));
  return line;
}

/// Whether a row has one value on a side, which no test can judge.
bool single_run(const comparison& row) { return row.baseline.n == 1 || row.candidate.n == 1; }

/// What a blind design means for the exit status.
std::string blind_consequence(const compare_context& context) {
  return context.allow_blind ? "accepted with --allow-blind"
                             : "the gate exits 3 unless --allow-blind accepts it";
}

/// The sentence above the table when gating rows with repetitions could not be flagged whatever
/// their change; empty when every one could.
std::string blind_note(const comparison_report& report, const compare_context& context) {
  const auto first = std::find_if(report.rows.begin(), report.rows.end(),
                                  [](const auto& row) { return row.blind && !single_run(row); });
  if (first == report.rows.end()) {
    return {};
  }
  const std::size_t family = std::max<std::size_t>(report.gating_rows, 1);
  const std::string needed = format_number(static_cast<double>(report.blind_repetitions));
  const double reach = first->alpha / static_cast<double>(family);
  return fmt::format(
      "blind design: {} of {} gating rows could not be flagged whatever their change — at {} vs "
      "{} repetitions the {} test's smallest p-value is {}, and a lone regression among {} gating "
      "rows needs {} (alpha {} / {}, {}); {} repetitions a side (--benchmark_repetitions={}) "
      "would let them fail; {}",
      report.blind(), family, first->baseline.n, first->candidate.n,
      analysis::to_string(first->test), format_p(first->smallest_p), family,
      first->equivalence ? fmt::format("a one-sided p < {}", format_p(reach))
                         : fmt::format("p < {}", format_p(reach)),
      format_number(first->alpha), family, first->equivalence ? "Bonferroni" : "Benjamini-Hochberg",
      needed, needed, blind_consequence(context));
}

/// One side's dependence in words: "0.68 in the baseline", or that none was found.
std::string dependence_text(const analysis::dependence_estimate& estimate, std::string_view side) {
  if (estimate.found) {
    return fmt::format("{:.2f} in the {}", estimate.rho, side);
  }
  return estimate.series == 0 ? fmt::format("not estimable in the {}", side)
                              : fmt::format("none significant in the {}", side);
}

/// The sentence above the table when the repetitions within a side's runs were found correlated;
/// empty when neither side's were.
std::string dependence_note(const comparison_report& report) {
  const auto& before = report.baseline_dependence;
  const auto& after = report.candidate_dependence;
  if (!before.found && !after.found) {
    return {};
  }
  const auto first = std::find_if(report.rows.begin(), report.rows.end(), [](const auto& row) {
    return !row.informative && (row.effective_baseline < static_cast<double>(row.baseline.n) ||
                                row.effective_candidate < static_cast<double>(row.candidate.n));
  });
  const std::string worth =
      first == report.rows.end()
          ? std::string()
          : fmt::format(
                ", so {} vs {} repetitions count as about {:.1f} vs {:.1f} independent ones",
                first->baseline.n, first->candidate.n, first->effective_baseline,
                first->effective_candidate);
  return fmt::format(
      "correlated repetitions: consecutive repetitions within a run are correlated (lag-1 "
      "autocorrelation {}, {}){}; the tests, intervals and design check allow for it, at a cost "
      "in power. Run the benchmarks with --benchmark_enable_random_interleaving, give more files "
      "per side (separate runs), or pair the builds with `metron ab`",
      dependence_text(before, "baseline"), dependence_text(after, "candidate"), worth);
}

/// What must be read before the table: a design that cannot flag some row, rows that one run a
/// side cannot decide, benchmarks that failed, and metrics that disappeared.
std::vector<std::string> headline_notes(const comparison_report& report,
                                        const compare_context& context) {
  std::vector<std::string> notes;
  if (std::string dependence = dependence_note(report); !dependence.empty()) {
    notes.push_back(std::move(dependence));
  }
  if (std::string blind = blind_note(report, context); !blind.empty()) {
    notes.push_back(std::move(blind));
  }
  const auto single =
      static_cast<std::size_t>(std::count_if(report.rows.begin(), report.rows.end(), single_run));
  if (single > 0) {
    std::size_t needed = report.blind_repetitions;
    bool gating = false;
    for (const comparison& row : report.rows) {
      if (single_run(row)) {
        needed = std::max(needed, row.repetitions_needed.value_or(0));
        gating = gating || row.blind;
      }
    }
    notes.push_back(fmt::format(
        "one value a side for {} of {} rows: a single run cannot be tested, so they can only be "
        "inconclusive; {} repetitions a side (--benchmark_repetitions={}) or as many files per "
        "side would decide them{}",
        single, report.rows.size(), format_number(static_cast<double>(needed)),
        format_number(static_cast<double>(needed)),
        gating ? "; " + blind_consequence(context) : std::string()));
  }
  for (const analysis::failed_benchmark& failure : report.failures) {
    const std::string what = failure.skipped ? "skipped" : "failed";
    const std::string message = failure.message.empty() ? "" : ": " + failure.message;
    if (failure.in_candidate) {
      notes.push_back(fmt::format(
          "{} {} in the candidate ({}){}{}",
          failure.ran_in_baseline ? "FAILED:" : "note:", failure.name, what, message,
          failure.ran_in_baseline ? " — it ran in the baseline, so the gate fails" : ""));
    } else {
      notes.push_back(fmt::format("note: {} {} in the baseline{}", failure.name, what, message));
    }
  }
  for (const std::string& name : report.removed) {
    notes.push_back(fmt::format("removed: {} (only in the baseline)", name));
  }
  return notes;
}

/// What "changed" means, once, naming the rows it applies to.
std::string changed_note(const comparison_report& report) {
  std::string names;
  for (const comparison& row : report.rows) {
    if (row.result == verdict::changed) {
      names += (names.empty() ? "" : ", ") + row.name;
    }
  }
  const std::string how =
      report.spec_file.empty()
          ? std::string("under 'directions:' in a spec given with --directions")
          : fmt::format("in {} under 'directions:' or as the KPI's 'better:'", report.spec_file);
  return fmt::format(
      "changed: {} moved beyond the tolerance, but which way is better is unknown, so they do "
      "not gate; declare it {} to judge them",
      names, how);
}

/// The notes a reader needs besides the table: indicative tests, added metrics, comparability,
/// breaches, metrics of unknown direction that changed, why rows are inconclusive.
std::vector<std::string> notes_of(const comparison_report& report) {
  std::vector<std::string> notes;
  if (std::any_of(report.rows.begin(), report.rows.end(),
                  [](const comparison& row) { return row.indicative; })) {
    notes.emplace_back(
        "one capture against one: the tests compare per-call samples, which share their run's "
        "machine state — indicative only; compare several runs a side (--baseline a1 a2 …) for "
        "evidence");
  }
  if (std::any_of(report.rows.begin(), report.rows.end(),
                  [](const comparison& row) { return row.from_aggregates; })) {
    notes.emplace_back(
        "(aggregates): a side holds only Google Benchmark's aggregate rows "
        "(--benchmark_report_aggregates_only), so those rows compare means by Welch's t test on "
        "the reported mean, standard deviation and repetitions; the medians are as reported");
  }
  const auto informative = static_cast<std::size_t>(
      std::count_if(report.rows.begin(), report.rows.end(), [](const comparison& row) {
        return row.informative && row.direction != analysis::better::unknown;
      }));
  if (informative > 0) {
    notes.push_back(fmt::format(
        "(informative): {} rows of each benchmark's other time are judged apart from the gate "
        "and do not fail it; one time per benchmark gates (--measure real or cpu)",
        informative));
  }
  for (const std::string& name : report.added) {
    notes.push_back(fmt::format("added: {} (only in the candidate)", name));
  }
  for (const auto& issue : report.issues) {
    notes.push_back("warning: " + comparability_text(issue));
  }
  for (const auto& breach : report.breaches) {
    notes.push_back(fmt::format("KPI breach: {} = {} beyond its threshold {} ({})", breach.name,
                                format_amount(breach.value, breach.unit),
                                format_amount(breach.threshold.value_or(std::nan("")), breach.unit),
                                breach.note));
  }
  if (report.count(verdict::changed) > 0) {
    notes.push_back(changed_note(report));
  }
  for (const comparison& row : report.rows) {
    // The headline says once what every single-run row would say.
    if (const std::string note = comparison_note(row); !note.empty() && !single_run(row)) {
      notes.push_back(fmt::format("{}: {}", row.name, note));
    }
  }
  return notes;
}

/// The smallest slowdown the row's design detects with the power asked, "≥ +4.12 %"; "none" for a
/// blind row, "–" when unknown.
std::string detectable_text(const comparison& row) {
  if (std::isinf(row.detectable)) {
    return "none";
  }
  return std::isnan(row.detectable) ? format_percent(row.detectable)
                                    : "≥ " + format_percent(row.detectable);
}

std::vector<std::string> cells_of(const comparison& row) {
  return {row.name,
          format_amount(row.baseline.median, row.unit),
          format_amount(row.candidate.median, row.unit),
          format_percent(row.change),
          format_interval(row.change_interval),
          format_p(row.p_value),
          format_p(row.p_adjusted),
          detectable_text(row),
          verdict_text(row)};
}

const std::vector<std::string> headings = {"metric", "baseline", "candidate", "change", "interval",
                                           "p",      "p adj",    "detects",   "verdict"};

/// Display width: UTF-8 continuation bytes take no column.
std::size_t width_of(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string_view colour_of(verdict result) {
  switch (result) {
    case verdict::regressed: return "\033[1;31m";
    case verdict::improved: return "\033[32m";
    case verdict::inconclusive: return "\033[33m";
    case verdict::changed: return "\033[36m";
    case verdict::unchanged: break;
  }
  return "";
}

using detail::xml_escaped;

nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json summary_json(const analysis::summary& s) {
  return {{"n", s.n},
          {"median", number_or_null(s.median)},
          {"mean", number_or_null(s.mean)},
          {"stddev", number_or_null(s.stddev)},
          {"cv", number_or_null(s.cv)},
          {"min", number_or_null(s.min)},
          {"max", number_or_null(s.max)}};
}

}  // namespace

std::string comparison_note(const comparison& row) {
  if (!row.note.empty()) {
    return row.note;
  }
  const std::string needed = format_number(static_cast<double>(row.repetitions_needed.value_or(0)));
  switch (row.reason) {
    case analysis::doubt::none: return {};
    case analysis::doubt::too_noisy:
      return fmt::format(
          "{} vs {} values at {} variation cannot tell whether the {} change exceeds the {} "
          "tolerance; about {} per side would (power {})",
          row.baseline.n, row.candidate.n, format_share(row.variation),
          format_percent(row.estimate), format_share(row.tolerance), needed,
          format_share(row.power));
    case analysis::doubt::no_variation:
      return fmt::format(
          "{} vs {} values: too few to estimate the noise; a test at alpha {} needs at least {} "
          "per side, noisy metrics more",
          row.baseline.n, row.candidate.n, format_number(row.alpha), needed);
    case analysis::doubt::lost_in_adjustment:
      return fmt::format("significant alone (p = {}) but not after adjusting for {} comparisons",
                         format_p(row.p_value), row.adjusted_rows);
  }
  return {};
}

std::string comparability_text(const analysis::comparability_issue& issue) {
  return fmt::format("{} differs: {} has '{}', {} has '{}' ({})", issue.what, issue.baseline_file,
                     issue.baseline, issue.candidate_file, issue.candidate, issue.field);
}

void write_table(std::ostream& out, const comparison_report& report, const compare_context& context,
                 bool colour) {
  const std::vector<std::string> headline = headline_notes(report, context);
  for (const std::string& note : headline) {
    out << note << '\n';
  }
  if (!headline.empty()) {
    out << '\n';
  }
  std::vector<std::vector<std::string>> lines = {headings};
  for (const comparison& row : report.rows) {
    lines.push_back(cells_of(row));
  }
  std::vector<std::size_t> widths(headings.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], width_of(line[i]));
    }
  }
  for (std::size_t l = 0; l < lines.size(); ++l) {
    std::string text;
    for (std::size_t i = 0; i < lines[l].size(); ++i) {
      const std::string& cell = lines[l][i];
      const std::string pad(widths[i] - width_of(cell), ' ');
      const bool last = i + 1 == lines[l].size();
      // Names and verdicts read left to right; numbers line up on the right.
      const bool left = i == 0 || last;
      std::string shown = cell;
      if (colour && last && l > 0) {
        const std::string_view code = colour_of(report.rows[l - 1].result);
        if (!code.empty()) {
          shown = fmt::format("{}{}\033[0m", code, cell);
        }
      }
      text += left ? shown + (last ? "" : pad) : pad + shown;
      text += last ? "" : "  ";
    }
    out << text << '\n';
  }
  out << '\n' << summary_line(report, context) << '\n';
  for (const std::string& note : notes_of(report)) {
    out << "  " << note << '\n';
  }
}

void write_markdown(std::ostream& out, const comparison_report& report,
                    const compare_context& context) {
  out << "### metron compare: " << (context.exit_code != 0 ? "❌ " : "✅ ")
      << summary_line(report, context) << "\n\n";
  const std::vector<std::string> headline = headline_notes(report, context);
  for (const std::string& note : headline) {
    out << "- **" << note << "**\n";
  }
  if (!headline.empty()) {
    out << '\n';
  }
  out << "| metric | baseline | candidate | change | interval | p | p adj | detects | verdict |\n";
  out << "|:--|--:|--:|--:|--:|--:|--:|--:|:--|\n";
  for (const comparison& row : report.rows) {
    const std::vector<std::string> cells = cells_of(row);
    out << '|';
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::string cell = cells[i];
      if (i + 1 == cells.size() && row.result == verdict::regressed && !row.informative) {
        cell = fmt::format("**{}**", cell);
      }
      // A pipe inside a cell would split it.
      std::string escaped;
      for (const char c : cell) {
        escaped += c == '|' ? std::string("\\|") : std::string(1, c);
      }
      out << ' ' << escaped << " |";
    }
    out << '\n';
  }
  const std::vector<std::string> notes = notes_of(report);
  if (!notes.empty()) {
    out << '\n';
    for (const std::string& note : notes) {
      out << "- " << note << '\n';
    }
  }
}

void write_junit(std::ostream& out, const comparison_report& report,
                 const compare_context& context) {
  const bool blind = report.blind_repetitions > 0;
  std::size_t failures = report.regressions() + report.breaches.size() + report.broken() +
                         (blind && !context.allow_blind ? 1 : 0);
  const auto gating_inconclusive = static_cast<std::size_t>(
      std::count_if(report.rows.begin(), report.rows.end(), [](const comparison& row) {
        return !row.informative && row.result == verdict::inconclusive;
      }));
  std::size_t skipped = report.count(verdict::inconclusive);
  if (context.fail_on_inconclusive) {
    failures += gating_inconclusive;
    skipped -= gating_inconclusive;
  }
  skipped += report.failures.size() - report.broken();
  const std::size_t tests = report.rows.size() + report.breaches.size() + report.issues.size() +
                            report.failures.size() + (blind ? 1 : 0);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"metron compare\" tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\">\n"
      "  <testsuite name=\"{3}\" tests=\"{0}\" failures=\"{1}\" skipped=\"{2}\" errors=\"0\">\n",
      tests, failures, skipped,
      xml_escaped(report.spec_file.empty() ? "metron compare" : report.spec_file));
  for (const comparison& row : report.rows) {
    const std::string message = fmt::format(
        "{}: {} → {}, change {} {}, p {} (adjusted {}), detects {}{}", verdict_text(row),
        format_amount(row.baseline.median, row.unit), format_amount(row.candidate.median, row.unit),
        format_percent(row.change), format_interval(row.change_interval), format_p(row.p_value),
        format_p(row.p_adjusted), detectable_text(row),
        row.note.empty() && row.reason == analysis::doubt::none ? "" : "; " + comparison_note(row));
    out << fmt::format(R"(    <testcase classname="{}" name="{}">)", xml_escaped(row.kind),
                       xml_escaped(row.name));
    // Only a regression fails, and an inconclusive row when asked; a "changed" row, of unknown
    // direction, passes with what it measured in its output.
    const bool inconclusive = row.result == verdict::inconclusive;
    if (!row.informative &&
        (row.result == verdict::regressed || (inconclusive && context.fail_on_inconclusive))) {
      out << fmt::format(R"(<failure type="{}" message="{}"/>)", analysis::to_string(row.result),
                         xml_escaped(message));
    } else if (inconclusive) {
      out << fmt::format("<skipped message=\"{}\"/>", xml_escaped(message));
    } else {
      out << fmt::format("<system-out>{}</system-out>", xml_escaped(message));
    }
    out << "</testcase>\n";
  }
  if (blind) {
    const std::string blind_text = blind_note(report, context);
    const std::string message =
        blind_text.empty()
            ? fmt::format(
                  "one value a side: no gating row could be flagged; {} repetitions a "
                  "side would let them fail; {}",
                  report.blind_repetitions, blind_consequence(context))
            : blind_text;
    out << R"(    <testcase classname="design" name="the design can flag every gating row">)"
        << (context.allow_blind
                ? fmt::format("<system-out>{}</system-out>", xml_escaped(message))
                : fmt::format(R"(<failure type="blind" message="{}"/>)", xml_escaped(message)))
        << "</testcase>\n";
  }
  for (const auto& breach : report.breaches) {
    out << fmt::format(
        "    <testcase classname=\"kpi-threshold\" name=\"{}\"><failure type=\"breach\" "
        "message=\"{} beyond the threshold {} ({})\"/></testcase>\n",
        xml_escaped(breach.name), xml_escaped(format_amount(breach.value, breach.unit)),
        xml_escaped(format_amount(breach.threshold.value_or(std::nan("")), breach.unit)),
        xml_escaped(breach.note));
  }
  for (const analysis::failed_benchmark& failure : report.failures) {
    out << fmt::format(R"(    <testcase classname="{}" name="{}">)",
                       failure.in_candidate ? "candidate" : "baseline", xml_escaped(failure.name));
    const std::string message = fmt::format("{}{}", failure.skipped ? "skipped" : "failed",
                                            failure.message.empty() ? "" : ": " + failure.message);
    out << (failure.in_candidate && failure.ran_in_baseline
                ? fmt::format(R"(<failure type="failed" message="{}"/>)", xml_escaped(message))
                : fmt::format("<skipped message=\"{}\"/>", xml_escaped(message)));
    out << "</testcase>\n";
  }
  for (const auto& issue : report.issues) {
    const std::string message = comparability_text(issue);
    out << fmt::format(R"(    <testcase classname="comparability" name="{}">)",
                       xml_escaped(issue.what));
    out << (context.exit_code == 2
                ? fmt::format(R"(<failure type="strict" message="{}"/>)", xml_escaped(message))
                : fmt::format("<system-out>warning: {}</system-out>", xml_escaped(message)));
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

/// A side's estimated dependence as the JSON's design gives it.
nlohmann::json dependence_json(const analysis::dependence_estimate& estimate) {
  return {{"lag1_autocorrelation", estimate.rho},
          {"raw", number_or_null(estimate.raw)},
          {"z", number_or_null(estimate.z)},
          {"found", estimate.found},
          {"series", estimate.series}};
}

void write_json(std::ostream& out, const comparison_report& report,
                const compare_context& context) {
  nlohmann::json rows = nlohmann::json::array();
  for (const comparison& row : report.rows) {
    rows.push_back({
        {"name", row.name},
        {"unit", row.unit},
        {"kind", row.kind},
        {"direction", analysis::to_string(row.direction)},
        {"baseline_median", number_or_null(row.baseline.median)},
        {"candidate_median", number_or_null(row.candidate.median)},
        {"baseline", summary_json(row.baseline)},
        {"candidate", summary_json(row.candidate)},
        {"change", number_or_null(row.change)},
        {"estimate", number_or_null(row.estimate)},
        {"interval",
         {{"low", number_or_null(row.change_interval.low)},
          {"high", number_or_null(row.change_interval.high)},
          {"level", row.change_interval.level},
          {"method", analysis::to_string(row.method)}}},
        {"test", analysis::to_string(row.test)},
        {"p_value", number_or_null(row.p_value)},
        {"p_adjusted", number_or_null(row.p_adjusted)},
        {"equivalence_p", number_or_null(row.equivalence_p)},
        {"tolerance", row.tolerance},
        {"alpha", row.alpha},
        {"verdict", analysis::to_string(row.result)},
        {"indicative", row.indicative},
        {"informative", row.informative},
        {"smallest_p", number_or_null(row.smallest_p)},
        {"blind", row.blind},
        {"from_aggregates", row.from_aggregates},
        {"effective_repetitions",
         {{"baseline", number_or_null(row.effective_baseline)},
          {"candidate", number_or_null(row.effective_candidate)}}},
        {"detectable_change",
         std::isinf(row.detectable) ? nlohmann::json("none") : number_or_null(row.detectable)},
        {"repetitions_needed", row.repetitions_needed ? nlohmann::json(*row.repetitions_needed)
                                                      : nlohmann::json(nullptr)},
        {"note", comparison_note(row)},
    });
  }
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& issue : report.issues) {
    issues.push_back({{"what", issue.what},
                      {"field", issue.field},
                      {"baseline", issue.baseline},
                      {"candidate", issue.candidate},
                      {"baseline_file", issue.baseline_file},
                      {"candidate_file", issue.candidate_file}});
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const analysis::failed_benchmark& failure : report.failures) {
    failures.push_back({{"name", failure.name},
                        {"side", failure.in_candidate ? "candidate" : "baseline"},
                        {"ran_in_baseline", failure.ran_in_baseline},
                        {"skipped", failure.skipped},
                        {"message", failure.message},
                        {"file", failure.file}});
  }
  nlohmann::json breaches = nlohmann::json::array();
  for (const auto& breach : report.breaches) {
    breaches.push_back({{"name", breach.name},
                        {"unit", breach.unit},
                        {"value", number_or_null(breach.value)},
                        {"threshold", number_or_null(breach.threshold.value_or(std::nan("")))},
                        {"note", breach.note}});
  }
  const auto& options = context.options;
  const nlohmann::json document = {
      {"format", "metron-compare"},
      {"version", 1},
      {"spec",
       report.spec_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.spec_file)},
      {"baseline", {{"files", context.baseline_files}, {"runs", report.baseline_runs}}},
      {"candidate", {{"files", context.candidate_files}, {"runs", report.candidate_runs}}},
      {"settings",
       {{"tolerance", options.tolerance},
        {"absolute_tolerance", options.absolute_tolerance
                                   ? nlohmann::json(*options.absolute_tolerance)
                                   : nlohmann::json(nullptr)},
        {"alpha", options.alpha},
        {"test", analysis::to_string(options.test)},
        {"equivalence", options.equivalence},
        {"measure", options.measure == analysis::measure_kind::cpu_time ? "cpu" : "real"},
        {"fail_on_inconclusive", context.fail_on_inconclusive},
        {"allow_blind", context.allow_blind}}},
      {"design",
       {{"gating_rows", report.gating_rows},
        {"blind_rows",
         static_cast<std::size_t>(std::count_if(report.rows.begin(), report.rows.end(),
                                                [](const comparison& row) { return row.blind; }))},
        {"repetitions_needed", report.blind_repetitions > 0
                                   ? nlohmann::json(report.blind_repetitions)
                                   : nlohmann::json(nullptr)},
        {"dependence",
         {{"baseline", dependence_json(report.baseline_dependence)},
          {"candidate", dependence_json(report.candidate_dependence)}}}}},
      {"metrics", rows},
      {"added", report.added},
      {"removed", report.removed},
      {"failures", failures},
      {"comparability", issues},
      {"breaches", breaches},
      {"counts",
       {{"improved", report.count(verdict::improved)},
        {"unchanged", report.count(verdict::unchanged)},
        {"regressed", report.count(verdict::regressed)},
        {"inconclusive", report.count(verdict::inconclusive)},
        {"changed", report.count(verdict::changed)}}},
      {"exit_code", context.exit_code},
  };
  detail::write_json_document(out, document);
}

std::vector<std::string> comparability_messages(const comparison_report& report,
                                                const compare_context& context) {
  std::vector<std::string> messages;
  if (context.exit_code == 2 && !report.issues.empty()) {
    messages.push_back(fmt::format("--strict: the sides were not measured alike ({})",
                                   comparability_text(report.issues.front())));
    return messages;
  }
  for (const auto& issue : report.issues) {
    messages.push_back(
        fmt::format("warning: {}; the comparison may reflect the machines, not the code",
                    comparability_text(issue)));
  }
  return messages;
}

}  // namespace metron::report
