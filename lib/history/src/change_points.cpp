// E-divisive means over sliding windows, pruning of weak candidates, seeded permutation tests.
#include <metron/error.hpp>
#include <metron/history/change_points.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

/// One value of a segment with what the scan needs of it, so that a permutation moves it whole.
struct ranked_value {
  double value = 0;
  std::size_t rank = 0;        ///< index of the first equal value in the sorted segment
  double distance_to_all = 0;  ///< Σ |value − y| over the segment
};

/// Counts and sums of the values inserted so far, by rank (a Fenwick tree).
class rank_tree {
 public:
  void reset(std::size_t size) {
    nodes_.assign(size + 1, node{});
    inserted_ = 0;
    inserted_sum_ = 0;
  }
  void insert(std::size_t rank, double value) {
    for (std::size_t i = rank + 1; i < nodes_.size(); i += i & (~i + 1)) {
      nodes_[i].count += 1.0;
      nodes_[i].sum += value;
    }
    inserted_ += 1.0;
    inserted_sum_ += value;
  }
  /// Σ |value − y| over the values inserted so far.
  [[nodiscard]] double distance_to_inserted(std::size_t rank, double value) const {
    double below = 0;
    double below_sum = 0;
    // Values of equal rank are equal to `value` and add nothing on either side.
    for (std::size_t i = rank + 1; i > 0; i -= i & (~i + 1)) {
      below += nodes_[i].count;
      below_sum += nodes_[i].sum;
    }
    return (below * value - below_sum) +
           ((inserted_sum_ - below_sum) - (inserted_ - below) * value);
  }

 private:
  // Count and sum side by side: each step of a walk touches one cache line, not two.
  struct node {
    double count = 0;
    double sum = 0;
  };
  std::vector<node> nodes_;
  double inserted_ = 0;
  double inserted_sum_ = 0;
};

/// Σ_{i<k} |s_i − s_k| of an ascending sequence.
double pair_distance_sorted(const std::vector<double>& sorted) {
  double total = 0;
  const auto n = static_cast<double>(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    total += (2.0 * static_cast<double>(i) - n + 1.0) * sorted[i];
  }
  return total;
}

/// Q̂ from the within-left, within-right and between sums of distances.
double energy_from_sums(double left_size, double right_size, double within_left,
                        double within_right, double between) {
  const double n = left_size + right_size;
  const double divergence = 2.0 * between / (left_size * right_size) -
                            2.0 * within_left / (left_size * (left_size - 1.0)) -
                            2.0 * within_right / (right_size * (right_size - 1.0));
  return left_size * right_size / n * divergence;
}

struct best_split {
  std::size_t split = 0;  ///< size of the left side
  double statistic = -std::numeric_limits<double>::infinity();
};

/// Scans every split of one segment for the largest Q̂ in O(n log n); reuses its buffers.
class segment_scanner {
 public:
  /// Prepares the values of a segment; they can then be scanned in any order.
  void prepare(std::span<const double> values) {
    sorted_.assign(values.begin(), values.end());
    std::sort(sorted_.begin(), sorted_.end());
    prefix_.assign(sorted_.size() + 1, 0.0);
    std::partial_sum(sorted_.begin(), sorted_.end(), prefix_.begin() + 1);
    total_ = pair_distance_sorted(sorted_);
    const auto n = static_cast<double>(sorted_.size());
    values_.clear();
    for (const double value : values) {
      const auto rank = static_cast<std::size_t>(
          std::lower_bound(sorted_.begin(), sorted_.end(), value) - sorted_.begin());
      const auto below = static_cast<double>(rank);
      const double distance = (below * value - prefix_[rank]) +
                              ((prefix_.back() - prefix_[rank]) - (n - below) * value);
      values_.push_back({value, rank, distance});
    }
  }

  [[nodiscard]] std::vector<ranked_value>& values() noexcept { return values_; }

