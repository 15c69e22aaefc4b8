// The report's formats by name, and rendering in any of them.
#include <metron/error.hpp>
#include <metron/report/report.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace metron::report {

std::optional<report_format> parse_report_format(std::string_view name) noexcept {
  if (name == "html") {
    return report_format::html;
  }
  if (name == "md" || name == "markdown") {
    return report_format::markdown;
  }
  if (name == "junit") {
    return report_format::junit;
  }
  if (name == "csv") {
    return report_format::csv;
  }
  if (name == "json") {
    return report_format::json;
  }
  return std::nullopt;
}

report_format report_format_for(std::string_view name, const std::string& output) {
  if (!name.empty()) {
    if (const auto format = parse_report_format(name)) {
      return *format;
    }
    throw input_error(
        fmt::format("--format '{}' is unknown; expected html, md, junit, csv or json", name));
  }
  const std::string extension = std::filesystem::path(output).extension().string();
  if (extension == ".xml") {
    return report_format::junit;
  }
  if (extension.size() > 1) {
    if (const auto format = parse_report_format(std::string_view(extension).substr(1))) {
      return *format;
    }
  }
  return report_format::html;
}

void write_report(std::ostream& out, const report_document& document, report_format format) {
  switch (format) {
    case report_format::html: write_html(out, document); return;
    case report_format::markdown: write_markdown(out, document); return;
    case report_format::junit: write_junit(out, document); return;
    case report_format::csv: write_csv(out, document); return;
    case report_format::json: write_json(out, document); return;
  }
}

}  // namespace metron::report
