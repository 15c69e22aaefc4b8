// Helpers shared by the tests of the analysis parts: fixture files, scratch files, tolerances.
#pragma once

#include "support/scratch_dir.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace metron::test {

/// The path of a file in tests/fixtures.
inline std::string fixture_path(const std::string& name) {
  return std::string(METRON_TEST_FIXTURES) + "/" + name;
}

/// A fixture file parsed as JSON.
inline nlohmann::json load_fixture(const std::string& name) {
  std::ifstream in(fixture_path(name));
  if (!in) {
    throw std::runtime_error("missing fixture " + name);
  }
  return nlohmann::json::parse(in);
}

/// The whole content of a file as text.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Whether `actual` is within `relative` of `expected` (or both are NaN).
inline bool close(double actual, double expected, double relative) {
  if (std::isnan(actual) || std::isnan(expected)) {
    return std::isnan(actual) && std::isnan(expected);
  }
  return std::abs(actual - expected) <= relative * std::max(std::abs(expected), 1e-300);
}

}  // namespace metron::test