  /// The best split of the prepared values in their current order.
  best_split scan(std::size_t min_segment) {
    const std::size_t n = values_.size();
    tree_.reset(n);
    double within_left = 0;
    double left_to_all = 0;
    best_split best;
    for (std::size_t left = 1; left + min_segment <= n; ++left) {
      const ranked_value& entering = values_[left - 1];
      within_left += tree_.distance_to_inserted(entering.rank, entering.value);
      left_to_all += entering.distance_to_all;
      tree_.insert(entering.rank, entering.value);
      if (left < min_segment) {
        continue;
      }
      const double between = left_to_all - 2.0 * within_left;
      const double within_right = total_ - within_left - between;
      const double statistic =
          energy_from_sums(static_cast<double>(left), static_cast<double>(n - left), within_left,
                           within_right, between);
      if (statistic > best.statistic) {
        best = {left, statistic};
      }
    }
    return best;
  }

 private:
  std::vector<double> sorted_;
  std::vector<double> prefix_;
  std::vector<ranked_value> values_;
  rank_tree tree_;
  double total_ = 0;
};

/// splitmix64: small, fast and well mixed, which is all a permutation test asks of its generator.
class permutation_generator {
 public:
  explicit permutation_generator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t operator()() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
  }

 private:
  std::uint64_t state_;
};

/// A seed for one test, from the caller's seed and where the test looks, so that results do not
/// depend on the order tests run in.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t first, std::uint64_t second) {
  permutation_generator mixer(seed ^ (first * 0x9e3779b97f4a7c15ULL) ^
                              (second + 0x632be59bd9b4e5f5ULL));
  return mixer();
}

template <typename T>
void shuffle(std::vector<T>& items, permutation_generator& generator) {
  for (std::size_t i = items.size(); i > 1; --i) {
    // Lemire's multiply-shift on 32 random bits: an index below i without a division (segments
    // are far shorter than 2³² values).
    const std::uint64_t scaled = (generator() >> 32U) * static_cast<std::uint64_t>(i);
    std::swap(items[i - 1], items[static_cast<std::size_t>(scaled >> 32U)]);
  }
}

/// Counts permutations reaching the observed statistic, stopping once the p-value can no longer
/// reach `level`: a point that is plainly not significant costs a few permutations, not all.
class permutation_count {
 public:
  permutation_count(std::size_t permutations, double level)
      : permutations_(permutations),
        allowed_(level * static_cast<double>(permutations + 1) - 1.0) {}

  /// Records one permutation; returns whether more are needed.
  bool record(bool reached) {
    ++done_;
    if (reached) {
      ++reached_;
    }
    return static_cast<double>(reached_) <= allowed_ && done_ < permutations_;
  }
  /// (1 + reached) / (1 + done): exact when every permutation ran, an estimate otherwise.
  [[nodiscard]] double p_value() const {
    return (1.0 + static_cast<double>(reached_)) / (1.0 + static_cast<double>(done_));
  }

 private:
  std::size_t permutations_;
  double allowed_;
  std::size_t done_ = 0;
  std::size_t reached_ = 0;
};

void check_options(const change_point_options& options) {
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw input_error(fmt::format("change points: alpha {} is outside (0, 1)", options.alpha));
  }
  if (!(options.weak_alpha >= options.alpha && options.weak_alpha < 1)) {
    throw input_error(
        fmt::format("change points: weak_alpha {} must lie in [alpha, 1), alpha is {}",
                    options.weak_alpha, options.alpha));
  }
  if (options.min_segment < 2) {
    throw input_error("change points: min_segment must be at least 2");
  }
  if (options.permutations == 0 || options.search_permutations == 0) {
    throw input_error("change points: at least one permutation is needed");
  }
  if (options.window != 0 && options.window < 2 * options.min_segment) {
    throw input_error(fmt::format("change points: a window of {} cannot hold two segments of {}",
                                  options.window, options.min_segment));
  }
  if (!(options.min_magnitude >= 0)) {
    throw input_error("change points: min_magnitude must be at least 0");
  }
}

