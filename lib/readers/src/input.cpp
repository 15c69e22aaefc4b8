// Telling an input's format by its content and reading it whatever it is.
#include "json_input.hpp"

#include <metron/capture/detail/magic.hpp>
#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace metron::analysis {

namespace {

/// At most this much of a file is looked at to tell its format.
constexpr std::size_t sniff_bytes = std::size_t{64} << 10;

std::string_view skip_space(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

/// Whether `text` opens a JSON object whose first key is one of Google Benchmark's.
bool opens_google_benchmark(std::string_view text) {
  text = skip_space(text);
  if (!text.starts_with('{')) {
    return false;
  }
  text = skip_space(text.substr(1));
  return text.starts_with("\"context\"") || text.starts_with("\"benchmarks\"");
}

/// Whether the first line of `text` is a JSON object with a timestamp and a namespace.
bool opens_log(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find('\n'));
  if (!skip_space(first_line).starts_with('{')) {
    return false;
  }
  try {
    const auto record = detail::parse_json(first_line, "first line", 0, false);
    return record.is_object() && record.contains("timestamp") && record.contains("namespace");
  } catch (const input_error&) {
    return false;
  }
}

}  // namespace

std::string_view to_string(input_format format) noexcept {
  switch (format) {
    case input_format::capture: return "capture";
    case input_format::google_benchmark: return "google-benchmark";
    case input_format::log_lines: return "log";
  }
  return "unknown";
}

input_format detect_format(const std::string& path) {
  metron::detail::regular_file file(path);
  std::string head(sniff_bytes, '\0');
  head.resize(file.read(head.data(), head.size()));
  if (head.empty()) {
    throw input_error(
        fmt::format("{}: empty file; expected a capture, Google Benchmark JSON or "
                    "a metron log",
                    path));
  }
  const auto& magic = metron::detail::capture_magic;
  if (head.size() >= 4 && std::equal(magic.begin(), magic.begin() + 4, head.begin(),
                                     [](std::uint8_t expected, char got) {
                                       return expected == static_cast<std::uint8_t>(got);
                                     })) {
    return input_format::capture;
  }
  if (opens_google_benchmark(head)) {
    return input_format::google_benchmark;
  }
  if (opens_log(head)) {
    return input_format::log_lines;
  }
  throw input_error(
      fmt::format("{}: byte 0: not a metron capture, Google Benchmark JSON "
                  "(a JSON object opening with \"context\" or \"benchmarks\") or a "
                  "metron log (JSON lines with \"timestamp\" and \"namespace\")",
                  path));
}

dataset read_input(const std::string& path, const log_read_options& log_options) {
  switch (detect_format(path)) {
    case input_format::capture: return read_capture_file(path);
    case input_format::google_benchmark: return read_google_benchmark(path);
    case input_format::log_lines: return read_log(path, log_options);
  }
  throw input_error(fmt::format("{}: unknown input format", path));
}

dataset read_inputs(const std::vector<std::string>& paths, duplicate_policy policy) {
  dataset merged;
  for (const std::string& path : paths) {
    merge(merged, read_input(path), policy);
  }
  return merged;
}

}  // namespace metron::analysis
