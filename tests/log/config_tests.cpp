// Tests of the logging configuration: reading, errors with their places, resolution, export.
#include "log_test_support.hpp"

#include <metron/error.hpp>
#include <metron/log/config.hpp>

#include <catch2/catch.hpp>

namespace {

const char* const full_config = R"(min_severity: notice
queue_records: 1024
rotation: {max_bytes: 1000000, max_age_seconds: 3600, keep: 4}
sinks:
  console: {kind: stdout, format: text}
  journal:
    kind: file
    path: logs/node.json
    privacy: confidential
    min_severity: info
    max_severity: critical
    rotation: {max_bytes: 500, keep: 2}
default_sinks: [console]
namespaces:
  ledger:
    severity: debug
    sinks: [console, journal]
    observables: [cpu_time_ns, page_faults]
    verbosity: maximal
  ledger.apply:
    subtrace: {mode: filter, match: prefix, pattern: ledger.apply.block}
  mempool: {subtrace: drop_opening}
  wallet: {subtrace: {mode: set_severity, severity: warning}}
  network: {subtrace: {mode: tee, suffix: audit}}
options:
  prometheus: {port: 9100, enabled: true}
  label: "node 1"
)";

std::string error_of(const std::string& yaml) {
  try {
    static_cast<void>(metron::parse_log_config(yaml, "logging.yaml"));
  } catch (const metron::input_error& problem) {
    return problem.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a configuration with every key reads as written", "[log]") {
  const auto config = metron::parse_log_config(full_config, "logging.yaml");
  CHECK(config.min_severity == metron::severity::notice);
  CHECK(config.queue_records == 1024);
  CHECK(config.rotation == metron::rotation_policy{1000000, std::chrono::seconds(3600), 4});
  REQUIRE(config.sinks.size() == 2);
  CHECK(config.sinks[0].name == "console");
  CHECK(config.sinks[0].kind == metron::sink_kind::standard_output);
  CHECK(config.sinks[0].format == metron::sink_format::text);
  const auto& journal = config.sinks[1];
  CHECK(journal.kind == metron::sink_kind::file);
  CHECK(journal.path == "logs/node.json");
  CHECK(journal.format == metron::sink_format::json);
  CHECK(journal.audience == metron::privacy::confidential);
  CHECK(journal.min_severity == metron::severity::info);
  CHECK(journal.max_severity == metron::severity::critical);
  CHECK(journal.rotation == metron::rotation_policy{500, std::chrono::seconds(0), 2});
  CHECK(config.default_sinks == std::vector<std::string>{"console"});
  REQUIRE(config.namespaces.size() == 5);
  CHECK(config.namespaces[0].observables == std::vector<std::string>{"cpu_time_ns", "page_faults"});
  CHECK(config.namespaces[0].detail == metron::verbosity::maximal);
  CHECK(config.namespaces[1].sub->mode == metron::subtrace_mode::filter);
  CHECK(config.namespaces[1].sub->match == metron::name_match::prefix);
  CHECK(config.namespaces[2].sub->mode == metron::subtrace_mode::drop_opening);
  CHECK(config.namespaces[3].sub->level == metron::severity::warning);
  CHECK(config.namespaces[4].sub->suffix == "audit");
  CHECK(config.options["prometheus"]["port"] == 9100);
  CHECK(config.options["prometheus"]["enabled"] == true);
  CHECK(config.options["label"] == "node 1");
}

TEST_CASE("the exported YAML reads back to the same configuration", "[log]") {
  const auto config = metron::parse_log_config(full_config, "logging.yaml");
  const auto exported = metron::to_yaml(config);
  CHECK(metron::parse_log_config(exported, "exported.yaml") == config);
  CHECK(metron::parse_log_config(metron::to_yaml(metron::log_config{}), "empty.yaml") ==
        metron::log_config{});
}

TEST_CASE("namespaces inherit each setting from the nearest that sets it", "[log]") {
  const auto config = metron::parse_log_config(full_config, "logging.yaml");
  const auto apply = metron::resolve_namespace(config, "ledger.apply.block");
  CHECK(apply.min_severity == metron::severity::debug);  // from ledger
  CHECK(apply.sinks == std::vector<std::string>{"console", "journal"});
  CHECK(apply.sub.mode == metron::subtrace_mode::filter);  // from ledger.apply
  CHECK(apply.detail == metron::verbosity::maximal);
  const auto other = metron::resolve_namespace(config, "consensus.vote");
  CHECK(other.min_severity == metron::severity::notice);  // the top level
  CHECK(other.sinks == std::vector<std::string>{"console"});
  CHECK(other.sub.mode == metron::subtrace_mode::neutral);
  CHECK_FALSE(other.observables.has_value());
  // "ledgers" is not inside "ledger".
  CHECK(metron::resolve_namespace(config, "ledgers").min_severity == metron::severity::notice);
}

TEST_CASE("name patterns match exactly, by prefix, suffix or part", "[log]") {
  using metron::name_match;
  CHECK(metron::matches(name_match::exact, "a.b", "a.b"));
  CHECK_FALSE(metron::matches(name_match::exact, "a.b", "a.b.c"));
  CHECK(metron::matches(name_match::prefix, "a.b", "a.b.c"));
  CHECK_FALSE(metron::matches(name_match::prefix, "b.c", "a.b.c"));
  CHECK(metron::matches(name_match::suffix, "b.c", "a.b.c"));
  CHECK_FALSE(metron::matches(name_match::suffix, "a.b", "a.b.c"));
  CHECK(metron::matches(name_match::contains, ".b.", "a.b.c"));
  CHECK_FALSE(metron::matches(name_match::contains, "x", "a.b.c"));
}

TEST_CASE("configuration errors name the file, the line and the key", "[log]") {
  CHECK(error_of("min_severity: info\ncolour: red\n") ==
        "logging.yaml:2: unknown key 'colour' in the configuration; expected one of min_severity, "
        "rotation, sinks, default_sinks, namespaces, options, queue_records");
  CHECK(error_of("min_severity: loud\n") ==
        "logging.yaml:1: bad value 'loud' for 'min_severity'; expected one of debug, info, "
        "notice, warning, error, critical, alert, emergency");
  CHECK(error_of("sinks:\n  out: {kind: stdout, colour: yes}\n") ==
        "logging.yaml:2: unknown key 'colour' in sinks.out; expected one of kind, path, format, "
        "privacy, min_severity, max_severity, rotation");
  CHECK(error_of("sinks:\n  out:\n    kind: printer\n") ==
        "logging.yaml:3: bad value 'printer' for 'sinks.out.kind'; expected one of stdout, "
        "stderr, file");
  CHECK(error_of("sinks:\n  f: {kind: file}\n") ==
        "logging.yaml:2: 'sinks.f' is a file sink and needs a 'path'");
  CHECK(error_of("sinks:\n  out: {kind: stdout, privacy: secret}\n") ==
        "logging.yaml:2: bad value 'secret' for 'sinks.out.privacy'; expected one of public, "
        "confidential");
  CHECK(error_of("rotation: {max_bytes: -5}\n") ==
        "logging.yaml:1: 'rotation.max_bytes' must be a whole number of at least 0, not '-5'");
  CHECK(error_of("sinks: {out: {kind: stdout}}\ndefault_sinks: [out, nowhere]\n") ==
        "logging.yaml:2: 'default_sinks' names sink 'nowhere', which 'sinks' does not define");
  CHECK(error_of("sinks: {out: {kind: stdout}}\nnamespaces:\n  a.b:\n    sinks: [gone]\n") ==
        "logging.yaml:4: 'namespaces.a.b.sinks' names sink 'gone', which 'sinks' does not define");
  CHECK(error_of("namespaces:\n  a: {subtrace: {mode: tee}}\n") ==
        "logging.yaml:2: 'namespaces.a.subtrace' with mode tee needs 'suffix'");
  CHECK(error_of("namespaces:\n  a: {subtrace: {mode: filter, pattern: x, match: regex}}\n") ==
        "logging.yaml:2: bad value 'regex' for 'namespaces.a.subtrace.match'; expected one of "
        "exact, prefix, suffix, contains");
  CHECK(error_of("namespaces:\n  a:\n    subtrace: {mode: no_trace, suffix: x}\n") ==
        "logging.yaml:3: 'namespaces.a.subtrace.suffix' does not apply to mode no_trace");
  CHECK(error_of("namespaces:\n  a:\n    observables: [cpu_time_ns, heat]\n") ==
        "logging.yaml:3: bad value 'heat' in 'namespaces.a.observables'; expected any of "
        "cpu_time_ns, page_faults, context_switches, instructions, cycles");
  CHECK(error_of("namespaces:\n  a: {verbosity: chatty}\n") ==
        "logging.yaml:2: bad value 'chatty' for 'namespaces.a.verbosity'; expected one of "
        "minimal, normal, maximal");
  CHECK(error_of("sinks: [a, b]\n") == "logging.yaml:1: 'sinks' must be a map of keys to values");
  CHECK(error_of("min_severity: [info\n").starts_with("logging.yaml:2: malformed YAML: "));
}

TEST_CASE("an unreadable configuration is an exception or an error value, as the caller chooses",
          "[log]") {
  const metron::test::scratch_folder folder;
  const auto missing = folder.path() / "missing.yaml";
  CHECK_THROWS_AS(metron::load_log_config(missing), metron::input_error);
  const auto result = metron::try_load_log_config(missing);
  CHECK_FALSE(result.config.has_value());
  CHECK(result.error.starts_with(missing.string() + ": cannot read the logging configuration: "));

  const auto bad = folder.path() / "bad.yaml";
  metron::test::write_file(bad, "sinks:\n  out: {kind: stdout}\n  err: {knd: stderr}\n");
  const auto bad_result = metron::try_load_log_config(bad);
  CHECK_FALSE(bad_result.config.has_value());
  CHECK(bad_result.error.starts_with(bad.string() + ":3: unknown key 'knd' in sinks.err"));

  const auto good = folder.path() / "good.yaml";
  metron::test::write_file(good, "min_severity: debug\n");
  const auto good_result = metron::try_load_log_config(good);
  REQUIRE(good_result.config.has_value());
  CHECK(good_result.config->source == good);
  CHECK(good_result.config->min_severity == metron::severity::debug);
}

TEST_CASE("a configuration built in code is checked for the sinks it names", "[log]") {
  metron::log_config config;
  config.default_sinks = {"memory"};
  CHECK_THROWS_WITH(metron::validate_log_config(config),
                    "default_sinks: no sink named 'memory'");
  CHECK_NOTHROW(metron::validate_log_config(config, {"memory"}));
  config.namespaces.push_back({"a", std::nullopt, std::vector<std::string>{"other"}, {}, {}, {}});
  CHECK_THROWS_WITH(metron::validate_log_config(config, {"memory"}),
                    "namespaces.a.sinks: no sink named 'other'");
}
