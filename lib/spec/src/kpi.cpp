// KPI evaluation: each KPI's sample taken from metrics or events, its statistic, pass or breach.
#include <metron/spec/detail/closest_names.hpp>

#include <metron/error.hpp>
#include <metron/spec/kpi.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <utility>

namespace metron::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double ns_per_second = 1e9;
// The longest name a regex is matched against (see resolve()).
constexpr std::size_t max_regex_subject = 1024;

// A KPI's sample before its statistic: values in the KPI's unit, and what to tell about them.
struct kpi_sample {
  std::vector<double> values;
  std::string unit;
  std::string source;
  std::string note;
  better direction = better::lower;  ///< intervals and spans are durations
};

[[noreturn]] void fail(const spec_location& where, const std::string& key,
                       const std::string& message) {
  // Names from the spec and the inputs are quoted as written, and may hold line breaks.
  throw input_error(fmt::format("{}:{}: {}: {}", where.file, where.line, detail::one_line(key),
                                detail::one_line(message)));
}

std::string kpi_key(const kpi_spec& kpi, std::string_view field) {
  return fmt::format("kpis.{}.{}", kpi.name, field);
}

// "a, b, c" of at most `limit` names, with how many were left out.
std::string list_names(const std::vector<std::string>& names, std::size_t limit = 8) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > limit) {
    text += fmt::format(", … ({} in all)", names.size());
  }
  return text;
}

// What the inputs hold instead of a missing name: the nearest names, else a few of them all.
std::string instead(std::string_view wanted, const std::vector<std::string>& known,
                    std::string_view what) {
  if (known.empty()) {
    return fmt::format("; the inputs hold no {}", what);
  }
  std::string hint = detail::did_you_mean(wanted, known);
  if (!hint.empty()) {
    return hint;
  }
  return fmt::format("; the inputs hold {}", list_names(known));
}

// The unit a dataset writes on a metric, as a spec unit.
unit_spec dataset_unit(const std::string& name) {
  if (name == "1/s") {
    return parse_unit("/s");
  }
  return parse_unit(name);
}

// Converts `values` from the unit `from_name` (as the dataset writes it) into the KPI's unit, or
// refuses when they do not convert.
void convert(std::vector<double>& values, const std::string& from_name, const kpi_spec& kpi,
             std::string_view what) {
  if (!kpi.value_unit) {
    return;
  }
  const unit_spec from = dataset_unit(from_name);
  const unit_spec& to = *kpi.value_unit;
  const bool convertible = from.dimension == to.dimension &&
                           (from.dimension != unit_dimension::other || from.name == to.name);
  if (!convertible) {
    fail(kpi.where, kpi_key(kpi, "unit"),
         fmt::format("'{}' does not apply to {}, measured in {}", to.name, what,
                     from_name.empty() ? "plain numbers" : "'" + from_name + "'"));
  }
  const double factor = from.to_base / to.to_base;
  for (double& value : values) {
    value *= factor;
  }
}

// The unit a result states: the KPI's, else the source's; statistics without a unit have none.
std::string result_unit(const kpi_spec& kpi, const std::string& source_unit) {
  if (kpi.stat == statistic::count || kpi.stat == statistic::cv) {
    return {};
  }
  return kpi.value_unit ? kpi.value_unit->name : source_unit;
}

// The dataset metric name a selector asks for, given the probe site or benchmark run.
std::string metric_name(const metric_selector& selector, const std::string& entry) {
  if (selector.field.empty() ||
      (selector.source == metric_source::benchmark && selector.field == "real_time")) {
    return entry;
  }
  return entry + ":" + selector.field;
}

std::vector<std::string> metric_names(const dataset& data) {
  std::vector<std::string> names;
  names.reserve(data.metrics.size());
  for (const metric& m : data.metrics) {
    names.push_back(m.name);
  }
  return names;
}

