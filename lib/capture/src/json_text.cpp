// JSON string escaping, number formatting and a strict checker for the metadata object.
#include <metron/capture/detail/json_text.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace metron::detail {
namespace {

constexpr bool continuation(unsigned char byte) noexcept { return (byte & 0xC0U) == 0x80U; }

/// Length of the well-formed UTF-8 sequence at `p` (`size` bytes available), or 0 if there is
/// none: overlong forms, surrogates and code points above U+10FFFF are refused.
std::size_t utf8_sequence(const unsigned char* p, std::size_t size) noexcept {
  const unsigned char lead = p[0];
  if (lead < 0x80) {
    return 1;
  }
  if (lead < 0xC2) {
    return 0;
  }
  if (lead < 0xE0) {
    return size >= 2 && continuation(p[1]) ? 2 : 0;
  }
  if (lead < 0xF0) {
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return size >= 3 && p[1] >= low && p[1] <= high && continuation(p[2]) ? 3 : 0;
  }
  if (lead < 0xF5) {
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return size >= 4 && p[1] >= low && p[1] <= high && continuation(p[2]) && continuation(p[3]) ? 4
                                                                                                : 0;
  }
  return 0;
}

constexpr char hex_digits[] = "0123456789abcdef";

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// Recursive-descent checker that copies the significant characters of what it accepts.
class json_checker {
 public:
  json_checker(std::string_view text, json_object_info& info) : text_(text), info_(info) {}

  bool run() {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '{' || !value(0)) {
      return false;
    }
    skip_space();
    return pos_ == text_.size();
  }

 private:
  static constexpr int max_depth = 256;

