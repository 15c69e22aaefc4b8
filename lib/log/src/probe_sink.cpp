// The probe sink that logs bracket openings, closings and observable deltas.
#include <metron/log/log.hpp>
#include <metron/log/probe_sink.hpp>

#include <unordered_map>

namespace metron::detail {

/// What one probe record says, queued by the probe sink and rendered on the logging thread.
struct probe_observation {
  enum class what : std::uint8_t { open, close, event, counter, gauge, observable };
  what kind = what::event;
  std::uint8_t observable = 0;
  std::int64_t duration_ns = 0;
  double value = 0;
};

nlohmann::json to_object(const probe_observation& seen, verbosity /*level*/) {
  switch (seen.kind) {
    case probe_observation::what::open: return {{"event", "open"}};
    case probe_observation::what::close:
      return {{"event", "close"}, {"duration_ns", seen.duration_ns}};
    case probe_observation::what::event: return {{"event", "event"}};
    case probe_observation::what::counter: return {{"event", "counter"}, {"delta", seen.value}};
    case probe_observation::what::gauge: return {{"event", "gauge"}, {"value", seen.value}};
    case probe_observation::what::observable:
      return {{"event", "observable"},
              {"observable", std::string(observable_name(seen.observable))},
              {"delta", seen.value}};
  }
  return nlohmann::json::object();
}

}  // namespace metron::detail

namespace metron {
namespace {

class log_probe_sink final : public sink {
 public:
  explicit log_probe_sink(severity level) : level_(level) {}

  void on_start(const session_info& info) override {
    const auto metadata = nlohmann::json::parse(info.metadata_json, nullptr, false);
    start_unix_ns_ = metadata.is_object() ? metadata.value("start_unix_ns", std::int64_t{0}) : 0;
  }

  void on_sites(std::span<const site_info> sites) override {
    for (const auto& site : sites) sites_.insert_or_assign(site.id, known_site{site.kind, logger(site.name)});
  }

  void on_thread(const thread_info& /*thread*/) override {}

  void on_records(const thread_info& thread, std::span<const record> records) override {
    const auto os_thread = static_cast<std::uint64_t>(thread.os_tid);
    using what = detail::probe_observation::what;
    for (const auto& seen : records) {
      const auto site = sites_.find(seen.site);
      if (site == sites_.end()) continue;
      const logger& into = site->second.into;
      if (!into.enabled(level_)) continue;
      const auto at = [this](std::int64_t ns) { return (start_unix_ns_ + ns) / 1000; };
      if (seen.tag != 0) {
        into.log_at(level_, at(seen.end_ns), os_thread,
                    detail::probe_observation{what::observable, seen.tag, 0, seen.value});
        continue;
      }
      switch (site->second.kind) {
        case site_kind::bracket:
          into.log_at(level_, at(seen.begin_ns), os_thread, detail::probe_observation{what::open});
          into.log_at(level_, at(seen.end_ns), os_thread,
                      detail::probe_observation{what::close, 0, seen.end_ns - seen.begin_ns, 0});
          break;
        case site_kind::event:
          into.log_at(level_, at(seen.end_ns), os_thread, detail::probe_observation{what::event});
          break;
        case site_kind::counter:
          into.log_at(level_, at(seen.end_ns), os_thread,
                      detail::probe_observation{what::counter, 0, 0, seen.value});
          break;
        case site_kind::gauge:
          into.log_at(level_, at(seen.end_ns), os_thread,
                      detail::probe_observation{what::gauge, 0, 0, seen.value});
          break;
      }
    }
  }

  void on_resources(const resource_sample& /*sample*/) override {}
  void on_stop(const session_summary& /*summary*/) override {}

 private:
  struct known_site {
    site_kind kind;
    logger into;
  };
  severity level_;
  std::int64_t start_unix_ns_ = 0;
  std::unordered_map<std::uint32_t, known_site> sites_;
};

}  // namespace

std::shared_ptr<sink> make_log_probe_sink(severity level) {
  return std::make_shared<log_probe_sink>(level);
}

}  // namespace metron
