// The post-processor's data model: lookups and merging of datasets.
#include <metron/error.hpp>
#include <metron/readers/dataset.hpp>

#include <fmt/format.h>

#include <unordered_map>
#include <utility>

namespace metron::analysis {

namespace {

std::string describe(const metric& sample) {
  if (sample.origins.empty()) {
    return "(unknown origin)";
  }
  const origin& first = sample.origins.front();
  return first.place.empty() ? first.file : fmt::format("{}: {}", first.file, first.place);
}

}  // namespace

std::string_view to_string(better direction) noexcept {
  switch (direction) {
    case better::lower: return "lower";
    case better::higher: return "higher";
    case better::unknown: break;
  }
  return "unknown";
}

std::optional<better> parse_better(std::string_view name) noexcept {
  for (const better direction : {better::lower, better::higher, better::unknown}) {
    if (to_string(direction) == name) {
      return direction;
    }
  }
  return std::nullopt;
}

const metric* dataset::find_metric(std::string_view name) const noexcept {
  for (const metric& sample : metrics) {
    if (sample.name == name) {
      return &sample;
    }
  }
  return nullptr;
}

void merge(dataset& target, dataset&& source, duplicate_policy policy) {
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(target.metrics.size());
  for (std::size_t i = 0; i < target.metrics.size(); ++i) {
    index.emplace(target.metrics[i].name, i);
  }
  // Check everything before changing anything, so that a failed merge leaves target as it was.
  for (const metric& incoming : source.metrics) {
    const auto found = index.find(incoming.name);
    if (found == index.end()) {
      continue;
    }
    const metric& present = target.metrics[found->second];
    if (policy == duplicate_policy::reject) {
      throw input_error(fmt::format("{}: metric '{}' is already present from {}",
                                    describe(incoming), incoming.name, describe(present)));
    }
    if (present.unit != incoming.unit || present.direction != incoming.direction) {
      throw input_error(fmt::format(
          "{}: metric '{}' in unit '{}' ({} is better) cannot be pooled with the one from {} in "
          "unit '{}' ({} is better)",
          describe(incoming), incoming.name, incoming.unit, to_string(incoming.direction),
          describe(present), present.unit, to_string(present.direction)));
    }
  }
  for (metric& incoming : source.metrics) {
    const auto found = index.find(incoming.name);
    if (found == index.end()) {
      target.metrics.push_back(std::move(incoming));
      continue;
    }
    metric& present = target.metrics[found->second];
    present.values.insert(present.values.end(), incoming.values.begin(), incoming.values.end());
    present.origins.insert(present.origins.end(), incoming.origins.begin(), incoming.origins.end());
  }
  for (event& happening : source.events) {
    target.events.push_back(std::move(happening));
  }
  for (reported_aggregate& aggregate : source.aggregates) {
    target.aggregates.push_back(std::move(aggregate));
  }
  for (reported_complexity& verdict : source.complexities) {
    target.complexities.push_back(std::move(verdict));
  }
  for (failed_run& failure : source.failures) {
    target.failures.push_back(std::move(failure));
  }
  run_metadata& into = target.metadata;
  run_metadata& from = source.metadata;
  for (auto [mine, theirs] :
       {std::pair{&into.host, &from.host}, std::pair{&into.cpu, &from.cpu},
        std::pair{&into.commit, &from.commit}, std::pair{&into.build_type, &from.build_type},
        std::pair{&into.date, &from.date}}) {
    if (mine->empty()) {
      *mine = std::move(*theirs);
    }
  }
  for (std::string& file : from.sources) {
    into.sources.push_back(std::move(file));
  }
  into.extra.merge(from.extra);
}

}  // namespace metron::analysis
