#pragma once

#include <string>

namespace packsim::report {

// Text from a scenario (names, descriptions, details, paths) made safe for
// HTML element content and quoted attribute values. Control characters other
// than tab and newline become U+FFFD, which every browser shows as a visible mark.
std::string html_escape(const std::string& text);

}  // namespace packsim::report
