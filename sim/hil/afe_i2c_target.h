#pragma once

#include <cstddef>
#include <cstdint>

#include "bms_under_test/afe/bq76952.h"
#include "sim/hil/i2c_target.h"

namespace packsim::hil {

// The emulated bq76952 as an I2C target: the chip decides whether it answers
// its address (it does not in SHUTDOWN or while unpowered) and NACKs bytes it
// refuses; both come back to the firmware as BMS_HAL_NACK.
class AfeI2cTarget final : public I2cTarget {
 public:
  explicit AfeI2cTarget(afe::Bq76952& chip) : chip_{chip} {}

  int write(std::uint8_t address7, const std::uint8_t* data, std::size_t length) override;
  int read(std::uint8_t address7, std::uint8_t* data, std::size_t length) override;

 private:
  afe::Bq76952& chip_;
};

}  // namespace packsim::hil
