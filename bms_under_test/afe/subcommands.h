#pragma once

#include <cstddef>
#include <cstdint>

namespace packsim::afe {

// Subcommand codes written to 0x3E/0x3F (TRM SLUUBY2 chapter 13 "Subcommands").
// SLEEP_ENABLE is 0x0099 and SLEEP_DISABLE 0x009A, DEEPSLEEP 0x000F and
// EXIT_DEEPSLEEP 0x000E (TRM subcommand table; the shared reference note had
// them the other way round).
namespace subcommand {
inline constexpr std::uint16_t kDeviceNumber{0x0001};
inline constexpr std::uint16_t kFwVersion{0x0002};
inline constexpr std::uint16_t kHwVersion{0x0003};
inline constexpr std::uint16_t kExitDeepSleep{0x000E};
inline constexpr std::uint16_t kDeepSleep{0x000F};
inline constexpr std::uint16_t kShutdown{0x0010};
inline constexpr std::uint16_t kReset{0x0012};
inline constexpr std::uint16_t kPdsgTest{0x001C};
inline constexpr std::uint16_t kPchgTest{0x001E};
inline constexpr std::uint16_t kChgTest{0x001F};
inline constexpr std::uint16_t kDsgTest{0x0020};
inline constexpr std::uint16_t kFetEnable{0x0022};
inline constexpr std::uint16_t kPfEnable{0x0024};
inline constexpr std::uint16_t kMfgStatus{0x0057};
inline constexpr std::uint16_t kDaStatus1{0x0071};
inline constexpr std::uint16_t kDaStatus2{0x0072};
inline constexpr std::uint16_t kDaStatus3{0x0073};
inline constexpr std::uint16_t kDaStatus4{0x0074};
inline constexpr std::uint16_t kCbActiveCells{0x0083};
inline constexpr std::uint16_t kCbStatus1{0x0085};
inline constexpr std::uint16_t kSetCfgUpdate{0x0090};
inline constexpr std::uint16_t kExitCfgUpdate{0x0092};
inline constexpr std::uint16_t kDsgPdsgOff{0x0093};
inline constexpr std::uint16_t kChgPchgOff{0x0094};
inline constexpr std::uint16_t kAllFetsOff{0x0095};
inline constexpr std::uint16_t kAllFetsOn{0x0096};
inline constexpr std::uint16_t kFetControl{0x0097};
inline constexpr std::uint16_t kSleepEnable{0x0099};
inline constexpr std::uint16_t kSleepDisable{0x009A};
inline constexpr std::uint16_t kOcdlRecover{0x009B};
inline constexpr std::uint16_t kScdlRecover{0x009C};
inline constexpr std::uint16_t kSwapCommMode{0x29BC};
}  // namespace subcommand

// Device number DEVICE_NUMBER() reports (TRM 13.x, SLUAA11 example: 0x7695).
inline constexpr std::uint16_t kDeviceNumber{0x7695};

// Data memory lives at these subcommand addresses (TRM chapter 13 "Data Memory").
inline constexpr std::uint16_t kDataMemoryFirst{0x9180};
inline constexpr std::uint16_t kDataMemoryEnd{0x9400};
constexpr bool is_data_memory_address(std::uint16_t code) { return code >= kDataMemoryFirst && code < kDataMemoryEnd; }

// Checksum written to / read from 0x60: the sum of the two subcommand address
// bytes and the transfer-buffer data bytes, bitwise inverted (TRM 3.1). 0x61
// holds the data length + 4 (the two address bytes, checksum and length).
constexpr std::uint8_t transfer_checksum(std::uint16_t code, const std::uint8_t* data, std::size_t n) {
  unsigned sum{(code & 0xFFU) + (code >> 8U)};
  for (std::size_t i = 0; i < n; ++i) {
    sum += data[i];
  }
  return static_cast<std::uint8_t>(~sum & 0xFFU);
}
constexpr std::uint8_t transfer_length(std::size_t data_bytes) { return static_cast<std::uint8_t>(data_bytes + 4); }

// TRM 3.1 example: Cell 1 Gain (0x9180) = 12410 (0x7A 0x30) has checksum 0x44, length 0x06.
inline constexpr std::uint8_t kTrmExampleData[2]{0x7A, 0x30};
static_assert(transfer_checksum(0x9180, kTrmExampleData, 2) == 0x44, "TRM 3.1 checksum example");
static_assert(transfer_length(2) == 0x06, "TRM 3.1 length example");

}  // namespace packsim::afe
