// A capture's samples straight into the metric table, decoded on a second thread: the hot loop of
// `metron stats`.
#include "metric_table.hpp"

#include <metron/capture/capture.hpp>
#include <metron/capture/observation.hpp>
#include <metron/error.hpp>

#include <fmt/format.h>

#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
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
    for (auto& site : sites_) {
      site_route& route = route_for(site.id);
      route.site = &site;
      if (route.metric == site_route::none && site.kind != site_kind::event) {
        route.metric = table_.open(describe(site, 0), path_, streamed_);
        route.duration = site.kind == site_kind::bracket;
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
        if (!std::isfinite(value) || (route->duration && value < 0)) [[unlikely]] {
          fail_bad_value(*route->site, value);
        }
        table_.add(route->metric, value);
      } else {
        if (!std::isfinite(r.value)) [[unlikely]] {
          fail_bad_value(*route->site, r.value);
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
      description.direction = better::lower;
    } else {
      const bool bracket = site.kind == site_kind::bracket;
      description.name = site.name;
      description.quantity = bracket ? "duration" : "value";
      description.unit = bracket ? "ns" : "";
      // As the capture reader says: durations are better lower, counter and gauge values unknown.
      description.direction = bracket ? better::lower : better::unknown;
    }
    return description;
  }

  [[noreturn]] void fail_bad_value(const site_info& site, double value) const {
    throw input_error(fmt::format(
        "{}: chunk after byte {}: site {} '{}' has {} ({}); metron stats needs finite values and "
        "brackets that end after they begin",
        path_, bytes_read_, site.id, site.name,
        std::isfinite(value) ? "a bracket ending before it begins" : "a non-finite value", value));
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

/// Thrown inside the reading thread to unwind read_capture() once the consumer has given up.
struct read_cancelled {};

/// Runs read_capture() on a thread of its own and hands what it delivers, in order, to the
/// calling thread: decoding and summarising then overlap on two cores. At most `capacity` chunks
/// wait in between, so memory stays bounded (a chunk holds at most 64 KiB of records).
class reading_thread final : public capture_visitor {
 public:
  reading_thread(const std::string& path, capture_visitor& consumer)
      : path_(path), consumer_(consumer) {}
  ~reading_thread() override { stop(); }
  reading_thread(const reading_thread&) = delete;
  reading_thread& operator=(const reading_thread&) = delete;

  /// Reads the whole capture, calling the consumer's callbacks on this thread.
  metron::read_status run() {
    worker_ = std::thread([this] { read(); });
    for (;;) {
      message next = pop();
      switch (next.type) {
        case message_type::metadata:
          consumer_.on_metadata(next.major, next.minor, next.text);
          break;
        case message_type::sites: consumer_.on_sites(next.sites); break;
        case message_type::records:
          consumer_.on_records(next.thread, next.records);
          recycle(std::move(next.records));
          break;
        case message_type::progress: consumer_.on_progress(next.bytes); break;
        case message_type::end:
          worker_.join();
          if (failure_) {
            std::rethrow_exception(failure_);
          }
          return std::move(status_);
      }
    }
  }

  // The capture_visitor side, called on the reading thread.
  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json) override {
    message next(message_type::metadata);
    next.major = major;
    next.minor = minor;
    next.text = json;
    push(std::move(next));
  }
  void on_sites(std::span<const site_info> sites) override {
    message next(message_type::sites);
    next.sites.assign(sites.begin(), sites.end());
    push(std::move(next));
  }
  void on_records(std::uint32_t thread, std::span<const record> records) override {
    message next(message_type::records);
    next.thread = thread;
    next.records = take_buffer();
    next.records.assign(records.begin(), records.end());
    push(std::move(next));
  }
  void on_progress(std::uint64_t bytes_read) override {
    message next(message_type::progress);
    next.bytes = bytes_read;
    push(std::move(next));
  }

 private:
  enum class message_type : std::uint8_t { metadata, sites, records, progress, end };
  struct message {
    explicit message(message_type kind) : type(kind) {}
    message_type type;
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    std::uint32_t thread = 0;
    std::uint64_t bytes = 0;
    std::string text;
    std::vector<site_info> sites;
    std::vector<record> records;
  };
  static constexpr std::size_t capacity = 8;

  void read() {
    try {
      status_ = metron::read_capture(path_, *this);
    } catch (const read_cancelled&) {
      // The consumer stopped first; it no longer waits for the end.
    } catch (...) {
      failure_ = std::current_exception();
    }
    push(message(message_type::end), true);
  }

  void push(message&& next, bool always = false) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return always || cancelled_ || queue_.size() < capacity; });
    if (cancelled_ && !always) {
      throw read_cancelled{};
    }
    queue_.push_back(std::move(next));
    changed_.notify_all();
  }

  message pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty(); });
    message next = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return next;
  }

  std::vector<record> take_buffer() {
    const std::lock_guard lock(mutex_);
    if (spare_.empty()) {
      return {};
    }
    std::vector<record> buffer = std::move(spare_.back());
    spare_.pop_back();
    return buffer;
  }

  void recycle(std::vector<record>&& buffer) {
    const std::lock_guard lock(mutex_);
    if (spare_.size() < capacity) {
      spare_.push_back(std::move(buffer));
    }
  }

  /// Unblocks and joins the reading thread when the consumer leaves early (it threw).
  void stop() noexcept {
    if (!worker_.joinable()) {
      return;
    }
    {
      const std::lock_guard lock(mutex_);
      cancelled_ = true;
      changed_.notify_all();
    }
    worker_.join();
  }

  const std::string& path_;
  capture_visitor& consumer_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<message> queue_;               // guarded by mutex_
  std::vector<std::vector<record>> spare_;  // guarded by mutex_
  bool cancelled_ = false;                  // guarded by mutex_
  // Written by the reading thread before it pushes the end message; read after the join.
  metron::read_status status_;
  std::exception_ptr failure_;
};

}  // namespace

capture_read read_capture_metrics(
    const std::string& path, metric_table& table, bool streamed,
    const std::function<void(std::uint64_t records, std::uint64_t bytes)>& on_progress) {
  capture_metrics visitor(path, table, streamed, on_progress);
  reading_thread reader(path, visitor);
  capture_read result;
  result.status = reader.run();
  result.records = visitor.records();
  result.metadata_json = visitor.metadata_json();
  return result;
}

}  // namespace metron::analysis::detail
