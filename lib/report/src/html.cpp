// The report as one self-contained XHTML page: verdict banner, KPI table, charts in inline SVG.
#include "charts.hpp"
#include "explanation.hpp"
#include "xml.hpp"

#include <metron/report/comparison.hpp>
#include <metron/report/format.hpp>
#include <metron/report/report.hpp>

#include <fmt/core.h>

#include <cmath>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace metron::report {

namespace {

using detail::xml_escaped;

// No external reference of any kind (fonts, images, scripts): the page opens offline.
constexpr std::string_view style_sheet = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2937;margin:0;background:#f8fafc}
main{max-width:1180px;margin:0 auto;padding:0 24px 24px}
header.verdict{display:flex;align-items:center;gap:24px;padding:20px 32px;color:#fff}
header.fail{background:#b91c1c}header.pass{background:#15803d}header.incomparable{background:#6b7280}
.big{font-size:44px;font-weight:800;letter-spacing:2px}
header h1{margin:0;font-size:24px}header p{margin:4px 0 0;font-size:16px}
h2{margin:28px 0 10px;font-size:20px;border-bottom:2px solid #e5e7eb;padding-bottom:4px}
h3{margin:0 0 6px;font-size:17px}
.lead{font-size:16px;background:#fff;border-left:6px solid #b91c1c;padding:10px 14px;margin:18px 0 0}
.lead.ok{border-color:#15803d}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid #e5e7eb;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.why{color:#4b5563;font-size:13px}
.badge{display:inline-block;border-radius:4px;padding:1px 8px;font-size:13px;font-weight:700;color:#fff;white-space:nowrap}
.s-breach-and-regression,.s-breach,.s-regression{background:#dc2626}
.s-insufficient,.s-inconclusive{background:#d97706}
.s-pass{background:#16a34a}.s-improved{background:#0d9488}.s-reported{background:#6b7280}
.s-changed{background:#2563eb}
section.row{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:12px 0}
section.row.failed{border-left:6px solid #dc2626}
.charts{display:flex;flex-wrap:wrap;gap:10px;margin-top:8px}
.why-text{margin:2px 0 4px;color:#374151}
dl.run{display:grid;grid-template-columns:max-content 1fr 1fr;gap:2px 16px;background:#fff;padding:10px 14px;margin:0}
dl.run dt{font-weight:600}dl.run dd{margin:0;word-break:break-all}
footer{max-width:1180px;margin:24px auto 0;padding:14px 24px;background:#334155;color:#e2e8f0;font-size:13px}
svg{background:#fff;border:1px solid #eef2f7}
svg text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:#374151}
svg text.m{text-anchor:middle}svg text.e{text-anchor:end}
svg text.ti{font-size:12px;fill:#111827}svg text.lg{font-size:11.5px}
svg text.n{font-size:13px;fill:#6b7280}svg text.cl{font-size:11px;fill:#7c2d12}
.axis{stroke:#6b7280;stroke-width:1;fill:none}.grid{stroke:#e5e7eb;stroke-width:1;fill:none}
.cand-fill{fill:#2563eb;fill-opacity:.45;stroke:#1d4ed8;stroke-width:1.2}
.base-fill{fill:#9ca3af;fill-opacity:.55;stroke:#6b7280;stroke-width:1}
.whisker{stroke:#374151;stroke-width:1.2}.median,.median-swatch{stroke:#111827;stroke-width:2.5;fill:#111827}
.outlier{fill:none;stroke:#374151}
.threshold{stroke:#dc2626;stroke-width:1.6;stroke-dasharray:6 4}.threshold-swatch{fill:#dc2626}
.tolerance{fill:#dcfce7;stroke:none}.zero{stroke:#9ca3af;stroke-dasharray:3 3}
.interval{stroke-width:3}.point{stroke:#fff;stroke-width:1.5}
.worse{stroke:#dc2626;fill:#dc2626}.better{stroke:#0d9488;fill:#0d9488}
.neutral{stroke:#374151;fill:#374151}.neutral-swatch{fill:#374151}
.trend{fill:none;stroke:#2563eb;stroke-width:1.6}.trend-point{fill:#2563eb}.trend-swatch{fill:#2563eb}
.segment{stroke:#ea580c;stroke-width:2.2}.segment-swatch{fill:#ea580c}
.change{stroke:#7c2d12;stroke-width:1.5;stroke-dasharray:5 3}.change.weak{stroke-opacity:.45}
.change-swatch{fill:#7c2d12}
.cpu{fill:none;stroke:#7c3aed;stroke-width:1.6}.cpu-swatch{fill:#7c3aed}
.rss{fill:none;stroke:#0891b2;stroke-width:1.6}.rss-swatch{fill:#0891b2}
.fit{fill:none;stroke:#ea580c;stroke-width:2}.fit-swatch{fill:#ea580c}.measured{fill:#2563eb}
.empty{fill:#f9fafb;stroke:#e5e7eb}
)";

std::string_view state_class(row_state state) {
  switch (state) {
    case row_state::breach_and_regression: return "s-breach-and-regression";
    case row_state::breach: return "s-breach";
    case row_state::regression: return "s-regression";
    case row_state::insufficient: return "s-insufficient";
    case row_state::inconclusive: return "s-inconclusive";
    case row_state::changed: return "s-changed";
    case row_state::pass: return "s-pass";
    case row_state::improved: return "s-improved";
    case row_state::reported: break;
  }
  return "s-reported";
}

std::string badge(row_state state) {
  return fmt::format("<span class=\"badge {}\">{}</span>", state_class(state),
                     xml_escaped(to_string(state)));
}

void write_run_table(std::ostream& out, const report_document& document) {
  const analysis::run_metadata& candidate = document.candidate_metadata;
  const analysis::run_metadata& baseline = document.baseline_metadata;
  const bool with_baseline = !document.baseline_file.empty();
  out << "<h2>Runs</h2>\n<dl class=\"run\"><dt></dt><dd><b>candidate</b></dd><dd>"
      << (with_baseline ? "<b>baseline</b>" : "") << "</dd>\n";
  const auto fact = [&](std::string_view what, const std::string& a, const std::string& b) {
    out << fmt::format("<dt>{}</dt><dd>{}</dd><dd>{}</dd>\n", what,
                       xml_escaped(a.empty() ? "–" : a),
                       with_baseline ? xml_escaped(b.empty() ? "–" : b) : "");
  };
  fact("file", document.candidate_file, document.baseline_file);
  fact("host", candidate.host, baseline.host);
  fact("CPU", candidate.cpu, baseline.cpu);
  fact("commit", candidate.commit, baseline.commit);
  fact("build", candidate.build_type, baseline.build_type);
  fact("date", candidate.date, baseline.date);
  if (!document.spec_file.empty()) {
    fact("spec", document.spec_file, "");
  }
  if (!document.history_store.empty()) {
    fact("history", document.history_store, "");
  }
  out << "</dl>\n";
  for (const analysis::comparability_issue& issue : document.issues) {
    out << fmt::format(
        "<p class=\"lead\">Warning: {}. The change may reflect the machines, not the code.</p>\n",
        xml_escaped(comparability_text(issue)));
  }
}

void write_kpi_table(std::ostream& out, const report_document& document) {
  const bool with_baseline = !document.baseline_file.empty();
  out << fmt::format(
      "<h2>{}</h2>\n<table class=\"kpis\"><thead><tr><th>state</th><th>name</th>"
      "<th>value</th><th>threshold</th>{}<th>why</th></tr></thead><tbody>\n",
      document.spec_file.empty() ? "Metrics" : "KPIs",
      with_baseline ? "<th>baseline</th><th>change</th><th>interval</th>" : "");
  std::size_t index = 0;
  for (const report_row& row : document.rows) {
    out << fmt::format(
        "<tr><td>{}</td><td><a href=\"#row-{}\">{}</a></td>"
        "<td class=\"num\">{} {}</td><td class=\"num\">{}</td>",
        badge(row.state), index++, xml_escaped(row.name), xml_escaped(row.statistic),
        xml_escaped(format_amount(row.value, row.unit)), xml_escaped(detail::threshold_text(row)));
    if (with_baseline) {
      if (row.change) {
        out << fmt::format(
            R"(<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>)",
            xml_escaped(format_amount(row.change->baseline.median, row.unit)),
            format_percent(row.change->change), format_interval(row.change->change_interval));
      } else {
        out << "<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>";
      }
    }
    out << fmt::format("<td class=\"why\">{}</td></tr>\n", xml_escaped(detail::explanation(row)));
  }
  out << "</tbody></table>\n";
}

void write_row_sections(std::ostream& out, const report_document& document,
                        const html_options& options) {
  std::map<std::string, const history_trend*, std::less<>> trends;
  for (const history_trend& trend : document.history) {
    trends.emplace(trend.metric, &trend);
  }
  out << "<h2>Details, worst first</h2>\n";
  if (document.rows.size() > options.max_detailed_rows) {
    out << fmt::format(
        "<p>The {} worst rows show their distribution, box plots, change and "
        "history; the {} after them their distribution only.</p>\n",
        options.max_detailed_rows, document.rows.size() - options.max_detailed_rows);
  }
  std::size_t index = 0;
  for (const report_row& row : document.rows) {
    out << fmt::format(
        "<section class=\"row{}\" id=\"row-{}\"><h3>{} {}</h3>"
        "<p class=\"why-text\">{}</p><div class=\"charts\">",
        is_failure(row.state) ? " failed" : "", index++, badge(row.state), xml_escaped(row.name),
        xml_escaped(detail::explanation(row)));
    out << detail::histogram_chart(row, options.histogram_bins);
    if (index > options.max_detailed_rows) {
      out << "</div></section>\n";
      continue;
    }
    out << detail::box_chart(row);
    if (row.change) {
      out << detail::change_chart(*row.change);
    }
    const history_trend* trend = nullptr;
    if (const auto found = trends.find(row.name); found != trends.end()) {
      trend = found->second;
    } else if (const auto by_source = trends.find(row.source); by_source != trends.end()) {
      trend = by_source->second;
    }
    if (trend != nullptr) {
      out << detail::trend_chart(*trend, options.max_trend_points);
    }
    out << "</div></section>\n";
  }
}

}  // namespace

void write_html(std::ostream& out, const report_document& document, const html_options& options) {
  const bool passed = document.passed();
  // Against a baseline of another machine or build the changes say nothing of the code: the
  // page opens with that, not with a verdict.
  const bool informational = document.not_comparable();
  const std::string_view verdict = informational ? "NOT COMPARABLE" : passed ? "PASS" : "FAIL";
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
      << fmt::format("<title>{} {}</title><style>{}</style></head>\n<body>\n", verdict,
                     xml_escaped(document.title), style_sheet);
  out << fmt::format(
      "<header class=\"verdict {}\"><div class=\"big\">{}</div><div><h1>{}</h1>"
      "<p>{} of {} {}{}</p></div></header>\n<main>\n",
      informational ? "incomparable"
      : passed      ? "pass"
                    : "fail",
      verdict, xml_escaped(document.title), xml_escaped(detail::counts_text(document, " · ")),
      document.rows.size(), document.spec_file.empty() ? "metrics" : "KPIs",
      informational ? " — informational: the sides ran on different machines or builds" : "");
  if (informational) {
    out << fmt::format(
        "<p class=\"lead\"><b>Not comparable</b>: {}. The changes below may reflect the machines, "
        "not the code; compare against a baseline measured on the candidate's machine.</p>\n",
        xml_escaped(comparability_text(document.issues.front())));
  }
  // The first rows are the worst: the reason for the verdict, in a sentence each.
  std::size_t reasons = 0;
  for (const report_row& row : document.rows) {
    if (!is_failure(row.state) || reasons == 3) {
      break;
    }
    out << fmt::format("<p class=\"lead\"><b>{}</b> — {}: {}</p>\n", xml_escaped(row.name),
                       xml_escaped(to_string(row.state)), xml_escaped(detail::explanation(row)));
    ++reasons;
  }
  if (passed) {
    out << "<p class=\"lead ok\">No KPI breaches its threshold and nothing regressed.</p>\n";
  }
  write_kpi_table(out, document);
  write_run_table(out, document);
  write_row_sections(out, document, options);
  if (!document.resources.empty()) {
    out << "<h2>Resources of the candidate run</h2>\n<div class=\"charts\">"
        << detail::resource_chart(document.resources, options.max_resource_points) << "</div>\n";
  }
  if (!document.complexity.empty()) {
    out << "<h2>Complexity</h2>\n<div class=\"charts\">";
    for (const analysis::family_complexity& family : document.complexity) {
      out << detail::complexity_chart(family);
    }
    out << "</div>\n";
  }
  out << fmt::format(
      "</main>\n<footer>metron report of {}{} — {} rows; every number is computed "
      "from all samples, the charts draw at most {} bins and {} points per series."
      "</footer>\n</body></html>\n",
      xml_escaped(document.candidate_file),
      document.baseline_file.empty() ? std::string()
                                     : " against " + xml_escaped(document.baseline_file),
      document.rows.size(), options.histogram_bins, options.max_trend_points);
}

}  // namespace metron::report
