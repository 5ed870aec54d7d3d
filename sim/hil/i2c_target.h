#pragma once

#include <cstddef>
#include <cstdint>

namespace packsim::hil {

// A device on the simulated I2C bus as the controller sees it: one call per
// transaction (START, address, bytes, STOP). Results are bms_hal.h codes:
// BMS_HAL_OK, BMS_HAL_NACK (address or a data byte not acknowledged),
// BMS_HAL_BUS_ERROR. A write then a read is a register read with a repeated
// START; the FirmwareHost sequences the two calls.
class I2cTarget {
 public:
  virtual ~I2cTarget() = default;

  virtual int write(std::uint8_t address7, const std::uint8_t* data, std::size_t length) = 0;
  virtual int read(std::uint8_t address7, std::uint8_t* data, std::size_t length) = 0;

 protected:
  I2cTarget() = default;
  I2cTarget(const I2cTarget&) = default;
  I2cTarget& operator=(const I2cTarget&) = default;
};

}  // namespace packsim::hil
