#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace packsim::afe {

// The bq76952 direct commands (TRM SLUUBY2 chapter 12 "Direct Commands"), declared
// once. Each row says where the value comes from (RegisterSource), how it is
// encoded on the bus (RegisterEncoding: little-endian bytes) and who may write it.
// Measurement registers are computed from the last ADC results when read.

enum class RegisterAccess : std::uint8_t {
  kRead,             // host writes are NACKed
  kReadWrite,        // Alarm Enable
  kWriteOneToClear,  // Alarm Status: writing 1 clears a latched bit (TRM 12.2 "Alarm Status")
  kTransfer,         // subcommand address, transfer buffer, checksum, length
};

enum class RegisterEncoding : std::uint8_t {
  kHex,         // bit field
  kMillivolts,  // signed 16-bit, mV
  kUserVolts,   // signed 16-bit, userV (DA Configuration[USER_VOLTS_CV]: 10 mV default, or 1 mV)
  kUserAmps,    // signed 16-bit, userA (DA Configuration[USER_AMPS]: 1 mA default), + = charging
  kDeciKelvin,  // signed 16-bit, 0.1 K
  kBytes,       // raw bytes of the subcommand transfer area
};

enum class RegisterSource : std::uint8_t {
  kControlStatus,
  kSafetyAlertA,
  kSafetyStatusA,
  kSafetyAlertB,
  kSafetyStatusB,
  kSafetyAlertC,
  kSafetyStatusC,
  kPfAlertA,
  kPfStatusA,
  kPfAlertB,
  kPfStatusB,
  kPfAlertC,
  kPfStatusC,
  kPfAlertD,
  kPfStatusD,
  kBatteryStatus,
  kCellVoltage,  // index: cell 0..15
  kStackVoltage,
  kPackVoltage,
  kLdVoltage,
  kCc2Current,
  kSubcommand,        // 0x3E/0x3F
  kTransferBuffer,    // 0x40..0x5F
  kTransferChecksum,  // 0x60
  kTransferLength,    // 0x61
  kAlarmStatus,
  kAlarmRawStatus,
  kAlarmEnable,
  kInternalTemperature,
  kPinTemperature,  // index: 0 CFETOFF, 1 DFETOFF, 2 ALERT, 3 TS1, 4 TS2, 5 TS3, 6 HDQ, 7 DCHG, 8 DDSG
  kFetStatus,
};

struct RegisterSpec {
  std::uint8_t address;  // 7-bit command address of the lowest byte
  std::uint8_t width_bytes;
  bool is_signed;
  RegisterEncoding encoding;
  RegisterAccess access;
  RegisterSource source;
  std::uint8_t index;
  std::string_view name;
};

namespace detail {
constexpr RegisterSpec hex8(std::uint8_t a, RegisterSource s, std::string_view n) {
  return {a, 1, false, RegisterEncoding::kHex, RegisterAccess::kRead, s, 0, n};
}
constexpr RegisterSpec cell(std::uint8_t k, std::string_view n) {
  return {static_cast<std::uint8_t>(0x14 + 2 * k), 2, true, RegisterEncoding::kMillivolts, RegisterAccess::kRead,
          RegisterSource::kCellVoltage, k, n};
}
constexpr RegisterSpec pin_temp(std::uint8_t k, std::string_view n) {
  return {static_cast<std::uint8_t>(0x6A + 2 * k), 2, true, RegisterEncoding::kDeciKelvin, RegisterAccess::kRead,
          RegisterSource::kPinTemperature, k, n};
}
}  // namespace detail

