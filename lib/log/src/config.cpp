// Reading, checking, resolving and writing the logging configuration (YAML through yaml-cpp).
#include <metron/capture/observation.hpp>
#include <metron/error.hpp>
#include <metron/log/config.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace metron {
namespace {

constexpr std::string_view observables_expected =
    ".observables'; expected any of cpu_time_ns, page_faults, context_switches, instructions, "
    "cycles";

/// A setting's spelling in the configuration and the value it stands for.
template <class T>
using spelling = std::pair<std::string_view, T>;

/// The parts joined into one string, with one allocation.
std::string joined(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const auto part : parts) size += part.size();
  std::string text;
  text.reserve(size);
  for (const auto part : parts) text += part;
  return text;
}

// Locates problems in one configuration text: every message starts "source:line: ".
class config_reader {
 public:
  config_reader(const std::string& source, const std::vector<std::string>& code_sinks)
      : source_(source), code_sinks_(code_sinks) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    throw input_error(source_ + ":" + std::to_string(node.Mark().line + 1) + ": " + what);
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
           joined({"unknown key '", key, "' in ", where, "; expected one of ", expected}));
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, "'" + key + "' must be a single value");
    return node.Scalar();
  }

  std::uint64_t unsigned_number(const YAML::Node& node, const std::string& key) const {
    const auto text = scalar(node, key);
    std::uint64_t value = 0;
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 19) {
      fail(node, "'" + key + "' must be a whole number of at least 0, not '" + text + "'");
    }
    for (const char digit : text) value = value * 10 + static_cast<std::uint64_t>(digit - '0');
    return value;
  }

  /// The value `parse` reads from the scalar at `node`; else fails, listing the `expected` values.
  template <class Parse>
  auto parsed(const YAML::Node& node, const std::string& key, Parse parse,
              std::string_view expected) const {
    const auto text = scalar(node, key);
    if (const auto value = parse(text)) return *value;
    fail(node, joined({"bad value '", text, "' for '", key, "'; expected one of ", expected}));
  }

  /// The value whose spelling in `table` the scalar at `node` is; else fails, listing them all.
  template <class T, std::size_t N>
  T choice(const YAML::Node& node, const std::string& key, const spelling<T> (&table)[N]) const {
    const auto text = scalar(node, key);
    std::string expected;
    for (const auto& [name, value] : table) {
      if (name == text) return value;
      expected += expected.empty() ? "" : ", ";
      expected += name;
    }
    fail(node, joined({"bad value '", text, "' for '", key, "'; expected one of ", expected}));
  }

  severity severity_value(const YAML::Node& node, const std::string& key) const {
    return parsed(node, key, parse_severity,
                  "debug, info, notice, warning, error, critical, alert, emergency");
  }

  std::vector<std::string> names(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence()) fail(node, "'" + key + "' must be a list");
    std::vector<std::string> result;
    for (const auto& item : node) result.push_back(scalar(item, key));
    return result;
  }

  rotation_policy rotation(const YAML::Node& node, const std::string& where) const {
    expect_map(node, where);
    check_keys(node, where, {"max_bytes", "max_age_seconds", "keep"});
    rotation_policy policy;
    if (node["max_bytes"])
      policy.max_bytes = unsigned_number(node["max_bytes"], where + ".max_bytes");
    if (node["max_age_seconds"]) {
      const auto seconds = unsigned_number(node["max_age_seconds"], where + ".max_age_seconds");
      policy.max_age = std::chrono::seconds(static_cast<std::int64_t>(
          std::min<std::uint64_t>(seconds, std::numeric_limits<std::uint32_t>::max())));
    }
    if (node["keep"]) {
      const auto keep = unsigned_number(node["keep"], where + ".keep");
      if (keep > std::numeric_limits<std::uint32_t>::max())
        fail(node["keep"], "'" + where + ".keep' is too large");
      policy.keep = static_cast<std::uint32_t>(keep);
    }
    return policy;
  }

  sink_config sink(const std::string& name, const YAML::Node& node) const {
    const std::string where = "sinks." + name;
    expect_map(node, where);
    check_keys(node, where,
               {"kind", "path", "format", "privacy", "min_severity", "max_severity", "rotation"});
    sink_config result;
    result.name = name;
    if (!node["kind"]) fail(node, "'" + where + "' needs a 'kind': stdout, stderr or file");
    static constexpr spelling<sink_kind> kinds[] = {{"stdout", sink_kind::standard_output},
                                                    {"stderr", sink_kind::standard_error},
                                                    {"file", sink_kind::file}};
    result.kind = choice(node["kind"], where + ".kind", kinds);
    if (result.kind == sink_kind::file) result.format = sink_format::json;
    if (node["path"]) result.path = scalar(node["path"], where + ".path");
    if (result.kind == sink_kind::file && result.path.empty()) {
      fail(node, "'" + where + "' is a file sink and needs a 'path'");
    }
    if (result.kind != sink_kind::file && node["path"]) {
      fail(node["path"], "'" + where + ".path' is only for file sinks");
    }
    if (node["format"]) {
      static constexpr spelling<sink_format> formats[] = {{"text", sink_format::text},
                                                          {"json", sink_format::json}};
      result.format = choice(node["format"], where + ".format", formats);
    }
    if (node["privacy"]) {
      result.audience =
          parsed(node["privacy"], where + ".privacy", parse_privacy, "public, confidential");
    }
    if (node["min_severity"])
      result.min_severity = severity_value(node["min_severity"], where + ".min_severity");
    if (node["max_severity"])
      result.max_severity = severity_value(node["max_severity"], where + ".max_severity");
    if (result.min_severity > result.max_severity) {
      fail(node, "'" + where + "' has min_severity above max_severity");
    }
    if (node["rotation"]) {
      if (result.kind != sink_kind::file)
        fail(node["rotation"], "'" + where + ".rotation' is only for file sinks");
      result.rotation = rotation(node["rotation"], where + ".rotation");
    }
    return result;
  }

  subtrace subtrace_value(const YAML::Node& node, const std::string& where) const {
    subtrace result;
    const YAML::Node mode_node = node.IsMap() ? node["mode"] : node;
    if (node.IsMap()) {
      check_keys(node, where, {"mode", "match", "pattern", "severity", "suffix"});
      if (!mode_node) fail(node, "'" + where + "' needs a 'mode'");
    }
    const auto mode = scalar(mode_node, where + ".mode");
    static constexpr spelling<subtrace_mode> modes[] = {
        {"neutral", subtrace_mode::neutral},           {"no_trace", subtrace_mode::no_trace},
        {"drop_opening", subtrace_mode::drop_opening}, {"filter", subtrace_mode::filter},
        {"set_severity", subtrace_mode::set_severity}, {"tee", subtrace_mode::tee}};
    result.mode = choice(mode_node, where + ".mode", modes);
    const auto require = [&](const char* key) {
      if (!node.IsMap() || !node[key]) {
        fail(node, "'" + where + "' with mode " + mode + " needs '" + key + "'");
      }
      return node[key];
    };
    const auto forbid_others = [&](std::initializer_list<std::string_view> allowed) {
      if (!node.IsMap()) return;
      for (const auto& entry : node) {
        const auto key = entry.first.as<std::string>();
        if (key != "mode" && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
          fail(entry.first, joined({"'", where, ".", key, "' does not apply to mode ", mode}));
        }
      }
    };
    switch (result.mode) {
      case subtrace_mode::filter: {
        forbid_others({"match", "pattern"});
        result.pattern = scalar(require("pattern"), where + ".pattern");
        if (node["match"]) {
          static constexpr spelling<name_match> matches[] = {{"exact", name_match::exact},
                                                             {"prefix", name_match::prefix},
                                                             {"suffix", name_match::suffix},
                                                             {"contains", name_match::contains}};
          result.match = choice(node["match"], where + ".match", matches);
        }
        break;
      }
      case subtrace_mode::set_severity:
        forbid_others({"severity"});
        result.level = severity_value(require("severity"), where + ".severity");
        break;
      case subtrace_mode::tee:
        forbid_others({"suffix"});
        result.suffix = scalar(require("suffix"), where + ".suffix");
        if (result.suffix.empty()) fail(node["suffix"], "'" + where + ".suffix' must not be empty");
        break;
      default: forbid_others({}); break;
    }
    return result;
  }

  namespace_config name_space(const std::string& name, const YAML::Node& node) const {
    const std::string where = "namespaces." + name;
    expect_map(node, where);
    check_keys(node, where, {"severity", "sinks", "subtrace", "observables", "verbosity"});
    namespace_config result;
    result.name = name;
    if (node["severity"])
      result.min_severity = severity_value(node["severity"], where + ".severity");
    if (node["sinks"]) result.sinks = names(node["sinks"], where + ".sinks");
    if (node["subtrace"]) result.sub = subtrace_value(node["subtrace"], where + ".subtrace");
    if (node["observables"]) {
      result.observables = names(node["observables"], where + ".observables");
      for (std::size_t i = 0; i < result.observables->size(); ++i) {
        const auto& observable = (*result.observables)[i];
        bool known = false;
        for (std::uint8_t tag = 1; tag < detail::observable_id_end; ++tag) {
          known = known || observable_name(tag) == observable;
        }
        if (!known) {
          fail(node["observables"][i],
               joined({"bad value '", observable, "' in '", where, observables_expected}));
        }
      }
    }
    if (node["verbosity"]) {
      result.detail = parsed(node["verbosity"], where + ".verbosity", parse_verbosity,
                             "minimal, normal, maximal");
    }
    return result;
  }

  // Scalars become numbers or booleans where YAML would read them so, strings otherwise.
  nlohmann::json to_json(const YAML::Node& node) const {
    if (node.IsMap()) {
      auto object = nlohmann::json::object();
      for (const auto& entry : node) object[entry.first.as<std::string>()] = to_json(entry.second);
      return object;
    }
    if (node.IsSequence()) {
      auto array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(to_json(item));
      return array;
    }
    if (!node.IsScalar()) return nullptr;
    if (node.Tag() != "!") {
      std::int64_t integer = 0;
      double real = 0;
      bool boolean = false;
      if (YAML::convert<std::int64_t>::decode(node, integer)) return integer;
      if (YAML::convert<double>::decode(node, real)) return real;
      if (YAML::convert<bool>::decode(node, boolean)) return boolean;
    }
    return node.Scalar();
  }

  log_config document(const YAML::Node& root) const {
    log_config config;
    if (root.IsNull()) return config;
    expect_map(root, "the configuration");
    check_keys(root, "the configuration",
               {"min_severity", "rotation", "sinks", "default_sinks", "namespaces", "options",
                "queue_records"});
    if (root["min_severity"])
      config.min_severity = severity_value(root["min_severity"], "min_severity");
    if (root["rotation"]) config.rotation = rotation(root["rotation"], "rotation");
    if (root["queue_records"]) {
      const auto records = unsigned_number(root["queue_records"], "queue_records");
      if (records < 2 || records > (std::uint64_t{1} << 24)) {
        fail(root["queue_records"], "'queue_records' must lie between 2 and 16777216");
      }
      config.queue_records = static_cast<std::size_t>(records);
    }
    if (const auto sinks = root["sinks"]) {
      expect_map(sinks, "sinks");
      for (const auto& entry : sinks) {
        config.sinks.push_back(sink(entry.first.as<std::string>(), entry.second));
      }
    }
    if (root["default_sinks"]) config.default_sinks = names(root["default_sinks"], "default_sinks");
    if (const auto spaces = root["namespaces"]) {
      expect_map(spaces, "namespaces");
      for (const auto& entry : spaces) {
        config.namespaces.push_back(name_space(entry.first.as<std::string>(), entry.second));
      }
    }
    if (const auto options = root["options"]) {
      expect_map(options, "options");
      config.options = to_json(options);
    }
    check_sink_references(root, config);
    return config;
  }

  // Names are checked here, where their lines are known; validate_log_config checks them again
  // (without lines) for configurations built in code.
  void check_sink_references(const YAML::Node& root, const log_config& config) const {
    const auto defined = [&](const std::string& name) {
      return std::any_of(config.sinks.begin(), config.sinks.end(),
                         [&](const sink_config& sink_entry) { return sink_entry.name == name; }) ||
             std::find(code_sinks_.begin(), code_sinks_.end(), name) != code_sinks_.end();
    };
    for (std::size_t i = 0; i < config.default_sinks.size(); ++i) {
      if (!defined(config.default_sinks[i])) {
        fail(root["default_sinks"][i], "'default_sinks' names sink '" + config.default_sinks[i] +
                                           "', which 'sinks' does not define");
      }
    }
    for (const auto& space : config.namespaces) {
      if (!space.sinks) continue;
      for (std::size_t i = 0; i < space.sinks->size(); ++i) {
        if (!defined((*space.sinks)[i])) {
          fail(root["namespaces"][space.name]["sinks"][i],
               "'namespaces." + space.name + ".sinks' names sink '" + (*space.sinks)[i] +
                   "', which 'sinks' does not define");
        }
      }
    }
  }

 private:
  const std::string& source_;
  const std::vector<std::string>& code_sinks_;
};

