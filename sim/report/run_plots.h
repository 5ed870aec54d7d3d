#pragma once

// Which plots a run report shows, and which trace columns go into each:
// pack and load voltage, lowest and highest cell voltage, the cell spread,
// pack current, coldest and hottest cell, SOC, and the FETs as on/off lanes.

#include <vector>

#include "sim/report/svg_plot.h"
#include "sim/report/trace_table.h"

namespace packsim::report {

// The plots point into trace's columns: trace must outlive them. A signal the
// run did not record keeps its legend entry, marked "not recorded".
std::vector<Plot> run_plots(const TraceTable& trace);

}  // namespace packsim::report
