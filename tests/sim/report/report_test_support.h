#pragma once

// Helpers shared by the report tests.

#include <cctype>
#include <string>

namespace packsim::report::testing {

inline std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n{0};
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A non-finite number printed into markup ("nan", "-inf"), case-insensitive,
// as a word of its own: the coordinates of a plot that divided by zero.
inline bool has_non_finite_number(const std::string& text) {
  std::string lower(text.size(), ' ');
  for (std::size_t i = 0; i < text.size(); ++i) lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  for (const std::string word : {"nan", "inf"}) {
    for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
      const bool starts_word{at == 0 || !std::isalpha(static_cast<unsigned char>(lower[at - 1]))};
      const std::size_t end{at + word.size()};
      const bool ends_word{end == lower.size() || !std::isalpha(static_cast<unsigned char>(lower[end]))};
      if (starts_word && ends_word) return true;
    }
  }
  return false;
}

// The d attributes of every <path>, joined by '|': the drawn geometry alone.
inline std::string path_data(const std::string& svg) {
  std::string data;
  for (std::size_t at = svg.find("<path d=\""); at != std::string::npos; at = svg.find("<path d=\"", at + 1)) {
    const std::size_t begin{at + 9};
    data += svg.substr(begin, svg.find('"', begin) - begin) + "|";
  }
  return data;
}

}  // namespace packsim::report::testing
