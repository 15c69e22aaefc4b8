// Reading the `options: monitoring:` section of a configuration file (YAML through yaml-cpp).
#include "expression.hpp"

#include <metron/error.hpp>
#include <metron/monitor/monitor.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <utility>

namespace metron {
namespace {

// Locates problems in one configuration text: every message starts "source:line:column: ".
class monitor_reader {
 public:
  monitor_reader(std::string_view text, std::string source) : source_(std::move(source)) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto end = text.find('\n', start);
      lines_.emplace_back(
          text.substr(start, end == std::string_view::npos ? text.size() - start : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }

  [[noreturn]] void fail_at(int line, int column, const std::string& what) const {
    throw input_error(source_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                      ": " + what);
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    fail_at(node.Mark().line, node.Mark().column, what);
  }

  void expect_map(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) fail(node, "'" + key + "' must be a map of keys to values");
  }

  void check_keys(const YAML::Node& node, const std::string& where,
                  std::initializer_list<std::string_view> known) const {
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string expected;
      for (const auto name : known) {
        expected += expected.empty() ? "" : ", ";
        expected += name;
      }
      fail(entry.first,
           fmt::format("unknown key '{}' in {}; expected one of {}", key, where, expected));
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, "'" + key + "' must be a single value");
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    const auto text = scalar(node, key);
    if (text == "true" || text == "on" || text == "yes") return true;
    if (text == "false" || text == "off" || text == "no") return false;
    fail(node, "'" + key + "' must be true or false, not '" + text + "'");
  }

  double number(const YAML::Node& node, const std::string& key, double low, double high) const {
    const auto text = scalar(node, key);
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty() || !(value >= low && value <= high)) {
      fail(node, "'" + key + "' must be a number from " + trimmed(low) + " to " + trimmed(high) +
                     ", not '" + text + "'");
    }
    return value;
  }

  std::uint64_t whole(const YAML::Node& node, const std::string& key, double high) const {
    const double value = number(node, key, 0, high);
    if (value != std::floor(value)) fail(node, "'" + key + "' must be a whole number");
    return static_cast<std::uint64_t>(value);
  }

  std::chrono::milliseconds milliseconds(const YAML::Node& node, const std::string& key) const {
    return std::chrono::milliseconds(static_cast<std::int64_t>(whole(node, key, 1e12)));
  }

  severity severity_value(const YAML::Node& node, const std::string& key) const {
    const auto text = scalar(node, key);
    if (const auto level = parse_severity(text)) return *level;
    fail(node, "bad value '" + text + "' for '" + key +
                   "'; expected one of debug, info, notice, warning, error, critical, alert, "
                   "emergency");
  }

  // Parses an expression, placing a syntax error at its line and column in the file.
  void check_expression(const YAML::Node& node, const std::string& key) const {
    const auto text = scalar(node, key);
    try {
      static_cast<void>(detail::expression::parse(text));
    } catch (const detail::expression_syntax_error& problem) {
      const int line = node.Mark().line;
      int column = node.Mark().column;
      const bool one_line = text.find('\n') == std::string::npos;
      if (line >= 0 && static_cast<std::size_t>(line) < lines_.size() && column >= 0) {
        const auto& source_line = lines_[static_cast<std::size_t>(line)];
        const auto at = static_cast<std::size_t>(column);
        if (at < source_line.size() && (source_line[at] == '"' || source_line[at] == '\''))
          ++column;
      }
      if (one_line) {
        fail_at(line, column + static_cast<int>(problem.offset),
                "in '" + key + "': " + problem.what());
      }
      fail_at(line, column,
              "in '" + key + "', at character " + std::to_string(problem.offset + 1) + ": " +
                  problem.what());
    }
  }

  aggregation_rule rule(const YAML::Node& node, const std::string& where) const {
    expect_map(node, where);
    check_keys(node, where, {"enabled", "ewma_alpha", "differences", "inter_arrival", "fields"});
    aggregation_rule made;
    if (node["enabled"]) made.enabled = boolean(node["enabled"], where + ".enabled");
    if (node["ewma_alpha"]) {
      made.ewma_alpha = number(node["ewma_alpha"], where + ".ewma_alpha", 1e-9, 1);
    }
    if (node["differences"])
      made.differences = boolean(node["differences"], where + ".differences");
    if (node["inter_arrival"]) {
      made.inter_arrival = boolean(node["inter_arrival"], where + ".inter_arrival");
    }
    if (const auto fields = node["fields"]) {
      if (!fields.IsSequence())
        fail(fields, "'" + where + ".fields' must be a list of field names");
      std::vector<std::string> names;
      for (const auto& field : fields) names.push_back(scalar(field, where + ".fields"));
      made.fields = std::move(names);
    }
    return made;
  }

