// Messages about names: suggestions for a misspelt one, and one-line renderings of any text.
#include <metron/spec/detail/closest_names.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <numeric>

namespace metron::analysis::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table at a time: row[j] is the distance between the
  // prefix of `a` seen so far and the first j bytes of `b`.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_names(std::string_view wanted,
                                       const std::vector<std::string>& known, std::size_t limit) {
  struct candidate {
    std::size_t distance;
    std::size_t order;
  };
  std::vector<candidate> candidates;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const std::size_t distance = edit_distance(wanted, known[i]);
    // A name that needs more edits than a third of the longer name's length is a different
    // name, not a misspelling; a name that contains the wanted one is always worth showing.
    const std::size_t longer = std::max(wanted.size(), known[i].size());
    const bool contains = !wanted.empty() && known[i].find(wanted) != std::string::npos;
    if (contains || distance <= std::max<std::size_t>(1, longer / 3)) {
      candidates.push_back({distance, i});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const candidate& x, const candidate& y) { return x.distance < y.distance; });
  // Near a close match, names much further away are noise: keep those within two edits of the
  // nearest (and any that contain the wanted name).
  std::vector<std::string> names;
  for (std::size_t i = 0; i < candidates.size() && names.size() < limit; ++i) {
    const std::string& name = known[candidates[i].order];
    const bool contains = !wanted.empty() && name.find(wanted) != std::string::npos;
    if (contains || candidates[i].distance <= candidates.front().distance + 2) {
      names.push_back(name);
    }
  }
  return names;
}

std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& known) {
  const std::vector<std::string> names = closest_names(wanted, known);
  if (names.empty()) {
    return {};
  }
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "'" : ", '") + names[i] + "'";
  }
  return text + "?";
}

std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      line += fmt::format("\\x{:02x}", byte);
    } else {
      line += c;
    }
  }
  return line;
}

}  // namespace metron::analysis::detail
