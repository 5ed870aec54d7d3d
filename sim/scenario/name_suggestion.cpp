#include "sim/scenario/name_suggestion.h"

#include <algorithm>
#include <cstddef>

namespace packsim::scenario {

namespace {

// Levenshtein distance, small strings only (names).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal{row[0]};
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above{row[j]};
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view written, const std::vector<std::string_view>& known) {
  // A typo is a few edits, fewer for short names (so "v" does not suggest "h").
  const std::size_t limit{std::max<std::size_t>(1, std::min<std::size_t>(3, written.size() / 3))};
  std::string_view best;
  std::size_t best_distance{limit + 1};
  for (const std::string_view name : known) {
    const std::size_t distance{edit_distance(written, name)};
    if (distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best.empty() ? std::string{} : "; did you mean '" + std::string{best} + "'?";
}

std::string join_names(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace packsim::scenario
