// Checks every history back end must pass: round trip, filters, unknown metrics, concurrency.
#include "history_checks.hpp"

#include <metron/error.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace metron::test {

namespace {

using analysis::better;
using analysis::history_open;

std::vector<analysis::history_value> values_of(double sort_ns, double rate) {
  return {{"BM_sort/1024", "ns", better::lower, sort_ns, 20},
          {"BM_parse:items_per_second", "1/s", better::higher, rate, 20}};
}

/// Adds `count` runs from a child process; returns its exit status (0 when all landed).
pid_t add_in_child(const std::string& location, const std::string& prefix, int count) {
  const pid_t child = fork();
  if (child != 0) {
    return child;
  }
  int status = 0;
  try {
    const auto store = analysis::open_history(location, history_open::create_if_missing);
    for (int i = 0; i < count; ++i) {
      const std::vector<analysis::history_value> values{
          {"concurrent", "ns", better::lower, static_cast<double>(i), 1}};
      store->add_run({prefix + std::to_string(i), "main", prefix, ""}, values);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), error.what());
    status = 1;
  }
  _exit(status);
}

}  // namespace

void check_round_trip(const std::string& location) {
  auto store = analysis::open_history(location, history_open::create_if_missing);
  CHECK(store->schema_version() == analysis::history_schema_version);
  CHECK(store->metrics({}).empty());
  // Added out of time order: series are ordered by time.
  const auto second = store->add_run({"bbb", "main", "ci-1", "2026-11-02T10:00:00Z"}, values_of(110, 900));
  const auto first = store->add_run({"aaa", "main", "ci-1", "2026-11-01T10:00:00Z"}, values_of(100, 1000));
  store->add_run({"ccc", "feature", "ci-2", "2026-11-03T10:00:00Z"}, values_of(120, 800));
  CHECK(first != second);

  store = analysis::open_history(location, history_open::existing);
  const auto series = store->series("BM_sort/1024", {});
  REQUIRE(series.size() == 3);
  CHECK(series[0].commit == "aaa");
  CHECK(series[0].run == first);
  CHECK(series[0].value == 100);
  CHECK(series[0].samples == 20);
  CHECK(series[0].machine == "ci-1");
  CHECK(series[0].time == "2026-11-01T10:00:00Z");
  CHECK(series[1].commit == "bbb");
  CHECK(series[2].branch == "feature");

  const auto main_only = store->series("BM_parse:items_per_second", {"main", ""});
  REQUIRE(main_only.size() == 2);
  CHECK(main_only[1].value == 900);
  CHECK(store->series("BM_sort/1024", {"", "ci-2"}).size() == 1);

  const auto metrics = store->metrics({});
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].name == "BM_parse:items_per_second");
  CHECK(metrics[0].direction == better::higher);
  CHECK(metrics[0].unit == "1/s");
  CHECK(metrics[0].points == 3);
  CHECK(metrics[1].name == "BM_sort/1024");
  CHECK(store->metrics({"feature", ""}).at(0).points == 1);

  CHECK_THROWS_WITH(store->series("BM_sort/1023", {}),
                    Catch::Contains("no run has metric 'BM_sort/1023'") &&
                        Catch::Contains("BM_sort/1024"));
  CHECK_THROWS_WITH(store->series("BM_sort/1024", {"release", ""}),
                    Catch::Contains("on branch 'release'"));
  CHECK_THROWS_AS(store->add_run({"", "main", "m", ""}, values_of(1, 1)), input_error);
  CHECK_THROWS_WITH(store->add_run({"ddd", "main", "m", "yesterday"}, values_of(1, 1)),
                    Catch::Contains("not ISO 8601 UTC"));
  CHECK_THROWS_AS(store->add_run({"ddd", "main", "m", ""}, {}), input_error);
  // A run without a time gets the store's clock.
  store->add_run({"eee", "main", "ci-1", ""}, values_of(130, 700));
  CHECK(store->series("BM_sort/1024", {}).back().time.size() == 20);
}

void check_atomic_add(const std::string& location) {
  const auto store = analysis::open_history(location, history_open::create_if_missing);
  store->add_run({"aaa", "main", "m", "2026-11-01T10:00:00Z"}, values_of(100, 1000));
  std::vector<analysis::history_value> bad = values_of(100, 1000);
  bad.push_back({"BM_sort/1024", "ns", better::lower, 5, 1});  // named twice
  CHECK_THROWS_WITH(store->add_run({"bbb", "main", "m", ""}, bad), Catch::Contains("given twice"));
  bad.pop_back();
  bad[1].value = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(store->add_run({"bbb", "main", "m", ""}, bad), Catch::Contains("finite"));
  CHECK(store->series("BM_sort/1024", {}).size() == 1);
}

void check_concurrent_adds(const std::string& location) {
  constexpr int runs_each = 40;
  // Neither child finds the store: they race on creating it too.
  const pid_t first = add_in_child(location, "left", runs_each);
  const pid_t second = add_in_child(location, "right", runs_each);
  for (const pid_t child : {first, second}) {
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  const auto store = analysis::open_history(location, history_open::existing);
  const auto series = store->series("concurrent", {});
  CHECK(series.size() == 2 * runs_each);
  CHECK(store->series("concurrent", {"", "left"}).size() == runs_each);
  CHECK(store->series("concurrent", {"", "right"}).size() == runs_each);
}

}  // namespace metron::test
