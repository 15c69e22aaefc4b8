// Reading the process's resident size, CPU time, io bytes and thread count.
#include "resources.hpp"

#include <cstdio>
#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

namespace metron::detail {

namespace {

std::int64_t to_ns(const timeval& time) noexcept {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 +
         static_cast<std::int64_t>(time.tv_usec) * 1000;
}

/// The value after `key` in a "key: value" line of a /proc file, or -1.
std::int64_t read_proc_field(const char* path, const char* key) noexcept {
  std::FILE* file = std::fopen(path, "re");
  if (file == nullptr) {
    return -1;
  }
  std::int64_t result = -1;
  char line[256];
  const std::size_t key_length = std::strlen(key);
  while (std::fgets(line, sizeof(line), file) != nullptr) {
    if (std::strncmp(line, key, key_length) == 0 && line[key_length] == ':') {
      long long value = -1;
      if (std::sscanf(line + key_length + 1, "%lld", &value) == 1) {
        result = value;
      }
      break;
    }
  }
  std::fclose(file);
  return result;
}

std::int64_t resident_bytes() noexcept {
  std::FILE* file = std::fopen("/proc/self/statm", "re");
  if (file == nullptr) {
    return -1;
  }
  long long size_pages = 0;
  long long resident_pages = -1;
  const int fields = std::fscanf(file, "%lld %lld", &size_pages, &resident_pages);
  std::fclose(file);
  if (fields != 2) {
    return -1;
  }
  return resident_pages * sysconf(_SC_PAGESIZE);
}

}  // namespace

resource_sample sample_resources(std::int64_t time_ns) noexcept {
  resource_sample sample;
  sample.time_ns = time_ns;
  sample.rss_bytes = resident_bytes();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    sample.cpu_user_ns = to_ns(usage.ru_utime);
    sample.cpu_system_ns = to_ns(usage.ru_stime);
  } else {
    sample.cpu_user_ns = -1;
    sample.cpu_system_ns = -1;
  }
  sample.read_bytes = read_proc_field("/proc/self/io", "rchar");
  sample.write_bytes = read_proc_field("/proc/self/io", "wchar");
  sample.threads = read_proc_field("/proc/self/status", "Threads");
  return sample;
}

}  // namespace metron::detail
