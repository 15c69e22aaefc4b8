// The capture renderings: summary totals, JSON lines and the Chrome trace event format.
#include <metron/capture/render.hpp>

#include <metron/capture/detail/json_text.hpp>
#include "format.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <ostream>

namespace metron {
namespace {

using detail::append_json_integer;
using detail::append_json_number;
using detail::append_json_string;
using detail::append_json_unsigned;

/// Sites by id, in the order they were defined.
class site_table {
 public:
  void add(std::span<const site_info> sites) {
    for (const site_info& site : sites) {
      if (ids_.insert(site.id) != detail::id_map::npos) {
        sites_.push_back(site);
      }
    }
  }
  /// The slot of site `id` (an index into sites()), or npos. The reader never delivers a
  /// record of an undefined site.
  [[nodiscard]] std::uint32_t slot(std::uint32_t id) const noexcept { return ids_.find(id); }
  [[nodiscard]] const std::vector<site_info>& sites() const noexcept { return sites_; }

 private:
  detail::id_map ids_;
  std::vector<site_info> sites_;
};

const site_info& unknown_site() {
  static const site_info site;
  return site;
}

/// Buffers text and hands it to the stream in large pieces.
class text_sink {
 public:
  explicit text_sink(std::ostream& out) : out_(out) { text_.reserve(flush_bytes + 4096); }
  std::string& text() noexcept { return text_; }
  void maybe_flush() {
    if (text_.size() >= flush_bytes) {
      flush();
    }
  }
  void flush() {
    out_.write(text_.data(), static_cast<std::streamsize>(text_.size()));
    text_.clear();
  }

 private:
  static constexpr std::size_t flush_bytes = std::size_t{64} << 10;
  std::ostream& out_;
  std::string text_;
};

std::string format_version(std::uint16_t major, std::uint16_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

/// Appends `"key":` to `out`, preceded by a comma.
void key(std::string& out, std::string_view name) {
  out += ',';
  out += '"';
  out += name;
  out += "\":";
}

class json_lines_renderer final : public capture_visitor {
 public:
  explicit json_lines_renderer(std::ostream& out) : sink_(out) {}

  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json) override {
    std::string& out = sink_.text();
    out += R"({"type":"metadata","format":)";
    append_json_string(out, format_version(major, minor));
    key(out, "metadata");
    if (auto object = detail::parse_json_object(json)) {
      out += object->minified;
    } else {
      append_json_string(out, json);
    }
    out += "}\n";
    sink_.maybe_flush();
  }

  void on_sites(std::span<const site_info> sites) override {
    sites_.add(sites);
    std::string& out = sink_.text();
    for (const site_info& site : sites) {
      out += R"({"type":"site","id":)";
      append_json_unsigned(out, site.id);
      key(out, "kind");
      append_json_string(out, to_string(site.kind));
      key(out, "name");
      append_json_string(out, site.name);
      key(out, "file");
      append_json_string(out, site.file);
      key(out, "line");
      append_json_unsigned(out, site.line);
      key(out, "function");
      append_json_string(out, site.function);
      key(out, "observables");
      out += '[';
      bool first = true;
      for (unsigned bit = 0; bit < 32; ++bit) {
        if ((site.observables >> bit & 1U) != 0) {
          if (!first) {
            out += ',';
          }
          first = false;
          append_json_string(out, observable_name(static_cast<std::uint8_t>(bit)));
        }
      }
      out += "]}\n";
      sink_.maybe_flush();
    }
  }

  void on_thread(const thread_info& thread) override {
    std::string& out = sink_.text();
    out += R"({"type":"thread","index":)";
    append_json_unsigned(out, thread.index);
    key(out, "os_tid");
    append_json_integer(out, thread.os_tid);
    key(out, "name");
    append_json_string(out, thread.name);
    out += "}\n";
    sink_.maybe_flush();
  }

  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    std::string& out = sink_.text();
    for (const record& r : records) {
      const std::uint32_t slot = sites_.slot(r.site);
      const site_info& site = slot == detail::id_map::npos ? unknown_site() : sites_.sites()[slot];
      out += r.tag == 0 ? R"({"type":"record","thread":)" : R"({"type":"observable","thread":)";
      append_json_unsigned(out, thread_index);
      key(out, "site");
      append_json_unsigned(out, r.site);
      key(out, "name");
      append_json_string(out, site.name);
      if (r.tag == 0) {
        key(out, "kind");
        append_json_string(out, to_string(site.kind));
      } else {
        key(out, "observable");
        append_json_string(out, observable_name(r.tag));
        key(out, "tag");
        append_json_unsigned(out, r.tag);
      }
      key(out, "begin_ns");
      append_json_integer(out, r.begin_ns);
      key(out, "end_ns");
      append_json_integer(out, r.end_ns);
      if (r.tag == 0 && site.kind == site_kind::bracket) {
        key(out, "duration_ns");
        append_json_integer(out, static_cast<std::int64_t>(static_cast<std::uint64_t>(r.end_ns) -
                                                           static_cast<std::uint64_t>(r.begin_ns)));
      }
      if (r.tag != 0 || site.kind == site_kind::counter || site.kind == site_kind::gauge ||
          std::bit_cast<std::uint64_t>(r.value) != 0) {
        key(out, "value");
        append_json_number(out, r.value);
      }
      out += "}\n";
      sink_.maybe_flush();
    }
  }

