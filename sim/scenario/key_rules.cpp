#include "sim/scenario/key_rules.h"

#include <algorithm>

#include "common/input_error.h"
#include "sim/scenario/name_suggestion.h"

namespace packsim::scenario {

std::string one_of(const YamlObject& object, const std::vector<std::string_view>& options, std::string_view what) {
  std::string found;
  for (const std::string& key : object.keys()) {
    if (std::find(options.begin(), options.end(), key) == options.end()) continue;
    if (!found.empty()) {
      throw InputError(object.key_location(key),
                       "'" + found + "' and '" + key + "' exclude each other; give one " + std::string{what});
    }
    found = key;
  }
  if (found.empty()) {
    object.fail("expected " + std::string{what} + ": " + join_names(options));
  }
  return found;
}

void refuse_unknown_keys(const YamlObject& object, const std::vector<std::string_view>& allowed,
                         std::string_view where) {
  for (const std::string& key : object.keys()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw InputError(object.key_location(key), "unknown key '" + key + "' in " + std::string{where} + "; expected " +
                                                     join_names(allowed) + did_you_mean(key, allowed));
    }
  }
}

}  // namespace packsim::scenario
