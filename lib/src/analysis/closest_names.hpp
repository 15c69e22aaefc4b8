// Suggestions for a misspelt name: the known names nearest to it by edit distance.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis::detail {

/// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions; bytes).
/// Costs O(|a|·|b|) time and O(|b|) memory.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `limit` of `known` nearest to `wanted`, nearest first (ties in the order of `known`),
/// leaving out names more than a third of their length away unless they contain `wanted`.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view wanted,
                                                     const std::vector<std::string>& known,
                                                     std::size_t limit = 3);

/// "; did you mean 'a', 'b'?" for the closest names, or "" when none is near.
[[nodiscard]] std::string did_you_mean(std::string_view wanted,
                                       const std::vector<std::string>& known);

}  // namespace metron::analysis::detail
