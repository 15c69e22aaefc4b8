// What a report row says in words: its threshold, and why it is in its state.
#include "explanation.hpp"

#include <metron/report/comparison.hpp>
#include <metron/report/format.hpp>

#include <fmt/core.h>

#include <cmath>

#include <string>

namespace metron::report::detail {

std::string threshold_text(const report_row& row) {
  if (!row.threshold) {
    return "–";
  }
  return fmt::format("{} {}", row.direction == analysis::better::lower ? "≤" : "≥",
                     format_amount(*row.threshold, row.unit));
}

std::string explanation(const report_row& row) {
  std::string text;
  const auto append = [&text](const std::string& sentence) {
    text += text.empty() ? sentence : "; " + sentence;
  };
  if (row.kpi == analysis::kpi_status::breach && row.threshold) {
    const bool lower = row.direction == analysis::better::lower;
    append(fmt::format("{} {} is {} the threshold {}", row.statistic,
                       format_amount(row.value, row.unit), lower ? "above" : "below",
                       threshold_text(row)));
  } else if (row.kpi == analysis::kpi_status::pass && row.threshold) {
    append(fmt::format("{} {} meets the threshold {}", row.statistic,
                       format_amount(row.value, row.unit), threshold_text(row)));
  } else if (row.kpi == analysis::kpi_status::insufficient && !row.note.empty()) {
    append(row.note);
  }
  if (row.change) {
    const analysis::comparison& change = *row.change;
    switch (change.result) {
      case analysis::verdict::regressed:
      case analysis::verdict::improved:
        append(fmt::format("median {} → {}, {} {} ({} than the ±{:g} % tolerance), p = {} ({})",
                           format_amount(change.baseline.median, row.unit),
                           format_amount(change.candidate.median, row.unit),
                           format_percent(change.change), format_interval(change.change_interval),
                           change.result == analysis::verdict::regressed ? "worse" : "better",
                           100.0 * change.tolerance, format_p(change.p_adjusted),
                           analysis::to_string(change.test)));
        break;
      case analysis::verdict::unchanged:
        append(fmt::format("median {} → {}, {} {}: within ±{:g} %",
                           format_amount(change.baseline.median, row.unit),
                           format_amount(change.candidate.median, row.unit),
                           format_percent(change.change), format_interval(change.change_interval),
                           100.0 * change.tolerance));
        break;
      case analysis::verdict::changed:
        append(fmt::format(
            "median {} → {}, {} {}: beyond ±{:g} %, but which way is better is "
            "unknown, so it does not gate",
            format_amount(change.baseline.median, row.unit),
            format_amount(change.candidate.median, row.unit), format_percent(change.change),
            format_interval(change.change_interval), 100.0 * change.tolerance));
        break;
      case analysis::verdict::inconclusive:
        append(fmt::format("change {} {} is inconclusive", format_percent(change.change),
                           format_interval(change.change_interval)));
        break;
    }
    if (std::isinf(change.detectable)) {
      append("too few repetitions to flag any slowdown");
    } else if (std::isfinite(change.detectable)) {
      append(fmt::format("detects a slowdown of {} or more with power {}",
                         format_percent(change.detectable), format_share(change.power)));
    }
    if (change.indicative) {
      append("per-call samples of one run each: indicative only");
    }
    if (change.from_aggregates) {
      append("from reported aggregates: Welch's t test on the means");
    }
    if (const std::string note = comparison_note(change); !note.empty()) {
      append(note);
    }
  }
  if (!row.note.empty() && row.kpi != analysis::kpi_status::insufficient) {
    append(row.note);
  }
  if (text.empty()) {
    append(fmt::format("{} {}", row.statistic, format_amount(row.value, row.unit)));
  }
  return text;
}

std::string counts_text(const report_document& document, std::string_view separator) {
  std::string text;
  for (const row_state state :
       {row_state::breach_and_regression, row_state::breach, row_state::regression,
        row_state::insufficient, row_state::inconclusive, row_state::changed, row_state::pass,
        row_state::improved, row_state::reported}) {
    if (const std::size_t count = document.count(state); count > 0) {
      text += fmt::format("{}{} {}", text.empty() ? "" : separator, count, to_string(state));
    }
  }
  return text.empty() ? "no rows" : text;
}

}  // namespace metron::report::detail
