// Loads a BMS firmware into this process: a shared object found by path
// (dlopen), or a firmware linked into the host, wrapped the same way through
// its entry points. Either way the host gets one Firmware (firmware.h) whose
// HAL version has been checked: a firmware built against another major
// version of bms_hal.h is refused with a message that says which versions met.
// To run a firmware in a child process or on an MCU instead, see
// link/linked_firmware.h.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "bms_under_test/hal/bms_hal.h"
#include "bms_under_test/hal/firmware.h"

namespace packsim::hal {

// The three functions every firmware exports (bms_hal.h).
struct FirmwareEntryPoints {
  const bms_firmware_info* (*firmware_info_get)(){nullptr};
  int (*init)(const bms_hal*){nullptr};
  void (*tick)(){nullptr};
  // Optional (bms_hal.h): the firmware's observable variables.
  const bms_observable* (*observables_get)(std::size_t*){nullptr};
};

// The shared object is missing, is not a shared object, lacks an export, or
// was built against another HAL major version. what() names the file.
class FirmwareLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FirmwareLoadOptions {
  // Load a private copy of the shared object, so that several rigs in one
  // process each get their own instance of the firmware's static state (a
  // firmware holds one context, as on its MCU). The file is copied to a
  // uniquely named temporary, loaded from there and unlinked at once: the
  // dynamic loader sees a new library each time. Unlike a dlmopen namespace
  // it has no per-process limit and works under AddressSanitizer.
  bool private_copy{false};
};

// dlopen (RTLD_NOW | RTLD_LOCAL), the three exports, the version check.
// Throws FirmwareLoadError.
Firmware load_firmware(const std::filesystem::path& path, const FirmwareLoadOptions& options = {});

// A firmware linked into the host (e.g. the reference firmware's static
// library): the same checks as a loaded one. Throws FirmwareLoadError.
Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin);

}  // namespace packsim::hal