void emit_rotation(YAML::Emitter& out, const rotation_policy& policy) {
  out << YAML::BeginMap;
  out << YAML::Key << "max_bytes" << YAML::Value << policy.max_bytes;
  out << YAML::Key << "max_age_seconds" << YAML::Value << policy.max_age.count();
  out << YAML::Key << "keep" << YAML::Value << policy.keep;
  out << YAML::EndMap;
}

void emit_json(YAML::Emitter& out, const nlohmann::json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit_json(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit_json(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    // Quoted so that "42" read back stays a string.
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();
  }
}

std::string_view to_string(subtrace_mode mode) {
  switch (mode) {
    case subtrace_mode::neutral: return "neutral";
    case subtrace_mode::no_trace: return "no_trace";
    case subtrace_mode::drop_opening: return "drop_opening";
    case subtrace_mode::filter: return "filter";
    case subtrace_mode::set_severity: return "set_severity";
    case subtrace_mode::tee: return "tee";
  }
  return "neutral";
}

std::string_view to_string(name_match how) {
  switch (how) {
    case name_match::exact: return "exact";
    case name_match::prefix: return "prefix";
    case name_match::suffix: return "suffix";
    case name_match::contains: return "contains";
  }
  return "exact";
}

std::string string_of(std::string_view text) { return std::string(text); }

}  // namespace

