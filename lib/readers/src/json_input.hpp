// Strict JSON for the readers: syntax errors with line and byte offset, duplicate keys refused.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace metron::analysis::detail {

/// Parses `text` as one JSON value. `where` opens every message (e.g. "bench.json" or
/// "app.log:17"); `base_offset` is the byte offset of `text` in its file and `count_lines` says
/// whether to name the line of a syntax error (a whole document) or not (one line of a log).
/// @throws input_error for a syntax error ("where: line 3 (byte 57): …"), a duplicate key
///         ("where: duplicate key 'x' at benchmarks[3]"), or a number too large for a double
///         ("where: line 3 (byte 57): the number 1e400 is out of range for a double").
nlohmann::json parse_json(std::string_view text, const std::string& where,
                          std::uint64_t base_offset, bool count_lines);

/// The offset just past the JSON string that opens at `text[open]` (a quote), escapes skipped;
/// the end of the text for a string never closed.
[[nodiscard]] std::size_t string_end(std::string_view text, std::size_t open);

/// The offset and text of the first number outside strings that a double cannot hold (1e400),
/// or nullopt.
[[nodiscard]] std::optional<std::pair<std::size_t, std::string>> first_out_of_range_number(
    std::string_view text);

/// Reads a whole file into memory.
/// @throws input_error when it does not exist or is not a regular file; resource_error when it
///         cannot be read.
std::string read_text_file(const std::string& path);

/// A whole file's text in memory of its own, followed by at least the padding asked for: what a
/// parser that reads past the end of its input (simdjson) needs, without a padded copy. Memory
/// of a few megabytes or more is asked of the kernel in huge pages, so that it is not touched
/// in thousands of page faults. Move-only.
class padded_text {
 public:
  /// Reads `path` whole.
  /// @throws input_error when it does not exist or is not a regular file; resource_error when it
  ///         cannot be read or no memory is left.
  padded_text(const std::string& path, std::size_t padding);
  ~padded_text();
  padded_text(padded_text&& other) noexcept;
  padded_text& operator=(padded_text&&) = delete;
  padded_text(const padded_text&) = delete;
  padded_text& operator=(const padded_text&) = delete;

  [[nodiscard]] std::string_view text() const noexcept { return {data_, size_}; }
  /// The bytes readable from text().data(): the text and its padding.
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t mapped_ = 0;  ///< the length of the mapping data_ lies in
  void* mapping_ = nullptr;
};

}  // namespace metron::analysis::detail
