// The report as JUnit XML (specs/junit.xsd): one test case per KPI or metric.
#include "box_summary.hpp"
#include "explanation.hpp"
#include "xml.hpp"

#include <metron/report/format.hpp>
#include <metron/report/report.hpp>

#include <fmt/core.h>

#include <ostream>
#include <string>
#include <string_view>

namespace metron::report {

namespace {

using detail::xml_escaped;

bool is_skipped(row_state state) {
  return state == row_state::insufficient || state == row_state::inconclusive;
}

/// What the failure's body adds to its message: the samples behind the numbers.
std::string samples_text(const report_row& row) {
  const detail::box_summary candidate = detail::box_of(row.candidate);
  std::string text =
      fmt::format("candidate: {} samples, median {}, range {} … {}", candidate.n,
                  format_amount(candidate.median, row.unit), format_amount(candidate.min, row.unit),
                  format_amount(candidate.max, row.unit));
  if (!row.baseline.empty()) {
    const detail::box_summary baseline = detail::box_of(row.baseline);
    text +=
        fmt::format("\nbaseline: {} samples, median {}, range {} … {}", baseline.n,
                    format_amount(baseline.median, row.unit), format_amount(baseline.min, row.unit),
                    format_amount(baseline.max, row.unit));
  }
  return text;
}

void write_property(std::ostream& out, std::string_view name, const std::string& value) {
  if (!value.empty()) {
    out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escaped(value));
  }
}

}  // namespace

void write_junit(std::ostream& out, const report_document& document) {
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const report_row& row : document.rows) {
    failures += is_failure(row.state) ? 1U : 0U;
    skipped += is_skipped(row.state) ? 1U : 0U;
  }
  const std::string suite = xml_escaped(document.title);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"metron report\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "skipped=\"{2}\">\n"
      "  <testsuite name=\"{3}\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"{2}\">\n",
      document.rows.size(), failures, skipped, suite);
  out << "    <properties>\n";
  const analysis::run_metadata& run = document.candidate_metadata;
  write_property(out, "candidate", document.candidate_file);
  write_property(out, "baseline", document.baseline_file);
  write_property(out, "spec", document.spec_file);
  write_property(out, "commit", run.commit);
  write_property(out, "host", run.host);
  write_property(out, "cpu", run.cpu);
  write_property(out, "build", run.build_type);
  write_property(out, "date", run.date);
  out << "    </properties>\n";
  for (const report_row& row : document.rows) {
    out << fmt::format(R"(    <testcase classname="{}" name="{}">)", suite, xml_escaped(row.name));
    const std::string message = xml_escaped(detail::explanation(row));
    if (is_failure(row.state)) {
      out << fmt::format("\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    ",
                         to_string(row.state), message, xml_escaped(samples_text(row)));
    } else if (is_skipped(row.state)) {
      out << fmt::format("\n      <skipped message=\"{}: {}\"/>\n    ", to_string(row.state),
                         message);
    } else {
      out << fmt::format("\n      <system-out>{}: {}</system-out>\n    ", to_string(row.state),
                         message);
    }
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace metron::report
