#include "sim/hil/afe_i2c_target.h"

#include "bms_under_test/hal/bms_hal.h"

namespace packsim::hil {

namespace {

int to_hal(const afe::I2cStatus& status) { return status.ok() ? BMS_HAL_OK : BMS_HAL_NACK; }

}  // namespace

int AfeI2cTarget::write(std::uint8_t address7, const std::uint8_t* data, std::size_t length) {
  return to_hal(chip_.write(address7, data, length));
}

int AfeI2cTarget::read(std::uint8_t address7, std::uint8_t* data, std::size_t length) {
  return to_hal(chip_.read(address7, data, length));
}

}  // namespace packsim::hil
