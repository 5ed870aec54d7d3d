#pragma once

// When an expectation failed, for the report's markers. RunResult carries the
// instant only inside its detail text ("... held at t=3412.50 s (...)"), so it
// is read back from there: the last "t=<seconds> s" is the failing check.

#include <optional>
#include <string>

namespace packsim::report {

std::optional<double> failure_time_s(const std::string& detail);

}  // namespace packsim::report
