// The rig's buses as a user's tools see them: frames on the CAN bus (sent as
// the inverter's node, read back as numpy columns) and the JBD service tool
// on the UART. A service request lets simulated time pass until the answer
// (a few firmware ticks, expectations checked meanwhile), like a real tool.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>

#include "python/src/bindings.h"
#include "python/src/interruptible.h"
#include "python/src/live_simulator.h"
#include "python/src/trace_arrays.h"
#include "sim/scenario/signals.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

py::handle service_error_type;

// A reply that did not come (timeout, malformed, queue full) raises; a
// refusal (error status) is an answer.
template <class T>
const T& answered(const hil::ServiceReply<T>& reply, const char* request) {
  if (reply.ok() || reply.error == hil::ServiceError::kErrorStatus) return reply.value;
  const std::string text{std::string{request} + ": " + std::string{hil::describe(reply.error)} +
                         (reply.detail.empty() ? "" : " (" + reply.detail + ")")};
  PyErr_SetString(service_error_type.ptr(), text.c_str());
  throw py::error_already_set();
}

// Runs a service transaction (time passes) without the GIL.
template <class Request>
auto transact(LiveSimulator& s, Request&& request) {
  LiveSimulator::Call call{s};
  return call_without_gil(s.interruption(), [&] { return request(call.session().rig().service()); });
}

// The codec's floats hold wire values (10 mV, 10 mA, 10 mAh, 0.1 K): as doubles, rounded back to them.
double wire(float value) { return std::round(static_cast<double>(value) * 1000.0) / 1000.0; }

py::dict basic_info_dict(const jbd_basic_info& info) {
  py::dict out;
  out["pack_v"] = wire(info.pack_voltage_v);
  out["current_a"] = -wire(info.current_a);  // JBD: + charging; packsim: + discharging
  out["remaining_capacity_ah"] = wire(info.remaining_capacity_ah);
  out["nominal_capacity_ah"] = wire(info.nominal_capacity_ah);
  out["cycle_count"] = info.cycle_count;
  out["soc"] = info.rsoc_percent / 100.0;
  out["chg_fet"] = (info.fet_status & JBD_FET_CHARGE_ON) != 0;
  out["dsg_fet"] = (info.fet_status & JBD_FET_DISCHARGE_ON) != 0;
  out["cell_count"] = info.cell_count;
  out["balancing_cells"] = cells_in_mask(info.balance_status, 32);
  py::dict protections;
  const int first{static_cast<int>(scenario::SignalId::kServiceCellOvervoltage)};
  const int last{static_cast<int>(scenario::SignalId::kServiceSoftwareMosLock)};
  for (int id = first; id <= last; ++id) {
    protections[py::str(short_signal_name(static_cast<scenario::SignalId>(id)))] =
        (info.protection_status & (1U << (id - first))) != 0;
  }
  out["protections"] = protections;
  std::vector<double> ntc;
  for (unsigned k = 0; k < std::min<unsigned>(info.ntc_count, JBD_MAX_NTC); ++k) ntc.push_back(wire(info.ntc_temp_c[k]));
  out["ntc_temp_c"] = ntc;
  out["software_version"] = info.software_version;
  return out;
}

}  // namespace

