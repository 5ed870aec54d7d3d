#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace packsim::afe {

// Data memory types of the TRM (SLUUBY2 3.3 "Data Formats").
enum class DmType : std::uint8_t { kU1, kU2, kI1, kI2, kF4, kH1, kH2 };

constexpr std::size_t dm_type_size(DmType type) {
  switch (type) {
    case DmType::kU1:
    case DmType::kI1:
    case DmType::kH1:
      return 1;
    case DmType::kU2:
    case DmType::kI2:
    case DmType::kH2:
      return 2;
    case DmType::kF4:
      return 4;
  }
  return 0;
}

// One data memory setting: where it lives, its type and range and its default
// (TRM SLUUBY2 chapter 13 "Data Memory Summary"). Values are held as double so
// one column serves integers, hex fields and IEEE-754 floats alike.
struct DataMemoryField {
  std::uint16_t address;
  DmType type;
  double min;
  double max;
  double default_value;
  std::string_view name;
};

// Every field the emulation models or answers with its default.
std::span<const DataMemoryField> data_memory_fields();
const DataMemoryField* find_data_memory_field(std::uint16_t address);

// The data memory RAM: 0x9180..0x937F (beyond the last field, 0x9343). Bytes
// of no field read as 0. Little-endian, as on the bus.
class DataMemory {
 public:
  static constexpr std::uint16_t kBase{0x9180};
  static constexpr std::uint16_t kEnd{0x9380};

  DataMemory() { reset_to_defaults(); }

  void reset_to_defaults();

  static constexpr bool contains(std::uint16_t address) { return address >= kBase && address < kEnd; }
  std::uint8_t byte(std::uint16_t address) const { return contains(address) ? bytes_[address - kBase] : 0; }

  std::uint8_t u1(std::uint16_t address) const { return byte(address); }
  std::int8_t i1(std::uint16_t address) const { return static_cast<std::int8_t>(byte(address)); }
  std::uint16_t u2(std::uint16_t address) const {
    return static_cast<std::uint16_t>(byte(address) | (byte(static_cast<std::uint16_t>(address + 1)) << 8U));
  }
  std::int16_t i2(std::uint16_t address) const { return static_cast<std::int16_t>(u2(address)); }
  float f4(std::uint16_t address) const;

  // The value of a field as its type reads it.
  double value(const DataMemoryField& field) const;
  // Sets a field by value (tests, the emulated OTP); throws std::out_of_range
  // for an unknown address or a value outside the field's range.
  void set(std::uint16_t address, double value);

  // A host block write through the transfer buffer. Refused as a whole (returns
  // false, memory unchanged) if it starts outside data memory or would put any
  // field it covers completely out of that field's range.
  bool write_block(std::uint16_t address, const std::uint8_t* data, std::size_t n);
  // Copies up to n bytes starting at address (0 beyond the RAM).
  void read_block(std::uint16_t address, std::uint8_t* out, std::size_t n) const;

 private:
  void put(const DataMemoryField& field, double value, std::uint8_t* bytes) const;
  static double decode(const DataMemoryField& field, const std::uint8_t* bytes);

  std::array<std::uint8_t, kEnd - kBase> bytes_{};
};

