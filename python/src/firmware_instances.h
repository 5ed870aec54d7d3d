#pragma once

// Firmware for rigs in a Python process. Several Simulators (and runs) may be
// alive at once, and a firmware holds one static context as on its MCU: each
// rig loads a private copy of the shared object (hal::FirmwareLoadOptions),
// the reference firmware from the libpacksim_reference_firmware.so installed
// beside this extension.

#include <string>

#include "bms_under_test/hal/firmware_loader.h"
#include "sim/scenario/scenario.h"

namespace packsim::python {

// Where the reference firmware's shared object is (beside _packsim*.so).
std::string reference_firmware_path();

// A private instance of the image's firmware.
hal::Firmware load_private_firmware(const scenario::FirmwareImage& image);

// The image `firmware=` names: "reference", or a path to a shared object,
// checked now the way the run will load it (in a child process when
// isolated: never loaded into this one): missing, not a firmware or another
// HAL major version raise FirmwareLoadError. Relative paths are made absolute.
scenario::FirmwareImage firmware_image_from_argument(const std::string& firmware, bool isolated);

}  // namespace packsim::python