void bind_bus(py::module_& m, SimulatorClass& simulator) {
  service_error_type = PyErr_NewExceptionWithDoc(
      "packsim._packsim.ServiceError", "The JBD service tool got no usable answer (timeout, malformed, queue full).",
      PyExc_RuntimeError, nullptr);
  m.attr("ServiceError") = service_error_type;

  simulator
      .def(
          "can_send",
          [](LiveSimulator& s, std::uint32_t id, const std::vector<std::uint8_t>& data, bool extended) {
            if (data.size() > BMS_CAN_MAX_DLC) throw py::value_error{"a classic CAN frame carries at most 8 bytes"};
            if (id > (extended ? 0x1FFFFFFFU : 0x7FFU)) {
              throw py::value_error{"identifier " + std::to_string(id) + " does not fit a " +
                                    (extended ? "29" : "11") + "-bit frame"};
            }
            LiveSimulator::Call call{s};
            hil::HilRig& rig{call.session().rig()};
            bms_can_frame frame{};
            frame.id = id;
            frame.extended = extended ? 1 : 0;
            frame.dlc = static_cast<std::uint8_t>(data.size());
            std::copy(data.begin(), data.end(), frame.data);
            rig.can_bus().send(rig.inverter(), frame);
          },
          py::arg("id"), py::arg("data"), py::arg("extended") = false,
          "Puts a frame on the bus now, from the inverter's node")
      .def(
          "can_columns", [](LiveSimulator& s, std::size_t first) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return can_columns(s.session().rig().can_bus(), first); },
          py::arg("first") = 0)
      .def("service_basic_info",
           [](LiveSimulator& s) {
             const auto reply{transact(s, [](hil::ServiceTool& t) { return t.read_basic_info(); })};
             return basic_info_dict(answered(reply, "basic info (0x03)"));
           })
      .def("service_cell_voltages",
           [](LiveSimulator& s) {
             const auto reply{transact(s, [](hil::ServiceTool& t) { return t.read_cell_voltages(); })};
             const jbd_cell_voltages& cells{answered(reply, "cell voltages (0x04)")};
             std::vector<double> volts;
             for (unsigned k = 0; k < cells.cell_count && k < JBD_MAX_CELLS; ++k) volts.push_back(cells.cell_mv[k] / 1000.0);
             return to_array(volts.data(), volts.size());
           })
      .def("service_hardware_version",
           [](LiveSimulator& s) {
             const auto reply{transact(s, [](hil::ServiceTool& t) { return t.read_hardware_version(); })};
             return std::string{answered(reply, "hardware version (0x05)").text};
           })
      .def(
          "service_mos_control",
          [](LiveSimulator& s, bool charge_off, bool discharge_off) {
            const auto reply{transact(s, [&](hil::ServiceTool& t) { return t.mos_control(charge_off, discharge_off); })};
            (void)answered(reply, "MOS control (0xE1)");
            return reply.ok();
          },
          py::arg("charge_off"), py::arg("discharge_off"))
      .def("service_status",
           [](LiveSimulator& s) {
             const auto reply{transact(s, [](hil::ServiceTool& t) { return t.read_status(); })};
             const hil::FirmwareStatus& status{answered(reply, "status (0xF2)")};
             py::dict out;
             out["state"] = status.state < scenario::kFirmwareStateCount
                                 ? py::str(std::string{scenario::firmware_state_name(
                                       static_cast<scenario::FirmwareState>(status.state))})
                                 : py::str(std::to_string(status.state));
             out["active_flags"] = status.active_flags;
             out["latched_flags"] = status.latched_flags;
             out["soc"] = status.soc_permille / 1000.0;
             out["soh"] = status.soh_permille / 1000.0;
             out["full_capacity_ah"] = status.full_capacity_ah;
             out["balancing_cells"] = cells_in_mask(status.balancing_cells, 16);
             out["charge_limit_a"] = status.charge_limit_a;
             out["discharge_limit_a"] = status.discharge_limit_a;
             return out;
           })
      .def("service_fault_log", [](LiveSimulator& s) {
        const auto reply{transact(s, [](hil::ServiceTool& t) { return t.read_fault_log(); })};
        py::list out;
        for (const hil::FaultLogEntry& e : answered(reply, "fault log (0xF1)")) {
          py::dict entry;
          entry["code"] = e.code;
          entry["raised"] = e.raised != 0;
          entry["cell"] = e.cell_number;
          entry["time_s"] = e.time_ms / 1000.0;
          entry["value"] = e.value;
          out.append(entry);
        }
        return out;
      });
}

}  // namespace packsim::python
