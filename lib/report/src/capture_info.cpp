// The text and JSON renderings of a capture's summary: metadata, threads, sites and drops.
#include <metron/report/capture_info.hpp>

#include <metron/capture/observation.hpp>
#include <metron/report/format.hpp>
#include <metron/report/text_table.hpp>

#include "json_document.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron::report {

namespace {

// Each site kind shows the totals that make sense for it.
struct site_figures {
  std::string total;
  std::string mean;
  std::string value;
};

site_figures figures_of(const site_summary& site) {
  switch (site.site.kind) {
    case site_kind::bracket: {
      const double total = static_cast<double>(site.total_ns);
      if (site.records == 0) {
        return {format_duration(total), {}, {}};
      }
      return {
          format_duration(total), format_duration(total / static_cast<double>(site.records)), {}};
    }
    case site_kind::counter: return {{}, {}, "sum " + format_number(site.value_sum)};
    case site_kind::gauge: return {{}, {}, "last " + format_number(site.last_value)};
    case site_kind::event: break;
  }
  return {};
}

std::vector<std::string> observable_names(std::uint32_t selector) {
  std::vector<std::string> names;
  for (unsigned tag = 1; tag < 32; ++tag) {
    if ((selector >> tag & 1U) != 0) {
      names.emplace_back(observable_name(static_cast<std::uint8_t>(tag)));
    }
  }
  return names;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (const std::string& part : parts) {
    if (!joined.empty()) {
      joined += separator;
    }
    joined += part;
  }
  return joined;
}

// One row per thread with its totals; a thread that only dropped records has no thread_info.
struct thread_row {
  std::uint32_t index = 0;
  std::int64_t os_tid = 0;
  std::string name;
  std::uint64_t records = 0;
  std::uint64_t dropped = 0;
};

std::vector<thread_row> thread_rows(const capture_summary& summary) {
  std::map<std::uint32_t, thread_row> rows;
  for (const thread_info& thread : summary.threads) {
    rows[thread.index] = {thread.index, thread.os_tid, thread.name, 0, 0};
  }
  for (const thread_totals& totals : summary.totals) {
    thread_row& row = rows[totals.index];
    row.index = totals.index;
    row.records = totals.records;
    row.dropped = totals.dropped;
  }
  std::vector<thread_row> ordered;
  ordered.reserve(rows.size());
  for (auto& [index, row] : rows) {
    ordered.push_back(std::move(row));
  }
  return ordered;
}

// A metadata field as text: strings as they are, numbers and the rest as JSON, missing as empty.
std::string field(const nlohmann::ordered_json& metadata, const char* key) {
  const auto found = metadata.find(key);
  if (found == metadata.end() || found->is_null()) {
    return {};
  }
  return found->is_string() ? found->get<std::string>() : found->dump();
}

// The recorded command line as a shell would take it back.
std::string command_line(const nlohmann::ordered_json& metadata) {
  const auto found = metadata.find("command_line");
  if (found == metadata.end() || !found->is_array()) {
    return {};
  }
  std::vector<std::string> words;
  for (const nlohmann::ordered_json& argument : *found) {
    std::string word = argument.is_string() ? argument.get<std::string>() : argument.dump();
    if (word.empty() || word.find_first_of(" \t\n'\"\\$`*?") != std::string::npos) {
      std::string quoted = "'";
      for (const char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      }
      word = quoted + "'";
    }
    words.push_back(std::move(word));
  }
  return join(words, " ");
}

std::string clock_text(const nlohmann::ordered_json& metadata) {
  std::string clock = field(metadata, "clock");
  const auto hz = metadata.find("tick_hz");
  if (hz == metadata.end() || !hz->is_number()) {
    return clock;
  }
  return fmt::format("{}{}{}", clock, clock.empty() ? "" : ", ",
                     format_amount(hz->get<double>(), "Hz"));
}

std::string session_text(const nlohmann::ordered_json& metadata) {
  std::vector<std::string> parts;
  if (const std::string policy = field(metadata, "policy"); !policy.empty()) {
    parts.push_back("policy " + policy);
  }
  if (const auto ring = metadata.find("ring_bytes");
      ring != metadata.end() && ring->is_number_unsigned()) {
    parts.push_back(format_bytes(ring->get<double>()) + " rings");
  }
  if (const auto interval = metadata.find("resource_interval_ms");
      interval != metadata.end() && interval->is_number_integer()) {
    const auto ms = interval->get<std::int64_t>();
    parts.push_back(ms > 0 ? fmt::format("resources every {} ms", ms) : "no resource samples");
  }
  return join(parts, ", ");
}

// "cpu_time_ns, page_faults; unavailable: instructions (reason)" from the availability object.
std::string observables_text(const nlohmann::ordered_json& metadata) {
  const auto found = metadata.find("observables");
  if (found == metadata.end() || !found->is_object()) {
    return {};
  }
  std::vector<std::string> available;
  std::vector<std::string> unavailable;
  for (const auto& [name, state] : found->items()) {
    const std::string text = state.is_string() ? state.get<std::string>() : state.dump();
    if (text == "available") {
      available.push_back(name);
    } else {
      constexpr std::string_view prefix = "unavailable: ";
      const std::string reason = text.starts_with(prefix) ? text.substr(prefix.size()) : text;
      unavailable.push_back(fmt::format("{} ({})", name, reason));
    }
  }
  std::string text = join(available, ", ");
  if (!unavailable.empty()) {
    text += (text.empty() ? "" : "; ") + ("unavailable: " + join(unavailable, ", "));
  }
  return text;
}

// "SIGTERM" for 15, or "signal 99" for a number the C library cannot name.
std::string signal_name(int signal_number) {
  const char* name = sigabbrev_np(signal_number);
  return name != nullptr ? fmt::format("SIG{}", name) : fmt::format("signal {}", signal_number);
}

// How the program ended, as `metron record` appended it; empty when the capture does not say.
std::string ending_text(const capture_summary& summary) {
  if (!summary.ending) {
    return {};
  }
  if (summary.ending->signalled) {
    return fmt::format("killed by signal {} ({})", summary.ending->code,
                       signal_name(summary.ending->code));
  }
  return fmt::format("exited with status {}", summary.ending->code);
}

}  // namespace

