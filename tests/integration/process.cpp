// Running a program from a test: fork, redirect its output to files, exec, wait, read back.
#include "process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace metron::test {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> child_environment(const run_options& options) {
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "METRON_", 7) != 0) {
      variables.emplace_back(*entry);
    }
  }
  for (const auto& [name, value] : options.environment) {
    variables.push_back(name + "=" + value);
  }
  return variables;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

process_result run(const std::vector<std::string>& arguments, const run_options& options) {
  const scratch_dir output;
  const std::string out_path = output.file("stdout");
  const std::string err_path = output.file("stderr");
  std::vector<std::string> argument_strings = arguments;
  std::vector<std::string> environment_strings = child_environment(options);
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  const std::vector<char*> argv = pointers_to(argument_strings);
  const std::vector<char*> envp = pointers_to(environment_strings);
  const std::string directory = options.directory.string();

  const pid_t child = fork();
  if (child < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (child == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::dup2(in, 0) < 0 || (!directory.empty() && ::chdir(directory.c_str()) != 0)) {
      ::_exit(126);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
  }
  process_result result;
  result.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  if (result.exit_code == 127 && result.out.empty() && result.err.empty()) {
    throw std::runtime_error("cannot run " + arguments.front());
  }
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

scratch_dir::scratch_dir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "metron-integration-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  path_ = pattern;
}

scratch_dir::~scratch_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> scratch_dir::entries() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

process_result run_tool(const std::string& tool, const std::vector<std::string>& arguments,
                        const run_options& options) {
  std::vector<std::string> command = {tool};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return run(command, options);
}

}  // namespace metron::test
