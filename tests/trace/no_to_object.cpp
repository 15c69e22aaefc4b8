// Traces a type that has no to_object: compiling this file must fail with to_object's message.
#include <metron/trace/trace.hpp>

namespace inventory {

struct crate {
  int weight = 0;
};

#if defined(METRON_TEST_GIVE_TO_OBJECT)
nlohmann::json to_object(const crate& value, metron::verbosity /*level*/) { return value.weight; }
#endif

}  // namespace inventory

int main() {
  const auto tr = metron::stdout_tracer<inventory::crate>();
  tr(inventory::crate{3});
}
