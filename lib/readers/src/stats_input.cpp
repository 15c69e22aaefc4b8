// Reading `metron stats --json` output back as one run: each metric's median is the run's value.
#include <metron/readers/detail/stats_input.hpp>

#include "json_input.hpp"

#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>

#include <fmt/core.h>

#include <cstddef>
#include <string>

namespace metron::analysis::detail {

namespace {

constexpr std::string_view stats_format = "\"metron-stats\"";

const nlohmann::json& field(const nlohmann::json& object, const char* key, const std::string& place,
                            const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw input_error(fmt::format("{}: {} has no '{}'", path, place, key));
  }
  return *found;
}

std::string text_field(const nlohmann::json& object, const char* key, const std::string& place,
                       const std::string& path) {
  const nlohmann::json& value = field(object, key, place, path);
  if (!value.is_string()) {
    throw input_error(fmt::format("{}: {}.{} is not a string", path, place, key));
  }
  return value.get<std::string>();
}

}  // namespace

bool is_stats_json(const std::string& path) {
  std::string head(256, '\0');
  try {
    metron::detail::regular_file file(path);
    head.resize(file.read(head.data(), head.size()));
  } catch (const error&) {
    // Not this format, as far as a look can tell; the reader of whatever it is says why.
    return false;
  }
  // `metron stats --json` writes "format" first; nothing else metron reads opens with it.
  const std::size_t key = head.find("\"format\"");
  return key != std::string::npos && head.find(stats_format, key) != std::string::npos &&
         head.find_first_not_of(" \t\r\n") == head.find('{');
}

dataset read_stats_json(const std::string& path) {
  const nlohmann::json document = parse_json(read_text_file(path), path, 0, true);
  if (!document.is_object() || document.value("format", "") != "metron-stats") {
    throw input_error(fmt::format("{}: not 'metron stats --json' output", path));
  }
  if (document.value("version", 0) != 1) {
    throw input_error(fmt::format("{}: version {} of the stats format; this reader reads 1", path,
                                  field(document, "version", "the document", path).dump()));
  }
  dataset data;
  data.metadata.sources.push_back(path);
  const nlohmann::json& metadata = field(document, "metadata", "the document", path);
  data.metadata.host = text_field(metadata, "host", "metadata", path);
  data.metadata.cpu = text_field(metadata, "cpu", "metadata", path);
  data.metadata.commit = text_field(metadata, "commit", "metadata", path);
  data.metadata.build_type = text_field(metadata, "build_type", "metadata", path);
  data.metadata.date = text_field(metadata, "date", "metadata", path);
  const nlohmann::json& metrics = field(document, "metrics", "the document", path);
  if (!metrics.is_array()) {
    throw input_error(fmt::format("{}: metrics is not an array", path));
  }
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::string place = fmt::format("metrics[{}]", i);
    const nlohmann::json& row = metrics[i];
    metric m;
    m.name = text_field(row, "name", place, path);
    m.entry = text_field(row, "entry", place, path);
    m.quantity = text_field(row, "quantity", place, path);
    m.unit = text_field(row, "unit", place, path);
    const std::string direction = text_field(row, "better", place, path);
    const std::optional<better> parsed = parse_better(direction);
    if (!parsed) {
      throw input_error(fmt::format("{}: {}.better is '{}'; expected lower, higher or unknown",
                                    path, place, direction));
    }
    m.direction = *parsed;
    m.origins.push_back({path, place});
    // The runs a summary kept are the replicates; otherwise the input's median is its one
    // replicate, and a metric without one (no values) adds nothing.
    if (const auto replicates = row.find("replicates");
        replicates != row.end() && replicates->is_array() && !replicates->empty()) {
      for (const nlohmann::json& value : *replicates) {
        if (!value.is_number()) {
          throw input_error(
              fmt::format("{}: {}.replicates holds {}, not a number", path, place, value.dump()));
        }
        m.values.push_back(value.get<double>());
      }
      data.metrics.push_back(std::move(m));
      continue;
    }
    const nlohmann::json& median = field(row, "median", place, path);
    if (median.is_number()) {
      m.values.push_back(median.get<double>());
    } else if (!median.is_null()) {
      throw input_error(fmt::format("{}: {}.median is not a number", path, place));
    }
    data.metrics.push_back(std::move(m));
  }
  return data;
}

}  // namespace metron::analysis::detail
