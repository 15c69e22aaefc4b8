// Renders a log record as a JSON line or a text line, without nlohmann's allocations around it.
#include "format.hpp"

#include <metron/log/sink.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace metron {
namespace {

using namespace std::string_view_literals;

// The length of the valid UTF-8 sequence starting at `text[at]`, or 0 when it is not valid.
std::size_t utf8_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1fU;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0fU;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0U) != 0x80U) return 0;
    code = (code << 6U) | (byte(at + i) & 0x3fU);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xd800 && code <= 0xdfff;
  return overlong || surrogate || code > 0x10ffff ? 0 : length;
}

// The bytes a JSON string cannot hold as they are: control characters, the quote, the backslash,
// and every byte of a multi-byte sequence, which is checked for valid UTF-8.
constexpr std::array<bool, 256> needs_care = [] {
  std::array<bool, 256> table{};
  for (std::size_t code = 0; code < table.size(); ++code) {
    table[code] = code < 0x20 || code >= 0x80 || code == '"' || code == '\\';
  }
  return table;
}();

// The length of the longest prefix of `text` that a JSON string holds as it is.
std::size_t plain_prefix(std::string_view text) {
  std::size_t plain = 0;
  while (plain < text.size() && !needs_care[static_cast<unsigned char>(text[plain])]) ++plain;
  return plain;
}

// Short plain pieces (keys, host names, namespaces, hashes) are most of what a line holds: they
// are assembled on the stack and appended at once, which costs a third of appending them
// character by character.
constexpr std::size_t short_piece = 64;

// A JSON string; bytes that are not valid UTF-8 become U+FFFD, so every line stays valid JSON.
void append_escaped(std::string& out, std::string_view text) {
  if (text.size() <= short_piece && plain_prefix(text) == text.size()) {
    std::array<char, short_piece + 2> quoted{};
    quoted[0] = '"';
    text.copy(quoted.data() + 1, text.size());
    quoted[text.size() + 1] = '"';
    out.append(quoted.data(), text.size() + 2);
    return;
  }
  out += '"';
  std::size_t at = 0;
  while (at < text.size()) {
    // Most text needs no escaping: copy runs of plain ASCII at once.
    const std::size_t plain = at + plain_prefix(text.substr(at));
    out.append(text.substr(at, plain - at));
    at = plain;
    if (at == text.size()) break;
    const char c = text[at];
    const auto code = static_cast<unsigned char>(c);
    if (code >= 0x80) {
      const std::size_t length = utf8_sequence(text, at);
      if (length == 0) {
        out += "\xef\xbf\xbd";
        ++at;
      } else {
        out.append(text.substr(at, length));
        at += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (code < 0x20) {
          static constexpr std::string_view hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[code >> 4U];
          out += hex[code & 0x0fU];
        } else {
          out += c;
        }
    }
    ++at;
  }
  out += '"';
}

template <class Number>
void append_number(std::string& out, Number value) {
  std::array<char, 32> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  out.append(text.data(), result.ptr);
}

// A double as the shortest text that reads back to it; integral values keep a ".0" so that they
// read back as floating-point numbers; NaN and infinities, which JSON lacks, become null.
void append_real(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  std::array<char, 32> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  const std::string_view written(text.data(), static_cast<std::size_t>(result.ptr - text.data()));
  out += written;
  if (written.find_first_of(".e") == std::string_view::npos) out += ".0";
}

// nlohmann's dump() builds a serializer and an output adapter per call; the logging thread
// renders every record, so it walks the value itself.
void append_json_value(std::string& out, const nlohmann::json& value) {
  using kind = nlohmann::json::value_t;
  switch (value.type()) {
    case kind::null: out += "null"; return;
    case kind::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case kind::number_integer: append_number(out, value.get<std::int64_t>()); return;
    case kind::number_unsigned: append_number(out, value.get<std::uint64_t>()); return;
    case kind::number_float: append_real(out, value.get<double>()); return;
    case kind::string: append_escaped(out, value.get_ref<const std::string&>()); return;
    case kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        append_json_value(out, element);
      }
      out += ']';
      return;
    }
    case kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        if (!first) out += ',';
        first = false;
        append_escaped(out, key);
        out += ':';
        append_json_value(out, element);
      }
      out += '}';
      return;
    }
    default: out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); return;
  }
}

