// The report's renderings of hand-built documents: states, escaping, empty and infinite samples.
#include <metron/report/report.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>

namespace {

using metron::analysis::kpi_status;
using metron::report::report_document;
using metron::report::report_row;
using metron::report::row_state;

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

const std::string markup_name = "a<b>&\"c\"'|*_`,x";

report_document awkward_document() {
  report_document document;
  document.title = "suite <i>&";
  document.spec_file = "spec.yaml";
  document.candidate_file = "run<1>.json";
  report_row empty;
  empty.name = "no_samples";
  empty.unit = "ns";
  empty.value = not_a_number;
  empty.threshold = 10.0;
  empty.kpi = kpi_status::insufficient;
  empty.note = "0 samples; the KPI needs 1";
  empty.state = metron::report::state_of(empty.kpi, std::nullopt);
  report_row infinite;
  infinite.name = markup_name;
  infinite.unit = "ns";
  infinite.value = infinity;
  infinite.threshold = 5.0;
  infinite.kpi = kpi_status::breach;
  infinite.candidate = {1.0, infinity, -infinity, 2.0};
  infinite.state = metron::report::state_of(infinite.kpi, std::nullopt);
  document.rows = {infinite, empty};
  return document;
}

template <typename Writer>
std::string rendered(Writer writer, const report_document& document) {
  std::ostringstream out;
  writer(out, document);
  return out.str();
}

TEST_CASE("report rendering: the worst of the KPI verdict and the comparison", "[report]") {
  metron::analysis::comparison change;
  change.result = metron::analysis::verdict::regressed;
  CHECK(metron::report::state_of(kpi_status::breach, change) == row_state::breach_and_regression);
  CHECK(metron::report::state_of(kpi_status::pass, change) == row_state::regression);
  change.result = metron::analysis::verdict::improved;
  CHECK(metron::report::state_of(kpi_status::pass, change) == row_state::improved);
  change.result = metron::analysis::verdict::changed;
  CHECK(metron::report::state_of(kpi_status::pass, change) == row_state::changed);
  CHECK(metron::report::state_of(std::nullopt, change) == row_state::changed);
  CHECK_FALSE(metron::report::is_failure(row_state::changed));
  CHECK(metron::report::to_string(row_state::changed) == "changed");
  CHECK(metron::report::state_of(kpi_status::insufficient, change) == row_state::insufficient);
  CHECK(metron::report::state_of(std::nullopt, std::nullopt) == row_state::reported);
  CHECK(metron::report::is_failure(row_state::breach));
  CHECK_FALSE(metron::report::is_failure(row_state::inconclusive));
}

TEST_CASE("report rendering: CSV: quoted names, R's spellings of infinities", "[report]") {
  const std::string csv = rendered(metron::report::write_csv, awkward_document());
  CHECK(csv ==
        "metric,unit,side,sample,value\n"
        "\"a<b>&\"\"c\"\"'|*_`,x\",ns,candidate,0,1\n"
        "\"a<b>&\"\"c\"\"'|*_`,x\",ns,candidate,1,Inf\n"
        "\"a<b>&\"\"c\"\"'|*_`,x\",ns,candidate,2,-Inf\n"
        "\"a<b>&\"\"c\"\"'|*_`,x\",ns,candidate,3,2\n");
}

TEST_CASE("report rendering: JSON: infinities and NaN are null, names are kept", "[report]") {
  const std::string text = rendered(metron::report::write_json, awkward_document());
  REQUIRE(nlohmann::json::accept(text));
  const nlohmann::json document = nlohmann::json::parse(text);
  CHECK(document["passed"] == false);
  CHECK(document["rows"][0]["name"] == markup_name);
  CHECK(document["rows"][0]["value"].is_null());
  CHECK(document["rows"][0]["candidate"]["n"] == 2);
  CHECK(document["rows"][0]["candidate"]["non_finite"] == 2);
  CHECK(document["rows"][1]["candidate"]["median"].is_null());
  CHECK(document["rows"][1]["state"] == "insufficient");
}

TEST_CASE("report rendering: JUnit: escaped names, a failure saying why, a skipped empty KPI",
          "[report]") {
  const std::string xml = rendered(metron::report::write_junit, awkward_document());
  CHECK(xml.find("name=\"a&lt;b&gt;&amp;&quot;c&quot;&#39;|*_`,x\"") != std::string::npos);
  CHECK(xml.find("<i>") == std::string::npos);
  CHECK(xml.find("<failure type=\"breach\" message=\"median ∞ is above the threshold ≤ 5 ns\">") !=
        std::string::npos);
  CHECK(xml.find("<skipped message=\"insufficient: 0 samples; the KPI needs 1\"/>") !=
        std::string::npos);
  CHECK(xml.find("tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
}

TEST_CASE("report rendering: Markdown: markup is inert, the verdict comes first", "[report]") {
  const std::string markdown = rendered(metron::report::write_markdown, awkward_document());
  CHECK(markdown.rfind("## ❌ suite &lt;i&gt;&amp;: FAIL\n", 0) == 0);
  CHECK(markdown.find("a&lt;b&gt;&amp;\"c\"'\\|\\*\\_\\`,x") != std::string::npos);
  CHECK(markdown.find("<b>") == std::string::npos);
  CHECK(markdown.find("| ⚠️ | no\\_samples | median – | ≤ 10 ns | 0 | insufficient |") !=
        std::string::npos);
  CHECK(markdown.find("<details>") != std::string::npos);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST_CASE("report rendering: HTML: escaped names, empty and infinite samples drawn without failing",
          "[report]") {
  const std::string html =
      rendered([](std::ostream& out,
                  const report_document& document) { metron::report::write_html(out, document); },
               awkward_document());
  CHECK(html.find(markup_name) == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("a&lt;b&gt;&amp;&quot;c&quot;&#39;|*_`,x") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("no finite samples to draw") != std::string::npos);
  CHECK(html.find("candidate (n=2)") != std::string::npos);
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("inf") == std::string::npos);
  CHECK(html.find("<title>FAIL suite &lt;i&gt;&amp;</title>") != std::string::npos);
}

TEST_CASE("report rendering: HTML: rows beyond max_detailed_rows show their distribution only",
          "[report]") {
  report_document document = awkward_document();
  document.rows.push_back(document.rows.front());
  metron::report::html_options options;
  options.max_detailed_rows = 3;
  std::ostringstream all;
  metron::report::write_html(all, document, options);
  options.max_detailed_rows = 1;
  std::ostringstream first;
  metron::report::write_html(first, document, options);
  // Each detailed row has a distribution and box plots; the others a distribution alone.
  CHECK(occurrences(all.str(), "<svg ") == 6);
  CHECK(occurrences(first.str(), "<svg ") == 4);
  CHECK(occurrences(first.str(), "<title>Box plots of") == 1);
}

TEST_CASE("report rendering: formats by name", "[report]") {
  CHECK(metron::report::parse_report_format("md") == metron::report::report_format::markdown);
  CHECK(metron::report::parse_report_format("junit") == metron::report::report_format::junit);
  CHECK_FALSE(metron::report::parse_report_format("pdf").has_value());
}

}  // namespace

TEST_CASE("report rendering: a baseline of another machine is said first, instead of a verdict",
          "[report]") {
  report_document document = awkward_document();
  document.baseline_file = "committed.json";
  document.issues.push_back(
      {"host name", "host", "ci-runner-3", "laptop", "committed.json", "run<1>.json"});
  const std::string markdown = rendered(metron::report::write_markdown, document);
  CHECK(markdown.rfind("## ⚠️ suite &lt;i&gt;&amp;: not comparable — informational\n", 0) ==
        0);
  CHECK(markdown.find("FAIL") == std::string::npos);
  CHECK(markdown.find("host name differs: committed.json has 'ci-runner-3'") != std::string::npos);
  std::ostringstream html;
  metron::report::write_html(html, document);
  CHECK(html.str().find("<title>NOT COMPARABLE suite") != std::string::npos);
  CHECK(html.str().find("<header class=\"verdict incomparable\">") != std::string::npos);
  CHECK(html.str().find("<b>Not comparable</b>: host name differs") != std::string::npos);

  // The same runs on one machine keep their verdict.
  document.issues.clear();
  CHECK(rendered(metron::report::write_markdown, document).rfind("## ❌", 0) == 0);
}

TEST_CASE("report format: the name given, else the output's extension, else HTML", "[report]") {
  using metron::report::report_format;
  using metron::report::report_format_for;
  CHECK(report_format_for("md", "out.xml") == report_format::markdown);
  CHECK(report_format_for("", "out.xml") == report_format::junit);
  CHECK(report_format_for("", "dir.d/out.csv") == report_format::csv);
  CHECK(report_format_for("", "report.json") == report_format::json);
  CHECK(report_format_for("", "-") == report_format::html);
  CHECK(report_format_for("", "report.txt") == report_format::html);
  CHECK_THROWS_WITH(report_format_for("pdf", "out.pdf"),
                    "--format 'pdf' is unknown; expected html, md, junit, csv or json");
}
