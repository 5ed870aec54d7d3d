#include "sim/report/failure_time.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace packsim::report {

std::optional<double> failure_time_s(const std::string& detail) {
  std::optional<double> last;
  for (std::size_t at = detail.find("t="); at != std::string::npos; at = detail.find("t=", at + 2)) {
    // "t=" as a word of its own, not the end of "at=" or "limit=".
    if (at > 0 && std::isalnum(static_cast<unsigned char>(detail[at - 1])) != 0) continue;
    const char* begin{detail.c_str() + at + 2};
    char* end{nullptr};
    const double seconds{std::strtod(begin, &end)};
    if (end == begin || !std::isfinite(seconds) || std::string_view{end}.rfind(" s", 0) != 0) continue;
    last = seconds;
  }
  return last;
}

}  // namespace packsim::report
