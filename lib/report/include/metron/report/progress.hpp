// A progress line on stderr for long reads, drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace metron::report {

/// Draws "records, bytes of total, rate, ETA" on one stderr line, redrawn at most ten times a
/// second, and erases it when done. Silent when stderr is not a terminal (or TERM is "dumb"), so
/// pipes, files and tests see nothing. One thread.
class progress_bar {
 public:
  /// @param what the word for what is counted ("records")
  explicit progress_bar(std::string_view what);
  /// Erases the line if one is drawn (finish()).
  ~progress_bar();
  /// Not copyable: one object owns the line.
  progress_bar(const progress_bar&) = delete;
  /// Not copyable: one object owns the line.
  progress_bar& operator=(const progress_bar&) = delete;

  /// Reports the counts so far; draws when a tenth of a second has passed since the last draw.
  /// Cheap when it does not draw: one clock read.
  void update(std::uint64_t records, std::uint64_t bytes, std::uint64_t total_bytes) noexcept;
  /// Erases the line; update() draws nothing afterwards.
  void finish() noexcept;

 private:
  bool enabled_ = false;
  bool drawn_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace metron::report
