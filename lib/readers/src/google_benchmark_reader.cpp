// Reading Google Benchmark's JSON output, every version since 1.0, into a dataset. simdjson parses
// (its library picks the fastest kernel for the CPU at run time); one walk takes what a dataset
// holds.
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include "json_input.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

using detail::string_end;

/// Longer strings (names, messages, keys) are refused: a benchmark name is a function and its
/// arguments, and a bound keeps a damaged file from costing many times its size in copies.
constexpr std::size_t max_text_bytes = std::size_t{64} << 10;

/// Row keys that are not user counters.
bool is_reserved(std::string_view key) {
  static const std::set<std::string_view> keys{"name",
                                               "family_index",
                                               "per_family_instance_index",
                                               "run_name",
                                               "run_type",
                                               "repetitions",
                                               "repetition_index",
                                               "threads",
                                               "iterations",
                                               "real_time",
                                               "cpu_time",
                                               "time_unit",
                                               "aggregate_name",
                                               "aggregate_unit",
                                               "error_occurred",
                                               "error_message",
                                               "skipped",
                                               "skip_message",
                                               "big_o",
                                               "cpu_coefficient",
                                               "real_coefficient",
                                               "rms",
                                               "label",
                                               "complexity_n",
                                               "manual_time"};
  return keys.contains(key);
}

/// The family and size of a run named "<family>/<n>" with a numeric last part.
std::pair<std::string, std::optional<double>> split_size(const std::string& run_name) {
  const auto slash = run_name.rfind('/');
  if (slash == std::string::npos || slash + 1 == run_name.size()) {
    return {{}, std::nullopt};
  }
  const std::string_view digits = std::string_view(run_name).substr(slash + 1);
  long long size = 0;
  const auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (problem != std::errc{} || end != digits.data() + digits.size()) {
    return {{}, std::nullopt};
  }
  return {run_name.substr(0, slash), static_cast<double>(size)};
}

/// A user counter's unit and direction.
struct counter_kind {
  std::string unit;  ///< "bytes/s", "1/s", or empty for a plain number
  better direction = better::unknown;
};

/// Whether `name` is `word` followed by `suffix`, or ends in "_" `word` `suffix`.
bool names_word(std::string_view name, std::string_view word, std::string_view suffix) {
  if (!name.ends_with(suffix)) {
    return false;
  }
  const std::string_view stem = name.substr(0, name.size() - suffix.size());
  return stem.ends_with(word) &&
         (stem.size() == word.size() || stem[stem.size() - word.size() - 1] == '_');
}

/// What a user counter's name says of its unit and direction. Google Benchmark's JSON states
/// neither: only its own rates (SetBytesProcessed, SetItemsProcessed) are known, and a name is
/// trusted only where it cannot mean anything else — a throughput is better higher, a latency
/// lower. A rate by name alone is not: "docs_per_sec" and "errors_per_second" improve in opposite
/// directions, and "GB/s" is no unit metron could convert. docs/compare.md lists these rules.
counter_kind kind_of_counter(std::string_view name) {
  if (name == "bytes_per_second") {
    return {"bytes/s", better::higher};
  }
  if (name == "items_per_second") {
    return {"1/s", better::higher};
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (names_word(lower, "throughput", "")) {
    return {"", better::higher};
  }
  for (const std::string_view time_unit : {"", "_ns", "_us", "_ms", "_s"}) {
    if (names_word(lower, "latency", time_unit)) {
      return {"", better::lower};
    }
  }
  return {"", better::unknown};
}

/// What one row says, decoded in one pass over its fields in whatever order they come.
struct row_fields {
  std::optional<std::string> name;
  std::optional<std::string> run_name;
  std::optional<std::string> run_type;
  std::optional<std::string> aggregate_name;
  std::optional<std::string> aggregate_unit;
  std::optional<std::string> time_unit;
  std::optional<std::string> big_o;
  std::optional<double> real_time;
  std::optional<double> cpu_time;
  std::optional<double> iterations;
  std::optional<double> repetitions;
  std::optional<double> threads;
  std::optional<double> real_coefficient;
  std::optional<double> cpu_coefficient;
  std::optional<double> rms;
  std::optional<double> complexity_n;
  std::optional<std::int64_t> repetition_index;
  bool error_occurred = false;
  bool skipped = false;
  std::string message;  ///< error_message or skip_message
  std::vector<std::pair<std::string, double>> counters;
};

/// The statistic an old file's aggregate row names by its suffix ("BM_x_mean" → "mean"), with
/// the run it summarises; empty when the name has none of Google Benchmark's suffixes.
std::pair<std::string, std::string> aggregate_by_suffix(const std::string& name) {
  for (const std::string_view statistic : {"mean", "median", "stddev", "cv", "BigO", "RMS"}) {
    const std::string suffix = fmt::format("_{}", statistic);
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      return {std::string(statistic), name.substr(0, name.size() - suffix.size())};
    }
  }
  return {};
}