  void skip_space() noexcept {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      info_.minified += c;
      return true;
    }
    return false;
  }

  bool value(int depth) {
    skip_space();
    if (pos_ >= text_.size()) {
      return false;
    }
    switch (text_[pos_]) {
      case '{': return depth < max_depth && object(depth + 1);
      case '[': return depth < max_depth && array(depth + 1);
      case '"': return string(nullptr);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number(nullptr);
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return false;
    }
    info_.minified += word;
    pos_ += word.size();
    return true;
  }

  bool object(int depth) {
    consume('{');
    skip_space();
    if (consume('}')) {
      return true;
    }
    for (;;) {
      skip_space();
      std::string_view key;
      if (!string(&key)) {
        return false;
      }
      skip_space();
      if (!consume(':')) {
        return false;
      }
      skip_space();
      if (depth == 1 && key == "pid" && pos_ < text_.size() && text_[pos_] != '"' &&
          text_[pos_] != '{' && text_[pos_] != '[' && text_[pos_] != 't' && text_[pos_] != 'f' &&
          text_[pos_] != 'n') {
        if (!number(&info_.pid)) {
          return false;
        }
      } else if (!value(depth)) {
        return false;
      }
      skip_space();
      if (consume('}')) {
        return true;
      }
      if (!consume(',')) {
        return false;
      }
    }
  }

  bool array(int depth) {
    consume('[');
    skip_space();
    if (consume(']')) {
      return true;
    }
    for (;;) {
      if (!value(depth)) {
        return false;
      }
      skip_space();
      if (consume(']')) {
        return true;
      }
      if (!consume(',')) {
        return false;
      }
    }
  }

  /// Four hex digits after "\u" at pos_, or -1.
  int read_hex4() noexcept {
    if (text_.size() - pos_ < 4) {
      return -1;
    }
    int code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_ + static_cast<std::size_t>(i)]);
      if (digit < 0) {
        return -1;
      }
      code = code * 16 + digit;
    }
    pos_ += 4;
    return code;
  }

  bool string(std::string_view* raw) {
    const std::size_t start = pos_;
    if (!consume('"')) {
      return false;
    }
    while (pos_ < text_.size()) {
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte == '"') {
        if (raw != nullptr) {
          *raw = text_.substr(start + 1, pos_ - start - 1);
        }
        ++pos_;
        info_.minified += '"';
        return true;
      }
      if (byte < 0x20) {
        return false;
      }
      if (byte == '\\') {
        if (!escape()) {
          return false;
        }
        continue;
      }
      const std::size_t length = utf8_sequence(
          reinterpret_cast<const unsigned char*>(text_.data()) + pos_, text_.size() - pos_);
      if (length == 0) {
        return false;
      }
      info_.minified.append(text_.substr(pos_, length));
      pos_ += length;
    }
    return false;
  }

  /// One escape sequence at pos_; a \u surrogate must come in a high-low pair.
  bool escape() {
    const std::size_t start = pos_;
    ++pos_;
    if (pos_ >= text_.size()) {
      return false;
    }
    const char kind = text_[pos_++];
    if (kind != 'u') {
      if (std::strchr("\"\\/bfnrt", kind) == nullptr || kind == '\0') {
        return false;
      }
    } else {
      const int code = read_hex4();
      if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF)) {
        return false;
      }
      if (code >= 0xD800 && code <= 0xDBFF) {
        if (text_.substr(pos_, 2) != "\\u") {
          return false;
        }
        pos_ += 2;
        const int low = read_hex4();
        if (low < 0xDC00 || low > 0xDFFF) {
          return false;
        }
      }
    }
    info_.minified.append(text_.substr(start, pos_ - start));
    return true;
  }

  /// A number per RFC 8259; when `integer` is given and the number is a plain integer that fits,
  /// it is stored there.
  bool number(std::optional<std::int64_t>* integer) {
    const std::size_t start = pos_;
    const auto digits = [this] {
      const std::size_t first = pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) {
        ++pos_;
      }
      return pos_ - first;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') {
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return false;
    }
    bool plain = true;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      plain = false;
      if (digits() == 0) {
        return false;
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      plain = false;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (digits() == 0) {
        return false;
      }
    }
    const std::string_view text = text_.substr(start, pos_ - start);
    if (integer != nullptr && plain) {
      std::int64_t parsed = 0;
      const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
      if (result.ec == std::errc{} && result.ptr == text.data() + text.size()) {
        *integer = parsed;
      }
    }
    info_.minified.append(text);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  json_object_info& info_;
};

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  out += '"';
  std::size_t plain_start = 0;
  std::size_t i = 0;
  const auto flush_plain = [&] { out.append(text.data() + plain_start, i - plain_start); };
  while (i < size) {
    const unsigned char byte = bytes[i];
    if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      const std::size_t length = utf8_sequence(bytes + i, size - i);
      if (length > 0) {
        i += length;
        continue;
      }
      flush_plain();
      out += "\xEF\xBF\xBD";
    } else {
      flush_plain();
      if (byte == '"' || byte == '\\') {
        out += '\\';
        out += static_cast<char>(byte);
      } else {
        out += "\\u00";
        out += hex_digits[byte >> 4];
        out += hex_digits[byte & 0x0FU];
      }
    }
    ++i;
    plain_start = i;
  }
  flush_plain();
  out += '"';
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_json_integer(std::string& out, std::int64_t value) { append_integer(out, value); }

void append_json_unsigned(std::string& out, std::uint64_t value) { append_integer(out, value); }

void append_microseconds(std::string& out, std::int64_t ns) {
  std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out += '-';
    magnitude = 0 - magnitude;
  }
  append_integer(out, magnitude / 1000);
  const auto fraction = static_cast<unsigned>(magnitude % 1000);
  out += '.';
  out += static_cast<char>('0' + fraction / 100);
  out += static_cast<char>('0' + fraction / 10 % 10);
  out += static_cast<char>('0' + fraction % 10);
}

std::optional<json_object_info> parse_json_object(std::string_view text) {
  json_object_info info;
  info.minified.reserve(text.size());
  json_checker checker(text, info);
  if (!checker.run()) {
    return std::nullopt;
  }
  return info;
}

}  // namespace metron::detail
