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

}  // namespace metron::analysis::detail