// The metrics a spec metric chooses, in name order; refuses a choice that finds nothing.
std::vector<const metric*> resolve(const metric_selector& selector, const dataset& data) {
  const std::string key =
      fmt::format("metrics.{}.{}{}", selector.name,
                  selector.source == metric_source::probe ? "probe" : "benchmark",
                  selector.regex ? "_regex" : "");
  if (!selector.regex) {
    const std::string name = metric_name(selector, selector.pattern);
    if (const metric* found = data.find_metric(name); found != nullptr) {
      return {found};
    }
    fail(selector.where, key,
         fmt::format("no metric '{}' in the inputs{}", name,
                     instead(name, metric_names(data), "metrics")));
  }
  const std::regex pattern(selector.pattern, std::regex::ECMAScript);
  std::vector<const metric*> matches;
  for (const metric& m : data.metrics) {
    const std::string& entry = m.entry.empty() ? m.name : m.entry;
    // The standard library matches by recursion, one level per character: a name this long
    // could exhaust the stack, so it must be chosen by its exact name.
    if (entry.size() > max_regex_subject) {
      fail(selector.where, key,
           fmt::format("a name of {} bytes in {} is too long to match against a regular "
                       "expression (at most {}); choose it with its exact name",
                       entry.size(), m.origins.empty() ? "the inputs" : m.origins.front().file,
                       max_regex_subject));
    }
    if (std::regex_match(entry, pattern) && m.name == metric_name(selector, entry)) {
      matches.push_back(&m);
    }
  }
  if (matches.empty()) {
    const std::vector<std::string> names = metric_names(data);
    fail(selector.where, key,
         fmt::format("'{}' matches no metric in the inputs{}", selector.pattern,
                     names.empty() ? std::string("; the inputs hold no metrics")
                                   : "; the inputs hold " + list_names(names)));
  }
  std::sort(matches.begin(), matches.end(),
            [](const metric* a, const metric* b) { return a->name < b->name; });
  return matches;
}

// The unit of a metric's values: the inputs', else the one the spec's metric entry declares.
// A declared unit that contradicts the inputs' is refused.
std::string unit_of(const metric& m, const metric_selector& selector) {
  if (selector.unit.empty()) {
    return m.unit;
  }
  if (m.unit.empty()) {
    return selector.unit;
  }
  const unit_spec known = dataset_unit(m.unit);
  const unit_spec declared = parse_unit(selector.unit);
  if (known.dimension != declared.dimension || known.to_base != declared.to_base ||
      (known.dimension == unit_dimension::other && known.name != declared.name)) {
    fail(selector.where, fmt::format("metrics.{}.unit", selector.name),
         fmt::format("the inputs measure '{}' in '{}', not '{}'; leave out 'unit'", m.name, m.unit,
                     selector.unit));
  }
  return m.unit;
}

// Which way a metric improves as the spec sees it: as declared under `directions:`, else the
// inputs' own, else what its unit (`unit_of()`, which the spec may have given it) says: a
// duration is better lower and a rate higher; any other plain number is of unknown direction.
better direction_of(const metric& m, const std::string& unit, const benchmark_spec& spec) {
  if (const std::optional<better> declared = declared_direction(spec.directions, m.name)) {
    return *declared;
  }
  if (m.direction != better::unknown) {
    return m.direction;
  }
  switch (dataset_unit(unit).dimension) {
    case unit_dimension::time: return better::lower;
    case unit_dimension::rate: return better::higher;
    case unit_dimension::other: break;
  }
  return better::unknown;
}

// A metric's values in the KPI's unit.
kpi_sample metric_sample(const kpi_spec& kpi, const metric& m, const metric_selector& selector,
                         const benchmark_spec& spec) {
  kpi_sample sample;
  sample.values = m.values;
  const std::string unit = unit_of(m, selector);
  convert(sample.values, unit, kpi, fmt::format("metric '{}'", m.name));
  sample.unit = result_unit(kpi, unit);
  sample.source = m.name;
  sample.direction = direction_of(m, unit, spec);
  return sample;
}

// The events named `name`, sorted by time; refuses a name the dataset lacks, or events on
// different clocks.
std::vector<const event*> events_named(const dataset& data, const std::string& name,
                                       const kpi_spec& kpi, std::string_view field) {
  std::vector<const event*> found;
  for (const event& e : data.events) {
    if (e.name == name) {
      found.push_back(&e);
    }
  }
  if (found.empty()) {
    std::set<std::string> distinct;
    for (const event& e : data.events) {
      distinct.insert(e.name);
    }
    const std::vector<std::string> known(distinct.begin(), distinct.end());
    fail(kpi.where, kpi_key(kpi, field),
         fmt::format("no event '{}' in the inputs{}", name, instead(name, known, "events")));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const event* a, const event* b) { return a->time_ns < b->time_ns; });
  return found;
}

