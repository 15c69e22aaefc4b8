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

#include <fcntl.h>
#include <sys/prctl.h>
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
// signals at their defaults and nothing blocked, whatever metron does with them, and is killed
// when the calling thread ends. fork() rather than posix_spawn(), which cannot set the parent
// death signal; between fork and exec the child makes only async-signal-safe calls.
pid_t start_program(std::vector<std::string> command, std::vector<std::string> environment) {
  const std::vector<char*> arguments = c_strings(command);
  const std::vector<char*> variables = c_strings(environment);
  // exec's failure comes back through this pipe, which a successful exec closes.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    throw resource_error("cannot start '" + command.front() + "': " + system_reason(errno));
  }
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    const int reason = errno;
    close(report[0]);
    close(report[1]);
    throw input_error("cannot start '" + command.front() + "': " + system_reason(reason));
  }
  if (child == 0) {
    close(report[0]);
    int failure = 0;
    // A parent that died before prctl() took effect would never send the signal: check.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
      failure = errno;
    } else if (getppid() != parent) {
      failure = ESRCH;
    } else {
      struct sigaction default_action {};
      default_action.sa_handler = SIG_DFL;
      sigemptyset(&default_action.sa_mask);
      for (const int signal_number : detail::forwarded_signals) {
        sigaction(signal_number, &default_action, nullptr);
      }
      sigset_t nothing;
      sigemptyset(&nothing);
      sigprocmask(SIG_SETMASK, &nothing, nullptr);
      execvpe(arguments[0], arguments.data(), variables.data());
      failure = errno;
    }
    static_cast<void>(write(report[1], &failure, sizeof failure));
    _exit(127);
  }
  close(report[1]);
  int failure = 0;
  ssize_t got = 0;
  while ((got = read(report[0], &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  if (got > 0) {
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw input_error("cannot start '" + command.front() + "': " + system_reason(failure));
  }
  return child;
}

// Waits for `child` and says how it ended.
program_ending wait_for(pid_t child, const std::string& program, const record_notice& notice) {
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
    return {true, signal_number};
  }
  return {false, WEXITSTATUS(status)};
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
  if (request.max_bytes != 0) {
    settings.emplace_back("METRON_CAPTURE_MAX_BYTES", std::to_string(request.max_bytes));
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
    result.ending = wait_for(child, program, notice);
    result.exit_status = result.ending.signalled ? 128 + result.ending.code : result.ending.code;
  }

  std::error_code error;
  if (!std::filesystem::exists(temporary, error)) {
    notice("warning: '" + program + "' wrote no capture; is it linked with metron::probe? (" +
           request.output + " was not written)");
    return result;
  }
  try {
    const read_status written = summarize_capture(temporary).status;
    append_capture_ending(temporary, written.valid_bytes, result.ending);
  } catch (const input_error&) {
    // Not a capture: it is put in place as it is, and the totals below say why they fail.
  } catch (const resource_error& failure) {
    notice(std::string("warning: how the program ended is not recorded: ") + failure.what());
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
