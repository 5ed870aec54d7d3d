// The firmware's observable variables (bms_hal.h, bms_observables_get): what
// Simulator.bms shows, read between ticks. A firmware without them keeps its
// state private and the view is empty.
#include <pybind11/stl.h>

#include "python/src/bindings.h"
#include "python/src/live_simulator.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

py::object value_of(const bms_observable& o) {
  if (o.type == BMS_OBSERVABLE_ENUM) {
    const std::string_view name{hal::observable_value_name(o)};
    if (!name.empty()) return py::str(std::string{name});
    return py::int_(static_cast<long long>(hal::observable_value(o)));
  }
  if (o.type == BMS_OBSERVABLE_F32) return py::float_(hal::observable_value(o));
  return py::int_(static_cast<long long>(hal::observable_value(o)));
}

}  // namespace

void bind_firmware(py::module_& /*m*/, SimulatorClass& simulator) {
  simulator
      .def("bms_observables",
           [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
             py::dict out;
             const runner::RunSession& session{s.session()};
             if (!session.rig().firmware().booted()) return out;
             for (const bms_observable& o : session.rig().firmware().firmware().observables()) {
               out[py::str(o.name)] = value_of(o);
             }
             return out;
           })
      .def("bms_observable_info",
           [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
             py::list out;
             for (const bms_observable& o : s.session().rig().firmware().firmware().observables()) {
               out.append(py::make_tuple(o.name, o.unit != nullptr ? o.unit : "",
                                         o.description != nullptr ? o.description : ""));
             }
             return out;
           })
      .def_property_readonly("firmware_name", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
        return std::string{s.session().rig().firmware().firmware().info().name};
      });
}

}  // namespace packsim::python
