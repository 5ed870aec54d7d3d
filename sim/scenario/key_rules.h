#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/yaml_reader.h"

namespace packsim::scenario {

// The one key of `options` present in object: errors at the object when none
// is, at the second when two are ("'current' and 'power' exclude each other").
std::string one_of(const YamlObject& object, const std::vector<std::string_view>& options, std::string_view what);

// Refuses, at the key, any key outside `allowed`, listing what is accepted and
// suggesting the nearest name. Run before reading, so that a misspelt key is
// reported as such rather than as the required key it failed to be.
void refuse_unknown_keys(const YamlObject& object, const std::vector<std::string_view>& allowed,
                         std::string_view where);

}  // namespace packsim::scenario
