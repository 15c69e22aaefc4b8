// `metron record`: runs a program with a capture switched on, then summarises what it wrote.
#include "commands.hpp"

#include <metron/capture/render.hpp>
#include <metron/error.hpp>
#include <metron/report/format.hpp>
#include <metron/report/output_file.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace metron::tool {

namespace {

struct record_options {
  std::string output = "run.mtr";
  std::string policy;
  std::uint64_t ring_bytes = 0;
  std::uint64_t resource_interval_ms = 0;
  std::vector<std::string> command;
  const CLI::Option* ring_bytes_option = nullptr;
  const CLI::Option* resource_interval_option = nullptr;
};

constexpr std::string_view record_details =
    "The program must be linked with metron::probe: at load time it reads METRON_CAPTURE (and\n"
    "METRON_POLICY, METRON_RING_BYTES, METRON_RESOURCE_INTERVAL_MS), which metron record sets,\n"
    "and it finishes the capture when it exits normally. SIGINT and SIGTERM sent to metron are\n"
    "passed on to the program. Afterwards a summary goes to stderr: records, threads, drops and\n"
    "size, with a warning if the program wrote no capture or left it truncated. Options left\n"
    "out keep the values the environment gives, else the library's defaults.\n";

constexpr std::string_view record_examples =
    "  metron record -- ./quickstart\n"
    "  metron record -o ledger.mtr --policy drop --ring-bytes 4M -- ./ledger_bench --blocks 100\n";

constexpr std::string_view record_exit_codes =
    "  N    the program's own exit status; 128+N when signal N killed it\n"
    "  2    bad usage, an output path that cannot be written, or a program that cannot be\n"
    "       started (metron's own errors)\n";

// The child being recorded, for the signal handler; 0 when there is none.
std::atomic<pid_t> recorded_child{0};
static_assert(std::atomic<pid_t>::is_always_lock_free,
              "a signal handler may only use lock-free atomics");

void forward_signal(int signal_number, siginfo_t* info, void* /*context*/) {
  // A terminal's Ctrl-C reaches the whole foreground process group, the child included, and
  // comes from the kernel: passing it on would deliver it twice. Forward what was sent to
  // metron alone (kill, timeout, a CI runner).
  if (info->si_code == SI_KERNEL) {
    return;
  }
  const int saved_errno = errno;
  // Relaxed: pairs with the store in signal_forwarder::forward_to() on this same thread.
  if (const pid_t child = recorded_child.load(std::memory_order_relaxed); child > 0) {
    kill(child, signal_number);
  }
  errno = saved_errno;
}

constexpr int forwarded_signals[] = {SIGINT, SIGTERM};

// Forwards SIGINT and SIGTERM to the recorded program while it runs. Between construction and
// forward_to() the signals are held back, so one arriving while the program starts is not lost.
class signal_forwarder {
 public:
  signal_forwarder() {
    sigset_t held;
    sigemptyset(&held);
    for (const int signal_number : forwarded_signals) {
      sigaddset(&held, signal_number);
    }
    pthread_sigmask(SIG_BLOCK, &held, &saved_mask_);
    struct sigaction action {};
    action.sa_sigaction = forward_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(forwarded_signals); ++i) {
      sigaction(forwarded_signals[i], &action, &saved_actions_[i]);
    }
  }

  ~signal_forwarder() {
    // Relaxed: the handler runs on this thread; see forward_signal().
    recorded_child.store(0, std::memory_order_relaxed);
    for (std::size_t i = 0; i < std::size(forwarded_signals); ++i) {
      sigaction(forwarded_signals[i], &saved_actions_[i], nullptr);
    }
    pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  }

  signal_forwarder(const signal_forwarder&) = delete;
  signal_forwarder& operator=(const signal_forwarder&) = delete;

  /// Starts forwarding to `child` and lets held-back signals through.
  void forward_to(pid_t child) {
    // Relaxed: the handler runs on this thread; see forward_signal().
    recorded_child.store(child, std::memory_order_relaxed);
    pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  }

 private:
  sigset_t saved_mask_{};
  struct sigaction saved_actions_[std::size(forwarded_signals)]{};
};

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
  for (const int signal_number : forwarded_signals) {
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
    throw input_error(fmt::format("cannot start '{}': {}", command.front(), system_reason(result)));
  }
  return child;
}

// Waits for `child` and turns its end into an exit status the way a shell does.
int wait_for(pid_t child, const std::string& program) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw resource_error(fmt::format("cannot wait for '{}': {}", program, system_reason(errno)));
    }
  }
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    const char* name = sigabbrev_np(signal_number);
    print_error(fmt::format("'{}' was killed by signal {} (SIG{})", program, signal_number,
                            name != nullptr ? name : "?"));
    return 128 + signal_number;
  }
  return WEXITSTATUS(status);
}

// Fails early, before the program runs, when the capture could not be put at `output`.
void check_output_path(const std::string& output) {
  const std::filesystem::path target(output);
  std::error_code error;
  if (std::filesystem::is_directory(target, error)) {
    throw input_error(fmt::format("cannot write {}: it is a directory", output));
  }
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  if (access(directory.c_str(), W_OK) != 0) {
    throw input_error(fmt::format("cannot write {}: {}", output, system_reason(errno)));
  }
}

