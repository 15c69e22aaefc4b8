// Structured logging with a rotating JSON-lines file: a ledger logs applied blocks and its mempool
// logs admissions, some of them confidential, through per-namespace loggers.
//
// usage: logging FOLDER  — writes FOLDER/ledger.json (a link) and FOLDER/ledger-*.json
#include <metron/log.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace ledger {

/// What the ledger says when it has applied a block.
struct block_applied {
  std::uint64_t height = 0;
  std::string hash;
  std::chrono::microseconds elapsed{0};
};

/// Many of these are logged, so the type declares to_fields: the logging thread writes the fields
/// straight into the line. Fewer fields at minimal verbosity, for busy namespaces.
void to_fields(const block_applied& event, metron::verbosity level, metron::field_writer& out) {
  out.field("height", event.height);
  if (level == metron::verbosity::minimal) return;
  out.field("hash", event.hash);
  out.field("elapsed_us", event.elapsed.count());
}

/// A transaction entering the mempool; the sender is confidential.
struct admitted {
  std::string sender;
  std::uint32_t fee = 0;
};

nlohmann::json to_object(const admitted& event, metron::verbosity /*level*/) {
  return {{"sender", event.sender}, {"fee", event.fee}};
}

}  // namespace ledger

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  // The same keys a logging.yaml file holds (docs/logging.md); small files so that it rotates.
  const std::string yaml = "min_severity: info\n"
                           "rotation: {max_bytes: 131072, keep: 4}\n"
                           "sinks:\n"
                           "  journal: {kind: file, path: " + folder + "/ledger.json, format: json, privacy: confidential}\n"
                           "  console: {kind: stderr, format: text, min_severity: warning}\n"
                           "default_sinks: [journal, console]\n"
                           "namespaces:\n"
                           "  ledger.apply: {severity: debug}\n"
                           "  ledger.mempool: {verbosity: minimal}\n"
                           "  ledger.audit: {sinks: [journal]}\n"
                           "  ledger.apply.noise: {subtrace: no_trace}\n";
  try {
    metron::start_logging(metron::parse_log_config(yaml, "logging example"));
  } catch (const std::exception& problem) {
    std::fprintf(stderr, "logging: %s\n", problem.what());
    return 2;
  }

  const metron::logger apply("ledger.apply");
  const metron::logger mempool("ledger.mempool");
  const metron::logger noise("ledger.apply.noise");
  // Tracers compose with logging: only expensive blocks reach ledger.audit.
  const auto slow_blocks = metron::filter(
      [](const ledger::block_applied& event) { return event.elapsed.count() > 900; },
      metron::log_tracer<ledger::block_applied>(metron::logger("ledger.audit"),
                                                metron::severity::notice));

  std::vector<std::thread> workers;
  for (int worker = 0; worker < 2; ++worker) {
    workers.emplace_back([&, worker] {
      for (std::uint64_t i = 0; i < 1000; ++i) {
        const ledger::block_applied event{i * 2 + static_cast<std::uint64_t>(worker),
                                          "00ab" + std::to_string(i), std::chrono::microseconds(i)};
        apply.debug(event);
        slow_blocks(event);
        noise.info(event);  // turned off by its subtrace: costs a load and a branch
        mempool.log(metron::severity::info, ledger::admitted{"wallet-" + std::to_string(i), 10},
                    metron::privacy::confidential);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  apply.warning(std::string("the example is done"));
  metron::stop_logging();
  return metron::logging_problems().empty() ? 0 : 1;
}
