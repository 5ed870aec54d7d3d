#include "sim/report/trace_table.h"

#include <algorithm>

#include "sim/runner/signal_sampler.h"
#include "sim/runner/trace_recorder.h"

namespace packsim::report {

TraceTable trace_table_of(const runner::TraceRecorder& recorder) {
  TraceTable table;
  const std::size_t rows{recorder.rows()};
  table.time_s.reserve(rows);
  for (std::size_t row = 0; row < rows; ++row) table.time_s.push_back(sim::to_seconds(recorder.time_ns(row)));
  const std::vector<scenario::SignalRef>& signals{recorder.signals()};
  for (std::size_t c = 0; c < signals.size(); ++c) {
    std::vector<double>& column{table.columns[runner::signal_name(signals[c])]};
    column.reserve(rows);
    for (std::size_t row = 0; row < rows; ++row) column.push_back(recorder.value(row, static_cast<int>(c)));
  }
  return table;
}

void add_derived_columns(TraceTable& table) {
  const std::vector<double>* min_cell_v{table.column("min_cell_v")};
  const std::vector<double>* max_cell_v{table.column("max_cell_v")};
  if (table.column("cell_spread") != nullptr || min_cell_v == nullptr || max_cell_v == nullptr) return;
  std::vector<double> spread(std::min(min_cell_v->size(), max_cell_v->size()));
  for (std::size_t i = 0; i < spread.size(); ++i) spread[i] = (*max_cell_v)[i] - (*min_cell_v)[i];  // NaN stays NaN
  table.columns["cell_spread"] = std::move(spread);
}

}  // namespace packsim::report
