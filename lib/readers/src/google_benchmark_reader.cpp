// Reading Google Benchmark's JSON output, every version since 1.0, into a dataset. simdjson parses
// (its library picks the fastest kernel for the CPU at run time) on demand: one walk of the
// document takes what a dataset holds, and nothing is built that it does not keep.
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
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

using detail::string_end;

/// Longer strings (names, messages, keys) are refused: a benchmark name is a function and its
/// arguments, and a bound keeps a damaged file from costing many times its size in copies.
constexpr std::size_t max_text_bytes = std::size_t{64} << 10;

/// A row's keys that are not user counters, each a bit of row_fields::seen.
enum class field : std::uint8_t {
  aggregate_name,
  aggregate_unit,
  big_o,
  complexity_n,
  cpu_coefficient,
  cpu_time,
  error_message,
  error_occurred,
  family_index,
  iterations,
  label,
  manual_time,
  name,
  per_family_instance_index,
  real_coefficient,
  real_time,
  repetition_index,
  repetitions,
  rms,
  run_name,
  run_type,
  skip_message,
  skipped,
  threads,
  time_unit,
  counter,  ///< any other key: a user counter when its value is a number
};

/// The field a row's key names: the reserved keys of the key's length are the only candidates.
field field_of(std::string_view key) {
  const auto either = [&](std::initializer_list<std::pair<std::string_view, field>> candidates) {
    for (const auto& [name, which] : candidates) {
      if (key == name) {
        return which;
      }
    }
    return field::counter;
  };
  switch (key.size()) {
    case 3: return either({{"rms", field::rms}});
    case 4: return either({{"name", field::name}});
    case 5: return either({{"label", field::label}, {"big_o", field::big_o}});
    case 7: return either({{"threads", field::threads}, {"skipped", field::skipped}});
    case 8:
      return either(
          {{"cpu_time", field::cpu_time}, {"run_name", field::run_name}, {"run_type", field::run_type}});
    case 9: return either({{"real_time", field::real_time}, {"time_unit", field::time_unit}});
    case 10: return either({{"iterations", field::iterations}});
    case 11:
      return either({{"repetitions", field::repetitions}, {"manual_time", field::manual_time}});
    case 12:
      return either({{"family_index", field::family_index},
                     {"complexity_n", field::complexity_n},
                     {"skip_message", field::skip_message}});
    case 13: return either({{"error_message", field::error_message}});
    case 14:
      return either({{"aggregate_name", field::aggregate_name},
                     {"aggregate_unit", field::aggregate_unit},
                     {"error_occurred", field::error_occurred}});
    case 15: return either({{"cpu_coefficient", field::cpu_coefficient}});
    case 16:
      return either(
          {{"repetition_index", field::repetition_index}, {"real_coefficient", field::real_coefficient}});
    case 25: return either({{"per_family_instance_index", field::per_family_instance_index}});
    default: return field::counter;
  }
}

/// The family and size of a run named "<family>/<n>" with a numeric last part.
std::pair<std::string, std::optional<double>> split_size(std::string_view run_name) {
  const auto slash = run_name.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == run_name.size()) {
    return {{}, std::nullopt};
  }
  const std::string_view digits = run_name.substr(slash + 1);
  long long size = 0;
  const auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (problem != std::errc{} || end != digits.data() + digits.size()) {
    return {{}, std::nullopt};
  }
  return {std::string(run_name.substr(0, slash)), static_cast<double>(size)};
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

/// What one row says, decoded in one pass over its fields in whatever order they come. Its text
/// points into the document or the parser's buffer, which outlive the row.
struct row_fields {
  std::optional<std::string_view> name;
  std::optional<std::string_view> run_name;
  std::optional<std::string_view> run_type;
  std::optional<std::string_view> aggregate_name;
  std::optional<std::string_view> aggregate_unit;
  std::optional<std::string_view> time_unit;
  std::optional<std::string_view> big_o;
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
  std::string_view message;  ///< error_message or skip_message
  std::uint32_t seen = 0;    ///< the reserved fields met, a bit each
  std::vector<std::pair<std::string_view, double>> counters;
  std::vector<std::string_view> other_keys;  ///< keys of counters and of what is not read

