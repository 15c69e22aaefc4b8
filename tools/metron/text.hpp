// Human-readable renderings of durations, sizes and values, and text tables, for the terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace metron::tool {

/// A duration in the largest unit that keeps it at least 1: "850 ns", "12.34 µs", "2.50 s".
[[nodiscard]] std::string format_duration(double nanoseconds);

/// A byte count in binary units: "512 B", "251.3 KiB", "1.0 MiB".
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

/// A counter or gauge value: integral values without a fraction, others with six significant
/// digits.
[[nodiscard]] std::string format_value(double value);

/// A text table: columns separated by two spaces, each column left- or right-aligned, widths in
/// code points (cells hold UTF-8 such as "µs"), no trailing blanks.
class text_table {
 public:
  /// A table with `header` as its first row; `right_aligned` has one flag per column.
  text_table(std::vector<std::string> header, std::vector<bool> right_aligned);
  /// Appends a row of at most as many cells as the header has.
  void add(std::vector<std::string> row);
  /// Writes every row, each indented by one space and ended by '\n'.
  void print(std::ostream& out) const;

 private:
  std::vector<bool> right_aligned_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace metron::tool
