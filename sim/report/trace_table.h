#pragma once

// The trace as the report reads it: time in seconds and one column per
// recorded signal, by its scenario name ("pack_v", "cell_v[3]"). Numbers in
// SI as the runner records them (fractions for %), switches 0/1, NaN unknown.
// Kept apart from TraceRecorder so the report renders any table, in tests too.

#include <map>
#include <string>
#include <vector>

namespace packsim::runner {
class TraceRecorder;
}

namespace packsim::report {

struct TraceTable {
  std::vector<double> time_s;
  std::map<std::string, std::vector<double>> columns;

  // The column of a signal, or nullptr when the run did not record it.
  const std::vector<double>* column(const std::string& signal) const {
    const auto found{columns.find(signal)};
    return found == columns.end() ? nullptr : &found->second;
  }
};

TraceTable trace_table_of(const runner::TraceRecorder& recorder);

// Columns the report derives when the run did not record them:
// cell_spread = max_cell_v - min_cell_v.
void add_derived_columns(TraceTable& table);

}  // namespace packsim::report
