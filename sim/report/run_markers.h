#pragma once

// The vertical markers of a run report: where an expectation failed, and
// where a FET switched (the moments a reader looks for first).

#include <cstddef>
#include <vector>

#include "sim/report/svg_plot.h"
#include "sim/report/trace_table.h"
#include "sim/runner/run_result.h"

namespace packsim::report {

// One marker per failed expectation whose detail names its instant, tagged
// with its row number in the expectation table ("#2").
std::vector<Marker> failure_markers(const runner::RunResult& result);

// One marker per CHG or DSG switching edge in the trace (unknown samples skipped).
std::vector<Marker> fet_edge_markers(const TraceTable& trace);

// Beyond this many FET edges (a FET chattering) the plots would be solid
// grey: the report counts them instead of marking them.
inline constexpr std::size_t kMaxFetEdgeMarkers{40};

}  // namespace packsim::report
