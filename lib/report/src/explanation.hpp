// What a report says in words: a row's threshold and why it is in its state, the rows' counts.
#pragma once

#include <metron/report/report.hpp>

#include <string>
#include <string_view>

namespace metron::report::detail {

/// "≤ 5 ns" or "≥ 2 M/s": the threshold and its direction; "–" without one.
[[nodiscard]] std::string threshold_text(const report_row& row);

/// One sentence saying why the row is in its state: the breach, the regression, the doubt.
[[nodiscard]] std::string explanation(const report_row& row);

/// "2 regression, 18 pass": how many rows are in each state, worst first, the states without
/// rows left out, joined by `separator`; "no rows" for an empty report.
[[nodiscard]] std::string counts_text(const report_document& document, std::string_view separator);

}  // namespace metron::report::detail