bool matches(name_match how, std::string_view pattern, std::string_view name) noexcept {
  switch (how) {
    case name_match::exact: return name == pattern;
    case name_match::prefix: return name.starts_with(pattern);
    case name_match::suffix: return name.ends_with(pattern);
    case name_match::contains: return name.find(pattern) != std::string_view::npos;
  }
  return false;
}

namespace_settings resolve_namespace(const log_config& config, std::string_view name) {
  namespace_settings settings;
  settings.min_severity = config.min_severity;
  settings.sinks = config.default_sinks;
  bool has_severity = false;
  bool has_sinks = false;
  bool has_sub = false;
  bool has_observables = false;
  bool has_detail = false;
  // From the most particular name outwards; the first that sets a field wins.
  std::string_view prefix = name;
  while (!prefix.empty()) {
    const auto found =
        std::find_if(config.namespaces.begin(), config.namespaces.end(),
                     [&](const namespace_config& entry) { return entry.name == prefix; });
    if (found != config.namespaces.end()) {
      if (!has_severity && found->min_severity) {
        settings.min_severity = *found->min_severity;
        has_severity = true;
      }
      if (!has_sinks && found->sinks) {
        settings.sinks = *found->sinks;
        has_sinks = true;
      }
      if (!has_sub && found->sub) {
        settings.sub = *found->sub;
        has_sub = true;
      }
      if (!has_observables && found->observables) {
        settings.observables = found->observables;
        has_observables = true;
      }
      if (!has_detail && found->detail) {
        settings.detail = *found->detail;
        has_detail = true;
      }
    }
    const auto dot = prefix.rfind('.');
    prefix = dot == std::string_view::npos ? std::string_view{} : prefix.substr(0, dot);
  }
  return settings;
}

