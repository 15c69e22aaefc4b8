// Loops over arrays of doubles written so that the compiler vectorises them at -O2.
#pragma once

#include <cstddef>

namespace metron::analysis::detail {

/// Adds `factor` times `source[0 … length)` to `target[0 … length)`. In blocks of four, which the
/// compiler turns into vector instructions at -O2 as it does not a plain loop (it cannot rule out
/// that the two arrays overlap).
inline void add_scaled(double* target, const double* source, std::size_t length, double factor) {
  std::size_t j = 0;
  for (; j + 4 <= length; j += 4) {
    const double first = target[j] + factor * source[j];
    const double second = target[j + 1] + factor * source[j + 1];
    const double third = target[j + 2] + factor * source[j + 2];
    const double fourth = target[j + 3] + factor * source[j + 3];
    target[j] = first;
    target[j + 1] = second;
    target[j + 2] = third;
    target[j + 3] = fourth;
  }
  for (; j < length; ++j) {
    target[j] += factor * source[j];
  }
}

/// The eight sums Σ_i values[i] · weights[8 i + k], k = 0 … 7, each added in order of i, into
/// `sums[0 … 8)`. Eight running sums stay in registers while the weights stream past, where one
/// sum at a time would load and store each as often as there are values.
inline void eight_weighted_sums(const double* values, std::size_t count, const double* weights,
                                double* sums) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (std::size_t i = 0; i < count; ++i, weights += 8) {
    const double value = values[i];
    s0 += value * weights[0];
    s1 += value * weights[1];
    s2 += value * weights[2];
    s3 += value * weights[3];
    s4 += value * weights[4];
    s5 += value * weights[5];
    s6 += value * weights[6];
    s7 += value * weights[7];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
  sums[4] = s4;
  sums[5] = s5;
  sums[6] = s6;
  sums[7] = s7;
}

}  // namespace metron::analysis::detail
