// What a report row says in words: its threshold, and why it is in its state.
#pragma once

#include <metron/report/report.hpp>

#include <string>

namespace metron::report::detail {

/// "≤ 5 ns" or "≥ 2 M/s": the threshold and its direction; "–" without one.
[[nodiscard]] std::string threshold_text(const report_row& row);

/// One sentence saying why the row is in its state: the breach, the regression, the doubt.
[[nodiscard]] std::string explanation(const report_row& row);

}  // namespace metron::report::detail