log_config parse_log_config(std::string_view yaml, const std::string& source,
                            const std::vector<std::string>& code_sinks) {
  const config_reader reader(source, code_sinks);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& problem) {
    throw input_error(source + ":" + std::to_string(problem.mark.line + 1) +
                      ": malformed YAML: " + problem.msg);
  }
  try {
    return reader.document(root);
  } catch (const YAML::Exception& problem) {
    throw input_error(source + ":" + std::to_string(problem.mark.line + 1) + ": " + problem.msg);
  }
}

log_config load_log_config(const std::filesystem::path& path,
                           const std::vector<std::string>& code_sinks) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error(path.string() + ": cannot read the logging configuration: " +
                      std::error_code(errno, std::generic_category()).message());
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto config = parse_log_config(text.str(), path.string(), code_sinks);
  config.source = path;
  return config;
}

log_config_result try_load_log_config(const std::filesystem::path& path,
                                      const std::vector<std::string>& code_sinks) {
  log_config_result result;
  try {
    result.config = load_log_config(path, code_sinks);
  } catch (const error& problem) {
    result.error = problem.what();
  }
  return result;
}

void validate_log_config(const log_config& config, const std::vector<std::string>& code_sinks) {
  const auto defined = [&](const std::string& name) {
    return std::any_of(config.sinks.begin(), config.sinks.end(),
                       [&](const sink_config& entry) { return entry.name == name; }) ||
           std::find(code_sinks.begin(), code_sinks.end(), name) != code_sinks.end();
  };
  for (const auto& name : config.default_sinks) {
    if (!defined(name)) throw input_error("default_sinks: no sink named '" + name + "'");
  }
  for (const auto& space : config.namespaces) {
    for (const auto& name : space.sinks.value_or(std::vector<std::string>{})) {
      if (!defined(name)) {
        throw input_error("namespaces." + space.name + ".sinks: no sink named '" + name + "'");
      }
    }
  }
  for (const auto& entry : config.sinks) {
    if (entry.kind == sink_kind::file && entry.path.empty()) {
      throw input_error("sinks." + entry.name + ": a file sink needs a path");
    }
  }
}

