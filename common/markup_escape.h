#pragma once

#include <string>

namespace packsim {

// Text from users (scenario names, details, paths) made safe for XML and HTML
// element content and quoted attribute values: the five special characters
// become entities; control characters other than tab, newline and carriage
// return (not allowed in XML 1.0) become U+FFFD, a visible mark.
std::string escape_markup(const std::string& text);

}  // namespace packsim
