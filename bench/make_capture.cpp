// make_capture: writes a synthetic .mtr capture of N bracket records over S sites and T threads.
//
// Durations are lognormal per site (each site its own median, spread 0.25 to 0.75 in log space);
// with --bimodal every third site mixes two lognormal modes, a slow one 4 times the fast one's
// median taking 40 % of calls, the shape `metron stats` must flag. The same arguments always give
// the same bytes.
#include <metron/capture/capture.hpp>
#include <metron/error.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct generator_options {
  std::uint64_t records = 1'000'000;
  std::uint32_t sites = 16;
  std::uint32_t threads = 4;
  std::uint64_t seed = 1;
  bool bimodal = false;
  std::string output;
};

constexpr std::string_view usage =
    "usage: make_capture -o FILE [--records N] [--sites S] [--threads T] [--seed K] [--bimodal]\n"
    "  writes N bracket records (default 1000000) spread over S sites (16) and T threads (4);\n"
    "  durations are lognormal per site, two modes on every third site with --bimodal\n";

std::uint64_t parse_count(std::string_view flag, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (problem != std::errc{} || end != text.data() + text.size()) {
    throw metron::input_error("make_capture: " + std::string(flag) + ": '" + std::string(text) +
                              "' is not a non-negative integer");
  }
  return value;
}

generator_options parse_arguments(int argc, char** argv) {
  generator_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--bimodal") {
      options.bimodal = true;
      continue;
    }
    if (i + 1 >= argc) {
      throw metron::input_error("make_capture: " + std::string(flag) + " needs a value\n" +
                                std::string(usage));
    }
    const std::string_view value = argv[++i];
    if (flag == "-o" || flag == "--output") {
      options.output = value;
    } else if (flag == "--records") {
      options.records = parse_count(flag, value);
    } else if (flag == "--sites") {
      options.sites = static_cast<std::uint32_t>(parse_count(flag, value));
    } else if (flag == "--threads") {
      options.threads = static_cast<std::uint32_t>(parse_count(flag, value));
    } else if (flag == "--seed") {
      options.seed = parse_count(flag, value);
    } else {
      throw metron::input_error("make_capture: unknown option " + std::string(flag) + "\n" +
                                std::string(usage));
    }
  }
  if (options.output.empty() || options.sites == 0 || options.threads == 0 ||
      options.threads > 1024 || options.sites > 100'000) {
    throw metron::input_error("make_capture: need -o, 1..100000 sites and 1..1024 threads\n" +
                              std::string(usage));
  }
  return options;
}

/// How one site's durations are drawn: log-space location and spread, and an optional slow mode.
struct site_shape {
  double log_median = 0;
  double spread = 0;
  bool bimodal = false;
};

std::vector<site_shape> make_shapes(const generator_options& options, std::mt19937_64& random) {
  std::uniform_real_distribution<double> median_ns(200.0, 50'000.0);
  std::uniform_real_distribution<double> spread(0.25, 0.75);
  std::vector<site_shape> shapes(options.sites);
  for (std::uint32_t i = 0; i < options.sites; ++i) {
    shapes[i].log_median = std::log(median_ns(random));
    shapes[i].spread = spread(random);
    shapes[i].bimodal = options.bimodal && i % 3 == 0;
  }
  return shapes;
}

constexpr double slow_mode_factor = 4.0;
constexpr double slow_mode_share = 0.4;
// Records per thread per batch: the writer buffers per thread, so the batch size only bounds
// this program's own memory.
constexpr std::size_t batch_records = 4096;

void generate(const generator_options& options) {
  std::mt19937_64 random(options.seed);
  const std::vector<site_shape> shapes = make_shapes(options, random);
  metron::capture_writer writer(
      options.output,
      R"({"producer":"make_capture","host":"synthetic","cpu_model":"synthetic","clock":"tsc",)"
      R"("tick_hz":1000000000,"start_time":"2026-01-01T00:00:00.000000Z"})");

  std::vector<metron::site_info> sites(options.sites);
  for (std::uint32_t i = 0; i < options.sites; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "synthetic.site_%05u", i);
    sites[i] = {i + 1, metron::site_kind::bracket, 0, 100 + i, name, "synthetic.cpp",
                "void synthetic()"};
  }
  writer.write_sites(sites);
  for (std::uint32_t thread = 0; thread < options.threads; ++thread) {
    writer.write_thread({thread, 10'000 + thread, "worker-" + std::to_string(thread)});
  }

  std::normal_distribution<double> unit_normal;
  std::uniform_real_distribution<double> unit;
  std::uniform_int_distribution<std::uint32_t> pick_site(0, options.sites - 1);
  std::vector<std::int64_t> clock_ns(options.threads, 0);
  std::vector<std::uint64_t> per_thread(options.threads, 0);
  std::vector<metron::record> batch;
  batch.reserve(batch_records);
  std::uint64_t written = 0;
  std::uint32_t thread = 0;
  while (written < options.records) {
    batch.clear();
    const std::uint64_t take = std::min<std::uint64_t>(batch_records, options.records - written);
    std::int64_t now = clock_ns[thread];
    for (std::uint64_t i = 0; i < take; ++i) {
      const std::uint32_t site = pick_site(random);
      const site_shape& shape = shapes[site];
      double log_duration = shape.log_median + shape.spread * unit_normal(random);
      if (shape.bimodal && unit(random) < slow_mode_share) {
        log_duration += std::log(slow_mode_factor);
      }
      const auto duration = static_cast<std::int64_t>(std::exp(log_duration)) + 1;
      now += 50;  // the gap between two calls
      batch.push_back({site + 1, 0, now, now + duration, 0});
      now += duration;
    }
    clock_ns[thread] = now;
    per_thread[thread] += take;
    writer.write_records(thread, batch);
    written += take;
    thread = (thread + 1) % options.threads;
  }

  metron::capture_footer footer;
  footer.tick_hz_start = 1e9;
  footer.tick_hz_stop = 1e9;
  for (std::uint32_t i = 0; i < options.threads; ++i) {
    footer.end_ns = std::max(footer.end_ns, clock_ns[i]);
    footer.threads.push_back({i, per_thread[i], 0});
  }
  writer.finish(footer);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    generate(parse_arguments(argc, argv));
    return 0;
  } catch (const metron::input_error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_capture: %s\n", error.what());
    return 1;
  }
}
