// Writing a session into a capture file.
#include "capture_sink.hpp"

#include <metron/error.hpp>

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace metron::detail {

capture_file_sink::capture_file_sink(std::string path, std::uint64_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {
  const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw resource_error(path_ +
                         ": cannot create capture file: " + std::generic_category().message(errno));
  }
  close(fd);
}

void capture_file_sink::on_start(const session_info& info) {
  writer_ = std::make_unique<capture_writer>(path_, info.metadata_json, max_bytes_);
}

void capture_file_sink::on_sites(std::span<const site_info> sites) { writer_->write_sites(sites); }

void capture_file_sink::on_thread(const thread_info& thread) { writer_->write_thread(thread); }

void capture_file_sink::on_records(const thread_info& thread, std::span<const record> records) {
  writer_->write_records(thread.index, records);
}

void capture_file_sink::on_resources(const resource_sample& sample) {
  writer_->write_resources(std::span<const resource_sample>(&sample, 1));
}

void capture_file_sink::on_stop(const session_summary& summary) {
  capture_footer footer;
  footer.end_ns = summary.duration_ns;
  footer.tick_hz_start = summary.tick_hz_start;
  footer.tick_hz_stop = summary.tick_hz_stop;
  footer.threads = summary.threads;
  writer_->finish(footer);
  bytes_ = writer_->bytes_written();
  size_limited_ = writer_->size_limit_reached();
  writer_.reset();
}

}  // namespace metron::detail
