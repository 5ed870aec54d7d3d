#pragma once

// OUT/report.html when several scenarios ran: one row a scenario, its verdict,
// counts and simulated time, linking to its own report.

#include <string>
#include <vector>

#include "sim/runner/run_result.h"

namespace packsim::report {

struct IndexEntry {
  const runner::RunResult& result;
  std::string report_path;  // relative to the index, e.g. "deep_discharge/report.html"
};

std::string report_index_html(const std::vector<IndexEntry>& entries);

// A relative path as a URL path: bytes outside RFC 3986's unreserved set and
// '/' are percent-encoded, so a scenario file named "a #1.yaml" still links.
std::string url_path(const std::string& path);

}  // namespace packsim::report
