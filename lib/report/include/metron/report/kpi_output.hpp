// Renderings of a specification's KPIs over inputs (`metron kpi`): a terminal table and JSON.
#pragma once

#include <metron/spec/kpi.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace metron::report {

/// Writes the suite and its spec file, an aligned table with one row per KPI (source, statistic,
/// value and threshold in the KPI's unit, samples, status with BREACH in capitals), the KPIs'
/// notes, and a line counting pass, breach, insufficient and unchecked. Any thread; linear in
/// the KPIs.
void write_kpi_text(std::ostream& out, const analysis::kpi_report& report);

/// Writes one JSON object (two-space indentation, then '\n'): suite, spec, the `inputs` as given,
/// whether every KPI passed, the counts per status and one object per KPI; values that are not
/// finite are null. Any thread.
void write_kpi_json(std::ostream& out, const analysis::kpi_report& report,
                    const std::vector<std::string>& inputs);

}  // namespace metron::report
