// Tests of the logging thread: many threads, shutdown, back-pressure, failing sinks, reconfiguration.
#include "log_test_support.hpp"

#include <metron/error.hpp>
#include <metron/log.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <csignal>
#include <map>
#include <thread>

namespace {

using metron::severity;
using namespace std::chrono_literals;

struct trade {
  std::int64_t id = 0;
  std::string venue;
  double price = 0;
};

nlohmann::json to_object(const trade& t, metron::verbosity /*level*/) {
  return {{"id", t.id}, {"venue", t.venue}, {"price", t.price}};
}

// Larger than a queue slot holds inline, so it travels on the heap.
struct snapshot {
  std::array<std::int64_t, 32> values{};
};

nlohmann::json to_object(const snapshot& s, metron::verbosity /*level*/) {
  return {{"first", s.values.front()}, {"last", s.values.back()}};
}

// Blocks the logging thread in its first write until released.
class gate_sink final : public metron::log_sink {
 public:
  void write(const metron::log_object& record) override {
    while (!open.load()) std::this_thread::sleep_for(1ms);
    inner.write(record);
  }
  void flush() override {}
  std::atomic<bool> open{false};
  metron::test::recording_log_sink inner;
};

metron::log_config memory_config(const char* extra = "") {
  return metron::parse_log_config(std::string("min_severity: debug\ndefault_sinks: [memory]\n") + extra,
                                  "memory.yaml", {"memory", "bad"});
}

std::vector<metron::named_sink> memory_sink(const std::shared_ptr<metron::log_sink>& sink) {
  return {{"memory", sink, metron::privacy::confidential}};
}

template <class Predicate>
bool eventually(Predicate&& holds) {
  for (int i = 0; i < 500; ++i) {
    if (holds()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return holds();
}

}  // namespace

TEST_CASE("many threads log at once and nothing accepted is lost at shutdown", "[log][mt]") {
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  auto config = memory_config();
  config.queue_records = 1 << 16;
  metron::start_logging(config, memory_sink(sink));
  constexpr int threads = 6;
  constexpr int per_thread = 20000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t] {
      const metron::logger log("load.worker");
      for (int i = 0; i < per_thread; ++i) log.info(trade{t * per_thread + i, "XNAS", 1.5});
    });
  }
  for (auto& worker : workers) worker.join();
  metron::stop_logging();
  const auto records = metron::test::in_namespace(sink->records(), "load.worker");
  const auto stats = metron::current_logging_stats();
  CHECK(records.size() + stats.dropped == threads * per_thread);
  CHECK(stats.dropped == 0);
  // Each thread's records arrive once, in its order, with its own thread id.
  std::map<std::uint64_t, std::int64_t> last_by_thread;
  std::set<std::int64_t> ids;
  for (const auto& record : records) {
    const auto id = record.payload.at("id").get<std::int64_t>();
    auto [last, fresh] = last_by_thread.try_emplace(record.thread, id);
    if (!fresh) CHECK(id > last->second);
    last->second = id;
    ids.insert(id);
    CHECK(record.payload.at("venue") == "XNAS");
  }
  CHECK(ids.size() == threads * per_thread);
  CHECK(last_by_thread.size() == threads);
}

TEST_CASE("a full queue drops and counts, and a record says how many were lost", "[log][mt]") {
  auto sink = std::make_shared<gate_sink>();
  auto config = memory_config();
  config.queue_records = 4;
  metron::start_logging(config, memory_sink(sink));
  constexpr int sent = 100;
  std::thread producer([] {
    const metron::logger log("pressure");
    for (int i = 0; i < sent; ++i) log.info(nlohmann::json{{"n", i}});
  });
  producer.join();
  sink->open = true;
  metron::stop_logging();
  const auto records = metron::test::in_namespace(sink->inner.records(), "pressure");
  std::size_t delivered = 0;
  std::uint64_t reported = 0;
  for (const auto& record : records) {
    if (record.payload.contains("dropped")) {
      reported += record.payload["dropped"].get<std::uint64_t>();
      CHECK(record.level == severity::warning);
      CHECK(record.payload["message"] ==
            std::to_string(record.payload["dropped"].get<std::uint64_t>()) +
                " records dropped in pressure");
    } else {
      ++delivered;
    }
  }
  CHECK(delivered <= 4);
  CHECK(reported > 0);
  CHECK(delivered + reported == sent);
  CHECK(metron::current_logging_stats().dropped == reported);
}