// "2026-11-27T23:40:00.123456Z". The calendar part is cached per second: the logging thread
// formats many records within one second, and gmtime_r is the costly step.
void append_timestamp(std::string& out, std::int64_t timestamp_us) {
  thread_local std::int64_t cached_second = -1;
  thread_local std::array<char, 24> cached_text{};
  std::int64_t second = timestamp_us / 1'000'000;
  std::int64_t micros = timestamp_us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --second;
  }
  if (second != cached_second) {
    const auto seconds = static_cast<std::time_t>(second);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::strftime(cached_text.data(), cached_text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
    cached_second = second;
  }
  out += cached_text.data();
  std::array<char, 8> fraction{'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (std::size_t digit = 6; digit >= 1; --digit) {
    fraction[digit] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  out.append(fraction.data(), fraction.size());
}

std::string_view colour_of(severity level) {
  switch (level) {
    case severity::debug: return "\x1b[90m";
    case severity::info: return "\x1b[32m";
    case severity::notice: return "\x1b[36m";
    case severity::warning: return "\x1b[33m";
    case severity::error: return "\x1b[31m";
    default: return "\x1b[1;31m";
  }
}

// Everything of a JSON line before the payload: `{"timestamp":…,"privacy":"…","payload":`.
void append_json_head(std::string& out, const log_object& record) {
  out += R"({"timestamp":")"sv;
  append_timestamp(out, record.timestamp_us);
  out += R"(","host":)"sv;
  append_escaped(out, record.host);
  out += R"(,"thread":)"sv;
  append_number(out, record.thread);
  out += R"(,"namespace":)"sv;
  append_escaped(out, record.name_space);
  out += R"(,"severity":")"sv;
  out += to_string(record.level);
  out += R"(","privacy":")"sv;
  out += to_string(record.audience);
  out += R"(","payload":)"sv;
}

// Everything of a text line before the payload: time, severity, namespace, thread.
void append_text_head(std::string& out, const log_object& record, bool colour) {
  append_timestamp(out, record.timestamp_us);
  out += ' ';
  if (colour) out += colour_of(record.level);
  std::array<char, 16> level{};
  std::snprintf(level.data(), level.size(), "%-9s", std::string(to_string(record.level)).c_str());
  out += level.data();
  if (colour) out += "\x1b[0m";
  out += record.name_space;
  out += " [";
  append_number(out, record.thread);
  out += "] ";
  if (record.audience == privacy::confidential) out += "(confidential) ";
}

// Writes fields as the members of a JSON object's text, straight into a line.
class text_field_writer final : public field_writer {
 public:
  text_field_writer(std::string& out, verbosity level) noexcept : field_writer(level), out_(out) {}
  text_field_writer(const text_field_writer&) = delete;
  text_field_writer& operator=(const text_field_writer&) = delete;
  ~text_field_writer() = default;

 private:
  // `,"name":` (no comma before the first).
  void key(std::string_view name) {
    const std::size_t comma = first_ ? 0 : 1;
    first_ = false;
    if (name.size() <= short_piece && plain_prefix(name) == name.size()) {
      std::array<char, short_piece + 4> piece{',', '"'};
      name.copy(piece.data() + 2, name.size());
      piece[name.size() + 2] = '"';
      piece[name.size() + 3] = ':';
      out_.append(piece.data() + 1 - comma, name.size() + 3 + comma);
      return;
    }
    if (comma != 0) out_ += ',';
    append_escaped(out_, name);
    out_ += ':';
  }
  void put_bool(std::string_view name, bool value) override {
    key(name);
    out_ += value ? "true" : "false";
  }
  void put_signed(std::string_view name, std::int64_t value) override {
    key(name);
    append_number(out_, value);
  }
  void put_unsigned(std::string_view name, std::uint64_t value) override {
    key(name);
    append_number(out_, value);
  }
  void put_real(std::string_view name, double value) override {
    key(name);
    append_real(out_, value);
  }
  void put_string(std::string_view name, std::string_view value) override {
    key(name);
    append_escaped(out_, value);
  }
  void put_json(std::string_view name, const nlohmann::json& value) override {
    key(name);
    append_json_value(out_, value);
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace

namespace detail {

void append_fields(std::string& out, const log_value_ops& ops, const void* value, verbosity level) {
  out += '{';
  text_field_writer writer(out, level);
  ops.write_fields(value, level, writer);
  out += '}';
}

}  // namespace detail

void log_sink::write_rendered(const log_object& record, std::string_view payload_json) {
  log_object parsed = record;
  parsed.payload = nlohmann::json::parse(payload_json);
  write(parsed);
}

void append_json_line(std::string& out, const log_object& record) {
  append_json_head(out, record);
  if (record.payload.is_object()) {
    append_json_value(out, record.payload);
  } else {
    out += "{\"value\":";
    append_json_value(out, record.payload);
    out += '}';
  }
  out += '}';
}

void append_json_line(std::string& out, const log_object& record, std::string_view payload_json) {
  append_json_head(out, record);
  out += payload_json;
  out += '}';
}

void append_text_line(std::string& out, const log_object& record, bool colour) {
  append_text_head(out, record, colour);
  append_json_value(out, record.payload);
}

void append_text_line(std::string& out, const log_object& record, std::string_view payload_json,
                      bool colour) {
  append_text_head(out, record, colour);
  out += payload_json;
}

}  // namespace metron
