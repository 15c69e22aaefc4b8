// Renders a log record as a JSON line or a text line, without nlohmann's allocations around it.
#include <metron/log_sink.hpp>

#include <array>
#include <cstdio>
#include <ctime>

namespace metron {
namespace {

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> code{};
          std::snprintf(code.data(), code.size(), "\\u%04x", static_cast<unsigned>(c));
          out += code.data();
        } else {
          out += c;
        }
    }
  }
  out += '"';
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
  std::array<char, 8> fraction{};
  std::snprintf(fraction.data(), fraction.size(), ".%06d", static_cast<int>(micros));
  out += fraction.data();
  out += 'Z';
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

}  // namespace

void append_json_line(std::string& out, const log_object& record) {
  out += "{\"timestamp\":\"";
  append_timestamp(out, record.timestamp_us);
  out += "\",\"host\":";
  append_escaped(out, record.host);
  out += ",\"thread\":";
  out += std::to_string(record.thread);
  out += ",\"namespace\":";
  append_escaped(out, record.name_space);
  out += ",\"severity\":\"";
  out += to_string(record.level);
  out += "\",\"privacy\":\"";
  out += to_string(record.audience);
  out += "\",\"payload\":";
  if (record.payload.is_object()) {
    out += record.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    out += "{\"value\":";
    out += record.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '}';
  }
  out += '}';
}

void append_text_line(std::string& out, const log_object& record, bool colour) {
  append_timestamp(out, record.timestamp_us);
  out += ' ';
  if (colour) out += colour_of(record.level);
  std::array<char, 16> level{};
  std::snprintf(level.data(), level.size(), "%-9s", std::string(to_string(record.level)).c_str());
  out += level.data();
  if (colour) out += "\x1b[0m";
  out += record.name_space;
  out += " [";
  out += std::to_string(record.thread);
  out += "] ";
  if (record.audience == privacy::confidential) out += "(confidential) ";
  out += record.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace metron