/// The byte offset of benchmarks[`row`] in `text`, by a scan of its structure; the end of the
/// text when there is no such row. Only refusals need it, so it runs only for them.
std::size_t offset_of_row(std::string_view text, std::size_t row) {
  int depth = 0;
  bool in_benchmarks = false;
  std::size_t rows_started = 0;
  std::string_view last_key;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = string_end(text, i);
      if (depth == 1) {
        last_key = text.substr(i + 1, end - i - 2);
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      if (in_benchmarks && depth == 2) {
        if (rows_started == row) {
          return i;
        }
        ++rows_started;
      }
      if (c == '[' && depth == 1 && last_key == "benchmarks") {
        in_benchmarks = true;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth == 1) {
        in_benchmarks = false;
      }
    }
  }
  return text.size();
}

/// `text` with every NaN, Infinity and -Infinity outside strings (Google Benchmark writes them for
/// non-finite doubles, which JSON cannot spell) replaced by null; nullopt when there is none.
std::optional<std::string> without_non_finite_literals(std::string_view text) {
  std::string out;
  bool replaced = false;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      const std::size_t end = string_end(text, i);
      out += text.substr(i, end - i);
      i = end - 1;
      continue;
    }
    const std::string_view rest = text.substr(i);
    bool matched = false;
    for (const std::string_view literal : {"-Infinity", "Infinity", "-NaN", "NaN"}) {
      if (rest.starts_with(literal)) {
        out += "null";
        i += literal.size() - 1;
        matched = true;
        replaced = true;
        break;
      }
    }
    if (!matched) {
      out += text[i];
    }
  }
  if (!replaced) {
    return std::nullopt;
  }
  return out;
}

/// Where a key sits: the byte offset of occurrence `occurrence` (from 0) of the key `key` in an
/// object `depth` levels deep (1 is the top level, 2 the context), found by a scan of the text's
/// structure; 0 when there is none. Only refusals need it, so it runs only for them.
std::size_t offset_of_key(std::string_view text, std::string_view key, int depth,
                          std::size_t occurrence) {
  int level = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = string_end(text, i);
      const std::size_t colon = text.find_first_not_of(" \t\r\n", end);
      if (level == depth && colon != std::string_view::npos && text[colon] == ':' &&
          text.substr(i + 1, end - i - 2) == key && occurrence-- == 0) {
        return i;
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++level;
    } else if (c == '}' || c == ']') {
      --level;
    }
  }
  return 0;
}

/// The first string of `text` longer than `limit` bytes as written: its offset, its length, and
/// the key it is the value of (empty for a key or an array element); nullopt when there is none.
/// It runs before the parser, which would otherwise copy such a string several times over.
struct oversize_string {
  std::size_t offset = 0;
  std::size_t bytes = 0;
  std::string_view key;
};

