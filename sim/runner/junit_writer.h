#pragma once

// JUnit XML for CI: one testsuite a scenario, one testcase an expectation.

#include <string>
#include <vector>

#include "sim/runner/run_result.h"

namespace packsim::runner {

std::string xml_escape(const std::string& text);
std::string junit_xml(const std::vector<RunResult>& results);

}  // namespace packsim::runner
