// A JSON document written as it is produced, laid out exactly as write_json_document() lays out
// the same document built in memory: for outputs too large to build as a tree first.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace metron::report::detail {

/// Writes objects, arrays and scalars in document order, indented by two spaces, the same byte
/// for byte as write_json_document() of the equivalent tree: numbers in nlohmann's shortest
/// round-trip form, strings escaped as nlohmann escapes them, non-UTF-8 bytes as U+FFFD.
class json_stream {
 public:
  explicit json_stream(std::ostream& out) : out_(out) {}
  json_stream(const json_stream&) = delete;
  json_stream& operator=(const json_stream&) = delete;
  ~json_stream() = default;

  /// Ends the document with a newline, as write_json_document() does, and writes what is held.
  void finish() {
    text_ += '\n';
    flush();
  }

  /// Names the member whose value comes next; only inside an object.
  json_stream& key(std::string_view name) {
    separate();
    write_string(name);
    text_ += ": ";
    keyed_ = true;
    return *this;
  }

  json_stream& begin_object() { return open('{'); }
  json_stream& end_object() { return close('}'); }
  json_stream& begin_array() { return open('['); }
  json_stream& end_array() { return close(']'); }

  /// A scalar: a string, a number (a double that is not finite is null, as nlohmann writes it), a
  /// bool or nullptr.
  template <class Value>
  json_stream& value(const Value& scalar) {
    separate();
    if constexpr (std::is_same_v<Value, bool>) {
      text_ += scalar ? "true" : "false";
    } else if constexpr (std::is_same_v<Value, std::nullptr_t>) {
      text_ += "null";
    } else if constexpr (std::floating_point<Value>) {
      write_double(static_cast<double>(scalar));
    } else if constexpr (std::integral<Value>) {
      std::array<char, 24> digits{};
      const char* const end = std::to_chars(digits.data(), digits.data() + digits.size(), scalar).ptr;
      text_.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
    } else {
      write_string(std::string_view(scalar));
    }
    if (text_.size() >= flush_bytes) {
      flush();
    }
    return *this;
  }

  /// An array of scalars.
  template <class Range>
  json_stream& array(const Range& scalars) {
    begin_array();
    for (const auto& scalar : scalars) {
      value(scalar);
    }
    return end_array();
  }

 private:
  static constexpr std::size_t flush_bytes = std::size_t{1} << 16U;

  /// What precedes a value: nothing after its key; else a comma after an earlier element, a line
  /// break and the indentation of its depth.
  void separate() {
    if (keyed_) {
      keyed_ = false;
      return;
    }
    if (!members_.empty()) {
      text_ += members_.back() == 0 ? "\n" : ",\n";
      ++members_.back();
      text_.append(2 * members_.size(), ' ');
    }
  }

  json_stream& open(char bracket) {
    separate();
    text_ += bracket;
    members_.push_back(0);
    return *this;
  }

  json_stream& close(char bracket) {
    const bool empty = members_.back() == 0;
    members_.pop_back();
    if (!empty) {
      text_ += '\n';
      text_.append(2 * members_.size(), ' ');
    }
    text_ += bracket;
    return *this;
  }

  void write_double(double number) {
    if (!std::isfinite(number)) {
      text_ += "null";
      return;
    }
    std::array<char, 64> digits{};
    const char* const end =
        ::nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), number);
    text_.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
  }

  /// Printable ASCII without quote or backslash is written as it is; anything else as nlohmann
  /// escapes it.
  void write_string(std::string_view text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
      return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) {
      text_ += '"';
      text_ += text;
      text_ += '"';
      return;
    }
    text_ += nlohmann::ordered_json(text).dump(-1, ' ', false,
                                               nlohmann::ordered_json::error_handler_t::replace);
  }

  void flush() {
    out_.write(text_.data(), static_cast<std::streamsize>(text_.size()));
    text_.clear();
  }

  std::ostream& out_;
  std::string text_;                  ///< written and not yet passed to the stream
  std::vector<std::size_t> members_;  ///< elements written so far in each open container
  bool keyed_ = false;                ///< a key was written and its value is next
};

}  // namespace metron::report::detail
