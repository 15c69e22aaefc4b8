// The renderings of metron ab, history, record and stats --json, compare's of a metric of unknown direction, and
// the drops warning of metron info, which the end-to-end tests only glance at: exact text for
// hand-built results.
#include <metron/report/ab_output.hpp>
#include <metron/report/capture_info.hpp>
#include <metron/report/comparison.hpp>
#include <metron/report/history_output.hpp>
#include <metron/report/record_output.hpp>
#include <metron/report/stats_output.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

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

metron::analysis::history_series two_runs() {
  metron::analysis::history_series series;
  series.metric = "BM_sort/1024";
  series.unit = "ns";
  series.points = {{1, "0123456789abcdef", "main", "ci-1", "2026-11-01T10:00:00Z", 1234.5, 9},
                   {2, "fedcba", "main", "ci-1", "2026-11-02T10:00:00Z", 1300, 9}};
  return series;
}

/// A counter of unknown direction that rose by 15 %, beyond the tolerance.
metron::analysis::comparison_report changed_counter() {
  metron::analysis::comparison row;
  row.name = "BM_search:hit_rate";
  row.kind = "counter";
  row.direction = metron::analysis::better::unknown;
  row.baseline.n = 6;
  row.candidate.n = 6;
  row.baseline.median = 0.8;
  row.candidate.median = 0.92;
  row.change = 0.15;
  row.estimate = 0.15;
  row.change_interval = {0.12, 0.18, 0.95};
  row.p_value = 0.0022;
  row.p_adjusted = 0.0022;
  row.tolerance = 0.05;
  row.alpha = 0.05;
  row.detectable = 0.041;
  row.result = metron::analysis::verdict::changed;
  metron::analysis::comparison_report report;
  report.rows.push_back(row);
  report.baseline_runs = 1;
  report.candidate_runs = 1;
  return report;
}

template <typename Writer>
std::string rendered(Writer writer, const metron::analysis::comparison_report& report) {
  std::ostringstream out;
  writer(out, report, metron::report::compare_context{});
  return out.str();
}

}  // namespace

TEST_CASE("compare: a changed row of unknown direction is reported and never fails",
          "[report][compare]") {
  const metron::analysis::comparison_report report = changed_counter();
  std::ostringstream table;
  metron::report::write_table(table, report, {}, false);
  CHECK_THAT(
      table.str(),
      Catch::Contains("BM_search:hit_rate") && Catch::Contains("≥ +4.10 %  changed") &&
          Catch::EndsWith("  changed\n\n0 regressed, 0 improved, 1 changed, 0 unchanged, 0 "
                          "inconclusive of 1 compared "
                          "(tolerance 5 %, alpha 0.05; 'detects': the smallest slowdown flagged "
                          "with power 80.0 %)\n"
                          "  changed: BM_search:hit_rate moved beyond the tolerance, but which "
                          "way is better is unknown, so they do not gate; declare it under "
                          "'directions:' in a spec given with --directions to judge them\n"));

  const std::string junit = rendered(metron::report::write_junit, report);
  CHECK_THAT(junit, Catch::Contains(R"(tests="1" failures="0" skipped="0")"));
  CHECK_THAT(junit, Catch::Contains(R"(<testcase classname="counter" name="BM_search:hit_rate">)"
                                    "<system-out>changed: "));
  CHECK(junit.find("<failure") == std::string::npos);

  const auto json = nlohmann::json::parse(rendered(metron::report::write_json, report));
  CHECK(json.at("counts").at("changed") == 1);
  CHECK(json.at("metrics").at(0).at("detectable_change").get<double>() == Approx(0.041));
  CHECK(json.at("counts").at("regressed") == 0);
  CHECK(json.at("metrics").at(0).at("verdict") == "changed");
  CHECK(json.at("metrics").at(0).at("direction") == "unknown");

  CHECK_THAT(rendered(metron::report::write_markdown, report),
             Catch::StartsWith("### metron compare: ✅ 0 regressed, 0 improved, 1 changed"));
}

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

TEST_CASE("history show: the table and the JSON object", "[report][history]") {
  std::ostringstream table;
  metron::report::write_series_table(table, two_runs());
  CHECK(table.str() ==
        "BM_sort/1024 (2 runs)\n"
        "time                  commit       branch       machine               value  samples\n"
        "2026-11-01T10:00:00Z  0123456789ab main         ci-1                1.23 µs        9\n"
        "2026-11-02T10:00:00Z  fedcba       main         ci-1                1.30 µs        9\n");
  std::ostringstream json;
  metron::report::write_series_json(json, two_runs());
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  CHECK(parsed.at("unit") == "ns");
  CHECK(parsed.at("points").size() == 2);
  CHECK(parsed.at("points")[1].at("commit") == "fedcba");
  CHECK(json.str().back() == '\n');
}

