// A capture's samples straight into the metric table: the hot loop of `metron stats`.
#include "metric_table.hpp"

#include <metron/capture.hpp>
#include <metron/error.hpp>
#include <metron/observation.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace metron::analysis::detail {

namespace {

/// What a site's records feed: its own metric and those of its observables.
struct site_route {
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  const site_info* site = nullptr;  ///< points into capture_metrics::sites_
  std::size_t metric = none;        ///< slot of the site's own metric; none for event sites
  bool duration = false;            ///< brackets: the metric is end - begin, else the value
  std::vector<std::pair<std::uint8_t, std::size_t>> observables;  ///< tag → slot, opened lazily
};

class capture_metrics final : public capture_visitor {
 public:
  capture_metrics(const std::string& path, metric_table& table, bool streamed,
                  const std::function<void(std::uint64_t, std::uint64_t)>& on_progress)
      : path_(path), table_(table), streamed_(streamed), on_progress_(on_progress) {}

  void on_sites(std::span<const site_info> sites) override {
    for (const site_info& site : sites) {
      sites_.push_back(site);
    }
    // Routes point into sites_, which may have moved: rebuild them all.
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      site_route& route = route_for(sites_[i].id);
      route.site = &sites_[i];
      if (route.metric == site_route::none && sites_[i].kind != site_kind::event) {
        route.metric = table_.open(describe(sites_[i], 0), path_, streamed_);
        route.duration = sites_[i].kind == site_kind::bracket;
      }
    }
  }

  void on_records(std::uint32_t, std::span<const record> records) override {
    for (const record& r : records) {
      site_route* route = find_route(r.site);
      if (route == nullptr) {
        continue;
      }
      if (r.tag == 0) {
        if (route->metric == site_route::none) {
          continue;  // an event: counted, not summarised
        }
        const double value = route->duration ? static_cast<double>(r.end_ns - r.begin_ns) : r.value;
        if (!std::isfinite(value)) [[unlikely]] {
          fail_non_finite(*route->site, value);
        }
        table_.add(route->metric, value);
      } else {
        if (!std::isfinite(r.value)) [[unlikely]] {
          fail_non_finite(*route->site, r.value);
        }
        table_.add(observable_slot(*route, r.tag), r.value);
      }
    }
    records_ += records.size();
  }

  void on_progress(std::uint64_t bytes_read) override {
    bytes_read_ = bytes_read;
    if (on_progress_) {
      on_progress_(records_, bytes_read);
    }
  }

  void on_metadata(std::uint16_t, std::uint16_t, std::string_view json) override {
    metadata_json_ = json;
  }

  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  [[nodiscard]] const std::string& metadata_json() const noexcept { return metadata_json_; }

 private:
  // Site ids are small and dense in practice (numbered from 1); a hostile one goes to the map.
  static constexpr std::uint32_t dense_ids = std::uint32_t{1} << 20;

  site_route& route_for(std::uint32_t id) {
    if (id < dense_ids) {
      if (id >= dense_.size()) {
        dense_.resize(std::size_t{id} + 1);
      }
      return dense_[id];
    }
    return sparse_[id];
  }

  site_route* find_route(std::uint32_t id) noexcept {
    if (id < dense_.size()) [[likely]] {
      return dense_[id].site != nullptr ? &dense_[id] : nullptr;
    }
    const auto found = sparse_.find(id);
    return found == sparse_.end() ? nullptr : &found->second;
  }

  std::size_t observable_slot(site_route& route, std::uint8_t tag) {
    for (const auto& [known, slot] : route.observables) {
      if (known == tag) {
        return slot;
      }
    }
    const std::size_t slot = table_.open(describe(*route.site, tag), path_, streamed_);
    route.observables.emplace_back(tag, slot);
    return slot;
  }

  metric describe(const site_info& site, std::uint8_t tag) const {
    metric description;
    description.entry = site.name;
    description.origins.push_back(
        {path_, fmt::format("site {} ({}:{})", site.id, site.file, site.line)});
    if (tag != 0) {
      const std::string_view observable = observable_name(tag);
      description.name = fmt::format("{}:{}", site.name, observable);
      description.quantity = std::string(observable);
      description.unit = observable == "cpu_time_ns" ? "ns" : "";
    } else {
      description.name = site.name;
      description.quantity = site.kind == site_kind::bracket ? "duration" : "value";
      description.unit = site.kind == site_kind::bracket ? "ns" : "";
    }
    return description;
  }

  [[noreturn]] void fail_non_finite(const site_info& site, double value) const {
    throw input_error(fmt::format(
        "{}: chunk after byte {}: site {} '{}' has a non-finite value ({}); metron stats needs "
        "finite values",
        path_, bytes_read_, site.id, site.name, value));
  }

  const std::string& path_;
  metric_table& table_;
  bool streamed_;
  const std::function<void(std::uint64_t, std::uint64_t)>& on_progress_;
  std::vector<site_info> sites_;
  std::vector<site_route> dense_;
  std::unordered_map<std::uint32_t, site_route> sparse_;
  std::uint64_t records_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::string metadata_json_;
};

}  // namespace

capture_read read_capture_metrics(
    const std::string& path, metric_table& table, bool streamed,
    const std::function<void(std::uint64_t records, std::uint64_t bytes)>& on_progress) {
  capture_metrics visitor(path, table, streamed, on_progress);
  capture_read result;
  result.status = metron::read_capture(path, visitor);
  result.records = visitor.records();
  result.metadata_json = visitor.metadata_json();
  return result;
}

}  // namespace metron::analysis::detail