std::string to_yaml(const log_config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "min_severity" << YAML::Value << string_of(to_string(config.min_severity));
  out << YAML::Key << "queue_records" << YAML::Value << config.queue_records;
  out << YAML::Key << "rotation" << YAML::Value;
  emit_rotation(out, config.rotation);
  out << YAML::Key << "sinks" << YAML::Value << YAML::BeginMap;
  for (const auto& entry : config.sinks) {
    out << YAML::Key << entry.name << YAML::Value << YAML::BeginMap;
    const char* kind = entry.kind == sink_kind::file             ? "file"
                       : entry.kind == sink_kind::standard_error ? "stderr"
                                                                 : "stdout";
    out << YAML::Key << "kind" << YAML::Value << kind;
    if (entry.kind == sink_kind::file) out << YAML::Key << "path" << YAML::Value << entry.path;
    out << YAML::Key << "format" << YAML::Value
        << (entry.format == sink_format::json ? "json" : "text");
    out << YAML::Key << "privacy" << YAML::Value << string_of(to_string(entry.audience));
    out << YAML::Key << "min_severity" << YAML::Value << string_of(to_string(entry.min_severity));
    out << YAML::Key << "max_severity" << YAML::Value << string_of(to_string(entry.max_severity));
    if (entry.rotation) {
      out << YAML::Key << "rotation" << YAML::Value;
      emit_rotation(out, *entry.rotation);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "default_sinks" << YAML::Value << YAML::Flow << config.default_sinks;
  out << YAML::Key << "namespaces" << YAML::Value << YAML::BeginMap;
  for (const auto& space : config.namespaces) {
    out << YAML::Key << space.name << YAML::Value << YAML::BeginMap;
    if (space.min_severity) {
      out << YAML::Key << "severity" << YAML::Value << string_of(to_string(*space.min_severity));
    }
    if (space.sinks) out << YAML::Key << "sinks" << YAML::Value << YAML::Flow << *space.sinks;
    if (space.sub) {
      out << YAML::Key << "subtrace" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "mode" << YAML::Value << string_of(to_string(space.sub->mode));
      if (space.sub->mode == subtrace_mode::filter) {
        out << YAML::Key << "match" << YAML::Value << string_of(to_string(space.sub->match));
        out << YAML::Key << "pattern" << YAML::Value << space.sub->pattern;
      } else if (space.sub->mode == subtrace_mode::set_severity) {
        out << YAML::Key << "severity" << YAML::Value << string_of(to_string(space.sub->level));
      } else if (space.sub->mode == subtrace_mode::tee) {
        out << YAML::Key << "suffix" << YAML::Value << space.sub->suffix;
      }
      out << YAML::EndMap;
    }
    if (space.observables) {
      out << YAML::Key << "observables" << YAML::Value << YAML::Flow << *space.observables;
    }
    if (space.detail) {
      out << YAML::Key << "verbosity" << YAML::Value << string_of(to_string(*space.detail));
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "options" << YAML::Value;
  emit_json(out, config.options);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace metron
