#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace packsim::scenario {

// "; did you mean 'min_cell_v'?" when one known name is a small edit away from
// what was written (a typo), otherwise "". Names are compared as written.
std::string did_you_mean(std::string_view written, const std::vector<std::string_view>& known);

// "a, b or c", for messages listing what is accepted.
std::string join_names(const std::vector<std::string_view>& names);

}  // namespace packsim::scenario
