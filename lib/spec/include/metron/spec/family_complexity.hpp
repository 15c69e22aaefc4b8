// Complexity fits of a dataset's parameterised benchmark families ("BM_sort/1024", "BM_sort/4096"
// …).
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/statistics/complexity.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The fit of one benchmark family.
struct family_complexity {
  std::string family;        ///< e.g. "BM_sort"
  std::string quantity;      ///< the quantity fitted: "real_time" or "cpu_time"
  std::vector<double> n;     ///< the sizes, ascending
  std::vector<double> time;  ///< the mean time at each size, ns
  complexity_result result;  ///< the fits
};

/// Fits every family of `data` that has metrics of `quantity` at 2 or more distinct sizes (3 with
/// an intercept)
/// (metric::family and metric::n), each size's time being the mean of its metric's values. To
/// reproduce Google Benchmark's verdicts fit "cpu_time": it chooses the curve by CPU time.
/// Families in order of first appearance.
/// @throws input_error as fit_complexity() does.
[[nodiscard]] std::vector<family_complexity> fit_families(const dataset& data,
                                                          std::string_view quantity = "real_time",
                                                          const complexity_options& options = {});

}  // namespace metron::analysis