  monitor_action action(const YAML::Node& node, const std::string& where) const {
    expect_map(node, where);
    if (node.size() != 1) {
      fail(node, "each entry of '" + where +
                     "' has one key: alert, set_min_severity or set_namespace_severity");
    }
    check_keys(node, where, {"alert", "set_min_severity", "set_namespace_severity"});
    monitor_action made;
    if (const auto alert = node["alert"]) {
      const auto key = where + ".alert";
      expect_map(alert, key);
      check_keys(alert, key, {"severity", "text"});
      made.kind = action_kind::alert;
      if (alert["severity"]) made.level = severity_value(alert["severity"], key + ".severity");
      if (!alert["text"]) fail(alert, "'" + key + "' needs a 'text'");
      made.text = scalar(alert["text"], key + ".text");
    } else if (const auto global = node["set_min_severity"]) {
      made.kind = action_kind::set_min_severity;
      made.level = severity_value(global, where + ".set_min_severity");
    } else {
      const auto one = node["set_namespace_severity"];
      const auto key = where + ".set_namespace_severity";
      expect_map(one, key);
      check_keys(one, key, {"namespace", "severity"});
      if (!one["namespace"] || !one["severity"])
        fail(one, "'" + key + "' needs 'namespace' and 'severity'");
      made.kind = action_kind::set_namespace_severity;
      made.name_space = scalar(one["namespace"], key + ".namespace");
      made.level = severity_value(one["severity"], key + ".severity");
    }
    return made;
  }

  monitor_rule monitor(const YAML::Node& node, std::size_t index) const {
    const auto where = "monitors[" + std::to_string(index) + "]";
    expect_map(node, where);
    check_keys(node, where, {"name", "when", "monitor_if", "cooldown_ms", "actions"});
    monitor_rule made;
    made.where = source_ + ":" + std::to_string(node.Mark().line + 1);
    made.name =
        node["name"] ? scalar(node["name"], where + ".name") : "monitor" + std::to_string(index);
    if (!node["when"]) fail(node, "'" + where + "' needs a condition 'when'");
    check_expression(node["when"], where + ".when");
    made.condition = node["when"].Scalar();
    if (const auto precondition = node["monitor_if"]) {
      check_expression(precondition, where + ".monitor_if");
      made.precondition = precondition.Scalar();
    }
    if (node["cooldown_ms"])
      made.cooldown = milliseconds(node["cooldown_ms"], where + ".cooldown_ms");
    if (const auto actions = node["actions"]) {
      if (!actions.IsSequence()) fail(actions, "'" + where + ".actions' must be a list");
      for (std::size_t i = 0; i < actions.size(); ++i) {
        made.actions.push_back(action(actions[i], where + ".actions[" + std::to_string(i) + "]"));
      }
    } else {
      made.actions.push_back(
          monitor_action{action_kind::alert, severity::warning, made.condition, {}});
    }
    return made;
  }

  http_exporter_config http(const YAML::Node& node) const {
    expect_map(node, "http");
    check_keys(node, "http",
               {"bind", "port", "max_request_bytes", "prefix", "request_timeout_ms",
                "idle_timeout_ms", "max_connections", "max_connections_per_client", "backlog"});
    http_exporter_config made;
    if (node["bind"]) made.bind = scalar(node["bind"], "http.bind");
    if (node["port"])
      made.port = static_cast<std::uint16_t>(whole(node["port"], "http.port", 65535));
    if (node["max_request_bytes"]) {
      made.max_request_bytes =
          static_cast<std::size_t>(whole(node["max_request_bytes"], "http.max_request_bytes", 1e9));
    }
    if (node["prefix"]) made.prefix = scalar(node["prefix"], "http.prefix");
    // Each limit must be at least 1: a zero would refuse every request or connection.
    const auto at_least_one = [&](const char* key) {
      const std::string where = std::string("http.") + key;
      const auto value = whole(node[key], where, 1e9);
      if (value == 0) fail(node[key], "'" + where + "' must be at least 1");
      return value;
    };
    if (node["request_timeout_ms"]) {
      made.request_timeout =
          std::chrono::milliseconds(static_cast<std::int64_t>(at_least_one("request_timeout_ms")));
    }
    if (node["idle_timeout_ms"]) {
      made.idle_timeout =
          std::chrono::milliseconds(static_cast<std::int64_t>(at_least_one("idle_timeout_ms")));
    }
    if (node["max_connections"]) made.max_connections = at_least_one("max_connections");
    if (node["max_connections_per_client"]) {
      made.max_connections_per_client = at_least_one("max_connections_per_client");
    }
    if (node["backlog"]) made.backlog = static_cast<int>(at_least_one("backlog"));
    return made;
  }