  void on_resources(std::span<const resource_sample> samples) override {
    std::string& out = sink_.text();
    for (const resource_sample& sample : samples) {
      out += R"({"type":"resources","time_ns":)";
      append_json_integer(out, sample.time_ns);
      key(out, "rss_bytes");
      append_json_integer(out, sample.rss_bytes);
      key(out, "cpu_user_ns");
      append_json_integer(out, sample.cpu_user_ns);
      key(out, "cpu_system_ns");
      append_json_integer(out, sample.cpu_system_ns);
      key(out, "read_bytes");
      append_json_integer(out, sample.read_bytes);
      key(out, "write_bytes");
      append_json_integer(out, sample.write_bytes);
      key(out, "threads");
      append_json_integer(out, sample.threads);
      out += "}\n";
      sink_.maybe_flush();
    }
  }

  void on_footer(const capture_footer& footer) override {
    std::string& out = sink_.text();
    out += R"({"type":"footer","end_ns":)";
    append_json_integer(out, footer.end_ns);
    key(out, "tick_hz_start");
    append_json_number(out, footer.tick_hz_start);
    key(out, "tick_hz_stop");
    append_json_number(out, footer.tick_hz_stop);
    key(out, "threads");
    out += '[';
    for (std::size_t i = 0; i < footer.threads.size(); ++i) {
      const thread_totals& totals = footer.threads[i];
      out += i == 0 ? R"({"index":)" : R"(,{"index":)";
      append_json_unsigned(out, totals.index);
      key(out, "records");
      append_json_unsigned(out, totals.records);
      key(out, "dropped");
      append_json_unsigned(out, totals.dropped);
      out += '}';
      sink_.maybe_flush();
    }
    out += "]}\n";
    sink_.maybe_flush();
  }

  void finish(const read_status& status) {
    std::string& out = sink_.text();
    out += R"({"type":"status","complete":)";
    out += status.complete ? "true" : "false";
    key(out, "valid_bytes");
    append_json_unsigned(out, status.valid_bytes);
    key(out, "file_bytes");
    append_json_unsigned(out, status.file_bytes);
    key(out, "chunks");
    append_json_unsigned(out, status.chunks);
    key(out, "problem");
    append_json_string(out, status.problem);
    out += "}\n";
    sink_.flush();
  }

 private:
  text_sink sink_;
  site_table sites_;
};

class chrome_trace_renderer final : public capture_visitor {
 public:
  explicit chrome_trace_renderer(std::ostream& out) : sink_(out) {}

  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json) override {
    std::string& out = sink_.text();
    out += R"({"displayTimeUnit":"ns","otherData":)";
    if (auto object = detail::parse_json_object(json)) {
      out += object->minified;
      pid_ = object->pid.value_or(1);
    } else {
      out += R"({"format":)";
      append_json_string(out, format_version(major, minor));
      key(out, "metadata");
      append_json_string(out, json);
      out += '}';
    }
    out += ",\"traceEvents\":[";
  }

