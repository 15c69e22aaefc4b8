// Reading the process's resident size, CPU time, io bytes and thread count.
#include "resources.hpp"

#include <cstdio>
#include <cstring>
#include <initializer_list>

#include <sys/resource.h>
#include <unistd.h>

namespace metron::detail {

namespace {

std::int64_t to_ns(const timeval& time) noexcept {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 +
         static_cast<std::int64_t>(time.tv_usec) * 1000;
}

/// A key of a "key: value" /proc file and where its value goes (-1 when the file lacks it).
struct proc_field {
  const char* key;
  std::int64_t* value;
};

/// Reads every field of `fields` from `path` in one pass; the process's io counters move between
/// two opens, so reading rchar and wchar together keeps a sample consistent.
void read_proc_fields(const char* path, std::initializer_list<proc_field> fields) noexcept {
  for (const proc_field& field : fields) {
    *field.value = -1;
  }
  std::FILE* file = std::fopen(path, "re");
  if (file == nullptr) {
    return;
  }
  char line[256];
  while (std::fgets(line, sizeof(line), file) != nullptr) {
    for (const proc_field& field : fields) {
      const std::size_t key_length = std::strlen(field.key);
      long long value = -1;
      if (std::strncmp(line, field.key, key_length) == 0 && line[key_length] == ':' &&
          std::sscanf(line + key_length + 1, "%lld", &value) == 1) {
        *field.value = value;
      }
    }
  }
  std::fclose(file);
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
  read_proc_fields("/proc/self/io",
                   {{"rchar", &sample.read_bytes}, {"wchar", &sample.write_bytes}});
  read_proc_fields("/proc/self/status", {{"Threads", &sample.threads}});
  return sample;
}

}  // namespace metron::detail
