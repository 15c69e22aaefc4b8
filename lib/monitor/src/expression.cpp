// The monitor expression parser (recursive descent) and its evaluator.
#include "expression.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

namespace metron::detail {

namespace {

constexpr double unknown = std::numeric_limits<double>::quiet_NaN();

struct unit_scale {
  std::string_view name;
  double factor;
};

// Durations are nanoseconds and sizes bytes, the units aggregation keeps; kB, MB and GB are
// decimal, as Prometheus and statsd count them.
constexpr std::array<unit_scale, 8> units{{{"ns", 1},
                                          {"us", 1e3},
                                          {"ms", 1e6},
                                          {"s", 1e9},
                                          {"B", 1},
                                          {"kB", 1e3},
                                          {"MB", 1e6},
                                          {"GB", 1e9}}};

bool starts_identifier(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '#';
}
bool continues_identifier(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '#';
}

}  // namespace

class expression_parser {
 public:
  explicit expression_parser(std::string_view text) : text_(text) {}

  expression run() {
    out_.root_ = parse_or();
    skip_space();
    if (at_ < text_.size()) fail(at_, "unexpected '" + std::string(1, text_[at_]) + "'");
    return std::move(out_);
  }

 private:
  [[noreturn]] static void fail(std::size_t at, const std::string& message) {
    throw expression_syntax_error(at, message);
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_])) != 0) ++at_;
  }

  // Consumes `symbol` if it comes next; words must not run on into an identifier.
  bool accept(std::string_view symbol) {
    skip_space();
    if (text_.substr(at_, symbol.size()) != symbol) return false;
    const bool word = starts_identifier(symbol.front());
    if (word && at_ + symbol.size() < text_.size() && continues_identifier(text_[at_ + symbol.size()])) {
      return false;
    }
    at_ += symbol.size();
    return true;
  }

  std::uint32_t add(expression::node made) {
    out_.nodes_.push_back(made);
    return static_cast<std::uint32_t>(out_.nodes_.size() - 1);
  }

  std::uint32_t binary(expression::op kind, std::uint32_t left, std::uint32_t right) {
    expression::node made;
    made.kind = kind;
    made.operand = left;
    made.right = right;
    return add(made);
  }

  std::uint32_t unary(expression::op kind, std::uint32_t operand) {
    expression::node made;
    made.kind = kind;
    made.operand = operand;
    return add(made);
  }

  std::uint32_t parse_or() {
    auto left = parse_and();
    while (accept("or") || accept("||")) left = binary(expression::op::logical_or, left, parse_and());
    return left;
  }

  std::uint32_t parse_and() {
    auto left = parse_not();
    while (accept("and") || accept("&&")) {
      left = binary(expression::op::logical_and, left, parse_not());
    }
    return left;
  }

  std::uint32_t parse_not() {
    if (accept("not")) return unary(expression::op::logical_not, parse_not());
    skip_space();
    if (at_ < text_.size() && text_[at_] == '!' && text_.substr(at_, 2) != "!=") {
      ++at_;
      return unary(expression::op::logical_not, parse_not());
    }
    return parse_comparison();
  }

  std::uint32_t parse_comparison() {
    const auto left = parse_sum();
    static constexpr std::array<std::pair<std::string_view, expression::op>, 6> comparisons{{
        {"<=", expression::op::less_equal},
        {">=", expression::op::greater_equal},
        {"==", expression::op::equal},
        {"!=", expression::op::not_equal},
        {"<", expression::op::less},
        {">", expression::op::greater},
    }};
    for (const auto& [symbol, kind] : comparisons) {
      if (accept(symbol)) return binary(kind, left, parse_sum());
    }
    return left;
  }

  std::uint32_t parse_sum() {
    auto left = parse_product();
    for (;;) {
      if (accept("+")) {
        left = binary(expression::op::add, left, parse_product());
      } else if (accept("-")) {
        left = binary(expression::op::subtract, left, parse_product());
      } else {
        return left;
      }
    }
  }

  std::uint32_t parse_product() {
    auto left = parse_unary();
    for (;;) {
      if (accept("*")) {
        left = binary(expression::op::multiply, left, parse_unary());
      } else if (accept("/")) {
        left = binary(expression::op::divide, left, parse_unary());
      } else {
        return left;
      }
    }
  }

  std::uint32_t parse_unary() {
    if (accept("-")) return unary(expression::op::negate, parse_unary());
    return parse_primary();
  }

  std::uint32_t parse_primary() {
    skip_space();
    if (at_ >= text_.size()) fail(at_, "expected a number, a metric or '(' but the expression ends");
    const char next = text_[at_];
    if (next == '(') {
      const std::size_t open = at_;
      ++at_;
      const auto inner = parse_or();
      if (!accept(")")) fail(open, "unbalanced '(': no matching ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(next)) != 0 || next == '.') return parse_number();
    if (starts_identifier(next)) return parse_metric();
    fail(at_, "unexpected '" + std::string(1, next) + "'; expected a number, a metric or '('");
  }

  std::uint32_t parse_number() {
    const std::size_t start = at_;
    double value = 0;
    const auto [end, problem] = std::from_chars(text_.data() + at_, text_.data() + text_.size(), value);
    if (problem != std::errc{}) fail(start, "malformed number");
    at_ = static_cast<std::size_t>(end - text_.data());
    if (at_ < text_.size() && starts_identifier(text_[at_])) {
      const std::size_t unit_start = at_;
      while (at_ < text_.size() && continues_identifier(text_[at_])) ++at_;
      const auto unit = text_.substr(unit_start, at_ - unit_start);
      bool known = false;
      for (const auto& candidate : units) {
        if (candidate.name == unit) {
          value *= candidate.factor;
          known = true;
        }
      }
      if (!known) {
        fail(unit_start, "unknown unit '" + std::string(unit) + "'; expected one of ns, us, ms, s, B, kB, MB, GB");
      }
    }
    expression::node made;
    made.number = value;
    return add(made);
  }

  std::uint32_t parse_metric() {
    const std::size_t start = at_;
    std::vector<std::string_view> parts;
    for (;;) {
      const std::size_t part_start = at_;
      while (at_ < text_.size() && continues_identifier(text_[at_])) ++at_;
      if (at_ == part_start) fail(at_, "expected a name after '.'");
      parts.push_back(text_.substr(part_start, at_ - part_start));
      if (at_ < text_.size() && text_[at_] == '.') {
        ++at_;
        continue;
      }
      break;
    }
    metric_ref ref;
    ref.text = std::string(text_.substr(start, at_ - start));
    if (parts.size() == 1 && (parts[0] == "and" || parts[0] == "or" || parts[0] == "not")) {
      fail(start, "'" + ref.text + "' needs an operand before it");
    }
    std::size_t series_parts = parts.size();
    if (parts.size() >= 2) {
      if (const auto which = parse_statistic(parts.back())) {
        ref.which = *which;
        --series_parts;
        if (series_parts >= 2 && parts[series_parts - 1] == "delta") {
          ref.family = series_family::differences;
          --series_parts;
        } else if (series_parts >= 2 && parts[series_parts - 1] == "interval") {
          ref.family = series_family::intervals;
          --series_parts;
        }
      }
    }
    for (std::size_t i = 0; i < series_parts; ++i) {
      if (i != 0) ref.series += '.';
      ref.series += parts[i];
    }
    std::uint32_t index = 0;
    while (index < out_.refs_.size() && !(out_.refs_[index].series == ref.series &&
                                          out_.refs_[index].family == ref.family &&
                                          out_.refs_[index].which == ref.which)) {
      ++index;
    }
    if (index == out_.refs_.size()) out_.refs_.push_back(std::move(ref));
    expression::node made;
    made.kind = expression::op::metric;
    made.operand = index;
    return add(made);
  }

  std::string_view text_;
  std::size_t at_ = 0;
  expression out_;
};

expression expression::parse(std::string_view text) { return expression_parser(text).run(); }

double expression::evaluate(std::span<const double> values) const noexcept {
  return evaluate_node(root_, values);
}

double expression::evaluate_node(std::uint32_t index, std::span<const double> values) const noexcept {
  const node& here = nodes_[index];
  const auto left = [&] { return evaluate_node(here.operand, values); };
  const auto right = [&] { return evaluate_node(here.right, values); };
  const auto compare = [&](auto holds) {
    const double a = left();
    const double b = right();
    if (std::isnan(a) || std::isnan(b)) return unknown;
    return holds(a, b) ? 1.0 : 0.0;
  };
  switch (here.kind) {
    case op::number: return here.number;
    case op::metric: return here.operand < values.size() ? values[here.operand] : unknown;
    case op::negate: return -left();
    case op::logical_not: {
      const double a = left();
      return std::isnan(a) ? unknown : (a == 0 ? 1.0 : 0.0);
    }
    case op::add: return left() + right();
    case op::subtract: return left() - right();
    case op::multiply: return left() * right();
    case op::divide: return left() / right();
    case op::less: return compare([](double a, double b) { return a < b; });
    case op::less_equal: return compare([](double a, double b) { return a <= b; });
    case op::greater: return compare([](double a, double b) { return a > b; });
    case op::greater_equal: return compare([](double a, double b) { return a >= b; });
    case op::equal: return compare([](double a, double b) { return a == b; });
    case op::not_equal: return compare([](double a, double b) { return a != b; });
    case op::logical_and: {
      const double a = left();
      if (a == 0) return 0.0;
      const double b = right();
      if (b == 0) return 0.0;
      return std::isnan(a) || std::isnan(b) ? unknown : 1.0;
    }
    case op::logical_or: {
      const double a = left();
      if (is_true(a)) return 1.0;
      const double b = right();
      if (is_true(b)) return 1.0;
      return std::isnan(a) || std::isnan(b) ? unknown : 0.0;
    }
  }
  return unknown;
}

}  // namespace metron::detail