/// The search of the windows (E-divisive with recursion into both sides of a point found).
class candidate_search {
 public:
  candidate_search(std::span<const double> values, const change_point_options& options)
      : values_(values), options_(options) {}

  void search(std::size_t begin, std::size_t end) {
    if (end - begin < 2 * options_.min_segment) {
      return;
    }
    const auto segment = values_.subspan(begin, end - begin);
    scanner_.prepare(segment);
    const best_split observed = scanner_.scan(options_.min_segment);
    permutation_generator generator(mix_seed(options_.seed, begin, end));
    permutation_count count(options_.search_permutations, options_.weak_alpha);
    bool more = true;
    while (more) {
      shuffle(scanner_.values(), generator);
      more = count.record(scanner_.scan(options_.min_segment).statistic >= observed.statistic);
    }
    if (count.p_value() > options_.weak_alpha) {
      return;
    }
    const std::size_t point = begin + observed.split;
    add(point);
    search(begin, point);
    search(point, end);
  }

  [[nodiscard]] const std::set<std::size_t>& found() const noexcept { return found_; }

 private:
  /// Overlapping windows find the same change again, sometimes a step away: the first kept wins.
  void add(std::size_t point) {
    const auto next = found_.lower_bound(point);
    if (next != found_.end() && *next - point < options_.min_segment) {
      return;
    }
    if (next != found_.begin() && point - *std::prev(next) < options_.min_segment) {
      return;
    }
    found_.insert(point);
  }

  std::span<const double> values_;
  const change_point_options& options_;
  segment_scanner scanner_;
  std::set<std::size_t> found_;
};

struct tested_point {
  std::size_t index = 0;
  double p_value = 1;
  double statistic = 0;
  bool fresh = false;
};

/// The test of a point against its neighbouring segments. The point was chosen because its split
/// scored highest, so a permutation test of that one split would be biased towards significance;
/// each permutation therefore takes the best split too, as the search did.
class neighbour_test {
 public:
  neighbour_test(std::span<const double> values, const change_point_options& options)
      : values_(values), options_(options) {}

  /// Tests the point at `index` against the segments [begin, index) and [index, end), each
  /// limited to the `window` values nearest the point, with up to `permutations` permutations
  /// (fewer once the p-value is known to exceed `level`).
  void run(tested_point& point, std::size_t begin, std::size_t end, std::size_t permutations,
           double level) {
    if (options_.window != 0) {
      begin = std::max(begin, point.index - std::min(point.index, options_.window));
      end = std::min(end, point.index + options_.window);
    }
    const auto segment = values_.subspan(begin, end - begin);
    point.statistic = energy_statistic(segment, point.index - begin);
    scanner_.prepare(segment);
    permutation_generator generator(mix_seed(options_.seed, point.index, end - begin));
    permutation_count count(permutations, level);
    bool more = true;
    while (more) {
      shuffle(scanner_.values(), generator);
      more = count.record(scanner_.scan(options_.min_segment).statistic >= point.statistic);
    }
    point.p_value = count.p_value();
    point.fresh = true;
  }

 private:
  std::span<const double> values_;
  const change_point_options& options_;
  segment_scanner scanner_;
};

}  // namespace