inline constexpr std::array kDirectCommands{
    RegisterSpec{0x00, 2, false, RegisterEncoding::kHex, RegisterAccess::kTransfer, RegisterSource::kControlStatus, 0,
                 "Control Status"},
    detail::hex8(0x02, RegisterSource::kSafetyAlertA, "Safety Alert A"),
    detail::hex8(0x03, RegisterSource::kSafetyStatusA, "Safety Status A"),
    detail::hex8(0x04, RegisterSource::kSafetyAlertB, "Safety Alert B"),
    detail::hex8(0x05, RegisterSource::kSafetyStatusB, "Safety Status B"),
    detail::hex8(0x06, RegisterSource::kSafetyAlertC, "Safety Alert C"),
    detail::hex8(0x07, RegisterSource::kSafetyStatusC, "Safety Status C"),
    detail::hex8(0x0A, RegisterSource::kPfAlertA, "PF Alert A"),
    detail::hex8(0x0B, RegisterSource::kPfStatusA, "PF Status A"),
    detail::hex8(0x0C, RegisterSource::kPfAlertB, "PF Alert B"),
    detail::hex8(0x0D, RegisterSource::kPfStatusB, "PF Status B"),
    detail::hex8(0x0E, RegisterSource::kPfAlertC, "PF Alert C"),
    detail::hex8(0x0F, RegisterSource::kPfStatusC, "PF Status C"),
    detail::hex8(0x10, RegisterSource::kPfAlertD, "PF Alert D"),
    detail::hex8(0x11, RegisterSource::kPfStatusD, "PF Status D"),
    RegisterSpec{0x12, 2, false, RegisterEncoding::kHex, RegisterAccess::kRead, RegisterSource::kBatteryStatus, 0,
                 "Battery Status"},
    detail::cell(0, "Cell 1 Voltage"),
    detail::cell(1, "Cell 2 Voltage"),
    detail::cell(2, "Cell 3 Voltage"),
    detail::cell(3, "Cell 4 Voltage"),
    detail::cell(4, "Cell 5 Voltage"),
    detail::cell(5, "Cell 6 Voltage"),
    detail::cell(6, "Cell 7 Voltage"),
    detail::cell(7, "Cell 8 Voltage"),
    detail::cell(8, "Cell 9 Voltage"),
    detail::cell(9, "Cell 10 Voltage"),
    detail::cell(10, "Cell 11 Voltage"),
    detail::cell(11, "Cell 12 Voltage"),
    detail::cell(12, "Cell 13 Voltage"),
    detail::cell(13, "Cell 14 Voltage"),
    detail::cell(14, "Cell 15 Voltage"),
    detail::cell(15, "Cell 16 Voltage"),
    RegisterSpec{0x34, 2, true, RegisterEncoding::kUserVolts, RegisterAccess::kRead, RegisterSource::kStackVoltage, 0,
                 "Stack Voltage"},
    RegisterSpec{0x36, 2, true, RegisterEncoding::kUserVolts, RegisterAccess::kRead, RegisterSource::kPackVoltage, 0,
                 "PACK Pin Voltage"},
    RegisterSpec{0x38, 2, true, RegisterEncoding::kUserVolts, RegisterAccess::kRead, RegisterSource::kLdVoltage, 0,
                 "LD Pin Voltage"},
    RegisterSpec{0x3A, 2, true, RegisterEncoding::kUserAmps, RegisterAccess::kRead, RegisterSource::kCc2Current, 0,
                 "CC2 Current"},
    RegisterSpec{0x3E, 2, false, RegisterEncoding::kHex, RegisterAccess::kTransfer, RegisterSource::kSubcommand, 0,
                 "Subcommand"},
    RegisterSpec{0x40, 32, false, RegisterEncoding::kBytes, RegisterAccess::kTransfer, RegisterSource::kTransferBuffer,
                 0, "Transfer Buffer"},
    RegisterSpec{0x60, 1, false, RegisterEncoding::kHex, RegisterAccess::kTransfer, RegisterSource::kTransferChecksum,
                 0, "Transfer Checksum"},
    RegisterSpec{0x61, 1, false, RegisterEncoding::kHex, RegisterAccess::kTransfer, RegisterSource::kTransferLength, 0,
                 "Transfer Length"},
    RegisterSpec{0x62, 2, false, RegisterEncoding::kHex, RegisterAccess::kWriteOneToClear,
                 RegisterSource::kAlarmStatus, 0, "Alarm Status"},
    RegisterSpec{0x64, 2, false, RegisterEncoding::kHex, RegisterAccess::kRead, RegisterSource::kAlarmRawStatus, 0,
                 "Alarm Raw Status"},
    RegisterSpec{0x66, 2, false, RegisterEncoding::kHex, RegisterAccess::kReadWrite, RegisterSource::kAlarmEnable, 0,
                 "Alarm Enable"},
    RegisterSpec{0x68, 2, true, RegisterEncoding::kDeciKelvin, RegisterAccess::kRead,
                 RegisterSource::kInternalTemperature, 0, "Int Temperature"},
    detail::pin_temp(0, "CFETOFF Temperature"),
    detail::pin_temp(1, "DFETOFF Temperature"),
    detail::pin_temp(2, "ALERT Temperature"),
    detail::pin_temp(3, "TS1 Temperature"),
    detail::pin_temp(4, "TS2 Temperature"),
    detail::pin_temp(5, "TS3 Temperature"),
    detail::pin_temp(6, "HDQ Temperature"),
    detail::pin_temp(7, "DCHG Temperature"),
    detail::pin_temp(8, "DDSG Temperature"),
    detail::hex8(0x7F, RegisterSource::kFetStatus, "FET Status"),
};

