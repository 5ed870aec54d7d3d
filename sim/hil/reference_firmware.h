#pragma once

// The reference firmware for a rig, and its configuration EEPROM image.
// Header-only on purpose: packsim_hil does not depend on the reference
// firmware; whoever includes this links packsim_reference_firmware.

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bms_config_image.h"
#include "bms_under_test/hal/bms_hal.h"
#include "bms_under_test/hal/firmware_loader.h"

namespace packsim::hil {

inline constexpr const char* kReferenceFirmwareOrigin{"reference"};

// The statically linked reference BMS (one static context per process).
inline hal::Firmware reference_firmware() {
  return hal::wrap_firmware({bms_firmware_info_get, bms_init, bms_tick, bms_observables_get}, kReferenceFirmwareOrigin);
}

inline bms_config reference_default_config() { return *bms_config_default(); }

// The EEPROM image of a configuration (bms_config_image.h), for RigOptions::config_image.
inline std::vector<std::uint8_t> config_eeprom_image(const bms_config& config) {
  std::vector<std::uint8_t> image(BMS_CONFIG_IMAGE_SIZE);
  if (bms_config_image_encode(&config, image.data(), image.size()) != image.size()) {
    throw std::logic_error{"config_eeprom_image: the image does not encode"};
  }
  return image;
}

}  // namespace packsim::hil
