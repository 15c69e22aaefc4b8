// A tracer for the tests that keeps what it was given, safely from any thread.
#pragma once

#include <metron/trace/trace.hpp>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace metron::test {

/// The values traced into `tracer()`, in the order they arrived.
template <class T>
class recorder {
 public:
  recorder() : state_(std::make_shared<state>()) {}

  /// A tracer appending to this recorder; copies of it and of the recorder share the values.
  [[nodiscard]] metron::tracer<T> tracer() const {
    return metron::make_tracer<T>([shared = state_](const T& value) {
      const std::lock_guard<std::mutex> lock(shared->mutex);
      shared->values.push_back(value);
    });
  }

  /// A copy of the values traced so far.
  [[nodiscard]] std::vector<T> values() const {
    const std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->values;
  }

 private:
  struct state {
    std::mutex mutex;
    std::vector<T> values;
  };
  std::shared_ptr<state> state_;
};

}  // namespace metron::test
