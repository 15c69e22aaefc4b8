// Running a program from a test: arguments, working directory, environment, captured output.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace metron::test {

/// How a child process ended and what it printed.
struct process_result {
  int exit_code = -1;  ///< the exit status, or 128+N when signal N ended it
  std::string out;     ///< everything written to stdout
  std::string err;     ///< everything written to stderr
};

/// Where and with what environment to run a program.
struct run_options {
  std::filesystem::path directory;  ///< working directory; empty for the test's own
  /// Variables to set. Every METRON_* variable of the test's environment is removed first, so
  /// that nothing leaks in from the shell that runs the tests.
  std::vector<std::pair<std::string, std::string>> environment;
};

/// Runs `arguments` (the program path first, not searched in PATH) and waits for it.
/// Output goes through files in a private directory, so any amount is fine.
/// @throws std::runtime_error when the program cannot be started.
process_result run(const std::vector<std::string>& arguments, const run_options& options = {});

/// Runs `tool` with `arguments`, as run() does.
process_result run_tool(const std::string& tool, const std::vector<std::string>& arguments,
                        const run_options& options = {});

/// The lines of `text`, without their '\n'; a last line without one counts too.
std::vector<std::string> lines_of(const std::string& text);

/// A fresh directory under the system's temporary directory, removed with everything in it.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  /// The directory.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// The path of `name` inside it.
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// The names of the files it holds, sorted.
  [[nodiscard]] std::vector<std::string> entries() const;

 private:
  std::filesystem::path path_;
};

}  // namespace metron::test