// The summary on stderr, and a warning for each way the capture falls short.
void report_capture(const std::string& output) {
  capture_summary summary;
  try {
    summary = summarize_capture(output);
  } catch (const input_error& error) {
    print_error(fmt::format("warning: the capture is unreadable: {}", error.what()));
    return;
  }
  const std::uint64_t bytes = summary.status.file_bytes;
  const std::string per_record =
      summary.records > 0 ? fmt::format(" ({} bytes/record)",
                                        report::format_number(static_cast<double>(bytes) /
                                                              static_cast<double>(summary.records)))
                          : std::string{};
  print_error(fmt::format("wrote {}: {} records, {} threads, {} dropped, {}{}, {}", output,
                          summary.records, summary.threads.size(), summary.dropped,
                          report::format_bytes(static_cast<double>(bytes)), per_record,
                          report::format_duration(static_cast<double>(summary.duration_ns))));
  if (summary.dropped > 0) {
    print_error(fmt::format(
        "warning: {} records were dropped because a ring was full; record with --policy block "
        "or a larger --ring-bytes to keep them",
        summary.dropped));
  }
  if (!summary.status.complete) {
    print_error(fmt::format(
        "warning: {} is truncated: {}. The {} records before that point were recovered; a "
        "capture is finished only when the program exits normally",
        output, summary.status.problem, summary.records));
  }
}

int run_record(const record_options& options) {
  check_output_path(options.output);
  const std::string temporary =
      std::filesystem::absolute(report::temporary_path_for(options.output)).string();
  std::vector<setting> settings = {{"METRON_CAPTURE", temporary}};
  if (!options.policy.empty()) {
    settings.emplace_back("METRON_POLICY", options.policy);
  }
  if (options.ring_bytes_option->count() > 0) {
    settings.emplace_back("METRON_RING_BYTES", std::to_string(options.ring_bytes));
  }
  if (options.resource_interval_option->count() > 0) {
    settings.emplace_back("METRON_RESOURCE_INTERVAL_MS",
                          std::to_string(options.resource_interval_ms));
  }

  const std::string& program = options.command.front();
  int exit_status = 0;
  {
    signal_forwarder forwarder;
    const pid_t child = start_program(options.command, program_environment(settings));
    forwarder.forward_to(child);
    exit_status = wait_for(child, program);
  }

  std::error_code error;
  if (!std::filesystem::exists(temporary, error)) {
    print_error(
        fmt::format("warning: '{}' wrote no capture; is it linked with metron::probe? "
                    "({} was not written)",
                    program, options.output));
    return exit_status;
  }
  // Even a truncated capture goes to the target: the reader recovers every complete chunk.
  std::filesystem::rename(temporary, options.output, error);
  if (error) {
    print_error(
        fmt::format("cannot rename {} to {}: {}", temporary, options.output, error.message()));
    return exit_status;
  }
  report_capture(options.output);
  return exit_status;
}

// CLI11 converts "-1" to a huge unsigned number; a count must start with a digit.
CLI::Validator unsigned_number() {
  return {[](const std::string& text) {
            return !text.empty() && text.front() >= '0' && text.front() <= '9'
                       ? std::string{}
                       : "expected a non-negative whole number, not '" + text + "'";
          },
          ""};
}

}  // namespace

command register_record(CLI::App& app) {
  auto options = std::make_shared<record_options>();
  CLI::App* sub = app.add_subcommand("record", "Run a program and write its capture (.mtr)");
  sub->footer(help_footer(record_details, record_examples, record_exit_codes));
  sub->add_option("-o,--output", options->output, "Capture file to write")
      ->capture_default_str()
      ->type_name("FILE");
  sub->add_option("--policy", options->policy,
                  "What a full ring does: block (lossless, the default) or drop (count and go on)")
      ->check(CLI::IsMember({"block", "drop"}))
      ->type_name("POLICY");
  options->ring_bytes_option =
      sub->add_option("--ring-bytes", options->ring_bytes,
                      "Size of each thread's ring, rounded up to a power of two (default 1M); "
                      "accepts suffixes k, M, G")
          ->transform(CLI::Validator(CLI::AsSizeValue(false)).description(""))
          ->transform(unsigned_number())  // transforms run in reverse order: this one first
          ->check(CLI::Validator(
              [](const std::string& bytes) {
                return bytes == "0" ? "a ring needs at least one byte" : "";
              },
              ""))
          ->type_name("BYTES");
  options->resource_interval_option =
      sub->add_option(
             "--resource-interval-ms", options->resource_interval_ms,
             "Period of the process resource samples in ms (default 100; 0 turns them off)")
          ->check(unsigned_number())
          ->type_name("MS");
  sub->add_option("program", options->command,
                  "The program and its arguments, after '--' so that its options stay its own")
      ->required()
      ->type_name("ARGS");
  return {sub, [options] { return run_record(*options); }};
}

}  // namespace metron::tool
