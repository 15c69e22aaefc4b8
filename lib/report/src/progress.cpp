// The progress line of long reads: drawn on stderr only when it is a terminal.
#include <metron/report/progress.hpp>

#include <metron/report/format.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace metron::report {

namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr int bar_width = 20;

bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

// The line for the given counts after `elapsed_s` seconds, e.g. "[#########-----------]  45%
// 1.20 M records  300 MiB of 660 MiB  25.3 M records/s  ETA 4.20 s".
std::string progress_line(std::string_view what, std::uint64_t records, std::uint64_t bytes,
                          std::uint64_t total_bytes, double elapsed_s) {
  const double fraction =
      total_bytes == 0
          ? 0.0
          : std::clamp(static_cast<double>(bytes) / static_cast<double>(total_bytes), 0.0, 1.0);
  const int filled = static_cast<int>(std::lround(fraction * bar_width));
  std::string line = fmt::format("[{}{}]", std::string(static_cast<std::size_t>(filled), '#'),
                                 std::string(static_cast<std::size_t>(bar_width - filled), '-'));
  line += fmt::format(" {:3}%  {} {}  {} of {}", std::lround(fraction * 100),
                      format_number(static_cast<double>(records)), what,
                      format_bytes(static_cast<double>(bytes)),
                      format_bytes(static_cast<double>(total_bytes)));
  if (elapsed_s > 0) {
    line += fmt::format("  {} {}/s", format_number(static_cast<double>(records) / elapsed_s), what);
  }
  if (elapsed_s > 0 && bytes > 0 && fraction < 1.0) {
    const double remaining_s = elapsed_s * (1.0 - fraction) / fraction;
    line += "  ETA " + format_duration(remaining_s * 1e9);
  }
  return line;
}

}  // namespace

progress_bar::progress_bar(std::string_view what)
    : enabled_(stderr_is_terminal()),
      what_(what),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::update(std::uint64_t records, std::uint64_t bytes,
                          std::uint64_t total_bytes) noexcept {
  if (!enabled_) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < redraw_interval) {
    return;
  }
  last_draw_ = now;
  try {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const std::string line = progress_line(what_, records, bytes, total_bytes, elapsed);
    // Carriage return and erase-to-end-of-line redraw in place.
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } catch (...) {
    enabled_ = false;  // a progress line that cannot be formatted is not worth failing over
  }
}

void progress_bar::finish() noexcept {
  if (drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
  enabled_ = false;
}

}  // namespace metron::report
