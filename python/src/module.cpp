// packsim._packsim: the C++ core under the packsim package. The package
// (python/packsim/) wraps it into the documented API; this module's names
// starting with an underscore are not part of that API.
#include <pybind11/pybind11.h>

#include "python/src/bindings.h"
#include "python/src/live_simulator.h"

PYBIND11_MODULE(_packsim, m) {
  m.doc() = "packsim's C++ core (use the packsim package, not this module)";
  // The source tree's data, for a package used from the build tree.
  m.attr("_source_scenarios_dir") = PACKSIM_SOURCE_SCENARIOS_DIR;
  m.attr("_source_params_dir") = PACKSIM_SOURCE_PARAMS_DIR;
  packsim::python::bind_scenario(m);
  packsim::python::bind_runner(m);
  packsim::python::SimulatorClass simulator{packsim::python::bind_simulator(m)};
  packsim::python::bind_plant(m, simulator);
  packsim::python::bind_afe(m, simulator);
  packsim::python::bind_bus(m, simulator);
  packsim::python::bind_firmware(m, simulator);
}