  void on_sites(std::span<const site_info> sites) override {
    sites_.add(sites);
    totals_.resize(sites_.sites().size(), 0.0);
  }

  void on_thread(const thread_info& thread) override {
    if (thread_ids_.insert(thread.index) != detail::id_map::npos) {
      os_tids_.push_back(thread.os_tid);
    }
    std::string& out = begin_event();
    out += R"({"name":"thread_name","ph":"M","pid":)";
    append_json_integer(out, pid_);
    key(out, "tid");
    append_json_integer(out, thread.os_tid);
    out += R"(,"args":{"name":)";
    append_json_string(out, thread.name);
    out += "}}";
    sink_.maybe_flush();
  }

  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    const std::uint32_t thread_slot = thread_ids_.find(thread_index);
    const std::int64_t tid =
        thread_slot == detail::id_map::npos ? std::int64_t{thread_index} : os_tids_[thread_slot];
    for (std::size_t i = 0; i < records.size(); ++i) {
      const record& r = records[i];
      const std::uint32_t slot = sites_.slot(r.site);
      if (r.tag != 0 || slot == detail::id_map::npos) {
        continue;  // deltas are folded into their bracket's args below
      }
      const site_info& site = sites_.sites()[slot];
      if (r.begin_ns != r.end_ns || site.kind == site_kind::bracket) {
        std::string& out = begin_common(site, "X", tid, r.begin_ns);
        key(out, "dur");
        detail::append_microseconds(
            out, static_cast<std::int64_t>(static_cast<std::uint64_t>(r.end_ns) -
                                           static_cast<std::uint64_t>(r.begin_ns)));
        std::size_t next = i + 1;
        if (next < records.size() && records[next].tag != 0) {
          out += R"(,"args":{)";
          for (; next < records.size() && records[next].tag != 0; ++next) {
            if (next != i + 1) {
              out += ',';
            }
            append_json_string(out, observable_name(records[next].tag));
            out += ':';
            append_json_number(out, records[next].value);
          }
          out += '}';
        }
        out += '}';
      } else if (site.kind == site_kind::event) {
        std::string& out = begin_common(site, "i", tid, r.begin_ns);
        out += R"(,"s":"t"})";
      } else {
        double& total = totals_[slot];
        total = site.kind == site_kind::counter ? total + r.value : r.value;
        if (!std::isfinite(total)) {
          continue;  // the trace format has no NaN or infinity
        }
        std::string& out = begin_common(site, "C", tid, r.begin_ns);
        out += R"(,"args":{"value":)";
        append_json_number(out, total);
        out += "}}";
      }
      sink_.maybe_flush();
    }
  }

  void finish() {
    sink_.text() += "\n]}\n";
    sink_.flush();
  }

 private:
  std::string& begin_event() {
    std::string& out = sink_.text();
    out += first_event_ ? "\n" : ",\n";
    first_event_ = false;
    return out;
  }

  std::string& begin_common(const site_info& site, std::string_view phase, std::int64_t tid,
                            std::int64_t begin_ns) {
    std::string& out = begin_event();
    out += R"({"name":)";
    append_json_string(out, site.name);
    key(out, "cat");
    append_json_string(out, to_string(site.kind));
    key(out, "ph");
    append_json_string(out, phase);
    key(out, "pid");
    append_json_integer(out, pid_);
    key(out, "tid");
    append_json_integer(out, tid);
    key(out, "ts");
    detail::append_microseconds(out, begin_ns);
    return out;
  }

  text_sink sink_;
  site_table sites_;
  std::vector<double> totals_;  // counters: running total; by site slot
  detail::id_map thread_ids_;
  std::vector<std::int64_t> os_tids_;  // by thread slot
  std::int64_t pid_ = 1;
  bool first_event_ = true;
};

