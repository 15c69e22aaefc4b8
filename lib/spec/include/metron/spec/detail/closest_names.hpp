// Messages about names: suggestions for a misspelt one, and one-line renderings of any text.
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
/// leaving out names more than a third of their length away, or more than two edits further than
/// the nearest, unless they contain `wanted`.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view wanted,
                                                     const std::vector<std::string>& known,
                                                     std::size_t limit = 3);

/// "; did you mean 'a', 'b'?" for the closest names, or "" when none is near.
[[nodiscard]] std::string did_you_mean(std::string_view wanted,
                                       const std::vector<std::string>& known);

/// `text` with each control character (newline, tab, …) written as a C escape ("\\n"), so that a
/// message quoting a user's text stays on one line.
[[nodiscard]] std::string one_line(std::string_view text);

}  // namespace metron::analysis::detail