void require_one_clock(const std::vector<const event*>& events, const kpi_spec& kpi,
                       std::string_view field) {
  for (const event* e : events) {
    if (e->base != events.front()->base) {
      fail(kpi.where, kpi_key(kpi, field),
           fmt::format("events '{}' ({}) and '{}' ({}) count time from different clocks: one "
                       "from the Unix epoch, one from a capture's start; record the capture with "
                       "a start time",
                       events.front()->name, events.front()->where.file, e->name, e->where.file));
    }
  }
}

kpi_sample interval_sample(const kpi_spec& kpi, const dataset& data) {
  const std::vector<const event*> events = events_named(data, kpi.event, kpi, "interval");
  require_one_clock(events, kpi, "interval");
  kpi_sample sample;
  for (std::size_t i = 1; i < events.size(); ++i) {
    sample.values.push_back(static_cast<double>(events[i]->time_ns - events[i - 1]->time_ns));
  }
  convert(sample.values, "ns", kpi, "intervals");
  sample.unit = result_unit(kpi, "ns");
  sample.source = fmt::format("intervals of {}", kpi.event);
  return sample;
}

// The value of the span's key field in an event, or nothing.
std::optional<std::string> key_of(const event& e, const std::string& key) {
  if (const auto found = e.fields.find(key); found != e.fields.end()) {
    return found->second;
  }
  if (key == "value" && e.value) {
    return fmt::format("{}", *e.value);
  }
  return std::nullopt;
}

kpi_sample span_sample(const kpi_spec& kpi, const dataset& data) {
  const std::vector<const event*> starts = events_named(data, kpi.from_event, kpi, "span.from");
  const std::vector<const event*> ends = events_named(data, kpi.to_event, kpi, "span.to");
  std::vector<const event*> both = starts;
  both.insert(both.end(), ends.begin(), ends.end());
  require_one_clock(both, kpi, "span");

  // The first start of each key: a block forged twice is timed from its first appearance.
  std::map<std::string, std::int64_t, std::less<>> started;
  std::size_t starts_without_key = 0;
  for (const event* e : starts) {
    if (const std::optional<std::string> key = key_of(*e, kpi.key)) {
      started.try_emplace(*key, e->time_ns);
    } else {
      ++starts_without_key;
    }
  }
  kpi_sample sample;
  std::set<std::string, std::less<>> ended;
  std::size_t ends_without_start = 0;
  std::size_t ends_without_key = 0;
  std::size_t negative = 0;
  for (const event* e : ends) {
    const std::optional<std::string> key = key_of(*e, kpi.key);
    if (!key) {
      ++ends_without_key;
      continue;
    }
    const auto start = started.find(*key);
    if (start == started.end()) {
      ++ends_without_start;
      continue;
    }
    const std::int64_t span = e->time_ns - start->second;
    negative += span < 0 ? 1 : 0;
    sample.values.push_back(static_cast<double>(span));
    ended.insert(*key);
  }
  if (starts_without_key + ends_without_key == starts.size() + ends.size()) {
    fail(kpi.where, kpi_key(kpi, "span.key"),
         fmt::format("no '{}' or '{}' event carries the field '{}'", kpi.from_event, kpi.to_event,
                     kpi.key));
  }
  std::vector<std::string> notes;
  if (const std::size_t unended = started.size() - ended.size(); unended > 0) {
    notes.push_back(
        fmt::format("{} of {} keys never reached '{}'", unended, started.size(), kpi.to_event));
  }
  if (ends_without_start > 0) {
    notes.push_back(fmt::format("{} '{}' events without a '{}' left out", ends_without_start,
                                kpi.to_event, kpi.from_event));
  }
  if (starts_without_key + ends_without_key > 0) {
    notes.push_back(fmt::format("{} events without the field '{}' left out",
                                starts_without_key + ends_without_key, kpi.key));
  }
  if (negative > 0) {
    notes.push_back(fmt::format("{} spans are negative: are the nodes' clocks in step?", negative));
  }
  for (const std::string& note : notes) {
    sample.note += (sample.note.empty() ? "" : "; ") + note;
  }
  convert(sample.values, "ns", kpi, "spans");
  sample.unit = result_unit(kpi, "ns");
  sample.source = fmt::format("{} → {} by {}", kpi.from_event, kpi.to_event, kpi.key);
  return sample;
}

