// Structured logging's costs: an enabled call against spdlog's asynchronous logger doing the same
// work, a filtered-out call, and the logging thread's sustained rate into a rotating JSON-lines file.
#include <metron/log.hpp>

#include <benchmark/benchmark.h>
#include <spdlog/async.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include <unistd.h>

namespace {

/// The value every benchmark logs: three fields, a number, a short string and a duration. It
/// declares to_fields, so the logging thread writes its fields straight into the line.
struct block_applied {
  std::uint64_t height = 0;
  std::string hash;
  std::chrono::microseconds elapsed{0};
};

void to_fields(const block_applied& event, metron::verbosity /*level*/,
               metron::field_writer& out) {
  out.field("height", event.height);
  out.field("hash", event.hash);
  out.field("elapsed_us", event.elapsed.count());
}

/// The same value declaring to_object instead: the logging thread builds a JSON value per record,
/// then renders it.
struct block_applied_object : block_applied {};

// Filled member by member: nlohmann's initializer-list form builds and copies a temporary per
// field, which would more than double what the logging thread spends on the user's rendering.
nlohmann::json to_object(const block_applied_object& event, metron::verbosity /*level*/) {
  nlohmann::json object(nlohmann::json::value_t::object);
  object["height"] = event.height;
  object["hash"] = event.hash;
  object["elapsed_us"] = event.elapsed.count();
  return object;
}

/// Calls per timed burst: an eighth of both queues, so that no call waits or drops and the
/// figure is the caller's own cost. Both loggers drain between bursts, untimed.
constexpr int burst = 1024;
constexpr std::size_t queue_records = 8192;

/// Takes records and does nothing with them, as spdlog's null sink.
class discarding_sink final : public metron::log_sink {
 public:
  void write(const metron::log_object& record) override { benchmark::DoNotOptimize(&record); }
  void flush() override {}
};

metron::log_config discarding_config() {
  metron::log_config config;
  config.min_severity = metron::severity::info;
  config.default_sinks = {"discard"};
  config.queue_records = queue_records;
  return config;
}

template <class Predicate>
void wait_until(Predicate&& done) {
  for (int attempt = 0; attempt < 100000 && !done(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

template <class Operation, class Drain>
void run_bursts(benchmark::State& state, Operation&& operation, Drain&& drain) {
  std::uint64_t produced = 0;
  std::uint64_t height = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < burst; ++i) operation(++height);
    const auto stop = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    produced += burst;
    drain(produced);
  }
  state.SetItemsProcessed(state.iterations() * burst);
  state.counters["ns_per_op"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * burst,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// metron: an enabled call queues the typed value; to_object runs on the logging thread.
void metron_enabled_three_fields(benchmark::State& state) {
  metron::start_logging(discarding_config(),
                        {{"discard", std::make_shared<discarding_sink>()}});
  const metron::logger log("bench.ledger");
  run_bursts(
      state,
      [&](std::uint64_t height) {
        log.info(block_applied{height, "00ab3f9c", std::chrono::microseconds(height & 1023)});
      },
      [](std::uint64_t produced) {
        wait_until([&] { return metron::current_logging_stats().written >= produced; });
      });
  state.counters["dropped"] = static_cast<double>(metron::current_logging_stats().dropped);
  metron::stop_logging();
}
BENCHMARK(metron_enabled_three_fields)->UseManualTime();

/// spdlog's asynchronous logger with the same three fields: it formats on the calling thread and
/// queues the text; its worker thread writes to a null sink.
void spdlog_async_three_fields(benchmark::State& state) {
  spdlog::init_thread_pool(queue_records, 1);
  const auto log = spdlog::create_async<spdlog::sinks::null_sink_mt>("bench.ledger");
  run_bursts(
      state,
      [&](std::uint64_t height) {
        log->info("block applied height={} hash={} elapsed_us={}", height, "00ab3f9c",
                  static_cast<std::int64_t>(height & 1023));
      },
      [](std::uint64_t /*produced*/) {
        wait_until([] { return spdlog::thread_pool()->queue_size() == 0; });
      });
  spdlog::drop_all();
  spdlog::shutdown();
}
BENCHMARK(spdlog_async_three_fields)->UseManualTime();

/// A call below the namespace's threshold: one relaxed load and a branch.
void metron_filtered_out(benchmark::State& state) {
  metron::start_logging(discarding_config(),
                        {{"discard", std::make_shared<discarding_sink>()}});
  const metron::logger log("bench.quiet");
  const block_applied event{42, "00ab3f9c", std::chrono::microseconds(7)};
  for (auto _ : state) {
    log.debug(event);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  metron::stop_logging();
}
BENCHMARK(metron_filtered_out);

/// One producer as fast as it can; the logging thread renders every record and writes it to a
/// JSON-lines file rotated every 64 MiB. The figure is the rate from the first call to the
/// closed file. The queue holds every record, so none is dropped.
template <class Event>
void sustained_json_file(benchmark::State& state) {
  const auto records = static_cast<std::uint64_t>(state.range(0));
  const auto folder = std::filesystem::temp_directory_path() /
                      ("metron-log-bench-" + std::to_string(getpid()));
  metron::log_config config;
  config.min_severity = metron::severity::info;
  config.sinks.push_back({.name = "journal",
                          .kind = metron::sink_kind::file,
                          .path = (folder / "bench.json").string(),
                          .format = metron::sink_format::json,
                          .rotation = metron::rotation_policy{64 << 20, std::chrono::seconds(0), 2}});
  config.default_sinks = {"journal"};
  config.queue_records = records;
  metron::logging_stats stats;
  for (auto _ : state) {
    std::filesystem::remove_all(folder);
    metron::start_logging(config);
    const metron::logger log("bench.ledger");
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < records; ++i) {
      Event event;
      event.height = i;
      event.hash = "00ab3f9c";
      event.elapsed = std::chrono::microseconds(i & 1023);
      log.info(std::move(event));
    }
    metron::stop_logging();
    const auto stop = std::chrono::steady_clock::now();
    stats = metron::current_logging_stats();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
  }
  state.counters["records_per_s"] = benchmark::Counter(
      static_cast<double>(stats.written) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["written"] = static_cast<double>(stats.written);
  state.counters["dropped"] = static_cast<double>(stats.dropped);
  std::filesystem::remove_all(folder);
}

/// A value that declares to_fields: the figure the throughput target holds.
void metron_sustained_json_file(benchmark::State& state) {
  sustained_json_file<block_applied>(state);
}
BENCHMARK(metron_sustained_json_file)->Arg(1 << 20)->Iterations(1)->Repetitions(3)->UseManualTime()
    ->Unit(benchmark::kMillisecond);

/// The same value declaring to_object: a JSON value is built per record.
void metron_sustained_json_file_to_object(benchmark::State& state) {
  sustained_json_file<block_applied_object>(state);
}
BENCHMARK(metron_sustained_json_file_to_object)->Arg(1 << 20)->Iterations(1)->Repetitions(3)
    ->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
