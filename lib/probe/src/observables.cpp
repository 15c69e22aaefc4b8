// Reading thread CPU time, page faults, context switches and hardware counters around a bracket.
#include "observables.hpp"

#include "runtime.hpp"

#include <metron/capture/detail/json_text.hpp>
#include <metron/capture/observation.hpp>
#include <metron/probe/detail/probe.hpp>

#include <cerrno>
#include <ctime>
#include <string>
#include <system_error>

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace metron::detail {

namespace {

constexpr std::uint32_t bit(observable_id id) noexcept { return 1U << static_cast<unsigned>(id); }

constexpr std::uint32_t hardware_bits =
    bit(observable_id::instructions) | bit(observable_id::cycles);

int open_counter(std::uint64_t config) noexcept {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof(attr);
  attr.config = config;
  attr.disabled = 0;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

/// Whether this process may open hardware counters, probed once.
struct hardware_support {
  bool available = false;
  std::string reason;
};

const hardware_support& hardware() {
  static const hardware_support support = [] {
    hardware_support result;
    const int fd = open_counter(PERF_COUNT_HW_INSTRUCTIONS);
    if (fd < 0) {
      result.reason = "perf_event_open: " + std::generic_category().message(errno);
    } else {
      close(fd);
      result.available = true;
    }
    return result;
  }();
  return support;
}

/// The calling thread's counter descriptors, opened on its first observed bracket.
struct thread_counters {
  int instructions = -1;
  int cycles = -1;
  bool opened = false;

  thread_counters() = default;
  thread_counters(const thread_counters&) = delete;
  thread_counters& operator=(const thread_counters&) = delete;
  ~thread_counters() {
    if (instructions >= 0) close(instructions);
    if (cycles >= 0) close(cycles);
  }
};

std::uint64_t read_counter(int fd) noexcept {
  std::uint64_t value = 0;
  if (fd < 0 || read(fd, &value, sizeof(value)) != static_cast<ssize_t>(sizeof(value))) {
    return 0;
  }
  return value;
}

thread_counters& counters() {
  thread_local thread_counters per_thread;
  if (!per_thread.opened) {
    per_thread.opened = true;
    if (hardware().available) {
      per_thread.instructions = open_counter(PERF_COUNT_HW_INSTRUCTIONS);
      per_thread.cycles = open_counter(PERF_COUNT_HW_CPU_CYCLES);
    }
  }
  return per_thread;
}

}  // namespace

void read_observables(std::uint32_t mask, observable_values& out) noexcept {
  if ((mask & bit(observable_id::cpu_time)) != 0) {
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    out.value[static_cast<unsigned>(observable_id::cpu_time)] =
        static_cast<std::uint64_t>(cpu.tv_sec) * 1'000'000'000U +
        static_cast<std::uint64_t>(cpu.tv_nsec);
  }
  if ((mask & (bit(observable_id::page_faults) | bit(observable_id::context_switches))) != 0) {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    out.value[static_cast<unsigned>(observable_id::page_faults)] =
        static_cast<std::uint64_t>(usage.ru_minflt + usage.ru_majflt);
    out.value[static_cast<unsigned>(observable_id::context_switches)] =
        static_cast<std::uint64_t>(usage.ru_nvcsw + usage.ru_nivcsw);
  }
  if ((mask & hardware_bits) != 0) {
    try {
      const thread_counters& fds = counters();
      out.value[static_cast<unsigned>(observable_id::instructions)] =
          read_counter(fds.instructions);
      out.value[static_cast<unsigned>(observable_id::cycles)] = read_counter(fds.cycles);
    } catch (...) {
      // Allocation failure while probing support: leave the counters at zero.
    }
  }
}

void push_observed(site& s, std::uint64_t begin, std::uint64_t end,
                   const observable_values& at_entry) noexcept {
  observable_values at_exit{};
  read_observables(s.observables, at_exit);
  const std::uint32_t id = site_id(s);
  raw_record group[observable_id_end];
  std::size_t count = 0;
  group[count++] = raw_record{begin, end, id, 0, 0};
  const std::uint32_t mask = recorded_observables(s.observables);
  for (std::uint8_t tag = 1; tag < observable_id_end; ++tag) {
    if ((mask & (1U << tag)) != 0) {
      group[count++] = raw_record{begin, end, id, tag, at_exit.value[tag] - at_entry.value[tag]};
    }
  }
  push_group(group, count);
}

std::uint32_t recorded_observables(std::uint32_t mask) noexcept {
  if ((mask & hardware_bits) == 0) {
    return mask;
  }
  bool available = false;
  try {
    available = hardware().available;
  } catch (...) {
    available = false;
  }
  return available ? mask : mask & ~hardware_bits;
}

std::string observables_availability_json() {
  std::string json = "{";
  const hardware_support& support = hardware();
  for (std::uint8_t tag = 1; tag < observable_id_end; ++tag) {
    const bool is_hardware = (hardware_bits & (1U << tag)) != 0;
    if (tag != 1) {
      json += ',';
    }
    append_json_string(json, observable_name(tag));
    json += ':';
    append_json_string(json, !is_hardware || support.available ? std::string("available")
                                                               : "unavailable: " + support.reason);
  }
  json += '}';
  return json;
}

}  // namespace metron::detail
