// Where a rendering is written: standard output, or a file that appears only when complete.
#pragma once

#include <fstream>
#include <functional>
#include <ostream>
#include <string>

namespace metron::report {

/// The temporary name a file being produced for `target` goes by until it is complete: a hidden
/// file in the same directory, so that the final rename stays on one file system.
[[nodiscard]] std::string temporary_path_for(const std::string& target);

/// An output that is either standard output or a file written under a temporary name and renamed
/// over the target by commit(). A failure before commit() leaves no partial file: the destructor
/// removes the temporary one, and so does SIGINT, SIGTERM, SIGHUP or SIGQUIT ending the process
/// meanwhile (where the program left the signal at its default; the signal then still ends the
/// process). commit() flushes the file to the disk before the rename and the directory after it,
/// so that a power loss leaves the old target or the new one, never a torn file. A target that
/// exists and is not a regular file (a device such as /dev/null, a FIFO) is written in place
/// instead, since a rename would replace it.
class output_file {
 public:
  /// Opens the output.
  /// @param path the file to produce; empty or "-" means standard output
  /// @param input the file being read, which the output must not replace
  /// @throws input_error when `path` is `input`; resource_error when the temporary file cannot be
  ///         created.
  output_file(std::string path, const std::string& input);
  /// Removes the temporary file unless commit() succeeded.
  ~output_file();
  /// Not copyable: one object owns the temporary file.
  output_file(const output_file&) = delete;
  /// Not copyable: one object owns the temporary file.
  output_file& operator=(const output_file&) = delete;

  /// The stream to write to.
  [[nodiscard]] std::ostream& stream() noexcept;

  /// Flushes the output and, for a file, syncs it, renames it over the target and syncs the
  /// directory.
  /// @throws resource_error when writing or syncing failed (e.g. the disk is full) or the rename
  ///         fails.
  void commit();

 private:
  std::string path_;
  std::string temporary_path_;
  std::ofstream file_;
  int registration_ = -1;  // of the temporary file, for removal by a signal
  bool committed_ = false;
};

/// Writes what `render` writes to `path` through an output_file, and commits it.
/// @throws as output_file's constructor and commit() do, and whatever `render` throws (the file is
///         then left out).
void write_output(const std::string& path, const std::string& input,
                  const std::function<void(std::ostream&)>& render);

}  // namespace metron::report