class summary_builder final : public capture_visitor {
 public:
  explicit summary_builder(capture_summary& summary) : summary_(summary) {}

  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json) override {
    summary_.format_major = major;
    summary_.format_minor = minor;
    summary_.metadata_json = json;
  }

  void on_sites(std::span<const site_info> sites) override {
    for (const site_info& site : sites) {
      if (site_ids_.insert(site.id) != detail::id_map::npos) {
        summary_.sites.push_back(site_summary{site, 0, 0, 0, 0});
      }
    }
  }

  void on_thread(const thread_info& thread) override {
    if (thread_ids_.insert(thread.index) != detail::id_map::npos) {
      summary_.threads.push_back(thread);
      counted_.push_back(thread_totals{thread.index, 0, 0});
    }
  }

  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    const std::uint32_t thread_slot = thread_ids_.find(thread_index);
    if (thread_slot != detail::id_map::npos) {
      counted_[thread_slot].records += records.size();
    }
    for (const record& r : records) {
      if (r.tag != 0) {
        continue;
      }
      ++summary_.records;
      last_end_ = std::max(last_end_, r.end_ns);
      const std::uint32_t slot = site_ids_.find(r.site);
      if (slot == detail::id_map::npos) {
        continue;
      }
      site_summary& site = summary_.sites[slot];
      ++site.records;
      switch (site.site.kind) {
        case site_kind::bracket:
          site.total_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(site.total_ns) +
                                                    static_cast<std::uint64_t>(r.end_ns) -
                                                    static_cast<std::uint64_t>(r.begin_ns));
          break;
        case site_kind::counter: site.value_sum += r.value; break;
        case site_kind::gauge: site.last_value = r.value; break;
        case site_kind::event: break;
      }
    }
  }

  void on_resources(std::span<const resource_sample> samples) override {
    summary_.resource_samples += samples.size();
  }

  void on_footer(const capture_footer& footer) override { footer_ = footer; }
  void on_size_limit(std::uint64_t max_bytes) override { summary_.size_limit = max_bytes; }
  void on_ending(const program_ending& ending) override { summary_.ending = ending; }

  void finish(read_status status) {
    if (footer_ && summary_.size_limit) {
      // The footer counts what the collector took, more than the bound let into the file:
      // the records are those the file holds, the drops the footer's.
      summary_.duration_ns = footer_->end_ns;
      summary_.totals = counted_;
      for (const thread_totals& totals : footer_->threads) {
        const std::uint32_t slot = thread_ids_.find(totals.index);
        if (slot != detail::id_map::npos) {
          summary_.totals[slot].dropped = totals.dropped;
        } else if (totals.dropped > 0) {
          summary_.totals.push_back({totals.index, 0, totals.dropped});
        }
      }
    } else if (footer_) {
      summary_.duration_ns = footer_->end_ns;
      summary_.totals = footer_->threads;
    } else {
      summary_.duration_ns = last_end_;
      summary_.totals = counted_;
    }
    for (const thread_totals& totals : summary_.totals) {
      summary_.dropped += totals.dropped;
    }
    std::sort(summary_.sites.begin(), summary_.sites.end(),
              [](const site_summary& a, const site_summary& b) { return a.site.id < b.site.id; });
    std::sort(summary_.threads.begin(), summary_.threads.end(),
              [](const thread_info& a, const thread_info& b) { return a.index < b.index; });
    summary_.status = std::move(status);
  }

 private:
  capture_summary& summary_;
  detail::id_map site_ids_;
  detail::id_map thread_ids_;
  std::vector<thread_totals> counted_;  // by thread slot
  std::int64_t last_end_ = 0;
  std::optional<capture_footer> footer_;
};

}  // namespace

capture_summary summarize_capture(const std::string& path) {
  capture_summary summary;
  summary_builder builder(summary);
  builder.finish(read_capture(path, builder));
  return summary;
}

read_status render_json_lines(const std::string& path, std::ostream& out) {
  json_lines_renderer renderer(out);
  read_status status = read_capture(path, renderer);
  renderer.finish(status);
  return status;
}

read_status render_chrome_trace(const std::string& path, std::ostream& out) {
  chrome_trace_renderer renderer(out);
  read_status status = read_capture(path, renderer);
  renderer.finish();
  return status;
}

}  // namespace metron
