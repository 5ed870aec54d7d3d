#include "python/src/trace_arrays.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "sim/runner/signal_sampler.h"
#include "sim/scenario/signals.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

py::array_t<double> matrix(const std::vector<double>& row_major, std::size_t rows, int columns) {
  py::array_t<double> out({rows, static_cast<std::size_t>(columns)});
  if (!row_major.empty()) std::memcpy(out.mutable_data(), row_major.data(), row_major.size() * sizeof(double));
  return out;
}

// Fixed-width text (numpy's '<U' dtype): one UCS-4 code unit per character.
py::array text_array(const std::vector<std::string>& values) {
  std::size_t width{1};
  for (const std::string& v : values) width = std::max(width, v.size());
  const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(values.size())};
  py::array out(py::dtype("<U" + std::to_string(width)), shape);
  auto* data{static_cast<std::uint32_t*>(out.mutable_data())};
  std::memset(data, 0, values.size() * width * sizeof(std::uint32_t));
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t c = 0; c < values[i].size(); ++c) {
      data[i * width + c] = static_cast<unsigned char>(values[i][c]);  // state names are ASCII
    }
  }
  return out;
}

}  // namespace

std::vector<int> cells_in_mask(std::uint32_t mask, int cells) {
  std::vector<int> set;
  for (int k = 0; k < cells && k < 32; ++k) {
    if ((mask & (1UL << k)) != 0) set.push_back(k + 1);
  }
  return set;
}

std::string short_signal_name(scenario::SignalId id) {
  const std::string_view name{scenario::signal_info(id).name};
  return std::string{name.substr(name.find('.') + 1)};
}

py::array_t<double> to_array(const double* data, std::size_t n) {
  py::array_t<double> out(n);
  if (n > 0) std::memcpy(out.mutable_data(), data, n * sizeof(double));
  return out;
}

py::dict trace_arrays(const runner::TraceRecorder& trace) {
  py::dict out;
  const std::size_t rows{trace.rows()};
  std::vector<double> t(rows);
  for (std::size_t r = 0; r < rows; ++r) t[r] = sim::to_seconds(trace.time_ns(r));
  out["t"] = to_array(t.data(), rows);
  for (std::size_t c = 0; c < trace.signals().size(); ++c) {
    const scenario::SignalRef& ref{trace.signals()[c]};
    const std::vector<double>& values{trace.column_values(static_cast<int>(c))};
    const std::string name{runner::signal_name(ref)};
    if (scenario::signal_info(ref.id).kind == scenario::SignalKind::kState) {
      std::vector<std::string> names(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        if (!std::isnan(values[r])) names[r] = runner::format_value(ref, values[r]);
      }
      out[py::str(name)] = text_array(names);
    } else {
      out[py::str(name)] = to_array(values.data(), rows);
    }
  }
  if (trace.series() > 0) {
    out["cell_v"] = matrix(trace.cell_v(), rows, trace.series());
    out["cell_temp"] = matrix(trace.cell_temp_c(), rows, trace.cells());
    out["cell_soc"] = matrix(trace.cell_soc(), rows, trace.cells());
  }
  return out;
}

py::dict can_columns(const std::vector<hil::CanRecord>& records, const std::vector<std::string>& node_names) {
  const std::size_t n{records.size()};
  py::array_t<double> t(n);
  py::array_t<std::uint32_t> id(n);
  py::array_t<bool> extended(n);
  py::array_t<std::uint8_t> dlc(n);
  py::array_t<std::uint8_t> data({n, std::size_t{8}});
  std::vector<std::string> sender(n);
  auto t_out{t.mutable_unchecked<1>()};
  auto id_out{id.mutable_unchecked<1>()};
  auto ext_out{extended.mutable_unchecked<1>()};
  auto dlc_out{dlc.mutable_unchecked<1>()};
  auto data_out{data.mutable_unchecked<2>()};
  for (std::size_t i = 0; i < n; ++i) {
    const hil::CanRecord& r{records[i]};
    t_out(i) = sim::to_seconds(r.time_ns);
    id_out(i) = r.frame.id;
    ext_out(i) = r.frame.extended != 0;
    dlc_out(i) = r.frame.dlc;
    for (std::size_t b = 0; b < 8; ++b) data_out(i, b) = b < r.frame.dlc ? r.frame.data[b] : 0;
    sender[i] = r.sender < node_names.size() ? node_names[r.sender] : "?";
  }
  py::dict out;
  out["t"] = t;
  out["id"] = id;
  out["extended"] = extended;
  out["dlc"] = dlc;
  out["data"] = data;
  out["sender"] = text_array(sender);
  return out;
}

py::dict can_columns(const hil::CanBus& bus, std::size_t first) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 16; ++i) names.emplace_back(bus.node_name(i));
  const std::vector<hil::CanRecord>& all{bus.records()};
  const std::vector<hil::CanRecord> records(all.begin() + static_cast<std::ptrdiff_t>(std::min(first, all.size())),
                                            all.end());
  return can_columns(records, names);
}

py::dict pack_state_dict(const models::Pack& pack, const models::PackState& state) {
  const auto array = [](const Eigen::ArrayXd& a) { return to_array(a.data(), static_cast<std::size_t>(a.size())); };
  py::dict out;
  out["time_s"] = state.time_s;
  out["pack_v"] = state.terminal_voltage_v;
  out["load_v"] = state.load_voltage_v;
  out["current_a"] = state.pack_current_a;
  out["cell_v"] = array(state.group_voltage_v);
  out["soc"] = array(state.soc);
  out["temp_c"] = array(state.temp_c);
  out["cell_current_a"] = array(state.cell_current_a);
  out["hysteresis"] = array(state.hysteresis);
  out["v_rc1_v"] = array(state.v_rc1_v);
  out["v_rc2_v"] = array(state.v_rc2_v);
  out["calendar_loss"] = array(state.calendar_loss);
  out["cycle_loss"] = array(state.cycle_loss);
  out["plating_loss"] = array(state.plating_loss);
  out["plated_lithium_ah"] = array(state.plated_lithium_ah);
  out["charge_moved_ah"] = array(state.charge_moved_ah);
  Eigen::ArrayXd capacity(state.soc.size());
  for (Eigen::Index k = 0; k < capacity.size(); ++k) capacity[k] = pack.cell_capacity_ah(state, static_cast<int>(k));
  out["capacity_ah"] = array(capacity);
  out["energy_out_j"] = state.energy_out_j;
  return out;
}

}  // namespace packsim::python