  statsd_exporter_config statsd(const YAML::Node& node) const {
    expect_map(node, "statsd");
    check_keys(node, "statsd", {"host", "port", "prefix", "sample_rate", "interval_ms"});
    statsd_exporter_config made;
    if (node["host"]) made.host = scalar(node["host"], "statsd.host");
    if (node["port"]) {
      made.port = static_cast<std::uint16_t>(whole(node["port"], "statsd.port", 65535));
    }
    if (node["prefix"]) made.prefix = scalar(node["prefix"], "statsd.prefix");
    if (node["sample_rate"])
      made.sample_rate = number(node["sample_rate"], "statsd.sample_rate", 1e-6, 1);
    if (node["interval_ms"])
      made.interval = milliseconds(node["interval_ms"], "statsd.interval_ms");
    if (made.interval.count() == 0)
      fail(node["interval_ms"], "'statsd.interval_ms' must be at least 1");
    return made;
  }

  monitor_config read(const YAML::Node& root) const {
    monitor_config config;
    config.source = source_;
    if (!root.IsMap()) return config;
    const auto options = root["options"];
    if (!options || !options.IsMap()) return config;
    const auto node = options["monitoring"];
    if (!node) return config;
    expect_map(node, "monitoring");
    check_keys(node, "monitoring",
               {"aggregation", "emit_interval_ms", "evaluation_interval_ms", "monitors", "http",
                "statsd", "resources"});
    if (const auto aggregation = node["aggregation"]) {
      expect_map(aggregation, "aggregation");
      check_keys(aggregation, "aggregation", {"default", "namespaces"});
      if (const auto fallback = aggregation["default"]) {
        config.default_rule = rule(fallback, "aggregation.default");
        if (!config.default_rule->enabled) config.default_rule.reset();
      }
      if (const auto spaces = aggregation["namespaces"]) {
        expect_map(spaces, "aggregation.namespaces");
        for (const auto& entry : spaces) {
          const auto name = entry.first.as<std::string>();
          const auto value = entry.second.IsNull() ? YAML::Node(YAML::NodeType::Map) : entry.second;
          config.namespaces.emplace_back(name, rule(value, "aggregation.namespaces." + name));
        }
      }
    }
    if (node["emit_interval_ms"])
      config.emit_interval = milliseconds(node["emit_interval_ms"], "emit_interval_ms");
    if (node["evaluation_interval_ms"]) {
      config.evaluation_interval =
          milliseconds(node["evaluation_interval_ms"], "evaluation_interval_ms");
      if (config.evaluation_interval.count() == 0) {
        fail(node["evaluation_interval_ms"], "'evaluation_interval_ms' must be at least 1");
      }
    }
    if (const auto monitors = node["monitors"]) {
      if (!monitors.IsSequence()) fail(monitors, "'monitors' must be a list");
      for (std::size_t i = 0; i < monitors.size(); ++i)
        config.monitors.push_back(monitor(monitors[i], i));
    }
    if (node["http"]) config.http = http(node["http"]);
    if (node["statsd"]) config.statsd = statsd(node["statsd"]);
    if (node["resources"]) config.resources = boolean(node["resources"], "resources");
    return config;
  }

 private:
  static std::string trimmed(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }

  std::string source_;
  std::vector<std::string> lines_;
};

}  // namespace

monitor_config parse_monitor_config(std::string_view yaml, const std::string& source) {
  const monitor_reader reader(yaml, source);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& problem) {
    reader.fail_at(problem.mark.line, problem.mark.column, "malformed YAML: " + problem.msg);
  }
  return reader.read(root);
}

monitor_config load_monitor_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path.string() + ": cannot read the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_monitor_config(text.str(), path.string());
}

std::optional<aggregation_rule> resolve_rule(const monitor_config& config, std::string_view name) {
  std::string_view candidate = name;
  for (;;) {
    for (const auto& [space, rule] : config.namespaces) {
      if (space == candidate) {
        if (!rule.enabled) return std::nullopt;
        return rule;
      }
    }
    const auto dot = candidate.rfind('.');
    if (dot == std::string_view::npos) break;
    candidate = candidate.substr(0, dot);
  }
  return config.default_rule;
}

}  // namespace metron