std::optional<oversize_string> first_oversize_string(std::string_view text, std::size_t limit) {
  std::string_view last_key;
  for (std::size_t open = text.find('"'); open != std::string_view::npos;) {
    const std::size_t end = string_end(text, open);
    const std::size_t next = text.find_first_not_of(" \t\r\n", end);
    const bool is_key = next != std::string_view::npos && text[next] == ':';
    // A quote that ends the text opens a string of nothing.
    const std::size_t bytes = end - open < 2 ? 0 : end - open - 2;
    if (bytes > limit) {
      return oversize_string{open, bytes, is_key ? std::string_view{} : last_key};
    }
    last_key = is_key ? text.substr(open + 1, bytes) : std::string_view{};
    open = text.find('"', end);
  }
  return std::nullopt;
}

class reader {
 public:
  reader(std::string_view text, const std::string& file) : file_(file), text_(text) {}

  dataset read() {
    if (const auto oversize = first_oversize_string(text_, max_text_bytes)) {
      fail_at(oversize->offset,
              fmt::format(
                  "{}a string of {} bytes; at most {} are read",
                  oversize->key.empty() ? std::string() : fmt::format("'{}' is ", oversize->key),
                  oversize->bytes, max_text_bytes));
    }
    simdjson::padded_string padded(text_);
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (const auto error = parser.parse(padded).get(document); error != simdjson::SUCCESS) {
      std::optional<std::string> sanitized = without_non_finite_literals(text_);
      if (!sanitized) {
        refuse_syntax(error);
      }
      sanitized_ = std::move(*sanitized);
      text_ = sanitized_;
      padded = simdjson::padded_string(text_);
      if (const auto again = parser.parse(padded).get(document); again != simdjson::SUCCESS) {
        refuse_syntax(again);
      }
    }
    simdjson::dom::object top;
    if (document.get_object().get(top) != simdjson::SUCCESS) {
      fail_at(0, "the top level is not a JSON object; expected Google Benchmark's JSON output");
    }
    data_.metadata.sources.push_back(file_);
    bool has_benchmarks = false;
    std::vector<std::string_view> keys;
    for (const auto [key, value] : top) {
      refuse_duplicate(keys, key, "the top level", 1);
      if (key == "context") {
        read_context(value);
      } else if (key == "benchmarks") {
        has_benchmarks = true;
        read_benchmarks(value);
      }
    }
    if (!has_benchmarks) {
      fail_at(0,
              "the top level has no 'benchmarks' array; is this Google Benchmark's JSON output?");
    }
    for (std::size_t i = 0; i < data_.complexities.size(); ++i) {
      const reported_complexity& verdict = data_.complexities[i];
      if (verdict.big_o.empty()) {
        fail_at(complexity_offsets_[i],
                fmt::format("{}: an RMS row of family '{}' without its BigO row",
                            verdict.where.place, verdict.family));
      }
    }
    return std::move(data_);
  }