// Converts a per-second rate into the KPI's unit ("/ms" is a thousand per second).
double rate_in_unit(double per_second, const kpi_spec& kpi) {
  return kpi.value_unit ? per_second / kpi.value_unit->to_base : per_second;
}

std::string rate_unit(const kpi_spec& kpi) {
  return kpi.value_unit ? kpi.value_unit->name : std::string("/s");
}

// The result of a statistic: its value, or NaN with why when the sample is too small for it.
struct statistic_value {
  double value = nan;
  std::string shortfall;
};

statistic_value compute(statistic stat, const std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n == 0) {
    return {nan, "no values"};
  }
  const bool needs_two = stat == statistic::stddev || stat == statistic::cv;
  if (needs_two && n < 2) {
    return {nan, fmt::format("'{}' needs at least 2 values, found 1", to_string(stat))};
  }
  switch (stat) {
    case statistic::count: return {static_cast<double>(n), {}};
    case statistic::sum: return {std::accumulate(values.begin(), values.end(), 0.0), {}};
    case statistic::last: return {values.back(), {}};
    case statistic::p75:
    case statistic::p95:
    case statistic::p96: {
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      const double level = stat == statistic::p75 ? 0.75 : stat == statistic::p95 ? 0.95 : 0.96;
      return {quantile_sorted(sorted, level), {}};
    }
    default: break;
  }
  summary_options options;
  options.bootstrap_resamples = 0;  // only the point statistics are wanted
  const summary s = summarize(values, options);
  switch (stat) {
    case statistic::mean: return {s.mean, {}};
    case statistic::median:
    case statistic::p50: return {s.median, {}};
    case statistic::p90: return {s.p90, {}};
    case statistic::p99: return {s.p99, {}};
    case statistic::p99_9: return {s.p999, {}};
    case statistic::min: return {s.min, {}};
    case statistic::max: return {s.max, {}};
    case statistic::stddev: return {s.stddev, {}};
    case statistic::mad: return {s.mad, {}};
    case statistic::cv:
      if (std::isnan(s.cv)) {
        return {nan, "'cv' is undefined for a mean of 0"};
      }
      return {s.cv, {}};
    default: break;
  }
  return {nan, fmt::format("'{}' is not a statistic of a sample", to_string(stat))};
}

// Judges a value against the KPI's threshold and sample-size floor. A threshold needs to know
// which side of it is better: a guess would make the gate's verdict a guess.
void judge(kpi_result& result, const std::string& shortfall) {
  if (result.threshold && result.direction == better::unknown) {
    fail(result.where, fmt::format("kpis.{}", result.name),
         fmt::format("which way '{}' improves is unknown, so its threshold cannot be judged; say "
                     "'better: lower' or 'better: higher', or declare it under 'directions:'",
                     result.source));
  }
  if (result.samples < result.min_samples) {
    result.status = kpi_status::insufficient;
    const std::string why = fmt::format("{} samples, fewer than the {} min_samples asks",
                                        result.samples, result.min_samples);
    result.note = result.note.empty() ? why : why + "; " + result.note;
    return;
  }
  if (!shortfall.empty() || std::isnan(result.value)) {
    result.status = kpi_status::insufficient;
    result.note = result.note.empty() ? shortfall : shortfall + "; " + result.note;
    return;
  }
  if (!result.threshold) {
    result.status = kpi_status::unchecked;
    return;
  }
  const bool within = result.direction == better::lower ? result.value <= *result.threshold
                                                        : result.value >= *result.threshold;
  result.status = within ? kpi_status::pass : kpi_status::breach;
}

kpi_result result_of(const kpi_spec& kpi) {
  kpi_result result;
  result.name = kpi.name;
  result.kind = kpi.kind;
  result.stat = kpi.stat;
  result.threshold = kpi.threshold;
  result.min_samples = kpi.min_samples;
  result.where = kpi.where;
  return result;
}