inline constexpr std::int8_t kNoRegister{-1};

// For each 7-bit command address, the index in kDirectCommands of the register
// whose bytes cover it, or kNoRegister (such addresses are NACKed).
inline constexpr std::array<std::int8_t, 128> kRegisterAtByte = [] {
  std::array<std::int8_t, 128> table{};
  table.fill(kNoRegister);
  for (std::size_t r = 0; r < kDirectCommands.size(); ++r) {
    const RegisterSpec& spec{kDirectCommands[r]};
    for (std::size_t b = 0; b < spec.width_bytes; ++b) {
      table[spec.address + b] = static_cast<std::int8_t>(r);
    }
  }
  return table;
}();

constexpr const RegisterSpec* register_at(std::uint8_t command) {
  if (command >= kRegisterAtByte.size()) {
    return nullptr;
  }
  const std::int8_t r{kRegisterAtByte[command]};
  return r == kNoRegister ? nullptr : &kDirectCommands[static_cast<std::size_t>(r)];
}

// Commonly used command addresses.
namespace command {
inline constexpr std::uint8_t kControlStatus{0x00};
inline constexpr std::uint8_t kSafetyAlertA{0x02};
inline constexpr std::uint8_t kSafetyStatusA{0x03};
inline constexpr std::uint8_t kSafetyAlertB{0x04};
inline constexpr std::uint8_t kSafetyStatusB{0x05};
inline constexpr std::uint8_t kSafetyAlertC{0x06};
inline constexpr std::uint8_t kSafetyStatusC{0x07};
inline constexpr std::uint8_t kBatteryStatus{0x12};
inline constexpr std::uint8_t kCell1Voltage{0x14};
inline constexpr std::uint8_t kStackVoltage{0x34};
inline constexpr std::uint8_t kPackVoltage{0x36};
inline constexpr std::uint8_t kLdVoltage{0x38};
inline constexpr std::uint8_t kCc2Current{0x3A};
inline constexpr std::uint8_t kSubcommandLow{0x3E};
inline constexpr std::uint8_t kSubcommandHigh{0x3F};
inline constexpr std::uint8_t kTransferBuffer{0x40};
inline constexpr std::uint8_t kTransferChecksum{0x60};
inline constexpr std::uint8_t kTransferLength{0x61};
inline constexpr std::uint8_t kAlarmStatus{0x62};
inline constexpr std::uint8_t kAlarmRawStatus{0x64};
inline constexpr std::uint8_t kAlarmEnable{0x66};
inline constexpr std::uint8_t kIntTemperature{0x68};
inline constexpr std::uint8_t kTs1Temperature{0x70};
inline constexpr std::uint8_t kTs2Temperature{0x72};
inline constexpr std::uint8_t kTs3Temperature{0x74};
inline constexpr std::uint8_t kFetStatus{0x7F};
constexpr std::uint8_t cell_voltage(int cell_1_based) { return static_cast<std::uint8_t>(0x14 + 2 * (cell_1_based - 1)); }
}  // namespace command