 private:
  /// "line 3 (byte 57)" of a position in the text.
  std::string location(std::size_t offset) const {
    const std::size_t bounded = std::min(offset, text_.size());
    const auto lines =
        std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(bounded), '\n');
    return fmt::format("line {} (byte {})", lines + 1, bounded);
  }

  [[noreturn]] void fail_at(std::size_t offset, const std::string& what) const {
    throw input_error(fmt::format("{}: {}: {}", file_, location(offset), what));
  }

  [[noreturn]] void fail_row(const std::string& what) const {
    fail_at(offset_of_row(text_, row_index_), fmt::format("{} {}", row_place_, what));
  }

  /// simdjson says only that the text is not JSON; the strict reader of the other inputs says
  /// where and why, so it reads the text again for the message.
  [[noreturn]] void refuse_syntax(simdjson::error_code error) const {
    if (const auto number = detail::first_out_of_range_number(text_)) {
      fail_at(number->first, fmt::format("the number {} is out of range for a double",
                                         number->second.substr(0, 80)));
    }
    (void)detail::parse_json(text_, file_, 0, true);
    fail_at(text_.size(), fmt::format("not valid JSON: {}", simdjson::error_message(error)));
  }

  /// Refuses a key of an object `depth` levels deep that `keys` already holds.
  void refuse_duplicate(std::vector<std::string_view>& keys, std::string_view key,
                        const std::string& place, int depth) const {
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      fail_at(offset_of_key(text_, key, depth, 1),
              fmt::format("duplicate key '{}' in {}", key, place));
    }
    keys.push_back(key);
  }

  /// A value's JSON text, for messages and for context facts that are not strings.
  static std::string json_text(simdjson::dom::element value) {
    std::string text = simdjson::to_string(value);
    if (text.size() > 80) {
      text.resize(80);
      text += "…";
    }
    return text;
  }

  std::string text_of(simdjson::dom::element value, std::string_view key) const {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      fail_row(fmt::format("'{}' is {}, not a string", key, json_text(value)));
    }
    return std::string(text);
  }

  double number_of(simdjson::dom::element value, std::string_view key) const {
    if (value.is_null() && !sanitized_.empty()) {
      fail_row(fmt::format("'{}' is NaN or Infinity; it must be a finite number", key));
    }
    double number = 0;
    if (!value.is_number() || value.get_double().get(number) != simdjson::SUCCESS) {
      fail_row(fmt::format("'{}' is {}, not a number", key, json_text(value)));
    }
    return number;
  }

  void read_context(simdjson::dom::element value) {
    simdjson::dom::object context;
    if (value.get_object().get(context) != simdjson::SUCCESS) {
      fail_at(offset_of_key(text_, "context", 1, 0), "context is not an object");
    }
    run_metadata& metadata = data_.metadata;
    std::string cpus;
    std::string mhz;
    std::vector<std::string_view> keys;
    for (const auto [key_view, fact] : context) {
      refuse_duplicate(keys, key_view, "context", 2);
      const std::string key(key_view);
      std::string_view string_fact;
      const std::string text = fact.get_string().get(string_fact) == simdjson::SUCCESS
                                   ? std::string(string_fact)
                                   : simdjson::to_string(fact);
      if (key == "json_schema_version" && text != "1") {
        fail_at(
            offset_of_key(text_, key, 2, 0),
            fmt::format("context.json_schema_version is {}; this reader reads version 1", text));
      }
      if (key == "host_name") {
        metadata.host = text;
      } else if (key == "date") {
        metadata.date = text;
      } else if (key == "build_type") {
        metadata.build_type = text;
      } else if (key == "git_commit" || key == "commit") {
        metadata.commit = text;
      } else {
        if (key == "num_cpus") {
          cpus = text;
        } else if (key == "mhz_per_cpu") {
          mhz = text;
        }
        metadata.extra[key] = text;
      }
    }
    if (metadata.build_type.empty()) {
      if (const auto library = metadata.extra.find("library_build_type");
          library != metadata.extra.end()) {
        metadata.build_type = library->second;
      }
    }
    if (!cpus.empty() && !mhz.empty()) {
      metadata.cpu = fmt::format("{} x {} MHz CPU", cpus, mhz);
    }
  }

  void read_benchmarks(simdjson::dom::element value) {
    simdjson::dom::array rows;
    if (value.get_array().get(rows) != simdjson::SUCCESS) {
      fail_at(offset_of_key(text_, "benchmarks", 1, 0), "benchmarks is not an array");
    }
    row_index_ = 0;
    for (const simdjson::dom::element row : rows) {
      row_place_ = fmt::format("benchmarks[{}]", row_index_);
      read_row(row);
      ++row_index_;
    }
  }

  void read_row(simdjson::dom::element value) {
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      fail_row("is not an object");
    }
    row_fields row;
    std::vector<std::string_view> keys;
    for (const auto [key, field] : object) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
        fail_row(
            fmt::format("has the key '{}' twice (duplicate key '{}' in {})", key, key, row_place_));
      }
      keys.push_back(key);
      read_field(row, key, field);
    }
    if (!row.name) {
      fail_row("has no 'name'");
    }
    row_place_ += fmt::format(" ('{}')", *row.name);
    std::string run_name = row.run_name.value_or(*row.name);
    if (row.error_occurred || row.skipped) {
      data_.failures.push_back(
          {std::move(run_name), !row.error_occurred, std::move(row.message), {file_, row_place_}});
      return;
    }
    if (row.run_type && *row.run_type != "iteration" && *row.run_type != "aggregate") {
      fail_row(fmt::format("has run_type '{}'; expected iteration or aggregate", *row.run_type));
    }
    // An aggregate names its statistic; before run_type (Google Benchmark 1.5) only its name's
    // suffix did. Every other row is one repetition of its run.
    std::string statistic = row.aggregate_name.value_or("");
    if (!statistic.empty() && !row.run_name && run_name.ends_with("_" + statistic)) {
      // Before run_name (Google Benchmark 1.5), an aggregate's row is named "<run>_<statistic>".
      run_name.resize(run_name.size() - statistic.size() - 1);
    }
    if (statistic.empty() && row.run_type != "iteration") {
      auto [suffix, summarised] = aggregate_by_suffix(*row.name);
      statistic = std::move(suffix);
      if (!statistic.empty() && !row.run_name) {
        run_name = std::move(summarised);
      }
    }
    // compare.py compares only rows with both times; others (its own synthetic inputs have
    // some) are counted, not read.
    if (statistic != "BigO" && statistic != "RMS" && !row.real_time && !row.cpu_time) {
      ++rows_without_times_;
      data_.metadata.extra["rows_without_times"] = std::to_string(rows_without_times_);
      return;
    }
    if (statistic.empty()) {
      read_iteration(row, run_name);
    } else {
      read_aggregate(row, run_name, statistic);
    }
  }

  void read_field(row_fields& row, std::string_view key, simdjson::dom::element value) {
    const auto text = [&] { return text_of(value, key); };
    const auto number = [&] { return number_of(value, key); };
    const auto count = [&] {
      const double found = number();
      if (found < 0) {
        fail_row(fmt::format("'{}' is {}; a count cannot be negative", key, found));
      }
      return found;
    };
    if (key == "name") {
      row.name = text();
    } else if (key == "run_name") {
      row.run_name = text();
    } else if (key == "run_type") {
      row.run_type = text();
    } else if (key == "aggregate_name") {
      row.aggregate_name = text();
    } else if (key == "aggregate_unit") {
      row.aggregate_unit = text();
    } else if (key == "time_unit") {
      row.time_unit = text();
    } else if (key == "big_o") {
      row.big_o = text();
    } else if (key == "real_time") {
      row.real_time = number();
    } else if (key == "cpu_time") {
      row.cpu_time = number();
    } else if (key == "iterations") {
      row.iterations = count();
    } else if (key == "repetitions") {
      row.repetitions = count();
    } else if (key == "threads") {
      row.threads = count();
    } else if (key == "real_coefficient") {
      row.real_coefficient = number();
    } else if (key == "cpu_coefficient") {
      row.cpu_coefficient = number();
    } else if (key == "rms") {
      row.rms = number();
    } else if (key == "complexity_n") {
      row.complexity_n = number();
    } else if (key == "repetition_index") {
      const double index = count();
      if (index != std::trunc(index) || index > 9.007199254740992e15) {
        fail_row(fmt::format("'repetition_index' is {}, not an integer", json_text(value)));
      }
      row.repetition_index = static_cast<std::int64_t>(index);
    } else if (key == "error_occurred" || key == "skipped") {
      bool flag = false;
      // Google Benchmark writes booleans; a "skipped" that is not one (a skip kind, say) still
      // means the run did not complete.
      if (value.get_bool().get(flag) != simdjson::SUCCESS) {
        flag = !value.is_null();
      }
      (key == "error_occurred" ? row.error_occurred : row.skipped) = flag;
    } else if (key == "error_message" || key == "skip_message") {
      row.message = text();
    } else if (!is_reserved(key) && value.is_number()) {
      row.counters.emplace_back(std::string(key), number());
    } else if (!is_reserved(key) && value.is_null() && !sanitized_.empty()) {
      // A counter Google Benchmark wrote as NaN or Infinity: no value of this repetition.
      ++non_finite_counters_;
      data_.metadata.extra["non_finite_counters"] = std::to_string(non_finite_counters_);
    }
  }

  double time_scale(const row_fields& row) const {
    // Before time_unit (Google Benchmark 1.0), every time was in ns.
    const std::string unit = row.time_unit.value_or("ns");
    if (unit == "ns") return 1.0;
    if (unit == "us") return 1e3;
    if (unit == "ms") return 1e6;
    if (unit == "s") return 1e9;
    fail_row(fmt::format("has time_unit '{}'; expected ns, us, ms or s", unit));
  }

  double required(const std::optional<double>& value, const char* key) const {
    if (!value) {
      fail_row(fmt::format("has no '{}'", key));
    }
    return *value;
  }

  /// A required time, which no repetition or statistic of one (mean, stddev, cv) makes negative.
  double non_negative(const std::optional<double>& value, const char* key) const {
    const double found = required(value, key);
    if (found < 0) {
      fail_row(fmt::format("has {} {}; a time cannot be negative", key, found));
    }
    return found;
  }

  double time(const row_fields& row, const std::optional<double>& value, const char* key) const {
    return non_negative(value, key) * time_scale(row);
  }

  /// The metric of this row and quantity, created on first use.
  metric& metric_for(const std::string& run_name, const std::string& quantity,
                     const std::string& unit, better direction, const std::string& family,
                     std::optional<double> n) {
    if (run_name != cached_run_) {
      cached_run_ = run_name;
      cached_metrics_.clear();
    }
    const auto cached =
        std::find_if(cached_metrics_.begin(), cached_metrics_.end(),
                     [&](const auto& entry) { return entry.first == quantity; });
    if (cached != cached_metrics_.end()) {
      metric& found = data_.metrics[cached->second];
      found.origins.push_back({file_, row_place_});
      return found;
    }
    std::string name = quantity == "real_time" ? run_name : run_name + ":" + quantity;
    auto [where, added] = metric_index_.try_emplace(std::move(name), data_.metrics.size());
    cached_metrics_.emplace_back(quantity, where->second);
    if (added) {
      metric created;
      created.name = where->first;
      created.entry = run_name;
      created.quantity = quantity;
      created.unit = unit;
      created.direction = direction;
      created.family = family;
      created.n = n;
      data_.metrics.push_back(std::move(created));
    }
    metric& found = data_.metrics[where->second];
    found.origins.push_back({file_, row_place_});
    return found;
  }

  void read_iteration(const row_fields& row, const std::string& run_name) {
    const double real_time = time(row, row.real_time, "real_time");
    const double cpu_time = time(row, row.cpu_time, "cpu_time");
    // Files before repetition_index (Google Benchmark 1.6) repeat the row; its place says which.
    std::int64_t& rows_of_run = rows_per_run_[run_name];
    const std::int64_t repetition = row.repetition_index.value_or(rows_of_run);
    ++rows_of_run;
    if (!repetitions_seen_.emplace(run_name, repetition).second) {
      fail_row(fmt::format("repeats run '{}' repetition {}: duplicate rows", run_name, repetition));
    }
    auto [family, n] = split_size(run_name);
    if (row.complexity_n) {
      n = row.complexity_n;
      if (family.empty()) {
        family = run_name;
      }
    }
    metric_for(run_name, "real_time", "ns", better::lower, family, n).values.push_back(real_time);
    metric_for(run_name, "cpu_time", "ns", better::lower, family, n).values.push_back(cpu_time);
    for (const auto& [key, value] : row.counters) {
      const counter_kind kind = kind_of_counter(key);
      metric_for(run_name, key, kind.unit, kind.direction, family, n).values.push_back(value);
    }
  }

  void read_aggregate(const row_fields& row, const std::string& run_name,
                      const std::string& statistic) {
    if (statistic == "BigO") {
      reported_complexity& verdict = complexity_for(run_name);
      if (!verdict.big_o.empty()) {
        fail_row(fmt::format("repeats the BigO row of family '{}'", run_name));
      }
      if (!row.big_o) {
        fail_row("has no 'big_o'");
      }
      verdict.big_o = *row.big_o;
      const double scale = time_scale(row);
      verdict.real_coefficient = required(row.real_coefficient, "real_coefficient") * scale;
      verdict.cpu_coefficient = required(row.cpu_coefficient, "cpu_coefficient") * scale;
      verdict.where = {file_, row_place_};
      return;
    }
    if (statistic == "RMS") {
      reported_complexity& verdict = complexity_for(run_name);
      if (!std::isnan(verdict.rms)) {
        fail_row(fmt::format("repeats the RMS row of family '{}'", run_name));
      }
      verdict.rms = required(row.rms, "rms");
      return;
    }
    if (!aggregates_seen_.emplace(run_name, statistic).second) {
      fail_row(fmt::format("repeats the {} of run '{}': duplicate rows", statistic, run_name));
    }
    const bool fraction = row.aggregate_unit.value_or("time") == "percentage";
    const double scale = fraction ? 1.0 : time_scale(row);
    const std::string time_unit = fraction ? "" : "ns";
    const auto repetitions = static_cast<std::size_t>(row.repetitions.value_or(0));
    const auto add = [&](std::string metric_name, double value, std::string unit,
                         std::string quantity, better direction) {
      data_.aggregates.push_back({std::move(metric_name),
                                  statistic,
                                  value,
                                  std::move(unit),
                                  std::move(quantity),
                                  direction,
                                  repetitions,
                                  {file_, row_place_}});
    };
    add(run_name, non_negative(row.real_time, "real_time") * scale, time_unit, "real_time",
        better::lower);
    add(run_name + ":cpu_time", non_negative(row.cpu_time, "cpu_time") * scale, time_unit,
        "cpu_time", better::lower);
    for (const auto& [key, value] : row.counters) {
      const counter_kind kind = kind_of_counter(key);
      add(run_name + ":" + key, value, fraction ? "" : kind.unit, key, kind.direction);
    }
  }

  reported_complexity& complexity_for(const std::string& family) {
    auto [where, added] = complexity_index_.emplace(family, data_.complexities.size());
    if (added) {
      reported_complexity created;
      created.family = family;
      created.rms = std::numeric_limits<double>::quiet_NaN();
      created.where = {file_, row_place_};
      data_.complexities.push_back(std::move(created));
      complexity_offsets_.push_back(offset_of_row(text_, row_index_));
    }
    return data_.complexities[where->second];
  }

  std::string file_;
  std::string_view text_;
  std::string sanitized_;  ///< the text with NaN and Infinity as null, when it had any
  std::size_t row_index_ = 0;
  std::string row_place_;
  dataset data_;
  std::map<std::string, std::size_t, std::less<>> metric_index_;
  /// The run metric_for() was last asked for and its metrics' indices by quantity: a run's rows
  /// come one after another, so most find their metrics here without a name built or searched.
  std::string cached_run_;
  std::vector<std::pair<std::string, std::size_t>> cached_metrics_;
  std::map<std::string, std::size_t, std::less<>> complexity_index_;
  std::vector<std::size_t> complexity_offsets_;  ///< where each of data_.complexities was first met
  std::set<std::pair<std::string, std::int64_t>> repetitions_seen_;
  std::map<std::string, std::int64_t, std::less<>> rows_per_run_;
  std::uint64_t rows_without_times_ = 0;
  std::uint64_t non_finite_counters_ = 0;
  std::set<std::pair<std::string, std::string>> aggregates_seen_;
};

}  // namespace

dataset parse_google_benchmark(std::string_view text, const std::string& file) {
  return reader(text, file).read();
}

dataset read_google_benchmark(const std::string& path) {
  return parse_google_benchmark(detail::read_text_file(path), path);
}

}  // namespace metron::analysis