TEST_CASE("a sink that fails is reported once and disabled; the others go on", "[log][mt]") {
  auto good = std::make_shared<metron::test::recording_log_sink>();
  auto bad = std::make_shared<metron::test::failing_log_sink>(3);
  metron::start_logging(memory_config("namespaces: {metron.log: {sinks: [memory]}, work: {sinks: [memory, bad]}}"),
                        {{"memory", good}, {"bad", bad}});
  const metron::logger log("work");
  for (int i = 0; i < 10; ++i) log.info(nlohmann::json{{"n", i}});
  metron::stop_logging();
  CHECK(bad->written == 3);
  CHECK(metron::test::in_namespace(good->records(), "work").size() == 10);
  const auto errors = metron::test::in_namespace(good->records(), "metron.log");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].level == severity::error);
  CHECK(errors[0].payload["message"] == "sink 'bad' disabled: disk full");
  CHECK(metron::logging_problems() == std::vector<std::string>{"sink 'bad' disabled: disk full"});
}

TEST_CASE("a file sink that cannot be opened is reported and left out", "[log]") {
  const metron::test::scratch_folder folder;
  metron::test::write_file(folder.path() / "blocker", "x");
  auto good = std::make_shared<metron::test::recording_log_sink>();
  auto config = metron::parse_log_config(
      "min_severity: debug\nsinks: {broken: {kind: file, path: " + (folder.path() / "blocker" / "x.json").string() +
          "}}\ndefault_sinks: [memory, broken]\n",
      "file.yaml", {"memory"});
  metron::start_logging(config, memory_sink(good));
  metron::logger("app").info(nlohmann::json{{"n", 1}});
  metron::stop_logging();
  CHECK(metron::test::in_namespace(good->records(), "app").size() == 1);
  const auto problems = metron::logging_problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].starts_with("sink 'broken' disabled: "));
  CHECK(metron::test::in_namespace(good->records(), "metron.log").size() == 1);
}

TEST_CASE("reconfiguration at run time takes effect; a bad one leaves the old in force", "[log]") {
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  CHECK_THROWS_AS(metron::reconfigure_logging(memory_config()), metron::error);
  metron::start_logging(memory_config(), memory_sink(sink));
  CHECK_THROWS_AS(metron::start_logging(memory_config(), memory_sink(sink)), metron::error);
  const metron::logger log("tuned");
  CHECK(log.enabled(severity::debug));
  auto stricter = memory_config("namespaces: {tuned: {severity: error}}");
  metron::reconfigure_logging(stricter);
  CHECK_FALSE(log.enabled(severity::warning));
  CHECK(log.enabled(severity::error));
  CHECK(metron::current_logging_config() == stricter);

  auto broken = stricter;
  broken.default_sinks = {"nowhere"};
  CHECK_THROWS_WITH(metron::reconfigure_logging(broken), "default_sinks: no sink named 'nowhere'");
  CHECK(metron::current_logging_config() == stricter);
  CHECK(metron::parse_log_config(metron::to_yaml(metron::current_logging_config()), "x.yaml", {"memory"}) == stricter);
  log.error(nlohmann::json{{"n", 1}});
  log.warning(nlohmann::json{{"n", 2}});
  metron::stop_logging();
  const auto records = metron::test::in_namespace(sink->records(), "tuned");
  REQUIRE(records.size() == 1);
  CHECK(records[0].payload["n"] == 1);
}

