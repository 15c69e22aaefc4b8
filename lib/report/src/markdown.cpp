// The report as GitHub-flavoured Markdown: a verdict line, a compact table, the details folded.
#include "commit.hpp"
#include "explanation.hpp"

#include <metron/report/comparison.hpp>
#include <metron/report/format.hpp>
#include <metron/report/report.hpp>

#include <fmt/core.h>

#include <ostream>
#include <string>
#include <string_view>

namespace metron::report {

namespace {

/// Inputs' text made inert: Markdown punctuation backslash-escaped, HTML's specials as entities,
/// line breaks as spaces (a line break would end the table row).
std::string markdown_escaped(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '&': escaped += "&amp;"; break;
      case '\n':
      case '\r': escaped += ' '; break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
      case '!':
      case '~':
        escaped += '\\';
        escaped += c;
        break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string_view icon_of(row_state state) {
  switch (state) {
    case row_state::breach_and_regression:
    case row_state::breach:
    case row_state::regression: return "❌";
    case row_state::insufficient:
    case row_state::inconclusive: return "⚠️";
    case row_state::improved: return "🟢";
    case row_state::changed: return "🔷";
    case row_state::pass: return "✅";
    case row_state::reported: break;
  }
  return "·";
}

std::string run_text(const analysis::run_metadata& metadata) {
  std::string text;
  const auto add = [&text](std::string_view what, const std::string& value) {
    if (!value.empty()) {
      text += fmt::format("{}{} {}", text.empty() ? "" : ", ", what, markdown_escaped(value));
    }
  };
  add("commit", detail::short_commit(metadata.commit));
  add("host", metadata.host);
  add("CPU", metadata.cpu);
  add("build", metadata.build_type);
  add("date", metadata.date);
  return text.empty() ? "nothing known" : text;
}

}  // namespace

void write_markdown(std::ostream& out, const report_document& document) {
  const bool passed = document.passed();
  if (document.not_comparable()) {
    // Against a baseline of another machine or build the changes say nothing of the code.
    out << fmt::format("## ⚠️ {}: not comparable — informational\n\n",
                       markdown_escaped(document.title));
    out << fmt::format(
        "**Not comparable**: {}. The changes below may reflect the machines, not "
        "the code; compare against a baseline measured on the candidate's "
        "machine.\n\n",
        markdown_escaped(comparability_text(document.issues.front())));
  } else {
    out << fmt::format("## {} {}: {}\n\n", passed ? "✅" : "❌", markdown_escaped(document.title),
                       passed ? "pass" : "FAIL");
  }
  out << fmt::format("{} of {} {}.\n\n", detail::counts_text(document, ", "), document.rows.size(),
                     document.spec_file.empty() ? "metrics" : "KPIs");
  out << fmt::format("Candidate `{}` ({})", markdown_escaped(document.candidate_file),
                     run_text(document.candidate_metadata));
  if (!document.baseline_file.empty()) {
    out << fmt::format(" against baseline `{}` ({})", markdown_escaped(document.baseline_file),
                       run_text(document.baseline_metadata));
  }
  out << ".\n\n";
  const bool with_baseline = !document.baseline_file.empty();
  out << (with_baseline ? "| | name | value | threshold | baseline | change | state |\n"
                          "|:-:|:--|--:|--:|--:|--:|:--|\n"
                        : "| | name | value | threshold | samples | state |\n"
                          "|:-:|:--|--:|--:|--:|:--|\n");
  for (const report_row& row : document.rows) {
    const std::string state = is_failure(row.state) ? fmt::format("**{}**", to_string(row.state))
                                                    : std::string(to_string(row.state));
    const std::string value =
        fmt::format("{} {}", row.statistic, format_amount(row.value, row.unit));
    if (with_baseline) {
      out << fmt::format(
          "| {} | {} | {} | {} | {} | {} | {} |\n", icon_of(row.state), markdown_escaped(row.name),
          markdown_escaped(value), markdown_escaped(detail::threshold_text(row)),
          row.change ? markdown_escaped(format_amount(row.change->baseline.median, row.unit)) : "–",
          row.change ? format_percent(row.change->change) : "–", state);
    } else {
      out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", icon_of(row.state),
                         markdown_escaped(row.name), markdown_escaped(value),
                         markdown_escaped(detail::threshold_text(row)), row.candidate.size(),
                         state);
    }
  }
  out << "\n<details>\n<summary>Why: each row explained, the runs, the history</summary>\n\n";
  for (const report_row& row : document.rows) {
    out << fmt::format("- {} **{}** ({}): {}\n", icon_of(row.state), markdown_escaped(row.name),
                       to_string(row.state), markdown_escaped(detail::explanation(row)));
  }
  for (const analysis::comparability_issue& issue : document.issues) {
    out << fmt::format("- warning: {}\n", markdown_escaped(comparability_text(issue)));
  }
  for (const std::string& name : document.added) {
    out << fmt::format("- added: {} (only in the candidate)\n", markdown_escaped(name));
  }
  for (const std::string& name : document.removed) {
    out << fmt::format("- removed: {} (only in the baseline)\n", markdown_escaped(name));
  }
  for (const history_trend& trend : document.history) {
    for (const analysis::change_point& change : trend.changes) {
      out << fmt::format("- history of {}: {} change at commit `{}`, mean {} → {} ({}), p = {}\n",
                         markdown_escaped(trend.metric), change.weak ? "weak" : "strong",
                         markdown_escaped(detail::short_commit(change.commit)),
                         markdown_escaped(format_amount(change.mean_before, trend.unit)),
                         markdown_escaped(format_amount(change.mean_after, trend.unit)),
                         format_percent(change.magnitude), format_p(change.p_value));
    }
  }
  out << "\n</details>\n";
}

}  // namespace metron::report
