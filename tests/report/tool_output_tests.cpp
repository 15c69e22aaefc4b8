// The renderings of `metron ab` and the drops warning of `metron info`, which the end-to-end tests
// only glance at: exact text for hand-built results.
#include <metron/report/ab_output.hpp>
#include <metron/report/capture_info.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

namespace {

metron::analysis::ab_result slower_candidate() {
  metron::analysis::ab_result result;
  result.metric = "wall_time";
  result.unit = "ns";
  result.baseline = {100.0, 100.0, 100.0};
  result.candidate = {110.0, 110.0, 110.0};
  result.comparison.log_ratios = {0.0953, 0.0953, 0.0953};
  result.comparison.test.statistic = 0;
  result.comparison.test.p_value = 0.0123;
  result.comparison.test.exact = true;
  result.comparison.ratio = {.estimate = 1.1, .low = 1.05, .high = 1.15, .level = 0.95};
  result.comparison.verdict = metron::analysis::paired_verdict::regressed;
  return result;
}

}  // namespace

TEST_CASE("ab text: one labelled line per figure, numbers through format.hpp", "[report][ab]") {
  std::ostringstream out;
  metron::report::write_ab_text(out, slower_candidate());
  CHECK(out.str() ==
        "metric      wall_time (3 pairs)\n"
        "baseline    100 ns (median of pairs)\n"
        "candidate   110 ns (median of pairs)\n"
        "change      +10.0 %  [+5.00, +15.0] % at 95.0 % confidence\n"
        "p-value     0.0123 (Wilcoxon signed-rank, exact)\n"
        "verdict     regressed\n");
}

TEST_CASE("ab JSON: the full values, the judge's settings and the verdict", "[report][ab]") {
  std::ostringstream out;
  metron::report::write_ab_json(out, slower_candidate(), {.tolerance = 0.05, .alpha = 0.01});
  REQUIRE(out.str().ends_with("}\n"));
  const auto object = nlohmann::json::parse(out.str());
  CHECK(object.at("rounds") == 3);
  CHECK(object.at("ratio") == 1.1);
  CHECK(object.at("interval") == nlohmann::json::array({1.05, 1.15}));
  CHECK(object.at("alpha") == 0.01);
  CHECK(object.at("verdict") == "regressed");
}

TEST_CASE("ab progress: redrawn in place, a newline after the last run", "[report][ab]") {
  CHECK(metron::report::ab_progress_text(3, 10) == "\rmetron ab: run 3/10");
  CHECK(metron::report::ab_progress_text(10, 10) == "\rmetron ab: run 10/10\n");
}

TEST_CASE("info: the drops warning says how to avoid them", "[report][info]") {
  CHECK(metron::report::capture_drops_warning(12) ==
        "12 records were lost to full rings, so the totals undercount; record with --policy "
        "block or a larger --ring-bytes");
}