std::string capture_drops_warning(std::uint64_t dropped) {
  return fmt::format(
      "{} records were lost to full rings, so the totals undercount; record with "
      "--policy block or a larger --ring-bytes",
      dropped);
}

namespace {

// The metadata block as an object; one that does not parse is shown as text.
nlohmann::ordered_json metadata_of(const capture_summary& summary) {
  nlohmann::ordered_json metadata =
      nlohmann::ordered_json::parse(summary.metadata_json, nullptr, false);
  if (metadata.is_discarded() || !metadata.is_object()) {
    metadata = nlohmann::ordered_json{{"unparsed", summary.metadata_json}};
  }
  return metadata;
}

void print_text(const std::string& path, const capture_summary& summary,
                const nlohmann::ordered_json& metadata, std::ostream& out) {
  const auto line = [&out](std::string_view label, const std::string& value) {
    if (!value.empty()) {
      out << fmt::format("{:<13}{}\n", label, value);
    }
  };
  line("capture", path);
  line("format",
       fmt::format("{}.{}, {} bytes, {}", summary.format_major, summary.format_minor,
                   summary.status.file_bytes,
                   summary.status.complete ? "complete" : "INCOMPLETE: " + summary.status.problem));
  line("producer", field(metadata, "producer"));
  line("host", field(metadata, "host"));
  line("cpu", field(metadata, "cpu_model"));
  line("clock", clock_text(metadata));
  line("command", command_line(metadata));
  line("started", field(metadata, "start_time"));
  line("duration", format_duration(static_cast<double>(summary.duration_ns)));
  line("ended", ending_text(summary));
  if (summary.size_limit) {
    line("size bound", fmt::format("{} reached  <-- WARNING: the records after it were not written",
                                   format_bytes(static_cast<double>(*summary.size_limit))));
  }
  line("git commit", field(metadata, "git_commit"));
  line("session", session_text(metadata));
  line("observables", observables_text(metadata));

  const std::vector<thread_row> threads = thread_rows(summary);
  out << fmt::format("\nthreads ({})\n", threads.size());
  text_table thread_table({"index", "tid", "name", "records", "dropped"},
                          {true, true, false, true, true});
  for (const thread_row& thread : threads) {
    thread_table.add({std::to_string(thread.index), std::to_string(thread.os_tid), thread.name,
                      std::to_string(thread.records), std::to_string(thread.dropped)});
  }
  thread_table.print(out);

  out << fmt::format("\nsites ({})\n", summary.sites.size());
  text_table site_table({"id", "name", "kind", "count", "total", "mean", "sum/last", "observes"},
                        {true, false, false, true, true, true, false, false});
  for (const site_summary& site : summary.sites) {
    const site_figures figures = figures_of(site);
    site_table.add({std::to_string(site.site.id), site.site.name,
                    std::string(to_string(site.site.kind)), std::to_string(site.records),
                    figures.total, figures.mean, figures.value,
                    join(observable_names(site.site.observables), ",")});
  }
  site_table.print(out);

  // Thread totals count observable deltas too; say so where the two numbers differ.
  std::uint64_t thread_records = 0;
  for (const thread_row& thread : threads) {
    thread_records += thread.records;
  }
  out << '\n';
  line("records", thread_records > summary.records
                      ? fmt::format("{} observations (+{} observable deltas)", summary.records,
                                    thread_records - summary.records)
                      : std::to_string(summary.records));
  line("resources", fmt::format("{} samples", summary.resource_samples));
  line("dropped", summary.dropped == 0 ? std::string("0")
                                       : fmt::format("{}  <-- WARNING: {}", summary.dropped,
                                                     capture_drops_warning(summary.dropped)));
}

// {"exit_status": 3} or {"signal": 15, "signal_name": "SIGTERM"}; null when not recorded.
nlohmann::ordered_json ending_json(const capture_summary& summary) {
  if (!summary.ending) {
    return nullptr;
  }
  if (summary.ending->signalled) {
    return {{"signal", summary.ending->code}, {"signal_name", signal_name(summary.ending->code)}};
  }
  return {{"exit_status", summary.ending->code}};
}

nlohmann::ordered_json to_json(const std::string& path, const capture_summary& summary,
                               const nlohmann::ordered_json& metadata) {
  nlohmann::ordered_json threads = nlohmann::ordered_json::array();
  for (const thread_row& thread : thread_rows(summary)) {
    threads.push_back({{"index", thread.index},
                       {"os_tid", thread.os_tid},
                       {"name", thread.name},
                       {"records", thread.records},
                       {"dropped", thread.dropped}});
  }
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const site_summary& site : summary.sites) {
    nlohmann::ordered_json entry = {{"id", site.site.id},
                                    {"name", site.site.name},
                                    {"kind", to_string(site.site.kind)},
                                    {"file", site.site.file},
                                    {"line", site.site.line},
                                    {"function", site.site.function},
                                    {"observables", observable_names(site.site.observables)},
                                    {"count", site.records}};
    switch (site.site.kind) {
      case site_kind::bracket:
        entry["total_ns"] = site.total_ns;
        // A bracket that never ran has no mean.
        entry["mean_ns"] = site.records > 0
                               ? nlohmann::ordered_json(static_cast<double>(site.total_ns) /
                                                        static_cast<double>(site.records))
                               : nlohmann::ordered_json(nullptr);
        break;
      case site_kind::counter: entry["sum"] = site.value_sum; break;
      case site_kind::gauge: entry["last"] = site.last_value; break;
      case site_kind::event: break;
    }
    sites.push_back(std::move(entry));
  }
  return {{"capture", path},
          {"format", fmt::format("{}.{}", summary.format_major, summary.format_minor)},
          {"complete", summary.status.complete},
          {"problem", summary.status.problem},
          {"file_bytes", summary.status.file_bytes},
          {"valid_bytes", summary.status.valid_bytes},
          {"chunks", summary.status.chunks},
          {"metadata", metadata},
          {"duration_ns", summary.duration_ns},
          {"ending", ending_json(summary)},
          {"size_limit_bytes", summary.size_limit ? nlohmann::ordered_json(*summary.size_limit)
                                                  : nlohmann::ordered_json(nullptr)},
          {"threads", std::move(threads)},
          {"sites", std::move(sites)},
          {"records", summary.records},
          {"resource_samples", summary.resource_samples},
          {"dropped", summary.dropped}};
}

}  // namespace

void write_capture_info_text(std::ostream& out, const std::string& path,
                             const capture_summary& summary) {
  print_text(path, summary, metadata_of(summary), out);
}

void write_capture_info_json(std::ostream& out, const std::string& path,
                             const capture_summary& summary) {
  detail::write_json_document(out, to_json(path, summary, metadata_of(summary)));
}

}  // namespace metron::report
