#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sim/hil/i2c_target.h"

namespace packsim::hil {

// A 24C32-class serial EEPROM (4 KiB, 32-byte pages), the board's
// configuration store (bms_config_image.h). Protocol: a write carries a 2-byte
// big-endian memory address, then optional data (a page write that wraps
// inside its page); a read returns bytes from the address pointer onward and
// wraps at the end of the array. The internal write cycle (5 ms of NACKs) is
// not emulated: writes land at once.
class ConfigEeprom final : public I2cTarget {
 public:
  static constexpr std::size_t kSizeBytes{4096};
  static constexpr std::size_t kPageBytes{32};
  static constexpr std::uint8_t kBlankByte{0xFF};

  ConfigEeprom() { erase(); }

  // Fills the whole array with 0xFF (an unprogrammed part).
  void erase();
  // Programs `image` from memory address 0 (the rest left as it was).
  // Throws std::length_error when it does not fit.
  void program(std::span<const std::uint8_t> image);
  std::span<const std::uint8_t> contents() const { return memory_; }

  int write(std::uint8_t address7, const std::uint8_t* data, std::size_t length) override;
  int read(std::uint8_t address7, std::uint8_t* data, std::size_t length) override;

  std::size_t bytes_read() const { return bytes_read_; }
  std::size_t bytes_written() const { return bytes_written_; }

 private:
  static constexpr std::uint16_t kAddressMask{kSizeBytes - 1};

  std::array<std::uint8_t, kSizeBytes> memory_{};
  std::uint16_t pointer_{0};
  std::size_t bytes_read_{0};
  std::size_t bytes_written_{0};
};

}  // namespace packsim::hil
