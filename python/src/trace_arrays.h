#pragma once

// Traces, CAN logs and pack states as numpy arrays: one array per column,
// built in one copy, never a Python object per sample.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "models/pack/pack.h"
#include "models/pack/pack_state.h"
#include "sim/hil/can_bus.h"
#include "sim/runner/trace_recorder.h"
#include "sim/scenario/signals.h"

namespace packsim::python {

// {"t": seconds, "<trace.csv column>": values..., "cell_v"/"cell_temp"/
// "cell_soc": 2-D (rows x series / rows x cells) when recorded}. Numbers in
// SI (fractions for %), switches 0.0/1.0 (NaN while unknown), states as
// text ("" while unknown).
pybind11::dict trace_arrays(const runner::TraceRecorder& trace);

// The frames from `first` on, by column: t (s), id, extended, dlc,
// data (n x 8, zero beyond dlc), sender (node name).
pybind11::dict can_columns(const hil::CanBus& bus, std::size_t first = 0);
pybind11::dict can_columns(const std::vector<hil::CanRecord>& records, const std::vector<std::string>& node_names);

// The pack's state: per-cell arrays (cell order: group by group) and scalars.
pybind11::dict pack_state_dict(const models::Pack& pack, const models::PackState& state);

// The cells (1-based, as users number them) whose bit is set in a mask
// (bit k: cell k + 1), e.g. the balancing switches.
std::vector<int> cells_in_mask(std::uint32_t mask, int cells);

// A signal's name without its observer ("afe.cuv" -> "cuv"), for the keys
// of a view that is already the observer's.
std::string short_signal_name(scenario::SignalId id);

// A copy of the values as a 1-D float64 array.
pybind11::array_t<double> to_array(const double* data, std::size_t n);

}  // namespace packsim::python
