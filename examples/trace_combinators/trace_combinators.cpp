// The trace point combinators at work in a toy payment processor, traced to standard output.
//
// Each section builds a tracer from the combinators of <metron/trace/trace.hpp> and feeds it the same
// payments, so that the output shows what each combinator passes on. ctest compares the output
// with trace_combinators.expected.
#include <metron/trace/trace.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace payments {

struct payment {
  std::string account;
  std::int64_t cents = 0;
};

/// At minimal verbosity only the account; otherwise the amount too.
nlohmann::json to_object(const payment& value, metron::verbosity level) {
  if (level == metron::verbosity::minimal) return {{"account", value.account}};
  return {{"account", value.account}, {"cents", value.cents}};
}

const std::vector<payment> today = {
    {"alice", 1200}, {"bob", 50}, {"alice", 99'000}, {"carol", 700}, {"bob", 25'000}};

void trace_all(const metron::tracer<payment>& tr) {
  for (const payment& value : today) tr(value);
}

void section(const char* title) { std::printf("-- %s\n", title); }

}  // namespace payments

int main() {
  using payments::payment;

  payments::section("every payment, at normal and at minimal verbosity");
  payments::trace_all(metron::stdout_tracer<payment>());
  payments::trace_all(metron::stdout_tracer<payment>(metron::verbosity::minimal));

  payments::section("contramap: only the account names");
  const metron::tracer<std::string> names = metron::stdout_tracer<std::string>();
  payments::trace_all(metron::contramap([](const payment& p) { return p.account; }, names));

  payments::section("filter: payments of 100.00 or more");
  const auto large = metron::filter([](const payment& p) { return p.cents >= 10'000; },
                                    metron::stdout_tracer<payment>());
  payments::trace_all(large);

  payments::section("fanout: the account names, then the large payments");
  payments::trace_all(metron::fanout(
      metron::contramap([](const payment& p) { return p.account; }, names), large));

  payments::section("counting and folding: how many, and the running total");
  payments::trace_all(metron::fanout(
      metron::counting<payment>(metron::stdout_tracer<std::uint64_t>()),
      metron::folding([](std::int64_t total, const payment& p) { return total + p.cents; },
                      std::int64_t{0}, metron::stdout_tracer<std::int64_t>())));

  payments::section("eliding: a health check that repeats itself");
  {
    const auto health =
        metron::eliding([](const std::string& a, const std::string& b) { return a == b; },
                        metron::stdout_tracer<metron::elided<std::string>>());
    for (const char* status : {"ok", "ok", "ok", "ok", "ok", "degraded", "degraded", "ok"}) {
      health(status);
    }
  }  // the run of "ok" still open ends when the last copy of the tracer goes

  payments::section("trace_with: a lazy report runs only when someone listens");
  int reports = 0;
  const auto report = [&reports] {
    ++reports;
    return std::string("report #") + std::to_string(reports);
  };
  metron::trace_with(metron::null_tracer<std::string>(), report);
  metron::trace_with(names, report);
  std::printf("reports computed: %d\n", reports);

  payments::section("text that is not UTF-8 is printed with replacement characters");
  names("caf\xe9");
  return 0;
}
