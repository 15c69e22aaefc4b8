// Aligned text tables for a terminal.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace metron::report {

/// A text table: columns separated by two spaces, each column left- or right-aligned, widths in
/// code points (cells hold UTF-8 such as "µs"), no trailing blanks. Not thread-safe; print()
/// costs one pass over the cells to measure them and one to write them.
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

}  // namespace metron::report
