// The pack as it is now: true values of the plant (no sensor error), as
// numpy arrays, cells in pack order (group by group, from the most negative).
#include <pybind11/stl.h>

#include "python/src/bindings.h"
#include "python/src/live_simulator.h"
#include "python/src/trace_arrays.h"

namespace py = pybind11;

namespace packsim::python {

void bind_plant(py::module_& /*m*/, SimulatorClass& simulator) {
  simulator
      .def(
          "pack_state",
          [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
            hil::HilRig& rig{s.session().rig()};
            return pack_state_dict(rig.pack(), rig.pack_state());
          },
          "Every per-cell array of the plant's state and the terminal values, now")
      .def_property_readonly("ambient_c", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return s.session().sampler().ambient_c(); })
      .def_property_readonly("parallel", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return s.session().rig().pack().parallel(); })
      .def_property_readonly("cell_name", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return s.session().rig().pack().cell_params().name; });
}

}  // namespace packsim::python
