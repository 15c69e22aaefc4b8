// The line writer behind stdout_tracer.
#include <metron/trace/trace.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace metron::detail {

void write_stdout_line(const nlohmann::json& line) {
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  // One call, so that glibc's lock on stdout keeps lines from different threads whole.
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace metron::detail
