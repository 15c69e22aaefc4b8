// Benchmark specifications: parsing and validating specs/*.yaml with yaml-cpp.
#include <metron/spec/detail/closest_names.hpp>

#include <metron/error.hpp>
#include <metron/spec/spec.hpp>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

namespace metron::analysis {

namespace {

struct statistic_name {
  statistic value;
  std::string_view name;
};

constexpr std::array<statistic_name, 18> statistic_table = {{
    {statistic::count, "count"},
    {statistic::sum, "sum"},
    {statistic::mean, "mean"},
    {statistic::median, "median"},
    {statistic::p50, "p50"},
    {statistic::p75, "p75"},
    {statistic::p90, "p90"},
    {statistic::p95, "p95"},
    {statistic::p96, "p96"},
    {statistic::p99, "p99"},
    {statistic::p99_9, "p99.9"},
    {statistic::min, "min"},
    {statistic::max, "max"},
    {statistic::stddev, "stddev"},
    {statistic::mad, "mad"},
    {statistic::cv, "cv"},
    {statistic::rate, "rate"},
    {statistic::last, "last"},
}};

struct unit_name {
  std::string_view name;
  unit_dimension dimension;
  double to_base;
};

constexpr std::array<unit_name, 10> unit_table = {{
    {"ns", unit_dimension::time, 1.0},
    {"us", unit_dimension::time, 1e3},
    {"µs", unit_dimension::time, 1e3},
    {"ms", unit_dimension::time, 1e6},
    {"s", unit_dimension::time, 1e9},
    {"/ns", unit_dimension::rate, 1e9},
    {"/us", unit_dimension::rate, 1e6},
    {"/ms", unit_dimension::rate, 1e3},
    {"/s", unit_dimension::rate, 1.0},
    {"/min", unit_dimension::rate, 1.0 / 60.0},
}};

// The keys each mapping accepts, for the "unknown key" message.
constexpr std::array<std::string_view, 6> top_keys = {"suite",   "description", "defaults",
                                                      "metrics", "kpis",        "directions"};
constexpr std::array<std::string_view, 4> default_keys = {"tolerance", "test", "alpha",
                                                          "min_samples"};
constexpr std::array<std::string_view, 7> metric_keys = {
    "probe", "probe_regex", "benchmark", "benchmark_regex", "field", "unit", "description"};
constexpr std::array<std::string_view, 15> kpi_keys = {
    "metric",    "rate",      "interval", "span",  "ratio",       "statistic",   "unit", "better",
    "threshold", "tolerance", "test",     "alpha", "min_samples", "description", "field"};
constexpr std::array<std::string_view, 3> span_keys = {"from", "to", "key"};
constexpr std::array<std::string_view, 2> ratio_keys = {"numerator", "denominator"};

template <std::size_t N>
std::string join_names(const std::array<std::string_view, N>& names) {
  std::string text;
  for (const std::string_view name : names) {
    text += (text.empty() ? "" : ", ") + std::string(name);
  }
  return text;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view wanted) {
  return std::find(names.begin(), names.end(), wanted) != names.end();
}

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const std::size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// A whole-string decimal number, or nothing (hexadecimal, trailing text and blanks refused).
// YAML's spellings of infinity and NaN count as numbers, so that they are refused as not finite
// rather than as not numbers.
std::optional<double> parse_number(std::string_view text) {
  for (const std::string_view special : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
    if (text == special) {
      return std::numeric_limits<double>::infinity();
    }
  }
  for (const std::string_view special : {"-.inf", "-.Inf", "-.INF"}) {
    if (text == special) {
      return -std::numeric_limits<double>::infinity();
    }
  }
  for (const std::string_view special : {".nan", ".NaN", ".NAN"}) {
    if (text == special) {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [stop, problem] = std::from_chars(text.data(), end, value);
  if (problem != std::errc{} || stop != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// A number with an optional unit after it, as written in thresholds and tolerances: "2.5 ms".
struct quantity {
  double value = 0.0;
  std::string unit_name;  // empty: none written
  bool percent = false;
};

// The length of the number at the start of `text`: digits, signs, points and exponents, or one
// of the words of infinity and NaN.
std::size_t number_length(std::string_view text) {
  for (const std::string_view word : {".inf", "+.inf", "-.inf", ".nan", "inf", "-inf", "nan"}) {
    if (text.starts_with(word)) {
      return word.size();
    }
  }
  std::size_t length = 0;
  while (length < text.size()) {
    const char c = text[length];
    const bool exponent =
        (c == 'e' || c == 'E') && length + 1 < text.size() &&
        std::string_view("0123456789+-").find(text[length + 1]) != std::string_view::npos;
    // An 'e' begins an exponent only when a digit or sign follows it: "5 e" is not a number.
    if (std::isdigit(static_cast<unsigned char>(c)) == 0 &&
        std::string_view("+-.").find(c) == std::string_view::npos && !exponent) {
      break;
    }
    length += exponent ? 2 : 1;
  }
  return length;
}

std::optional<quantity> parse_quantity(std::string_view text) {
  const std::string trimmed = trim(text);
  const std::size_t split = number_length(trimmed);
  const std::optional<double> number = parse_number(std::string_view(trimmed).substr(0, split));
  if (!number) {
    return std::nullopt;
  }
  quantity result;
  result.value = *number;
  result.unit_name = trim(std::string_view(trimmed).substr(split));
  if (result.unit_name == "%") {
    result.percent = true;
    result.unit_name.clear();
  }
  return result;
}

// Reads one spec, throwing input_error at the first problem with `file:line: key: message`.
class spec_reader {
 public:
  explicit spec_reader(std::string file) : file_(std::move(file)) {}

  benchmark_spec read(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& problem) {
      throw input_error(fmt::format("{}:{}: malformed YAML: {}", file_, problem.mark.line + 1,
                                    detail::one_line(problem.msg)));
    }
    benchmark_spec spec;
    spec.file = file_;
    if (!root.IsMap()) {
      fail(root, "", "a spec is a mapping with the keys suite, metrics and kpis");
    }
    check_keys(root, "", top_keys);
    spec.suite = required_string(root, "", "suite");
    if (spec.suite.empty()) {
      fail(root["suite"], "suite", "the suite needs a name");
    }
    if (const YAML::Node description = root["description"]; description) {
      spec.description = string_value(description, "description");
    }
    if (const YAML::Node defaults = root["defaults"]; defaults) {
      read_defaults(defaults);
    }
    if (const YAML::Node metrics = root["metrics"]; metrics) {
      read_metrics(metrics, spec);
    }
    if (const YAML::Node directions = root["directions"]; directions) {
      read_directions(directions, spec);
    }
    const YAML::Node kpis = root["kpis"];
    if (!kpis && spec.directions.empty()) {
      fail(root, "kpis",
           "missing key 'kpis'; a spec states at least one KPI, or only the directions of "
           "metrics under 'directions:'");
    }
    if (kpis) {
      read_kpis(kpis, spec);
    }
    return spec;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& where, std::string_view key,
                         std::string_view message) const {
    fail_at(line_of(where), key, message);
  }

  [[noreturn]] void fail_at(std::size_t line, std::string_view key,
                            std::string_view message) const {
    // Keys and values are quoted as written, and may hold line breaks.
    if (key.empty()) {
      throw input_error(fmt::format("{}:{}: {}", file_, line, detail::one_line(message)));
    }
    throw input_error(fmt::format("{}:{}: {}: {}", file_, line, detail::one_line(key),
                                  detail::one_line(message)));
  }

  // yaml-cpp places an empty value at the line after its key; the key's line is more helpful,
  // so callers pass the key node where the value is null.
  static std::size_t line_of(const YAML::Node& node) {
    return node.IsDefined() && node.Mark().line >= 0
               ? static_cast<std::size_t>(node.Mark().line) + 1
               : 1;
  }

  static std::string join_key(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
  }

  // Refuses keys outside `allowed`, duplicate keys and keys that are not plain scalars; remembers
  // each key's line for messages about its value.
  template <std::size_t N>
  void check_keys(const YAML::Node& map, std::string_view path,
                  const std::array<std::string_view, N>& allowed) {
    std::set<std::string> seen;
    for (auto entry = map.begin(); entry != map.end(); ++entry) {
      const std::string key = key_text(entry->first, path);
      if (!contains(allowed, key)) {
        std::vector<std::string> known(allowed.begin(), allowed.end());
        const std::string hint = detail::did_you_mean(key, known);
        fail(entry->first, join_key(path, key),
             fmt::format("unknown key '{}'{}; expected one of {}", key, hint, join_names(allowed)));
      }
      if (!seen.insert(key).second) {
        fail(entry->first, join_key(path, key), fmt::format("duplicate key '{}'", key));
      }
      key_lines_[join_key(path, key)] = line_of(entry->first);
    }
  }

  std::string key_text(const YAML::Node& key, std::string_view path) const {
    if (!key.IsScalar()) {
      fail(key, path, "a key must be a plain name");
    }
    return key.Scalar();
  }

  // The line of a value: its own, unless it is empty, where its key's line is shown.
  std::size_t value_line(const YAML::Node& value, const std::string& key) const {
    if (value.IsNull()) {
      const auto found = key_lines_.find(key);
      if (found != key_lines_.end()) {
        return found->second;
      }
    }
    return line_of(value);
  }

  [[noreturn]] void fail_value(const YAML::Node& value, const std::string& key,
                               std::string_view message) const {
    fail_at(value_line(value, key), key, message);
  }

  std::string string_value(const YAML::Node& value, const std::string& key) const {
    if (!value.IsScalar()) {
      fail_value(value, key, "expected a string");
    }
    return value.Scalar();
  }

  std::string required_string(const YAML::Node& map, std::string_view path, const char* name) {
    const YAML::Node value = map[name];
    const std::string key = join_key(path, name);
    if (!value) {
      fail(map, key, fmt::format("missing key '{}'", name));
    }
    return string_value(value, key);
  }

  // A non-empty name: a probe, event, metric or field.
  std::string name_value(const YAML::Node& value, const std::string& key) const {
    std::string text = string_value(value, key);
    if (trim(text).empty()) {
      fail_value(value, key, "expected a name, found an empty string");
    }
    return text;
  }

  double number_value(const YAML::Node& value, const std::string& key) const {
    const std::optional<double> number =
        value.IsScalar() && value.Tag() != "!" ? parse_number(trim(value.Scalar())) : std::nullopt;
    if (!number) {
      fail_value(value, key, "expected a number");
    }
    if (!std::isfinite(*number)) {
      fail_value(value, key, "expected a finite number");
    }
    return *number;
  }

  void read_defaults(const YAML::Node& defaults) {
    if (!defaults.IsMap()) {
      fail_value(defaults, "defaults", "expected a mapping of tolerance, test, alpha, min_samples");
    }
    check_keys(defaults, "defaults", default_keys);
    if (const YAML::Node value = defaults["tolerance"]; value) {
      const tolerance_spec read = read_tolerance(value, "defaults.tolerance", nullptr);
      if (!read.percent) {
        fail_value(value, "defaults.tolerance",
                   "a default tolerance must be a percentage such as '5%', since KPIs differ in "
                   "unit; give absolute tolerances per KPI");
      }
      default_tolerance_ = read;
    }
    if (const YAML::Node value = defaults["test"]; value) {
      default_test_ = read_test(value, "defaults.test");
    }
    if (const YAML::Node value = defaults["alpha"]; value) {
      default_alpha_ = read_alpha(value, "defaults.alpha");
    }
    if (const YAML::Node value = defaults["min_samples"]; value) {
      default_min_samples_ = read_min_samples(value, "defaults.min_samples");
    }
  }

  void read_metrics(const YAML::Node& metrics, benchmark_spec& spec) {
    if (!metrics.IsMap()) {
      fail_value(metrics, "metrics", "expected a mapping from metric names to what they choose");
    }
    std::set<std::string> seen;
    for (auto entry = metrics.begin(); entry != metrics.end(); ++entry) {
      metric_selector metric;
      metric.name = key_text(entry->first, "metrics");
      const std::string path = join_key("metrics", metric.name);
      metric.where = {file_, line_of(entry->first)};
      key_lines_[path] = metric.where.line;
      if (!seen.insert(metric.name).second) {
        fail(entry->first, path, fmt::format("duplicate metric '{}'", metric.name));
      }
      const YAML::Node body = entry->second;
      if (!body.IsMap()) {
        fail_value(body, path,
                   "expected a mapping with one of probe, probe_regex, benchmark, benchmark_regex");
      }
      check_keys(body, path, metric_keys);
      int choices = 0;
      for (const auto& [key, source, regex] :
           {std::tuple{"probe", metric_source::probe, false},
            std::tuple{"probe_regex", metric_source::probe, true},
            std::tuple{"benchmark", metric_source::benchmark, false},
            std::tuple{"benchmark_regex", metric_source::benchmark, true}}) {
        if (const YAML::Node value = body[key]; value) {
          ++choices;
          metric.source = source;
          metric.regex = regex;
          metric.pattern = name_value(value, join_key(path, key));
          if (regex) {
            check_regex(value, join_key(path, key), metric.pattern);
          }
        }
      }
      if (choices != 1) {
        fail(entry->first, path,
             choices == 0 ? "missing what it chooses: one of probe, probe_regex, benchmark, "
                            "benchmark_regex"
                          : "choose with only one of probe, probe_regex, benchmark, "
                            "benchmark_regex");
      }
      if (const YAML::Node field = body["field"]; field) {
        metric.field = name_value(field, join_key(path, "field"));
      } else if (metric.source == metric_source::benchmark) {
        metric.field = "real_time";
      }
      if (const YAML::Node value = body["unit"]; value) {
        metric.unit = trim(string_value(value, join_key(path, "unit")));
        if (metric.unit.empty()) {
          fail_value(value, join_key(path, "unit"), "expected a unit such as ns, us, ms, s or /s");
        }
      }
      spec.metrics.push_back(std::move(metric));
    }
  }

  void check_regex(const YAML::Node& value, const std::string& key,
                   const std::string& pattern) const {
    try {
      const std::regex compiled(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& problem) {
      fail_value(value, key,
                 fmt::format("invalid regular expression '{}': {}", pattern, problem.what()));
    }
  }

  void read_directions(const YAML::Node& directions, benchmark_spec& spec) {
    if (!directions.IsMap() || directions.size() == 0) {
      fail_value(directions, "directions",
                 "expected a mapping from metric names or globs ('*:hit_rate') to lower or higher");
    }
    std::set<std::string> seen;
    for (auto entry = directions.begin(); entry != directions.end(); ++entry) {
      direction_rule rule;
      rule.pattern = key_text(entry->first, "directions");
      const std::string path = join_key("directions", rule.pattern);
      rule.where = {file_, line_of(entry->first)};
      key_lines_[path] = rule.where.line;
      if (trim(rule.pattern).empty()) {
        fail(entry->first, path, "expected a metric name or a glob, found an empty string");
      }
      if (!seen.insert(rule.pattern).second) {
        fail(entry->first, path, fmt::format("duplicate pattern '{}'", rule.pattern));
      }
      rule.direction = read_better(entry->second, path);
      spec.directions.push_back(std::move(rule));
    }
  }

  better read_better(const YAML::Node& value, const std::string& key) const {
    const std::string text = string_value(value, key);
    if (text == "lower") {
      return better::lower;
    }
    if (text == "higher") {
      return better::higher;
    }
    fail_value(value, key, fmt::format("unknown direction '{}'; expected lower or higher", text));
  }

  void read_kpis(const YAML::Node& kpis, benchmark_spec& spec) {
    if (!kpis.IsMap() || kpis.size() == 0) {
      fail_value(kpis, "kpis", "expected a mapping from KPI names to their definitions");
    }
    std::set<std::string> seen;
    for (auto entry = kpis.begin(); entry != kpis.end(); ++entry) {
      kpi_spec kpi;
      kpi.name = key_text(entry->first, "kpis");
      const std::string path = join_key("kpis", kpi.name);
      kpi.where = {file_, line_of(entry->first)};
      key_lines_[path] = kpi.where.line;
      if (!seen.insert(kpi.name).second) {
        fail(entry->first, path, fmt::format("duplicate KPI '{}'", kpi.name));
      }
      const YAML::Node body = entry->second;
      if (!body.IsMap()) {
        fail_value(body, path,
                   "expected a mapping with one of metric, rate, interval, span, ratio");
      }
      check_keys(body, path, kpi_keys);
      read_kpi(body, path, spec, kpi);
      spec.kpis.push_back(std::move(kpi));
    }
  }

  // The spec metric named by `value`, which must exist.
  std::string metric_reference(const YAML::Node& value, const std::string& key,
                               const benchmark_spec& spec) const {
    std::string name = name_value(value, key);
    if (spec.find_metric(name) == nullptr) {
      std::vector<std::string> known;
      for (const metric_selector& metric : spec.metrics) {
        known.push_back(metric.name);
      }
      if (known.empty()) {
        fail_value(value, key,
                   fmt::format("unknown metric '{}': the spec defines no metrics; add it under "
                               "'metrics:' with a probe or benchmark name",
                               name));
      }
      std::string defined;
      for (const std::string& known_name : known) {
        defined += (defined.empty() ? "" : ", ") + known_name;
      }
      fail_value(value, key,
                 fmt::format("unknown metric '{}'{}; the spec defines {}", name,
                             detail::did_you_mean(name, known), defined));
    }
    return name;
  }

  void read_kpi(const YAML::Node& body, const std::string& path, const benchmark_spec& spec,
                kpi_spec& kpi) {
    int kinds = 0;
    if (const YAML::Node value = body["metric"]; value) {
      ++kinds;
      kpi.kind = kpi_kind::metric;
      kpi.metric = metric_reference(value, join_key(path, "metric"), spec);
    }
    if (const YAML::Node value = body["rate"]; value) {
      ++kinds;
      kpi.kind = kpi_kind::rate;
      kpi.event = name_value(value, join_key(path, "rate"));
    }
    if (const YAML::Node value = body["interval"]; value) {
      ++kinds;
      kpi.kind = kpi_kind::interval;
      kpi.event = name_value(value, join_key(path, "interval"));
    }
    if (const YAML::Node value = body["span"]; value) {
      ++kinds;
      kpi.kind = kpi_kind::span;
      const std::string key = join_key(path, "span");
      if (!value.IsMap()) {
        fail_value(value, key, "expected a mapping with from, to and key");
      }
      check_keys(value, key, span_keys);
      kpi.from_event = name_value(required(value, key, "from"), join_key(key, "from"));
      kpi.to_event = name_value(required(value, key, "to"), join_key(key, "to"));
      kpi.key = name_value(required(value, key, "key"), join_key(key, "key"));
    }
    if (const YAML::Node value = body["ratio"]; value) {
      ++kinds;
      kpi.kind = kpi_kind::ratio;
      const std::string key = join_key(path, "ratio");
      if (!value.IsMap()) {
        fail_value(value, key, "expected a mapping with numerator and denominator");
      }
      check_keys(value, key, ratio_keys);
      kpi.numerator =
          metric_reference(required(value, key, "numerator"), join_key(key, "numerator"), spec);
      kpi.denominator =
          metric_reference(required(value, key, "denominator"), join_key(key, "denominator"), spec);
    }
    if (kinds != 1) {
      fail(body, path,
           kinds == 0 ? "missing what it measures: one of metric, rate, interval, span, ratio"
                      : "a KPI measures one thing: give only one of metric, rate, interval, "
                        "span, ratio");
    }
    if (const YAML::Node value = body["field"]; value) {
      fail(value, join_key(path, "field"),
           "'field' belongs to a metric under 'metrics:', not to a KPI");
    }
    read_statistic(body, path, kpi);
    read_unit(body, path, kpi);
    if (const YAML::Node value = body["better"]; value) {
      kpi.direction = read_better(value, join_key(path, "better"));
    }
    if (const YAML::Node value = body["threshold"]; value) {
      kpi.threshold = read_threshold(value, join_key(path, "threshold"), kpi);
    }
    kpi.tolerance = default_tolerance_;
    if (const YAML::Node value = body["tolerance"]; value) {
      kpi.tolerance = read_tolerance(value, join_key(path, "tolerance"), &kpi);
    }
    kpi.test = default_test_;
    if (const YAML::Node value = body["test"]; value) {
      kpi.test = read_test(value, join_key(path, "test"));
    }
    kpi.alpha = default_alpha_;
    if (const YAML::Node value = body["alpha"]; value) {
      kpi.alpha = read_alpha(value, join_key(path, "alpha"));
    }
    kpi.min_samples = default_min_samples_;
    if (const YAML::Node value = body["min_samples"]; value) {
      kpi.min_samples = read_min_samples(value, join_key(path, "min_samples"));
    }
  }

  YAML::Node required(const YAML::Node& map, const std::string& path, const char* name) const {
    YAML::Node value = map[name];
    if (!value) {
      fail(map, join_key(path, name), fmt::format("missing key '{}'", name));
    }
    return value;
  }

  void read_statistic(const YAML::Node& body, const std::string& path, kpi_spec& kpi) const {
    const std::string key = join_key(path, "statistic");
    const YAML::Node value = body["statistic"];
    if (kpi.kind == kpi_kind::rate) {
      kpi.stat = statistic::rate;
      if (value && string_value(value, key) != "rate") {
        fail_value(value, key,
                   "a rate KPI reports events per unit of time; leave out 'statistic' or say "
                   "'rate'");
      }
      return;
    }
    if (!value) {
      return;
    }
    const std::string text = string_value(value, key);
    const std::optional<statistic> parsed = parse_statistic(text);
    if (!parsed) {
      fail_value(
          value, key,
          fmt::format("unknown statistic '{}'; expected one of {}", text, statistic_names()));
    }
    if (*parsed == statistic::rate && kpi.kind != kpi_kind::metric) {
      fail_value(value, key,
                 "'rate' is a statistic of a metric's records or a KPI of its own ('rate: "
                 "<event>'); intervals, spans and ratios have no rate");
    }
    kpi.stat = *parsed;
  }

  void read_unit(const YAML::Node& body, const std::string& path, kpi_spec& kpi) const {
    const YAML::Node value = body["unit"];
    if (!value) {
      return;
    }
    const std::string key = join_key(path, "unit");
    const std::string text = trim(string_value(value, key));
    if (text.empty()) {
      fail_value(value, key, "expected a unit such as ns, us, ms, s or /s");
    }
    const unit_spec parsed = parse_unit(text);
    if (kpi.stat == statistic::count || kpi.stat == statistic::cv || kpi.kind == kpi_kind::ratio) {
      fail_value(
          value, key,
          fmt::format(
              "a {} has no unit; leave out 'unit'",
              kpi.kind == kpi_kind::ratio ? "ratio" : fmt::format("'{}'", to_string(kpi.stat))));
    }
    const bool rate_like = kpi.kind == kpi_kind::rate || kpi.stat == statistic::rate;
    if (rate_like && parsed.dimension != unit_dimension::rate) {
      fail_value(value, key,
                 fmt::format("a rate is counted per unit of time: expected /s, /ms, /us, /ns or "
                             "/min, not '{}'",
                             text));
    }
    if ((kpi.kind == kpi_kind::interval || kpi.kind == kpi_kind::span) &&
        parsed.dimension != unit_dimension::time) {
      fail_value(value, key,
                 fmt::format("intervals and spans are durations: expected ns, us, ms or s, not "
                             "'{}'",
                             text));
    }
    kpi.value_unit = parsed;
  }

  // A threshold is a number in the KPI's unit, or a number with a unit of the same dimension,
  // which also gives the KPI its unit when it has none.
  double read_threshold(const YAML::Node& value, const std::string& key, kpi_spec& kpi) const {
    if (!value.IsScalar()) {
      fail_value(value, key, "expected a number, optionally with a unit: 500, '2 ms'");
    }
    const std::optional<quantity> read = parse_quantity(value.Scalar());
    if (!read || read->percent) {
      fail_value(value, key,
                 fmt::format("expected a number, optionally with a unit (500, '2 ms'), not '{}'",
                             value.Scalar()));
    }
    if (!std::isfinite(read->value)) {
      fail_value(value, key, "expected a finite number");
    }
    return in_kpi_unit(*read, value, key, kpi, true);
  }

  // Converts a quantity with an optional unit into the KPI's unit.
  double in_kpi_unit(const quantity& read, const YAML::Node& value, const std::string& key,
                     kpi_spec& kpi, bool may_set_unit) const {
    if (read.unit_name.empty()) {
      return read.value;
    }
    const unit_spec written = parse_unit(read.unit_name);
    if (!kpi.value_unit) {
      if (!may_set_unit) {
        fail_value(value, key,
                   fmt::format("the KPI has no unit to convert '{}' into; give the KPI a "
                               "'unit:' or write a plain number",
                               read.unit_name));
      }
      kpi.value_unit = written;
      return read.value;
    }
    if (written.dimension != kpi.value_unit->dimension ||
        (written.dimension == unit_dimension::other && written.name != kpi.value_unit->name)) {
      fail_value(value, key,
                 fmt::format("'{}' does not convert to the KPI's unit '{}'", read.unit_name,
                             kpi.value_unit->name));
    }
    return read.value * written.to_base / kpi.value_unit->to_base;
  }

  // A tolerance: "5%" (relative), a number in the KPI's unit, or a number with a unit.
  tolerance_spec read_tolerance(const YAML::Node& value, const std::string& key,
                                kpi_spec* kpi) const {
    const std::optional<quantity> read =
        value.IsScalar() ? parse_quantity(value.Scalar()) : std::nullopt;
    if (!read) {
      fail_value(value, key, "expected a percentage ('5%') or an amount ('2 us', 0.5)");
    }
    if (!std::isfinite(read->value) || read->value < 0) {
      fail_value(value, key, "a tolerance is a finite amount, zero or more");
    }
    if (read->percent) {
      return {true, read->value};
    }
    if (kpi == nullptr) {
      return {false, read->value};
    }
    return {false, in_kpi_unit(*read, value, key, *kpi, false)};
  }

  test_kind read_test(const YAML::Node& value, const std::string& key) const {
    const std::string text = string_value(value, key);
    if (const std::optional<test_kind> kind = test_kind_named(text)) {
      return *kind;
    }
    fail_value(
        value, key,
        fmt::format("unknown test '{}'; expected one of mann-whitney, welch, bootstrap", text));
  }

  double read_alpha(const YAML::Node& value, const std::string& key) const {
    const double alpha = number_value(value, key);
    if (!(alpha > 0.0 && alpha < 1.0)) {
      fail_value(value, key,
                 fmt::format("alpha is a significance level between 0 and 1, such "
                             "as 0.05, not {}",
                             value.Scalar()));
    }
    return alpha;
  }

  std::size_t read_min_samples(const YAML::Node& value, const std::string& key) const {
    const double count = number_value(value, key);
    if (count < 1 || count != std::floor(count) || count > 1e15) {
      fail_value(
          value, key,
          fmt::format("expected a whole number of samples, 1 or more, not {}", value.Scalar()));
    }
    return static_cast<std::size_t>(count);
  }

  std::string file_;
  std::map<std::string, std::size_t> key_lines_;
  std::optional<tolerance_spec> default_tolerance_;
  std::optional<test_kind> default_test_;
  std::optional<double> default_alpha_;
  std::size_t default_min_samples_ = 1;
};

}  // namespace

std::string_view to_string(statistic s) noexcept {
  for (const statistic_name& entry : statistic_table) {
    if (entry.value == s) {
      return entry.name;
    }
  }
  return "unknown";
}

std::optional<statistic> parse_statistic(std::string_view name) noexcept {
  for (const statistic_name& entry : statistic_table) {
    if (entry.name == name) {
      return entry.value;
    }
  }
  return std::nullopt;
}

std::string statistic_names() {
  std::string names;
  for (const statistic_name& entry : statistic_table) {
    names += (names.empty() ? "" : ", ") + std::string(entry.name);
  }
  return names;
}

std::string_view to_string(test_kind t) noexcept {
  switch (t) {
    case test_kind::mann_whitney: return "mann-whitney";
    case test_kind::welch: return "welch";
    case test_kind::bootstrap: return "bootstrap";
  }
  return "unknown";
}

std::optional<test_kind> test_kind_named(std::string_view name) noexcept {
  for (const test_kind kind : {test_kind::mann_whitney, test_kind::welch, test_kind::bootstrap}) {
    if (name == to_string(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

std::optional<double> parse_percentage(std::string_view text) {
  const std::optional<quantity> read = parse_quantity(text);
  constexpr double largest_percent = 1000;
  if (!read || !read->unit_name.empty() || !(read->value >= 0) || read->value > largest_percent) {
    return std::nullopt;
  }
  return read->value / 100.0;
}

unit_spec parse_unit(std::string_view name) {
  for (const unit_name& entry : unit_table) {
    if (entry.name == name) {
      return {std::string(name), entry.dimension, entry.to_base};
    }
  }
  return {std::string(name), unit_dimension::other, 1.0};
}

namespace {

/// Whether the glob `pattern` matches the whole of `text`: on a mismatch after a `*`, the star
/// takes one more character and matching resumes, which is linear for one star and at worst
/// the product of the lengths.
bool glob_matches(std::string_view pattern, std::string_view text) noexcept {
  constexpr std::size_t none = std::string_view::npos;
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = none;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != none) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

}  // namespace

std::optional<better> declared_direction(std::span<const direction_rule> rules,
                                         std::string_view metric_name) noexcept {
  for (const direction_rule& rule : rules) {
    if (glob_matches(rule.pattern, metric_name)) {
      return rule.direction;
    }
  }
  return std::nullopt;
}

const metric_selector* benchmark_spec::find_metric(std::string_view name) const noexcept {
  for (const metric_selector& metric : metrics) {
    if (metric.name == name) {
      return &metric;
    }
  }
  return nullptr;
}

benchmark_spec parse_spec(std::string_view yaml_text, const std::string& file) {
  return spec_reader(file).read(yaml_text);
}

benchmark_spec load_spec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error(fmt::format("{}: cannot open the spec: {}", path, std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw input_error(fmt::format("{}: cannot read the spec", path));
  }
  return parse_spec(text.str(), path);
}

}  // namespace metron::analysis