// Addresses the emulation reads (TRM chapter 13).
namespace dm {
inline constexpr std::uint16_t kCell1Gain{0x9180};
inline constexpr std::uint16_t kPackGain{0x91A0};
inline constexpr std::uint16_t kTosGain{0x91A2};
inline constexpr std::uint16_t kLdGain{0x91A4};
inline constexpr std::uint16_t kCcGain{0x91A8};
inline constexpr std::uint16_t kCapacityGain{0x91AC};
inline constexpr std::uint16_t kVcellOffset{0x91B0};
inline constexpr std::uint16_t kVdivOffset{0x91B2};
inline constexpr std::uint16_t kBoardOffset{0x91C8};
inline constexpr std::uint16_t kInternalTempOffset{0x91CA};
inline constexpr std::uint16_t kCfetoffTempOffset{0x91CB};  // then DFETOFF, ALERT, TS1, TS2, TS3, HDQ, DCHG, DDSG
inline constexpr std::uint16_t kTs1TempOffset{0x91CE};
inline constexpr std::uint16_t kPowerConfig{0x9234};
inline constexpr std::uint16_t kCommType{0x9239};
inline constexpr std::uint16_t kI2cAddress{0x923A};
inline constexpr std::uint16_t kShutdownCellVoltage{0x923F};
inline constexpr std::uint16_t kShutdownStackVoltage{0x9241};
inline constexpr std::uint16_t kLowVShutdownDelay{0x9243};
inline constexpr std::uint16_t kShutdownTemperature{0x9244};
inline constexpr std::uint16_t kShutdownTemperatureDelay{0x9245};
inline constexpr std::uint16_t kSleepCurrent{0x9248};
inline constexpr std::uint16_t kSleepVoltageTime{0x924A};
inline constexpr std::uint16_t kWakeComparatorCurrent{0x924B};
inline constexpr std::uint16_t kSleepHysteresisTime{0x924D};
inline constexpr std::uint16_t kSleepChargerVoltageThreshold{0x924E};
inline constexpr std::uint16_t kSleepChargerPackTosDelta{0x9250};
inline constexpr std::uint16_t kFetOffDelay{0x9252};
inline constexpr std::uint16_t kShutdownCommandDelay{0x9253};
inline constexpr std::uint16_t kProtectionConfiguration{0x925F};
inline constexpr std::uint16_t kEnabledProtectionsA{0x9261};
inline constexpr std::uint16_t kEnabledProtectionsB{0x9262};
inline constexpr std::uint16_t kEnabledProtectionsC{0x9263};
inline constexpr std::uint16_t kChgFetProtectionsA{0x9265};
inline constexpr std::uint16_t kChgFetProtectionsB{0x9266};
inline constexpr std::uint16_t kChgFetProtectionsC{0x9267};
inline constexpr std::uint16_t kDsgFetProtectionsA{0x9269};
inline constexpr std::uint16_t kDsgFetProtectionsB{0x926A};
inline constexpr std::uint16_t kDsgFetProtectionsC{0x926B};
inline constexpr std::uint16_t kDefaultAlarmMask{0x926D};
inline constexpr std::uint16_t kSfAlertMaskA{0x926F};
inline constexpr std::uint16_t kSfAlertMaskB{0x9270};
inline constexpr std::uint16_t kSfAlertMaskC{0x9271};
inline constexpr std::uint16_t kBodyDiodeThreshold{0x9273};
inline constexpr std::uint16_t kCuvThreshold{0x9275};
inline constexpr std::uint16_t kCuvDelay{0x9276};
inline constexpr std::uint16_t kCovThreshold{0x9278};
inline constexpr std::uint16_t kCovDelay{0x9279};
inline constexpr std::uint16_t kCuvRecoveryHysteresis{0x927B};
inline constexpr std::uint16_t kCovRecoveryHysteresis{0x927C};
inline constexpr std::uint16_t kCovlLatchLimit{0x927D};
inline constexpr std::uint16_t kCovlCounterDecDelay{0x927E};
inline constexpr std::uint16_t kCovlRecoveryTime{0x927F};
inline constexpr std::uint16_t kOccThreshold{0x9280};
inline constexpr std::uint16_t kOccDelay{0x9281};
inline constexpr std::uint16_t kOcd1Threshold{0x9282};
inline constexpr std::uint16_t kOcd1Delay{0x9283};
inline constexpr std::uint16_t kOcd2Threshold{0x9284};
inline constexpr std::uint16_t kOcd2Delay{0x9285};
inline constexpr std::uint16_t kScdThreshold{0x9286};
inline constexpr std::uint16_t kScdDelay{0x9287};
inline constexpr std::uint16_t kOccRecoveryThreshold{0x9288};
inline constexpr std::uint16_t kOcd3Threshold{0x928A};
inline constexpr std::uint16_t kOcd3Delay{0x928C};
inline constexpr std::uint16_t kOcdRecoveryThreshold{0x928D};
inline constexpr std::uint16_t kOcdlLatchLimit{0x928F};
inline constexpr std::uint16_t kOcdlCounterDecDelay{0x9290};
inline constexpr std::uint16_t kOcdlRecoveryTime{0x9291};
inline constexpr std::uint16_t kOcdlRecoveryThreshold{0x9292};
inline constexpr std::uint16_t kScdRecoveryTime{0x9294};
inline constexpr std::uint16_t kScdlLatchLimit{0x9295};
inline constexpr std::uint16_t kScdlCounterDecDelay{0x9296};
inline constexpr std::uint16_t kScdlRecoveryTime{0x9297};
inline constexpr std::uint16_t kScdlRecoveryThreshold{0x9298};
inline constexpr std::uint16_t kOtcThreshold{0x929A};
inline constexpr std::uint16_t kOtcDelay{0x929B};
inline constexpr std::uint16_t kOtcRecovery{0x929C};
inline constexpr std::uint16_t kOtdThreshold{0x929D};
inline constexpr std::uint16_t kOtdDelay{0x929E};
inline constexpr std::uint16_t kOtdRecovery{0x929F};
inline constexpr std::uint16_t kOtfThreshold{0x92A0};
inline constexpr std::uint16_t kOtfDelay{0x92A1};
inline constexpr std::uint16_t kOtfRecovery{0x92A2};
inline constexpr std::uint16_t kOtintThreshold{0x92A3};
inline constexpr std::uint16_t kOtintDelay{0x92A4};
inline constexpr std::uint16_t kOtintRecovery{0x92A5};
inline constexpr std::uint16_t kUtcThreshold{0x92A6};
inline constexpr std::uint16_t kUtcDelay{0x92A7};
inline constexpr std::uint16_t kUtcRecovery{0x92A8};
inline constexpr std::uint16_t kUtdThreshold{0x92A9};
inline constexpr std::uint16_t kUtdDelay{0x92AA};
inline constexpr std::uint16_t kUtdRecovery{0x92AB};
inline constexpr std::uint16_t kUtintThreshold{0x92AC};
inline constexpr std::uint16_t kUtintDelay{0x92AD};
inline constexpr std::uint16_t kUtintRecovery{0x92AE};
inline constexpr std::uint16_t kRecoveryTime{0x92AF};
inline constexpr std::uint16_t kOccPackTosDelta{0x92B0};
inline constexpr std::uint16_t kLoadDetectActiveTime{0x92B4};
inline constexpr std::uint16_t kLoadDetectRetryDelay{0x92B5};
inline constexpr std::uint16_t kCfetoffPinConfig{0x92FA};  // then DFETOFF, ALERT, TS1, TS2, TS3, HDQ, DCHG, DDSG
inline constexpr std::uint16_t kTs1Config{0x92FD};
inline constexpr std::uint16_t kTs2Config{0x92FE};
inline constexpr std::uint16_t kTs3Config{0x92FF};
inline constexpr std::uint16_t kDaConfiguration{0x9303};
inline constexpr std::uint16_t kVcellMode{0x9304};
inline constexpr std::uint16_t kFetOptions{0x9308};
inline constexpr std::uint16_t kChgPumpControl{0x9309};
inline constexpr std::uint16_t kDsgCurrentThreshold{0x9310};
inline constexpr std::uint16_t kChgCurrentThreshold{0x9312};
inline constexpr std::uint16_t kBalancingConfiguration{0x9335};
inline constexpr std::uint16_t kCbMinCellTemp{0x9336};
inline constexpr std::uint16_t kCbMaxCellTemp{0x9337};
inline constexpr std::uint16_t kCbMaxInternalTemp{0x9338};
inline constexpr std::uint16_t kCbInterval{0x9339};
inline constexpr std::uint16_t kCbMaxCells{0x933A};
inline constexpr std::uint16_t kMfgStatusInit{0x9343};
}  // namespace dm

}  // namespace packsim::afe
