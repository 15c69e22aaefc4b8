// JSON text helpers of metron::capture, shared with the probe: escaping, numbers, object checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace metron::detail {

/// Appends `text` as a JSON string literal. Quotes, backslashes and control characters are
/// escaped (`\u00XX`); bytes that are not valid UTF-8 become U+FFFD, so the output is valid JSON
/// whatever `text` holds.
void append_json_string(std::string& out, std::string_view text);

/// Appends `value` with the fewest digits that read back exactly, or `null` when it is NaN or
/// infinite (JSON has no spelling for them).
void append_json_number(std::string& out, double value);

/// Appends a signed integer.
void append_json_integer(std::string& out, std::int64_t value);

/// Appends an unsigned integer.
void append_json_unsigned(std::string& out, std::uint64_t value);

/// Appends nanoseconds as microseconds with three decimals, exactly (no floating point).
void append_microseconds(std::string& out, std::int64_t ns);

/// The metadata block of a capture when it is a well-formed JSON object.
struct json_object_info {
  std::string minified;             ///< the object without insignificant whitespace
  std::optional<std::int64_t> pid;  ///< its top-level "pid" member, when that is an integer
};

/// Checks that `text` is exactly one JSON object (RFC 8259, UTF-8, nesting at most 256 deep) and
/// returns it without insignificant whitespace, so it can be embedded in a single JSON line;
/// nullopt for anything else.
[[nodiscard]] std::optional<json_object_info> parse_json_object(std::string_view text);

}  // namespace metron::detail
