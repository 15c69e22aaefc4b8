// Monitor expressions: parsing `(ledger.apply_block.p99 > 2ms) or (mempool.size >= 10000)` and
// evaluating it over aggregated values with three-valued logic.
#pragma once

#include <metron/monitor/aggregation.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace metron::detail {

/// A statistic an expression reads: `series.family.statistic`; without a statistic, `last`.
struct metric_ref {
  std::string series;
  series_family family = series_family::values;
  statistic which = statistic::last;
  std::string text;  ///< as written

  friend bool operator==(const metric_ref&, const metric_ref&) = default;
};

/// A syntax error at `offset` (0-based, in bytes) into the expression.
class expression_syntax_error : public std::runtime_error {
 public:
  expression_syntax_error(std::size_t at, const std::string& message)
      : std::runtime_error(message), offset(at) {}
  std::size_t offset;
};

/// A parsed expression: a tree in a flat vector, and the statistics it reads.
class expression {
 public:
  enum class op : std::uint8_t {
    number, metric, negate, logical_not, add, subtract, multiply, divide,
    less, less_equal, greater, greater_equal, equal, not_equal, logical_and, logical_or,
  };
  struct node {
    op kind = op::number;
    double number = 0;           ///< number: its value (units applied)
    std::uint32_t operand = 0;   ///< metric: index into refs(); unary and binary: left child
    std::uint32_t right = 0;     ///< binary: right child
  };

  /// Parses `text`. @throws expression_syntax_error naming the offset of the problem.
  static expression parse(std::string_view text);

  /// The statistics it reads, each once, in order of first appearance.
  [[nodiscard]] const std::vector<metric_ref>& refs() const noexcept { return refs_; }

  /// Its value, given the value of each of refs() (NaN for unknown). Comparisons and logic
  /// give 1 or 0, or NaN when unknown operands decide the outcome; `a and b` is 0 as soon as one
  /// side is 0, `a or b` is 1 as soon as one side is true (non-zero). No allocation.
  [[nodiscard]] double evaluate(std::span<const double> values) const noexcept;

 private:
  friend class expression_parser;
  [[nodiscard]] double evaluate_node(std::uint32_t index, std::span<const double> values) const noexcept;
  std::vector<node> nodes_;
  std::uint32_t root_ = 0;
  std::vector<metric_ref> refs_;
};

/// Whether an evaluated value counts as true: a number other than 0 and NaN.
[[nodiscard]] inline bool is_true(double value) noexcept { return value == value && value != 0; }

}  // namespace metron::detail