TEST_CASE("SIGHUP reloads the configuration file; a bad file leaves the old one and says why",
          "[log][mt]") {
  const metron::test::scratch_folder folder;
  const auto file = folder.path() / "logging.yaml";
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  metron::test::write_file(file, "min_severity: info\ndefault_sinks: [memory]\n");
  auto config = metron::load_log_config(file, {"memory"});
  metron::start_logging(config, memory_sink(sink));
  metron::reload_logging_on_sighup();
  const metron::logger log("reloaded");
  CHECK_FALSE(log.enabled(severity::debug));

  metron::test::write_file(file, "min_severity: debug\ndefault_sinks: [memory]\n");
  REQUIRE(std::raise(SIGHUP) == 0);
  CHECK(eventually([&] { return log.enabled(severity::debug); }));

  metron::test::write_file(file, "min_severity: debug\ndefault_sinks: [memory]\nbogus: 1\n");
  REQUIRE(std::raise(SIGHUP) == 0);
  CHECK(eventually([] { return !metron::logging_problems().empty(); }));
  CHECK(log.enabled(severity::debug));
  CHECK(metron::current_logging_config().min_severity == severity::debug);
  metron::stop_logging();
  const auto errors = metron::test::in_namespace(sink->records(), "metron.log");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].payload["message"] ==
        "reload on SIGHUP failed, the old configuration stays: " + file.string() +
            ":3: unknown key 'bogus' in the configuration; expected one of min_severity, rotation, "
            "sinks, default_sinks, namespaces, options, queue_records");
}

TEST_CASE("reload_logging re-reads the file through the API", "[log]") {
  const metron::test::scratch_folder folder;
  const auto file = folder.path() / "logging.yaml";
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  metron::test::write_file(file, "min_severity: info\ndefault_sinks: [memory]\n");
  metron::start_logging(metron::load_log_config(file, {"memory"}), memory_sink(sink));
  metron::test::write_file(file, "min_severity: [\n");
  CHECK_THROWS_AS(metron::reload_logging(), metron::input_error);
  CHECK(metron::current_logging_config().min_severity == severity::info);
  metron::test::write_file(file, "min_severity: error\ndefault_sinks: [memory]\n");
  metron::reload_logging();
  CHECK(metron::current_logging_config().min_severity == severity::error);
  metron::stop_logging();
}

TEST_CASE("values are copied: borrowed strings, large values, tracers that log", "[log]") {
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  metron::start_logging(memory_config(), memory_sink(sink));
  const metron::logger log("copies");
  {
    std::string temporary = "a string long enough to live on the heap, not in the object";
    log.info(std::string_view(temporary));
    temporary.assign(temporary.size(), 'x');
  }
  snapshot big;
  big.values.front() = 11;
  big.values.back() = 99;
  log.info(big);
  const auto tr = metron::filter([](const trade& t) { return t.price > 1; },
                                 metron::log_tracer<trade>(metron::logger("copies.traced"),
                                                           severity::notice));
  tr(trade{1, "XLON", 0.5});
  tr(trade{2, "XLON", 2.5});
  metron::stop_logging();
  const auto copies = metron::test::in_namespace(sink->records(), "copies");
  REQUIRE(copies.size() == 2);
  CHECK(copies[0].payload ==
        nlohmann::json{{"value", "a string long enough to live on the heap, not in the object"}});
  CHECK(copies[1].payload == nlohmann::json{{"first", 11}, {"last", 99}});
  const auto traced = metron::test::in_namespace(sink->records(), "copies.traced");
  REQUIRE(traced.size() == 1);
  CHECK(traced[0].level == severity::notice);
  CHECK(traced[0].payload["id"] == 2);
}

TEST_CASE("records written to a JSON-lines file carry every field of the format", "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "app.json";
  auto config = metron::parse_log_config(
      "min_severity: debug\nsinks: {file: {kind: file, path: " + path.string() +
          ", privacy: confidential}}\ndefault_sinks: [file]\n",
      "file.yaml");
  metron::start_logging(config);
  metron::logger("app.orders").log(severity::warning, trade{7, "XETR", 3.25}, metron::privacy::confidential);
  metron::stop_logging();
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 1);
  const auto line = nlohmann::json::parse(lines[0]);
  CHECK(line["namespace"] == "app.orders");
  CHECK(line["severity"] == "warning");
  CHECK(line["privacy"] == "confidential");
  CHECK(line["payload"] == nlohmann::json{{"id", 7}, {"venue", "XETR"}, {"price", 3.25}});
  CHECK(line["thread"].get<std::uint64_t>() != 0);
  CHECK_FALSE(line["host"].get<std::string>().empty());
  const auto stamp = line["timestamp"].get<std::string>();
  REQUIRE(stamp.size() == 27);
  CHECK(stamp.ends_with("Z"));
  CHECK(stamp[4] == '-');
  CHECK(stamp[10] == 'T');
}