// A result from a sample of values, with the KPI's statistic.
kpi_result from_sample(const kpi_spec& kpi, kpi_sample&& sample) {
  kpi_result result = result_of(kpi);
  result.source = std::move(sample.source);
  result.unit = std::move(sample.unit);
  result.direction = kpi.direction.value_or(sample.direction);
  result.note = std::move(sample.note);
  result.samples = sample.values.size();
  const statistic_value computed = compute(kpi.stat, sample.values);
  result.value = computed.value;
  result.values = std::move(sample.values);
  judge(result, computed.shortfall);
  return result;
}

// The run's duration from the metadata, for a metric's rate.
double duration_seconds(const dataset& data, const kpi_spec& kpi) {
  const auto found = data.metadata.extra.find("duration_ns");
  double duration_ns = 0.0;
  if (found != data.metadata.extra.end()) {
    const std::string& text = found->second;
    const auto [end, problem] =
        std::from_chars(text.data(), text.data() + text.size(), duration_ns);
    if (problem != std::errc{} || end != text.data() + text.size()) {
      duration_ns = 0.0;
    }
  }
  if (!(duration_ns > 0.0)) {
    fail(kpi.where, kpi_key(kpi, "statistic"),
         "'rate' of a metric needs the run's duration, which only a capture gives; for events "
         "use 'rate: <event>'");
  }
  return duration_ns / ns_per_second;
}

void evaluate_metric(const kpi_spec& kpi, const benchmark_spec& spec, const dataset& data,
                     std::vector<kpi_result>& results) {
  const metric_selector& selector = *spec.find_metric(kpi.metric);
  const std::vector<const metric*> metrics = resolve(selector, data);
  for (const metric* m : metrics) {
    kpi_result result;
    if (kpi.stat == statistic::rate) {
      const double seconds = duration_seconds(data, kpi);
      result = result_of(kpi);
      result.source = m->name;
      result.unit = rate_unit(kpi);
      result.direction = kpi.direction.value_or(better::higher);
      result.samples = m->values.size();
      result.value = rate_in_unit(static_cast<double>(m->values.size()) / seconds, kpi);
      result.values = {result.value};
      judge(result, {});
    } else {
      result = from_sample(kpi, metric_sample(kpi, *m, selector, spec));
    }
    if (selector.regex) {
      result.name = fmt::format("{}[{}]", kpi.name, m->name);
    }
    results.push_back(std::move(result));
  }
}

kpi_result evaluate_rate(const kpi_spec& kpi, const dataset& data) {
  const std::vector<const event*> events = events_named(data, kpi.event, kpi, "rate");
  require_one_clock(events, kpi, "rate");
  kpi_result result = result_of(kpi);
  result.source = kpi.event;
  result.unit = rate_unit(kpi);
  result.direction = kpi.direction.value_or(better::higher);
  result.samples = events.size();
  std::string shortfall;
  const std::int64_t elapsed = events.back()->time_ns - events.front()->time_ns;
  if (events.size() < 2) {
    shortfall = "a rate needs at least 2 events, found 1";
  } else if (elapsed <= 0) {
    shortfall = fmt::format("all {} events happened at the same instant", events.size());
  } else {
    const double per_second =
        static_cast<double>(events.size() - 1) / (static_cast<double>(elapsed) / ns_per_second);
    result.value = rate_in_unit(per_second, kpi);
    result.values = {result.value};
  }
  if (!shortfall.empty()) {
    result.value = nan;
  }
  judge(result, shortfall);
  return result;
}