TEST_CASE("history changes: the table, and null for a magnitude that is NaN", "[report][history]") {
  metron::analysis::history_changes changes;
  changes.metrics = 3;
  metron::analysis::change_point change;
  change.index = 30;
  change.commit = "c30";
  change.mean_before = 100;
  change.mean_after = 115;
  change.magnitude = 0.15;
  change.p_value = 0.001;
  changes.changes.push_back({"BM_sort/1024", "ns", "2026-11-01T10:30:00Z", change});
  change.magnitude = std::numeric_limits<double>::quiet_NaN();
  change.weak = true;
  changes.changes.push_back({"BM_zero", "", "2026-11-01T10:31:00Z", change});

  std::ostringstream table;
  metron::report::write_changes_table(table, changes);
  CHECK(table.str() ==
        "metric                           commit       time                        before"
        "        after    change        p \n"
        "BM_sort/1024                     c30          2026-11-01T10:30:00Z        100 ns"
        "       115 ns   +15.0 %  0.00100 \n"
        "BM_zero                          c30          2026-11-01T10:31:00Z           100"
        "          115         –  0.00100 weak\n"
        "2 change point(s) in 3 metric(s)\n");
  std::ostringstream json;
  metron::report::write_changes_json(json, changes);
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  CHECK(parsed.at("metrics") == 3);
  CHECK(parsed.at("changes")[0].at("magnitude") == 0.15);
  CHECK(parsed.at("changes")[1].at("magnitude").is_null());
}

TEST_CASE("record: the capture's summary and its warnings", "[report][record]") {
  metron::capture_summary summary;
  summary.records = 1000;
  summary.threads.resize(3);
  summary.dropped = 0;
  summary.duration_ns = 2'500'000;
  summary.status.file_bytes = 15'360;
  summary.status.complete = true;
  CHECK(metron::report::capture_summary_lines("run.mtr", summary) ==
        std::vector<std::string>{
            "wrote run.mtr: 1000 records, 3 threads, 0 dropped, 15 KiB (15.4 bytes/record), "
            "2.50 ms"});

  summary.dropped = 7;
  summary.status.complete = false;
  summary.status.problem = "a chunk ends at byte 900";
  const std::vector<std::string> lines = metron::report::capture_summary_lines("run.mtr", summary);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].starts_with("warning: 7 records were dropped because a ring was full"));
  CHECK(lines[2] ==
        "warning: run.mtr is truncated: a chunk ends at byte 900. The 1000 records "
        "before that point were recovered; a capture is finished only when the "
        "program exits normally");

  summary.records = 0;
  CHECK(metron::report::capture_summary_lines("run.mtr", summary)[0] ==
        "wrote run.mtr: 0 records, 3 threads, 7 dropped, 15 KiB, 2.50 ms");
}

TEST_CASE("stats JSON: written as it is produced, laid out as the same document in memory",
          "[report][stats]") {
  metron::analysis::stats_report report;
  report.inputs.push_back({"a \"quoted\" path\\x.json", metron::analysis::input_format::google_benchmark,
                           42, false, ""});
  report.inputs.push_back({"cut.mtr", metron::analysis::input_format::capture, 7, true,
                           "a chunk ends at byte 9"});
  report.metadata.host = "h\tost";
  metron::analysis::metric_stats named;
  named.name = "BM_\xff\xfeparse<\x01>";  // not UTF-8, and a control character
  named.entry = "BM_parse";
  named.quantity = "real_time";
  named.unit = "ns";
  named.sources = {"a.json", "b.json"};
  named.stats.n = 3;
  named.stats.mean = 1.0 / 3.0;
  named.stats.stddev = 1e-300;
  named.stats.cv = std::numeric_limits<double>::quiet_NaN();
  named.stats.min = -0.0;
  named.stats.max = 1e21;
  named.stats.median = 12345678.9;
  named.stats.median_ci = {0.25, 0.5, 0.95};
  named.stats.mean_ci = {std::numeric_limits<double>::infinity(), 1, 0.95};
  named.stats.modes = {1.5, 2.5};
  named.replicates = {1.0, 2.0, 0.1};
  metron::analysis::metric_stats empty;
  empty.name = "empty";
  empty.stats.median = std::numeric_limits<double>::quiet_NaN();
  report.metrics = {named, empty};

  std::ostringstream out;
  metron::report::write_stats_json(out, report);
  const std::string text = out.str();
  // nlohmann's own layout of the parsed document is the text itself, byte for byte: two-space
  // indentation, empty containers as [] and {}, its number spellings and escapes.
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
  CHECK(parsed.dump(2) + "\n" == text);
  const nlohmann::ordered_json& first = parsed["metrics"][0];
  CHECK(first["name"] == "BM_\xef\xbf\xbd\xef\xbf\xbdparse<\x01>");
  CHECK(text.find("\\u0001") != std::string::npos);
  CHECK(first["cv"].is_null());
  CHECK(first["mean_ci"].is_null());
  CHECK(first["median_ci"]["high"] == 0.5);
  CHECK(first["max"] == 1e21);
  CHECK(first["replicates"].size() == 3);
  CHECK(parsed["metrics"][1]["sources"].empty());
  CHECK(parsed["metrics"][1]["modes"].empty());
  CHECK(parsed["inputs"][0]["path"] == "a \"quoted\" path\\x.json");
  CHECK(parsed["inputs"][0]["problem"].is_null());
  CHECK(parsed["inputs"][1]["problem"] == "a chunk ends at byte 9");
  CHECK(parsed["metadata"]["host"] == "h\tost");
  CHECK(text.ends_with("}\n"));
}
