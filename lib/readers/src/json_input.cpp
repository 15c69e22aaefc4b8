// Strict JSON for the readers: syntax errors with line and byte offset, duplicate keys refused.
#include "json_input.hpp"

#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/mman.h>

namespace metron::analysis::detail {

namespace {

/// Where the parser is, for messages: one frame per open object or array.
struct frame {
  bool array = false;
  std::size_t index = 0;  ///< element of an array
  std::string key;        ///< member of an object
  std::set<std::string, std::less<>> keys;
};

std::string path_of(const std::vector<frame>& frames) {
  std::string path;
  for (const frame& level : frames) {
    if (level.array) {
      path += fmt::format("[{}]", level.index);
    } else if (!level.key.empty()) {
      if (!path.empty()) {
        path += '.';
      }
      path += level.key;
    }
  }
  return path.empty() ? std::string("the top level") : path;
}

/// Completes an element of the enclosing array, if it is one.
void next_element(std::vector<frame>& frames) {
  if (!frames.empty() && frames.back().array) {
    ++frames.back().index;
  }
}

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& where,
                          std::uint64_t base_offset, bool count_lines) {
  using event = nlohmann::json::parse_event_t;
  std::vector<frame> frames;
  const auto track = [&](int /*depth*/, event kind, nlohmann::json& parsed) {
    switch (kind) {
      case event::object_start: frames.push_back({}); break;
      case event::array_start: frames.push_back({true, 0, {}, {}}); break;
      case event::key: {
        frame& object = frames.back();
        std::string key = parsed.get<std::string>();
        if (!object.keys.insert(key).second) {
          object.key.clear();
          throw input_error(
              fmt::format("{}: duplicate key '{}' in {}", where, key, path_of(frames)));
        }
        object.key = std::move(key);
        break;
      }
      case event::object_end:
      case event::array_end:
        frames.pop_back();
        next_element(frames);
        break;
      case event::value:
        if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) {
          throw input_error(
              fmt::format("{}: number at {} is out of range (not finite)", where, path_of(frames)));
        }
        next_element(frames);
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), track);
  } catch (const nlohmann::json::parse_error& problem) {
    // nlohmann counts the byte after the last one it read, from 1.
    const std::size_t consumed =
        std::min<std::size_t>(problem.byte == 0 ? 0 : problem.byte - 1, text.size());
    std::string what = problem.what();
    // Keep the parser's own explanation, which follows "…: syntax error while parsing …".
    if (const auto colon = what.find("syntax error"); colon != std::string::npos) {
      what = what.substr(colon);
    }
    if (count_lines) {
      const auto line =
          1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(consumed), '\n');
      throw input_error(fmt::format("{}: line {} (byte {}): not valid JSON: {}", where, line,
                                    base_offset + consumed, what));
    }
    throw input_error(
        fmt::format("{} (byte {}): not valid JSON: {}", where, base_offset + consumed, what));
  } catch (const nlohmann::json::out_of_range& problem) {
    // A number beyond a double's range; nlohmann names the number but not its place, which a
    // scan of the text finds.
    const auto number = first_out_of_range_number(text);
    if (!number) {
      std::string what = problem.what();
      if (const auto bracket = what.find("] "); bracket != std::string::npos) {
        what = what.substr(bracket + 2);
      }
      throw input_error(fmt::format("{}: {}; numbers must be finite", where, what));
    }
    const std::string what =
        fmt::format("the number {} is out of range for a double", number->second.substr(0, 80));
    if (count_lines) {
      const auto line =
          1 +
          std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(number->first), '\n');
      throw input_error(
          fmt::format("{}: line {} (byte {}): {}", where, line, base_offset + number->first, what));
    }
    throw input_error(fmt::format("{} (byte {}): {}", where, base_offset + number->first, what));
  }
}

std::size_t string_end(std::string_view text, std::size_t open) {
  // From quote to quote with memchr, which reads many bytes a step: a quote ends the string
  // unless an odd run of backslashes escapes it.
  for (std::size_t from = open + 1; from < text.size();) {
    const void* found = std::memchr(text.data() + from, '"', text.size() - from);
    if (found == nullptr) {
      break;
    }
    const auto quote = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > open + 1 && text[quote - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return quote + 1;
    }
    from = quote + 1;
  }
  return text.size();
}

std::optional<std::pair<std::size_t, std::string>> first_out_of_range_number(
    std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i) - 1;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) {
      continue;
    }
    const std::size_t end = text.find_first_not_of("+-0123456789.eE", i);
    const std::string token(text.substr(i, end == std::string_view::npos ? end : end - i));
    double value = 0;
    const auto [stop, problem] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (problem == std::errc::result_out_of_range) {
      return std::pair{i, token};
    }
    i += token.empty() ? 0 : token.size() - 1;
  }
  return std::nullopt;
}

std::string read_text_file(const std::string& path) {
  metron::detail::regular_file file(path);
  // One allocation of the size the file has, not the doublings of a stream iterator.
  std::string text(static_cast<std::size_t>(file.size()), '\0');
  text.resize(file.read(text.data(), text.size()));
  // The rest of a file that grew since it was opened.
  char block[1 << 16];
  while (const std::size_t got = file.read(block, sizeof block)) {
    text.append(block, got);
  }
  return text;
}

namespace {

constexpr std::size_t huge_page_bytes = std::size_t{2} << 20U;

}  // namespace

padded_text::padded_text(const std::string& path, std::size_t padding) {
  std::optional<metron::detail::regular_file> file(std::in_place, path);
  const auto expected = static_cast<std::size_t>(file->size());
  // Room for a file that grew a little since it was opened; one that grew more is read again.
  std::size_t room = expected + expected / 8 + (std::size_t{64} << 10);
  for (;;) {
    // Aligned to a huge page, so that the kernel may back it with huge pages.
    mapped_ = room + padding + huge_page_bytes;
    mapping_ = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping_ == MAP_FAILED) {
      mapping_ = nullptr;
      throw resource_error(fmt::format("{}: cannot read: no memory for {} bytes", path, mapped_));
    }
    const auto address = reinterpret_cast<std::uintptr_t>(mapping_);
    data_ = static_cast<char*>(mapping_) +
            ((huge_page_bytes - address % huge_page_bytes) % huge_page_bytes);
    capacity_ = room + padding;
    if (room >= huge_page_bytes) {
      // Advice only: without huge pages the memory is the same, in small pages.
      (void)::madvise(data_, capacity_ - capacity_ % huge_page_bytes, MADV_HUGEPAGE);
    }
    try {
      while (size_ < room) {
        const std::size_t got = file->read(data_ + size_, room - size_);
        if (got == 0) {
          return;
        }
        size_ += got;
      }
    } catch (...) {
      ::munmap(mapping_, mapped_);
      throw;
    }
    // Still more: start again with room for what the file has become.
    room = size_ * 2;
    ::munmap(mapping_, mapped_);
    mapping_ = nullptr;
    file.emplace(path);
    size_ = 0;
  }
}

padded_text::~padded_text() {
  if (mapping_ != nullptr) {
    ::munmap(mapping_, mapped_);
  }
}

padded_text::padded_text(padded_text&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_(std::exchange(other.mapped_, 0)),
      mapping_(std::exchange(other.mapping_, nullptr)) {}

}  // namespace metron::analysis::detail