// Bit fields the firmware reads (TRM 12.2 register descriptions).
namespace bits {
// Safety Alert/Status A (and the FET Protections A / Enabled Protections A masks).
inline constexpr std::uint8_t kCuv{1U << 2};
inline constexpr std::uint8_t kCov{1U << 3};
inline constexpr std::uint8_t kOcc{1U << 4};
inline constexpr std::uint8_t kOcd1{1U << 5};
inline constexpr std::uint8_t kOcd2{1U << 6};
inline constexpr std::uint8_t kScd{1U << 7};
// Safety Alert/Status B.
inline constexpr std::uint8_t kUtc{1U << 0};
inline constexpr std::uint8_t kUtd{1U << 1};
inline constexpr std::uint8_t kUtint{1U << 2};
inline constexpr std::uint8_t kOtc{1U << 4};
inline constexpr std::uint8_t kOtd{1U << 5};
inline constexpr std::uint8_t kOtint{1U << 6};
inline constexpr std::uint8_t kOtf{1U << 7};
// Safety Alert/Status C.
inline constexpr std::uint8_t kHwdf{1U << 1};
inline constexpr std::uint8_t kPto{1U << 2};
inline constexpr std::uint8_t kCovl{1U << 4};
inline constexpr std::uint8_t kOcdl{1U << 5};
inline constexpr std::uint8_t kScdl{1U << 6};
inline constexpr std::uint8_t kOcd3{1U << 7};
// Battery Status.
inline constexpr std::uint16_t kCfgUpdate{1U << 0};
inline constexpr std::uint16_t kPchgMode{1U << 1};
inline constexpr std::uint16_t kSleepEn{1U << 2};
inline constexpr std::uint16_t kPor{1U << 3};
inline constexpr std::uint16_t kWd{1U << 4};
inline constexpr std::uint16_t kSecFullAccess{1U << 8};  // SEC[1:0] = 1
inline constexpr std::uint16_t kSdCmd{1U << 13};
inline constexpr std::uint16_t kSleep{1U << 15};
// Control Status.
inline constexpr std::uint16_t kLdOn{1U << 0};
inline constexpr std::uint16_t kLdTimeout{1U << 1};
inline constexpr std::uint16_t kDeepSleep{1U << 2};
// Alarm Status / Raw Status / Enable.
inline constexpr std::uint16_t kAlarmWake{1U << 0};
inline constexpr std::uint16_t kAlarmAdscan{1U << 1};
inline constexpr std::uint16_t kAlarmCb{1U << 2};
inline constexpr std::uint16_t kAlarmFuse{1U << 3};
inline constexpr std::uint16_t kAlarmShutv{1U << 4};
inline constexpr std::uint16_t kAlarmXdsg{1U << 5};
inline constexpr std::uint16_t kAlarmXchg{1U << 6};
inline constexpr std::uint16_t kAlarmFullscan{1U << 7};
inline constexpr std::uint16_t kAlarmInitComp{1U << 9};
inline constexpr std::uint16_t kAlarmInitStart{1U << 10};
inline constexpr std::uint16_t kAlarmMskPfAlert{1U << 11};
inline constexpr std::uint16_t kAlarmMskSfAlert{1U << 12};
inline constexpr std::uint16_t kAlarmPf{1U << 13};
inline constexpr std::uint16_t kAlarmSsa{1U << 14};
inline constexpr std::uint16_t kAlarmSsbc{1U << 15};
// FET Status.
inline constexpr std::uint8_t kChgFet{1U << 0};
inline constexpr std::uint8_t kPchgFet{1U << 1};
inline constexpr std::uint8_t kDsgFet{1U << 2};
inline constexpr std::uint8_t kPdsgFet{1U << 3};
inline constexpr std::uint8_t kDchgPin{1U << 4};
inline constexpr std::uint8_t kDdsgPin{1U << 5};
inline constexpr std::uint8_t kAlrtPin{1U << 6};
// Manufacturing Status (MFG_STATUS subcommand, Mfg Status Init).
inline constexpr std::uint16_t kPchgTest{1U << 0};
inline constexpr std::uint16_t kChgTest{1U << 1};
inline constexpr std::uint16_t kDsgTest{1U << 2};
inline constexpr std::uint16_t kFetEn{1U << 4};
inline constexpr std::uint16_t kPdsgTest{1U << 5};
inline constexpr std::uint16_t kPfEn{1U << 6};
// FET_CONTROL subcommand data byte.
inline constexpr std::uint8_t kDsgOff{1U << 0};
inline constexpr std::uint8_t kPdsgOff{1U << 1};
inline constexpr std::uint8_t kChgOff{1U << 2};
inline constexpr std::uint8_t kPchgOff{1U << 3};
}  // namespace bits

}  // namespace packsim::afe
