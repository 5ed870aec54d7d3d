#pragma once

// Firmware for rigs in a Python process. Several Simulators (and runs) may be
// alive at once, and a firmware holds one static context as on its MCU: each
// rig loads a private copy of the shared object (hal::FirmwareLoadOptions),
// the reference firmware from the libpacksim_reference_firmware.so installed
// beside this extension.

#include <optional>
#include <string>

#include "bms_under_test/hal/firmware_loader.h"
#include "sim/runner/run_session.h"
#include "sim/scenario/scenario.h"

namespace packsim::python {

// Where the reference firmware's shared object is (beside _packsim*.so).
std::string reference_firmware_path();

// A private instance of the image's firmware.
hal::Firmware load_private_firmware(const scenario::FirmwareImage& image);

// run(firmware=, isolate=) and Simulator(firmware=, isolate=) on a scenario.
// isolate replaces the scenario's choice; a replaced image without one runs
// as its kind says (isolated unless it is the reference). `firmware` is
// "reference" or a shared object's path (made absolute), checked now the way
// the run will load it (in a child process when isolated: never loaded into
// this one): missing, not a firmware or another HAL major version raise
// FirmwareLoadError.
void apply_firmware_arguments(scenario::Scenario& scenario, const std::optional<std::string>& firmware,
                              std::optional<bool> isolate);

}  // namespace packsim::python
