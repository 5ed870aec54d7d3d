#pragma once

// The frame of every report page: one self-contained HTML5 file with its
// style inline, so it opens offline in any browser and survives being mailed
// or archived as a CI artefact.

#include <string>

namespace packsim::report {

// title is plain text (escaped here); body is HTML.
std::string html_page(const std::string& title, const std::string& body);

}  // namespace packsim::report
