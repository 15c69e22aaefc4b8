// The sink that writes a session's observations to a .mtr capture file.
#pragma once

#include <metron/capture/capture.hpp>
#include <metron/probe/session.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace metron::detail {

/// Writes everything the collector delivers into a capture file.
class capture_file_sink final : public sink {
 public:
  /// Creates the file at once, so that a bad path fails the session start; `max_bytes` bounds
  /// its size as capture_writer does (0 for no bound).
  /// @throws resource_error naming the path when it cannot be created.
  capture_file_sink(std::string path, std::uint64_t max_bytes);

  void on_start(const session_info& info) override;
  void on_sites(std::span<const site_info> sites) override;
  void on_thread(const thread_info& thread) override;
  void on_records(const thread_info& thread, std::span<const record> records) override;
  void on_resources(const resource_sample& sample) override;
  void on_stop(const session_summary& summary) override;

  /// The capture file's path.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Bytes written once the session stopped.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  /// Whether the capture reached its size bound, once the session stopped.
  [[nodiscard]] bool size_limited() const noexcept { return size_limited_; }

 private:
  std::string path_;
  std::unique_ptr<capture_writer> writer_;
  std::uint64_t max_bytes_ = 0;
  std::uint64_t bytes_ = 0;
  bool size_limited_ = false;
};

}  // namespace metron::detail
