// Grouping a dataset's metrics into benchmark families and fitting each family's growth curve.
#include <metron/spec/family_complexity.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <numeric>
#include <utility>

namespace metron::analysis {

std::vector<family_complexity> fit_families(const dataset& data, std::string_view quantity,
                                            const complexity_options& options) {
  std::vector<family_complexity> families;
  std::map<std::string, std::size_t, std::less<>> index;
  // Per family: size -> (sum of per-metric means, number of metrics at that size).
  std::vector<std::map<double, std::pair<double, std::size_t>>> points;
  for (const metric& sample : data.metrics) {
    if (sample.family.empty() || !sample.n || sample.quantity != quantity ||
        sample.values.empty()) {
      continue;
    }
    auto [where, added] = index.emplace(sample.family, families.size());
    if (added) {
      families.push_back({sample.family, std::string(quantity), {}, {}, {}});
      points.emplace_back();
    }
    const double mean = std::accumulate(sample.values.begin(), sample.values.end(), 0.0) /
                        static_cast<double>(sample.values.size());
    auto& [sum, count] = points[where->second][*sample.n];
    sum += mean;
    ++count;
  }
  std::vector<family_complexity> fitted;
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (points[i].size() < 2 || (options.intercept && points[i].size() < 3)) {
      continue;
    }
    family_complexity& family = families[i];
    for (const auto& [size, accumulated] : points[i]) {
      family.n.push_back(size);
      family.time.push_back(accumulated.first / static_cast<double>(accumulated.second));
    }
    family.result = fit_complexity(family.n, family.time, options);
    fitted.push_back(std::move(family));
  }
  return fitted;
}

}  // namespace metron::analysis
