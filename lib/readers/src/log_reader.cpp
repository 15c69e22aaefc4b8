// Reading metron's JSON-lines logs into events.
#include "json_input.hpp"

#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

namespace metron::analysis {

namespace {

using json = nlohmann::json;

/// Reads `count` digits at `at` of `text`, or nothing.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (const char digit : text.substr(at, count)) {
    if (digit < '0' || digit > '9') {
      return std::nullopt;
    }
    value = value * 10 + (digit - '0');
  }
  return value;
}

/// Years whose every instant fits a signed 64-bit count of ns since the Unix epoch.
constexpr int first_year = 1678;
constexpr int last_year = 2261;

/// ns since the Unix epoch of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)", or nothing.
std::optional<std::int64_t> parse_utc(std::string_view text) {
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' || *hour > 23 ||
      *minute > 59 || *second > 60 || *year < first_year || *year > last_year) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t fraction_ns = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::int64_t scale = 100'000'000;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction_ns += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == start || at - start > 9) {
      return std::nullopt;
    }
  }
  const std::string_view zone = text.substr(at);
  if (zone != "Z" && zone != "+00:00") {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds = static_cast<std::int64_t>(days) * 86400 +
                               std::int64_t{*hour} * 3600 + std::int64_t{*minute} * 60 + *second;
  return seconds * 1'000'000'000 + fraction_ns;
}

void flatten(const json& object, const std::string& prefix,
             std::map<std::string, std::string, std::less<>>& fields) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix.empty() ? key : fmt::format("{}.{}", prefix, key);
    if (value.is_object()) {
      flatten(value, name, fields);
    } else if (value.is_string()) {
      fields[name] = value.get<std::string>();
    } else {
      fields[name] = value.dump();
    }
  }
}

/// The value at dotted `path` in `object`, or nullptr.
const json* find_path(const json& object, std::string_view path) {
  const json* current = &object;
  while (true) {
    const auto dot = path.find('.');
    const std::string part(path.substr(0, dot));
    if (!current->is_object()) {
      return nullptr;
    }
    const auto found = current->find(part);
    if (found == current->end()) {
      return nullptr;
    }
    current = &*found;
    if (dot == std::string_view::npos) {
      return current;
    }
    path.remove_prefix(dot + 1);
  }
}

std::string required_text(const json& record, const char* key, const std::string& where) {
  const auto found = record.find(key);
  if (found == record.end()) {
    throw input_error(fmt::format("{}: the record has no '{}'", where, key));
  }
  if (!found->is_string()) {
    throw input_error(fmt::format("{}: '{}' is {}, not a string", where, key, found->dump()));
  }
  return found->get<std::string>();
}

/// The event of one line, or nothing for a blank line.
std::optional<event> parse_line(std::string_view line, const std::string& file,
                                std::uint64_t line_number, std::uint64_t offset,
                                const log_read_options& options) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  if (line.find_first_not_of(" \t") == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string where = fmt::format("{}:{}", file, line_number);
  const json record = detail::parse_json(line, where, offset, false);
  if (!record.is_object()) {
    throw input_error(fmt::format("{}: the line is not a JSON object", where));
  }
  event happening;
  const std::string stamp = required_text(record, "timestamp", where);
  const auto time = parse_utc(stamp);
  if (!time) {
    throw input_error(fmt::format(
        "{}: timestamp '{}' is not ISO 8601 UTC like 2026-11-27T23:40:00.123456Z between the "
        "years {} and {}",
        where, stamp, first_year, last_year));
  }
  happening.time_ns = *time;
  happening.base = time_base::unix_epoch;
  happening.name = required_text(record, "namespace", where);
  const std::string host = required_text(record, "host", where);
  happening.node = options.node.empty() ? host : options.node;
  if (const auto severity = record.find("severity"); severity != record.end()) {
    if (!severity->is_string()) {
      throw input_error(fmt::format("{}: 'severity' is {}, not a string", where, severity->dump()));
    }
    happening.severity = severity->get<std::string>();
  }
  if (const auto payload = record.find("payload"); payload != record.end()) {
    if (!payload->is_object()) {
      throw input_error(
          fmt::format("{}: 'payload' is {}, not an object", where, payload->type_name()));
    }
    flatten(*payload, {}, happening.fields);
    for (const std::string& key_field : options.key_fields) {
      const json* key = find_path(*payload, key_field);
      if (key != nullptr && (key->is_string() || key->is_number_integer())) {
        happening.key = key->is_string() ? key->get<std::string>() : key->dump();
        break;
      }
    }
  }
  happening.where = {file, fmt::format("line {}", line_number)};
  return happening;
}

}  // namespace

dataset parse_log(std::string_view text, const std::string& file, const log_read_options& options) {
  dataset data;
  data.metadata.sources.push_back(file);
  std::uint64_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    ++line_number;
    if (auto happening =
            parse_line(text.substr(start, stop - start), file, line_number, start, options)) {
      if (data.metadata.host.empty()) {
        data.metadata.host = happening->node;
      }
      data.events.push_back(std::move(*happening));
    }
    start = stop + 1;
  }
  return data;
}

dataset read_log(const std::string& path, const log_read_options& options) {
  return parse_log(detail::read_text_file(path), path, options);
}

std::uint64_t for_each_log_event(const std::string& path, const log_read_options& options,
                                 const std::function<void(event&&)>& on_event) {
  metron::detail::regular_file file(path);
  std::string pending;
  std::uint64_t line_number = 0;
  std::uint64_t offset = 0;
  std::uint64_t records = 0;
  const auto take = [&](std::string_view line) {
    ++line_number;
    if (auto happening = parse_line(line, path, line_number, offset, options)) {
      on_event(std::move(*happening));
      ++records;
    }
    offset += line.size() + 1;
  };
  std::string block(std::size_t{1} << 16, '\0');
  while (const std::size_t got = file.read(block.data(), block.size())) {
    pending.append(block, 0, got);
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      take(std::string_view(pending).substr(start, end - start));
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) {
    take(pending);
  }
  return records;
}

}  // namespace metron::analysis
