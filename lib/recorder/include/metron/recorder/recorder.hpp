// Recording a program: starting it with a capture switched on, forwarding signals, waiting for
// it, and putting its capture in place.
#pragma once

#include <metron/capture/render.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metron {

/// What to record and how: the program, where its capture goes, and the capture settings it is
/// given through its environment (METRON_CAPTURE, METRON_POLICY, METRON_RING_BYTES,
/// METRON_RESOURCE_INTERVAL_MS, METRON_CAPTURE_MAX_BYTES, which metron::probe reads at load
/// time). A setting left empty
/// keeps what metron's own environment gives the program, else the library's default.
struct record_request {
  std::vector<std::string> command;  ///< the program (searched in PATH) and its arguments
  std::string output = "run.mtr";    ///< the capture file to write
  std::string policy;                ///< what a full ring does, "block" or "drop"; empty: unset
  std::optional<std::uint64_t> ring_bytes;            ///< each thread's ring size
  std::optional<std::uint64_t> resource_interval_ms;  ///< resource sample period; 0 turns off
  /// The capture's size bound in bytes, 0 for none. The program's capture writer applies it
  /// (METRON_CAPTURE_MAX_BYTES): past it the capture gets a size-limit chunk and its footer.
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
};

/// How a recording ended.
struct record_result {
  /// The program's exit status, the way a shell gives it: its own, or 128+N when signal N
  /// killed it.
  int exit_status = 0;
  /// How it ended, as the capture's ending chunk records it.
  program_ending ending;
  /// The capture's totals when the program wrote a capture, it was put at the output path and
  /// could be read back; empty otherwise (a notice has then said why).
  std::optional<capture_summary> capture;
};

/// Receives each plain-text notice of a recording as it happens, without a trailing newline,
/// such as `'./bench' was killed by signal 9 (SIGKILL)`, `warning: './bench' wrote no capture; …`,
/// `cannot rename …` or `warning: the capture is unreadable: …`.
using record_notice = std::function<void(std::string_view message)>;

/// Records one run of `request.command`: checks that the output can be written, starts the
/// program with the capture settings added to metron's environment (its capture first goes to a
/// hidden temporary file beside the output), forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1
/// and SIGUSR2 sent to this process to the program while it runs (not those the kernel sent to
/// the whole process group, such as a terminal's Ctrl-C or hang-up, which the program receives
/// already), waits for it, appends how it ended to the capture (append_capture_ending(), after
/// cutting a torn last chunk), then renames the capture, even a truncated one, over the output
/// and totals it. The capture is read twice: once to find where its complete chunks end, once
/// to total it in place.
///
/// The program does not outlive this process: it gets SIGKILL when the calling thread ends
/// (PR_SET_PDEATHSIG), even when this process is killed with SIGKILL; its capture then stays
/// under the temporary name.
///
/// Call it from the main thread while no other thread changes the signal mask or the handlers
/// of the forwarded signals: it installs its own handlers for the run and restores the previous
/// ones, and the mask, before it returns. Blocks until the program ends.
/// @throws input_error for an empty command, an output that is a directory or in a directory
///         that cannot be written, or a program that cannot be started; resource_error when
///         waiting for the program fails.
[[nodiscard]] record_result record_program(const record_request& request,
                                           const record_notice& notice);

}  // namespace metron