  /// Forgets everything for the next row, keeping the lists' memory.
  void reset() {
    std::vector<std::pair<std::string_view, double>> kept_counters = std::move(counters);
    std::vector<std::string_view> kept_keys = std::move(other_keys);
    *this = row_fields{};
    kept_counters.clear();
    kept_keys.clear();
    counters = std::move(kept_counters);
    other_keys = std::move(kept_keys);
  }
};

/// The statistic an old file's aggregate row names by its suffix ("BM_x_mean" → "mean"), with
/// the run it summarises; empty when the name has none of Google Benchmark's suffixes.
std::pair<std::string_view, std::string_view> aggregate_by_suffix(std::string_view name) {
  for (const std::string_view statistic : {"mean", "median", "stddev", "cv", "BigO", "RMS"}) {
    if (name.size() > statistic.size() + 1 && name.ends_with(statistic) &&
        name[name.size() - statistic.size() - 1] == '_') {
      return {statistic, name.substr(0, name.size() - statistic.size() - 1)};
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

/// A simdjson error met while walking the document: the text is not (Google Benchmark's) JSON.
struct syntax_failure {
  simdjson::error_code error;
};

/// The value of `result`; throws syntax_failure for an error.
template <class T>
T take(simdjson::simdjson_result<T>&& result) {
  T value{};
  if (const simdjson::error_code error = std::move(result).get(value)) {
    throw syntax_failure{error};
  }
  return value;
}

/// A string as written between its quotes, escapes and all, from the byte after its opening quote.
std::string_view as_written(const char* content) {
  // The document's strings are closed (simdjson checked), so the search ends within it.
  const char* end = content;
  while (*end != '"') {
    end += *end == '\\' ? 2 : 1;
  }
  return {content, static_cast<std::size_t>(end - content)};
}

/// A string as written between its quotes, when it holds no escape; nullopt when it does.
std::optional<std::string_view> unescaped_as_written(const char* content) {
  const std::string_view written = as_written(content);
  if (written.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  return written;
}

class reader {
 public:
  /// `text` lies in a buffer of `capacity` bytes, at least simdjson::SIMDJSON_PADDING more than
  /// the text; `sanitized` says that NaN and Infinity were replaced by null in it.
  reader(std::string_view text, std::size_t capacity, const std::string& file, bool sanitized)
      : file_(file), text_(text), capacity_(capacity), sanitized_(sanitized) {}

  dataset read() {
    try {
      walk();
    } catch (const syntax_failure& failure) {
      if (!sanitized_) {
        if (const std::optional<std::string> sanitized = without_non_finite_literals(text_)) {
          std::string padded = std::move(*sanitized);
          const std::size_t size = padded.size();
          padded.resize(size + simdjson::SIMDJSON_PADDING);
          return reader(std::string_view(padded).substr(0, size), padded.size(), file_, true)
              .read();
        }
      }
      refuse_syntax(failure.error);
    }
    return std::move(data_);
  }

 private:
  void walk() {
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document document =
        take(parser.iterate(text_.data(), text_.size(), capacity_));
    if (take(document.type()) != simdjson::ondemand::json_type::object) {
      // Not JSON at all is said as such; JSON of another shape is said so.
      read_whole(take(document.get_value()), nullptr);
      fail_at(0, "the top level is not a JSON object; expected Google Benchmark's JSON output");
    }
    simdjson::ondemand::object top = take(document.get_object());
    data_.metadata.sources.push_back(file_);
    bool has_benchmarks = false;
    std::vector<std::string_view> keys;
    for (auto member : top) {
      simdjson::ondemand::field entry = take(std::move(member));
      const std::string_view key = key_of(entry);
      refuse_duplicate(keys, key, "the top level", 1);
      if (key == "context") {
        read_context(entry.value());
      } else if (key == "benchmarks") {
        has_benchmarks = true;
        read_benchmarks(entry.value());
      } else {
        read_whole(entry.value(), nullptr);
      }
    }
    // Past the top level's end the document has no current location: anything else is more.
    if (const char* more = nullptr; document.current_location().get(more) == simdjson::SUCCESS) {
      throw syntax_failure{simdjson::TRAILING_CONTENT};
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
  }

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

  /// "benchmarks[4]", and the row's name once it is known: "benchmarks[4] ('BM_sort/8')".
  std::string row_place() const {
    return row_name_ ? fmt::format("benchmarks[{}] ('{}')", row_index_, *row_name_)
                     : fmt::format("benchmarks[{}]", row_index_);
  }

  origin row_origin() const { return {file_, row_place()}; }

  [[noreturn]] void fail_row(const std::string& what) const {
    fail_at(offset_of_row(text_, row_index_), fmt::format("{} {}", row_place(), what));
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

  /// Refuses a string longer than max_text_bytes as written, whose opening quote is at `quote`:
  /// a benchmark name is a function and its arguments, and the bound keeps a damaged file from
  /// costing many times its size in copies and messages. `key` names the member it is the value
  /// of; empty for a key or an array element.
  void bound_string(const char* quote, std::string_view key) const {
    const std::size_t bytes = as_written(quote + 1).size();
    if (bytes > max_text_bytes) {
      fail_at(static_cast<std::size_t>(quote - text_.data()),
              fmt::format("{}a string of {} bytes; at most {} are read",
                          key.empty() ? std::string() : fmt::format("'{}' is ", key), bytes,
                          max_text_bytes));
    }
  }

  /// A member's key; as written when it holds no escape, which is every key Google Benchmark
  /// writes, so that nothing is copied.
  std::string_view key_of(simdjson::ondemand::field& entry) const {
    bound_string(entry.key().raw() - 1, {});
    if (const auto plain = unescaped_as_written(entry.key().raw())) {
      return *plain;
    }
    return take(entry.unescaped_key());
  }

  /// Reads a value whole, appending it to `out` without the spaces between its tokens (strings and
  /// numbers as written) when `out` is given. On demand, simdjson checks only what is read, so
  /// every value this reader does not keep goes through here: a malformed one ("fast", "1.2.3",
  /// "[1 2]") is refused as the syntax error it is rather than passed over.
  /// `key` names the member the value is of (empty for an array element or the top level).
  void read_whole(simdjson::ondemand::value value, std::string* out, std::string_view key = {}) const {
    const auto append = [&](std::string_view text) {
      if (out != nullptr) {
        *out += text;
      }
    };
    switch (take(value.type())) {
      case simdjson::ondemand::json_type::object: {
        append("{");
        bool first = true;
        for (auto member : take(value.get_object())) {
          simdjson::ondemand::field entry = take(std::move(member));
          append(first ? "\"" : ",\"");
          first = false;
          bound_string(entry.key().raw() - 1, {});
          const std::string_view member_key = as_written(entry.key().raw());
          if (member_key.find('\\') != std::string_view::npos) {
            (void)take(entry.unescaped_key());
          }
          append(member_key);
          append("\":");
          read_whole(entry.value(), out, member_key);
        }
        append("}");
        return;
      }
      case simdjson::ondemand::json_type::array: {
        append("[");
        bool first = true;
        for (auto element : take(value.get_array())) {
          append(first ? "" : ",");
          first = false;
          read_whole(take(std::move(element)), out);
        }
        append("]");
        return;
      }
      case simdjson::ondemand::json_type::number: (void)take(value.get_double()); break;
      case simdjson::ondemand::json_type::boolean: (void)take(value.get_bool()); break;
      case simdjson::ondemand::json_type::null:
        if (!take(value.is_null())) {
          throw syntax_failure{simdjson::N_ATOM_ERROR};
        }
        break;
      case simdjson::ondemand::json_type::string:
        bound_string(value.raw_json_token().data(), key);
        (void)take(value.get_string());
        break;
    }
    append(token_of(value));
  }

  /// A scalar's text as written, without the spaces that follow it.
  static std::string_view token_of(simdjson::ondemand::value& value) {
    std::string_view raw = value.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' ||
                            raw.back() == '\r')) {
      raw.remove_suffix(1);
    }
    return raw;
  }

  /// A value's JSON text, for messages and for context facts that are not strings.
  std::string json_text(simdjson::ondemand::value value) const {
    std::string text;
    read_whole(value, &text);
    return text;
  }

  /// A message's rendering of a value: its JSON text, cut after 80 bytes.
  std::string shown(simdjson::ondemand::value value) const {
    std::string text = json_text(value);
    if (text.size() > 80) {
      text.resize(80);
      text += "…";
    }
    return text;
  }

  /// A string value; as written when it holds no escape, so that nothing is copied.
  std::string_view text_of(simdjson::ondemand::value value, std::string_view key) const {
    if (take(value.type()) != simdjson::ondemand::json_type::string) {
      fail_row(fmt::format("'{}' is {}, not a string", key, shown(value)));
    }
    const char* const quote = value.raw_json_token().data();
    bound_string(quote, key);
    if (const auto plain = unescaped_as_written(quote + 1)) {
      return *plain;
    }
    return take(value.get_string());
  }

  double number_of(simdjson::ondemand::value value, std::string_view key) const {
    const simdjson::ondemand::json_type type = take(value.type());
    if (type == simdjson::ondemand::json_type::null && sanitized_) {
      fail_row(fmt::format("'{}' is NaN or Infinity; it must be a finite number", key));
    }
    if (type != simdjson::ondemand::json_type::number) {
      fail_row(fmt::format("'{}' is {}, not a number", key, shown(value)));
    }
    return take(value.get_double());
  }

  void read_context(simdjson::ondemand::value value) {
    if (take(value.type()) != simdjson::ondemand::json_type::object) {
      fail_at(offset_of_key(text_, "context", 1, 0), "context is not an object");
    }
    simdjson::ondemand::object context = take(value.get_object());
    run_metadata& metadata = data_.metadata;
    std::string cpus;
    std::string mhz;
    std::vector<std::string_view> keys;
    for (auto member : context) {
      simdjson::ondemand::field entry = take(std::move(member));
      const std::string_view key = key_of(entry);
      refuse_duplicate(keys, key, "context", 2);
      simdjson::ondemand::value fact = entry.value();
      const bool is_string = take(fact.type()) == simdjson::ondemand::json_type::string;
      if (is_string) {
        bound_string(fact.raw_json_token().data(), key);
      }
      const std::string text = is_string ? std::string(take(fact.get_string())) : json_text(fact);
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
        metadata.extra[std::string(key)] = text;
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

  void read_benchmarks(simdjson::ondemand::value value) {
    if (take(value.type()) != simdjson::ondemand::json_type::array) {
      fail_at(offset_of_key(text_, "benchmarks", 1, 0), "benchmarks is not an array");
    }
    simdjson::ondemand::array rows = take(value.get_array());
    row_index_ = 0;
    row_fields row;
    for (auto element : rows) {
      row_name_.reset();
      row.reset();
      read_row(take(std::move(element)), row);
      ++row_index_;
    }
    row_name_.reset();
  }

  void read_row(simdjson::ondemand::value value, row_fields& row) {
    if (take(value.type()) != simdjson::ondemand::json_type::object) {
      fail_row("is not an object");
    }
    simdjson::ondemand::object object = take(value.get_object());
    for (auto member : object) {
      simdjson::ondemand::field entry = take(std::move(member));
      const std::string_view key = key_of(entry);
      const field which = field_of(key);
      bool repeated = false;
      if (which == field::counter) {
        repeated = std::find(row.other_keys.begin(), row.other_keys.end(), key) !=
                   row.other_keys.end();
        row.other_keys.push_back(key);
      } else {
        const std::uint32_t bit = std::uint32_t{1} << static_cast<unsigned>(which);
        repeated = (row.seen & bit) != 0;
        row.seen |= bit;
      }
      if (repeated) {
        fail_row(fmt::format("has the key '{}' twice (duplicate key '{}' in {})", key, key,
                             row_place()));
      }
      read_field(row, which, key, entry.value());
    }
    if (!row.name) {
      fail_row("has no 'name'");
    }
    row_name_ = *row.name;
    std::string_view run_name = row.run_name.value_or(*row.name);
    if (row.error_occurred || row.skipped) {
      data_.failures.push_back(
          {std::string(run_name), !row.error_occurred, std::string(row.message), row_origin()});
      return;
    }
    if (row.run_type && *row.run_type != "iteration" && *row.run_type != "aggregate") {
      fail_row(fmt::format("has run_type '{}'; expected iteration or aggregate", *row.run_type));
    }
    // An aggregate names its statistic; before run_type (Google Benchmark 1.5) only its name's
    // suffix did. Every other row is one repetition of its run.
    std::string_view statistic = row.aggregate_name.value_or("");
    if (!statistic.empty() && !row.run_name && run_name.size() > statistic.size() &&
        run_name.ends_with(statistic) && run_name[run_name.size() - statistic.size() - 1] == '_') {
      // Before run_name (Google Benchmark 1.5), an aggregate's row is named "<run>_<statistic>".
      run_name.remove_suffix(statistic.size() + 1);
    }
    if (statistic.empty() && row.run_type != "iteration") {
      const auto [suffix, summarised] = aggregate_by_suffix(*row.name);
      statistic = suffix;
      if (!statistic.empty() && !row.run_name) {
        run_name = summarised;
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

  void read_field(row_fields& row, field which, std::string_view key,
                  simdjson::ondemand::value value) {
    const auto text = [&] { return text_of(value, key); };
    const auto number = [&] { return number_of(value, key); };
    const auto count = [&] {
      const double found = number();
      if (found < 0) {
        fail_row(fmt::format("'{}' is {}; a count cannot be negative", key, found));
      }
      return found;
    };
    switch (which) {
      case field::name: row.name = text(); break;
      case field::run_name: row.run_name = text(); break;
      case field::run_type: row.run_type = text(); break;
      case field::aggregate_name: row.aggregate_name = text(); break;
      case field::aggregate_unit: row.aggregate_unit = text(); break;
      case field::time_unit: row.time_unit = text(); break;
      case field::big_o: row.big_o = text(); break;
      case field::real_time: row.real_time = number(); break;
      case field::cpu_time: row.cpu_time = number(); break;
      case field::iterations: row.iterations = count(); break;
      case field::repetitions: row.repetitions = count(); break;
      case field::threads: row.threads = count(); break;
      case field::real_coefficient: row.real_coefficient = number(); break;
      case field::cpu_coefficient: row.cpu_coefficient = number(); break;
      case field::rms: row.rms = number(); break;
      case field::complexity_n: row.complexity_n = number(); break;
      case field::repetition_index: {
        const double index = count();
        if (index != std::trunc(index) || index > 9.007199254740992e15) {
          fail_row(fmt::format("'repetition_index' is {}, not an integer", token_of(value)));
        }
        row.repetition_index = static_cast<std::int64_t>(index);
        break;
      }
      case field::error_occurred:
      case field::skipped: {
        // Google Benchmark writes booleans; a "skipped" that is not one (a skip kind, say) still
        // means the run did not complete.
        const simdjson::ondemand::json_type type = take(value.type());
        bool flag = true;
        if (type == simdjson::ondemand::json_type::boolean) {
          flag = take(value.get_bool());
        } else {
          flag = type != simdjson::ondemand::json_type::null;
          read_whole(value, nullptr);
        }
        (which == field::error_occurred ? row.error_occurred : row.skipped) = flag;
        break;
      }
      case field::error_message:
      case field::skip_message: row.message = text(); break;
      case field::family_index:
      case field::per_family_instance_index:
      case field::label:
      case field::manual_time: read_whole(value, nullptr); break;
      case field::counter: {
        const simdjson::ondemand::json_type type = take(value.type());
        if (type == simdjson::ondemand::json_type::number) {
          row.counters.emplace_back(key, take(value.get_double()));
        } else {
          read_whole(value, nullptr);
          if (type == simdjson::ondemand::json_type::null && sanitized_) {
            // A counter Google Benchmark wrote as NaN or Infinity: no value of this repetition.
            ++non_finite_counters_;
            data_.metadata.extra["non_finite_counters"] = std::to_string(non_finite_counters_);
          }
        }
        break;
      }
    }
  }

  double time_scale(const row_fields& row) const {
    // Before time_unit (Google Benchmark 1.0), every time was in ns.
    const std::string_view unit = row.time_unit.value_or("ns");
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

  /// The metric of this row's run (the current run, which read_iteration() keeps) and `quantity`,
  /// created on first use, with its origin, its family and size, and a counter's unit and
  /// direction worked out only then.
  metric& metric_for(std::string_view run_name, std::string_view quantity, const row_fields& row) {
    const auto cached =
        std::find_if(current_metrics_.begin(), current_metrics_.end(),
                     [&](const auto& entry) { return entry.first == quantity; });
    if (cached != current_metrics_.end()) {
      return data_.metrics[cached->second];
    }
    std::string name(run_name);
    if (quantity != "real_time") {
      name += ':';
      name += quantity;
    }
    auto [where, added] = metric_index_.try_emplace(std::move(name), data_.metrics.size());
    current_metrics_.emplace_back(std::string(quantity), where->second);
    if (added) {
      metric created;
      created.name = where->first;
      created.entry = run_name;
      created.quantity = quantity;
      if (quantity == "real_time" || quantity == "cpu_time") {
        created.unit = "ns";
        created.direction = better::lower;
      } else {
        counter_kind kind = kind_of_counter(quantity);
        created.unit = std::move(kind.unit);
        created.direction = kind.direction;
      }
      auto [family, n] = split_size(run_name);
      if (row.complexity_n) {
        n = row.complexity_n;
        if (family.empty()) {
          family = run_name;
        }
      }
      created.family = std::move(family);
      created.n = n;
      created.origins.push_back(row_origin());
      data_.metrics.push_back(std::move(created));
    }
    return data_.metrics[where->second];
  }

  void read_iteration(const row_fields& row, std::string_view run_name) {
    const double real_time = time(row, row.real_time, "real_time");
    const double cpu_time = time(row, row.cpu_time, "cpu_time");
    // Files before repetition_index (Google Benchmark 1.6) repeat the row; its place says which.
    if (current_run_ == nullptr || run_name != current_run_name_) {
      current_run_name_ = run_name;
      current_run_ = &runs_[current_run_name_];
      current_metrics_.clear();
    }
    const std::int64_t repetition = row.repetition_index.value_or(current_run_->rows);
    ++current_run_->rows;
    if (!current_run_->repetitions.insert(repetition).second) {
      fail_row(fmt::format("repeats run '{}' repetition {}: duplicate rows", run_name, repetition));
    }
    metric_for(run_name, "real_time", row).values.push_back(real_time);
    metric_for(run_name, "cpu_time", row).values.push_back(cpu_time);
    for (const auto& [key, value] : row.counters) {
      metric_for(run_name, key, row).values.push_back(value);
    }
  }

  void read_aggregate(const row_fields& row, std::string_view run_name,
                      std::string_view statistic) {
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
      verdict.where = row_origin();
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
    if (!aggregates_seen_.emplace(std::string(run_name), std::string(statistic)).second) {
      fail_row(fmt::format("repeats the {} of run '{}': duplicate rows", statistic, run_name));
    }
    const bool fraction = row.aggregate_unit.value_or("time") == "percentage";
    const double scale = fraction ? 1.0 : time_scale(row);
    const std::string time_unit = fraction ? "" : "ns";
    const auto repetitions = static_cast<std::size_t>(row.repetitions.value_or(0));
    const origin where = row_origin();
    const auto add = [&](std::string metric_name, double value, std::string unit,
                         std::string_view quantity, better direction) {
      data_.aggregates.push_back({std::move(metric_name), std::string(statistic), value,
                                  std::move(unit), std::string(quantity), direction, repetitions,
                                  where});
    };
    const std::string run(run_name);
    add(run, non_negative(row.real_time, "real_time") * scale, time_unit, "real_time",
        better::lower);
    add(run + ":cpu_time", non_negative(row.cpu_time, "cpu_time") * scale, time_unit,
        "cpu_time", better::lower);
    for (const auto& [key, value] : row.counters) {
      counter_kind kind = kind_of_counter(key);
      add(fmt::format("{}:{}", run, key), value, fraction ? "" : std::move(kind.unit), key,
          kind.direction);
    }
  }

  reported_complexity& complexity_for(std::string_view family) {
    auto [where, added] = complexity_index_.try_emplace(std::string(family), data_.complexities.size());
    if (added) {
      reported_complexity created;
      created.family = family;
      created.rms = std::numeric_limits<double>::quiet_NaN();
      created.where = row_origin();
      data_.complexities.push_back(std::move(created));
      complexity_offsets_.push_back(offset_of_row(text_, row_index_));
    }
    return data_.complexities[where->second];
  }

  /// The rows of one run met so far and the repetitions they were.
  struct run_rows {
    std::int64_t rows = 0;
    std::set<std::int64_t> repetitions;
  };

  std::string file_;
  std::string_view text_;
  std::size_t capacity_ = 0;
  bool sanitized_ = false;  ///< the text has NaN and Infinity as null
  std::size_t row_index_ = 0;
  std::optional<std::string_view> row_name_;  ///< the name of the row being read, once known
  dataset data_;
  std::map<std::string, std::size_t, std::less<>> metric_index_;
  std::unordered_map<std::string, run_rows> runs_;
  /// The run of the last iteration row, its entry of runs_ (whose nodes do not move) and its
  /// metrics' indices by quantity: a run's rows come one after another, so most find their
  /// metrics here without a name built or searched.
  std::string current_run_name_;
  run_rows* current_run_ = nullptr;
  std::vector<std::pair<std::string, std::size_t>> current_metrics_;
  std::map<std::string, std::size_t, std::less<>> complexity_index_;
  std::vector<std::size_t> complexity_offsets_;  ///< where each of data_.complexities was first met
  std::uint64_t rows_without_times_ = 0;
  std::uint64_t non_finite_counters_ = 0;
  std::set<std::pair<std::string, std::string>> aggregates_seen_;
};

}  // namespace

dataset parse_google_benchmark(std::string_view text, const std::string& file) {
  std::string padded(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  return reader(std::string_view(padded).substr(0, text.size()), padded.size(), file, false)
      .read();
}

dataset read_google_benchmark(const std::string& path) {
  const detail::padded_text file(path, simdjson::SIMDJSON_PADDING);
  return reader(file.text(), file.capacity(), path, false).read();
}

}  // namespace metron::analysis
