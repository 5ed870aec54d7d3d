#pragma once

#include <string>

#include "common/markup_escape.h"

namespace packsim::report {

// Scenario text in report HTML: the same escaping as every other markup the
// project writes (common/markup_escape.h).
inline std::string html_escape(const std::string& text) { return escape_markup(text); }

}  // namespace packsim::report
