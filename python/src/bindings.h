#pragma once

// The areas of packsim._packsim, one bind_<area>.cpp each. The live rig's
// class is made by bind_simulator; the plant, AFE and bus areas add their
// methods to it (module.cpp calls them in that order).

#include <pybind11/pybind11.h>

#include <memory>

namespace packsim::python {

class LiveSimulator;
using SimulatorClass = pybind11::class_<LiveSimulator, std::shared_ptr<LiveSimulator>>;

void bind_scenario(pybind11::module_& m);                        // scenarios, their texts, bad-input errors
void bind_runner(pybind11::module_& m);                          // packsim.run and its result
SimulatorClass bind_simulator(pybind11::module_& m);             // the live rig: time, steps, trace, verdicts
void bind_plant(pybind11::module_& m, SimulatorClass& simulator);  // the pack's state as numpy arrays
void bind_afe(pybind11::module_& m, SimulatorClass& simulator);    // the bq76952's registers and protections
void bind_bus(pybind11::module_& m, SimulatorClass& simulator);    // CAN frames and the JBD service tool
void bind_firmware(pybind11::module_& m, SimulatorClass& simulator);  // the firmware's observable variables

}  // namespace packsim::python