double energy_statistic(std::span<const double> values, std::size_t split) {
  if (split < 2 || values.size() < split + 2) {
    throw input_error(
        fmt::format("energy statistic: a split at {} of {} values leaves a side with fewer than 2",
                    split, values.size()));
  }
  segment_scanner scanner;
  scanner.prepare(values);
  // The scan with both sides at least `split` long from the left stops at exactly `split`.
  rank_tree tree;
  tree.reset(values.size());
  double within_left = 0;
  double left_to_all = 0;
  for (std::size_t i = 0; i < split; ++i) {
    const ranked_value& entering = scanner.values()[i];
    within_left += tree.distance_to_inserted(entering.rank, entering.value);
    left_to_all += entering.distance_to_all;
    tree.insert(entering.rank, entering.value);
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double between = left_to_all - 2.0 * within_left;
  const double within_right = pair_distance_sorted(sorted) - within_left - between;
  return energy_from_sums(static_cast<double>(split), static_cast<double>(values.size() - split),
                          within_left, within_right, between);
}

std::vector<change_point> detect_change_points(std::span<const double> values,
                                               std::span<const std::string> commits,
                                               const change_point_options& options) {
  check_options(options);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw input_error(fmt::format("change points: value {} of the series is {}", i, values[i]));
    }
  }
  if (!commits.empty() && commits.size() != values.size()) {
    throw input_error(
        fmt::format("change points: {} commits for {} values", commits.size(), values.size()));
  }
  const std::size_t n = values.size();
  const std::size_t window = options.window == 0 ? n : options.window;

  candidate_search search(values, options);
  std::size_t start = 0;
  while (start < n) {
    const std::size_t end = std::min(start + window, n);
    const std::size_t known = search.found().size();
    search.search(start, end);
    if (end == n) {
      break;
    }
    std::size_t last_new = 0;
    if (search.found().size() > known) {
      const auto in_window = search.found().lower_bound(end);
      last_new = in_window == search.found().begin() ? 0 : *std::prev(in_window);
    }
    start = std::max(last_new, start + std::max<std::size_t>(window / 2, 1));
  }

  std::vector<tested_point> points;
  for (const std::size_t index : search.found()) {
    points.push_back({index, 1.0, 0.0, false});
  }
  neighbour_test test(values, options);
  const auto bounds = [&](std::size_t i) {
    return std::pair{i == 0 ? std::size_t{0} : points[i - 1].index,
                     i + 1 == points.size() ? n : points[i + 1].index};
  };
  // Prune: drop the least significant point, retest its neighbours, until all pass.
  while (!points.empty()) {
    std::size_t weakest = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!points[i].fresh) {
        const auto [begin, end] = bounds(i);
        test.run(points[i], begin, end, options.search_permutations, options.weak_alpha);
      }
      if (points[i].p_value > points[weakest].p_value ||
          (points[i].p_value == points[weakest].p_value &&
           points[i].statistic < points[weakest].statistic)) {
        weakest = i;
      }
    }
    if (points[weakest].p_value <= options.weak_alpha) {
      break;
    }
    if (weakest > 0) {
      points[weakest - 1].fresh = false;
    }
    if (weakest + 1 < points.size()) {
      points[weakest + 1].fresh = false;
    }
    points.erase(points.begin() + static_cast<std::ptrdiff_t>(weakest));
  }

  std::vector<double> prefix(n + 1, 0.0);
  std::partial_sum(values.begin(), values.end(), prefix.begin() + 1);
  const auto mean = [&](std::size_t begin, std::size_t end) {
    return (prefix[end] - prefix[begin]) / static_cast<double>(end - begin);
  };
  std::vector<change_point> result;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [begin, end] = bounds(i);
    // Only a point that may be strong needs the finer test; the others keep the p-value of the
    // pruning, from search_permutations permutations that all ran.
    tested_point finer = points[i];
    test.run(finer, begin, end, options.permutations, options.alpha);
    if (finer.p_value <= options.alpha) {
      points[i] = finer;
    }
    change_point point;
    point.index = points[i].index;
    if (!commits.empty()) {
      point.commit = commits[point.index];
    }
    point.mean_before = mean(begin, point.index);
    point.mean_after = mean(point.index, end);
    point.magnitude = point.mean_before == 0
                          ? std::numeric_limits<double>::quiet_NaN()
                          : (point.mean_after - point.mean_before) / std::abs(point.mean_before);
    point.p_value = points[i].p_value;
    point.statistic = points[i].statistic;
    point.weak =
        point.p_value > options.alpha ||
        (options.min_magnitude > 0 && !(std::abs(point.magnitude) >= options.min_magnitude));
    result.push_back(std::move(point));
  }
  return result;
}

}  // namespace metron::analysis
