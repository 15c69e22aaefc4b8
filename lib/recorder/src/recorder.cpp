// Recording a program: its environment, starting it, waiting for it, and its capture put in place.
#include "signals.hpp"

#include <metron/error.hpp>
#include <metron/recorder/recorder.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace metron {

namespace {

// The thread-safe spelling of strerror().
std::string system_reason(int error_number) {
  return std::generic_category().message(error_number);
}

/// An environment variable the recorded program gets from metron.
using setting = std::pair<std::string, std::string>;

// metron's own environment with `settings` added, replacing variables of the same names.
std::vector<std::string> program_environment(const std::vector<setting>& settings) {
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const bool replaced = std::any_of(settings.begin(), settings.end(), [&](const setting& s) {
      return variable.starts_with(s.first) && variable.substr(s.first.size()).starts_with('=');
    });
    if (!replaced) {
      variables.emplace_back(variable);
    }
  }
  for (const auto& [name, value] : settings) {
    variables.push_back(name);
    variables.back() += '=';
    variables.back() += value;
  }
  return variables;
}

// The null-terminated array of C strings that exec wants, pointing into `strings`.
std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Starts `command` (searched in PATH) with `environment`; the child begins with the forwarded
// signals at their defaults and nothing blocked, whatever metron does with them.
pid_t start_program(std::vector<std::string> command, std::vector<std::string> environment) {
  const std::vector<char*> arguments = c_strings(command);
  const std::vector<char*> variables = c_strings(environment);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t nothing;
  sigemptyset(&nothing);
  posix_spawnattr_setsigmask(&attributes, &nothing);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int signal_number : detail::forwarded_signals) {
    sigaddset(&defaults, signal_number);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           static_cast<short>(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));

  pid_t child = 0;
  const int result =
      posix_spawnp(&child, arguments[0], nullptr, &attributes, arguments.data(), variables.data());
  posix_spawnattr_destroy(&attributes);
  if (result != 0) {
    throw input_error("cannot start '" + command.front() + "': " + system_reason(result));
  }
  return child;
}

// Waits for `child` and turns its end into an exit status the way a shell does.
int wait_for(pid_t child, const std::string& program, const record_notice& notice) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw resource_error("cannot wait for '" + program + "': " + system_reason(errno));
    }
  }
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    const char* name = sigabbrev_np(signal_number);
    notice("'" + program + "' was killed by signal " + std::to_string(signal_number) + " (SIG" +
           (name != nullptr ? name : "?") + ")");
    return 128 + signal_number;
  }
  return WEXITSTATUS(status);
}

// Fails early, before the program runs, when the capture could not be put at `output`.
void check_output_path(const std::string& output) {
  const std::filesystem::path target(output);
  std::error_code error;
  if (std::filesystem::is_directory(target, error)) {
    throw input_error("cannot write " + output + ": it is a directory");
  }
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  if (access(directory.c_str(), W_OK) != 0) {
    throw input_error("cannot write " + output + ": " + system_reason(errno));
  }
}

// Where the program writes its capture until it ends: a hidden file beside the output, so that
// the final rename stays on one file system, named with metron's process id so that two
// recordings to the same output stay out of each other's way (as metron's other outputs are).
std::string temporary_capture_path(const std::string& output) {
  const std::filesystem::path path(output);
  const std::string name = "." + path.filename().string() + "." + std::to_string(getpid()) + ".tmp";
  return std::filesystem::absolute(path.parent_path() / name).string();
}

}  // namespace

record_result record_program(const record_request& request, const record_notice& notice) {
  if (request.command.empty()) {
    throw input_error("no program to record");
  }
  check_output_path(request.output);
  const std::string temporary = temporary_capture_path(request.output);
  std::vector<setting> settings = {{"METRON_CAPTURE", temporary}};
  if (!request.policy.empty()) {
    settings.emplace_back("METRON_POLICY", request.policy);
  }
  if (request.ring_bytes) {
    settings.emplace_back("METRON_RING_BYTES", std::to_string(*request.ring_bytes));
  }
  if (request.resource_interval_ms) {
    settings.emplace_back("METRON_RESOURCE_INTERVAL_MS",
                          std::to_string(*request.resource_interval_ms));
  }

  const std::string& program = request.command.front();
  record_result result;
  {
    detail::signal_forwarder forwarder;
    const pid_t child = start_program(request.command, program_environment(settings));
    forwarder.forward_to(child);
    result.exit_status = wait_for(child, program, notice);
  }

  std::error_code error;
  if (!std::filesystem::exists(temporary, error)) {
    notice("warning: '" + program + "' wrote no capture; is it linked with metron::probe? (" +
           request.output + " was not written)");
    return result;
  }
  // Even a truncated capture goes to the target: the reader recovers every complete chunk.
  std::filesystem::rename(temporary, request.output, error);
  if (error) {
    notice("cannot rename " + temporary + " to " + request.output + ": " + error.message());
    return result;
  }
  try {
    result.capture = summarize_capture(request.output);
  } catch (const input_error& unreadable) {
    notice(std::string("warning: the capture is unreadable: ") + unreadable.what());
  }
  return result;
}

}  // namespace metron
