#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace packsim::afe {

// CRC-8 of the bq769x2 I2C/SPI CRC mode (datasheet SLUSE13 "I2C Communications
// Subsystem"): polynomial x^8 + x^2 + x + 1 (0x07), initial value 0, no reflection,
// no final XOR. TI's example (SLUAA11): CRC over [0x10 0x3E 0x22] = 0x63.
inline constexpr std::uint8_t kCrc8Polynomial{0x07};

constexpr std::uint8_t crc8_update_bitwise(std::uint8_t crc, std::uint8_t byte) {
  crc = static_cast<std::uint8_t>(crc ^ byte);
  for (int bit = 0; bit < 8; ++bit) {
    crc = (crc & 0x80U) != 0 ? static_cast<std::uint8_t>((crc << 1) ^ kCrc8Polynomial)
                             : static_cast<std::uint8_t>(crc << 1);
  }
  return crc;
}

// One table lookup a byte: the bus path runs this for every CRC byte.
inline constexpr std::array<std::uint8_t, 256> kCrc8Table = [] {
  std::array<std::uint8_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    table[static_cast<std::size_t>(i)] = crc8_update_bitwise(0, static_cast<std::uint8_t>(i));
  }
  return table;
}();

constexpr std::uint8_t crc8_update(std::uint8_t crc, std::uint8_t byte) {
  return kCrc8Table[static_cast<std::uint8_t>(crc ^ byte)];
}

constexpr std::uint8_t crc8(const std::uint8_t* data, std::size_t n, std::uint8_t crc = 0) {
  for (std::size_t i = 0; i < n; ++i) {
    crc = crc8_update(crc, data[i]);
  }
  return crc;
}

static_assert(crc8_update(crc8_update(crc8_update(0, 0x10), 0x3E), 0x22) == 0x63, "TI's CRC example (SLUAA11)");

}  // namespace packsim::afe
