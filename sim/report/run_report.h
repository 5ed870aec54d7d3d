#pragma once

// report.html of one scenario run: a summary (scenario, seed, firmware,
// verdict, simulated and wall time), the expectation table, and the trace
// plotted as inline SVG with markers at failures and FET edges.

#include <cstdint>
#include <string>

#include "sim/report/trace_table.h"
#include "sim/runner/run_result.h"

namespace packsim::report {

struct RunReportInput {
  const runner::RunResult& result;
  std::string description;  // the scenario's, as written
  std::uint64_t seed{0};    // the seed the run used (the scenario's or --seed)
  std::string firmware;     // "reference" or the shared object's path
  TraceTable trace;
};

std::string run_report_html(const RunReportInput& input);

}  // namespace packsim::report