kpi_result evaluate_ratio(const kpi_spec& kpi, const benchmark_spec& spec, const dataset& data) {
  struct side {
    const metric* chosen;
    std::string unit;
  };
  const auto one_metric = [&](const std::string& name, std::string_view field) -> side {
    const metric_selector& selector = *spec.find_metric(name);
    const std::vector<const metric*> found = resolve(selector, data);
    if (found.size() != 1) {
      std::vector<std::string> names;
      names.reserve(found.size());
      for (const metric* m : found) {
        names.push_back(m->name);
      }
      fail(kpi.where, kpi_key(kpi, field),
           fmt::format("a ratio divides one metric by one other, but '{}' matches {}: {}", name,
                       found.size(), list_names(names)));
    }
    return {found.front(), unit_of(*found.front(), selector)};
  };
  const side top_side = one_metric(kpi.numerator, "ratio.numerator");
  const side bottom_side = one_metric(kpi.denominator, "ratio.denominator");
  const metric& numerator = *top_side.chosen;
  const metric& denominator = *bottom_side.chosen;
  const unit_spec top_unit = dataset_unit(top_side.unit);
  const unit_spec bottom_unit = dataset_unit(bottom_side.unit);
  if (top_unit.dimension != bottom_unit.dimension ||
      (top_unit.dimension == unit_dimension::other && top_unit.name != bottom_unit.name)) {
    fail(kpi.where, kpi_key(kpi, "ratio"),
         fmt::format("'{}' is in '{}' and '{}' in '{}': a ratio needs one unit", numerator.name,
                     top_side.unit, denominator.name, bottom_side.unit));
  }
  // Both sides in the base unit of their dimension, so that µs over ns divides like for like.
  const auto in_base = [](const metric& m, const unit_spec& u) {
    std::vector<double> values = m.values;
    const double factor = u.to_base;
    for (double& value : values) {
      value *= factor;
    }
    return values;
  };
  const statistic_value top = compute(kpi.stat, in_base(numerator, top_unit));
  const statistic_value bottom = compute(kpi.stat, in_base(denominator, bottom_unit));
  kpi_result result = result_of(kpi);
  result.source = fmt::format("{} / {}", numerator.name, denominator.name);
  // A ratio improves as its numerator does.
  result.direction = kpi.direction.value_or(direction_of(numerator, top_side.unit, spec));
  result.samples = std::min(numerator.values.size(), denominator.values.size());
  std::string shortfall = !top.shortfall.empty() ? top.shortfall : bottom.shortfall;
  if (shortfall.empty() && bottom.value == 0.0) {
    shortfall = fmt::format("the {} of '{}' is 0", to_string(kpi.stat), denominator.name);
  }
  result.value = shortfall.empty() ? top.value / bottom.value : nan;
  if (shortfall.empty()) {
    result.values = {result.value};
  }
  judge(result, shortfall);
  return result;
}

}  // namespace

std::string_view to_string(kpi_status status) noexcept {
  switch (status) {
    case kpi_status::pass: return "pass";
    case kpi_status::breach: return "breach";
    case kpi_status::unchecked: return "unchecked";
    case kpi_status::insufficient: return "insufficient";
  }
  return "unknown";
}

bool kpi_report::passed() const noexcept { return count(kpi_status::breach) == 0; }

std::size_t kpi_report::count(kpi_status status) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(),
                    [status](const kpi_result& r) { return r.status == status; }));
}

int gate_exit_status(const kpi_report& report, bool fail_on_insufficient) noexcept {
  constexpr int pass = 0;
  constexpr int breach = 1;
  constexpr int insufficient = 3;
  if (!report.passed()) {
    return breach;
  }
  return fail_on_insufficient && report.count(kpi_status::insufficient) > 0 ? insufficient : pass;
}

kpi_report evaluate_kpis(const benchmark_spec& spec, const dataset& data) {
  if (spec.kpis.empty()) {
    throw input_error(fmt::format(
        "{}: the spec states no KPIs, only directions; add KPIs under 'kpis:', or give it to "
        "'metron compare --directions' to compare metrics",
        spec.file));
  }
  kpi_report report;
  report.suite = spec.suite;
  report.spec_file = spec.file;
  for (const kpi_spec& kpi : spec.kpis) {
    switch (kpi.kind) {
      case kpi_kind::metric: evaluate_metric(kpi, spec, data, report.results); break;
      case kpi_kind::rate: report.results.push_back(evaluate_rate(kpi, data)); break;
      case kpi_kind::interval:
        report.results.push_back(from_sample(kpi, interval_sample(kpi, data)));
        break;
      case kpi_kind::span:
        report.results.push_back(from_sample(kpi, span_sample(kpi, data)));
        break;
      case kpi_kind::ratio: report.results.push_back(evaluate_ratio(kpi, spec, data)); break;
    }
  }
  return report;
}

}  // namespace metron::analysis
