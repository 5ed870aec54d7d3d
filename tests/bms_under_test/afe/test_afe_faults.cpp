// Faults on the chip's side: open sense wire, stuck ADC channel, NTC open/short,
// I2C bus errors, brown-out. Each injectable at any time and clearable.
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::kAddress;
using testing::Rig;

TEST(OpenSenseWire, CellBelowReadsLowAndCellAboveHighAndTheyDrift) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(100 * kNsPerMs);
  rig.afe.inject(OpenSenseWire{5, 0.05});  // VC5: between cell 5 and cell 6
  rig.run_for(2 * kNsPerS);
  const int low_2s{rig.host.read_i16(command::cell_voltage(5))};
  const int high_2s{rig.host.read_i16(command::cell_voltage(6))};
  EXPECT_LT(low_2s, 3250);
  EXPECT_GT(high_2s, 3350);
  EXPECT_NEAR(low_2s + high_2s, 6600, 2);  // the pair still sums to the two cells
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(4)), 3300);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(7)), 3300);
  rig.run_for(2 * kNsPerS);
  EXPECT_LT(rig.host.read_i16(command::cell_voltage(5)), low_2s - 50);  // still drifting
  rig.afe.clear_fault(AfeFaultKind::kOpenSenseWire);
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(5)), 3300);
}

TEST(OpenSenseWire, DriftingReadingTripsUndervoltageOnTheAffectedCell) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0x8C); });
  rig.boot_with_fets_enabled();
  rig.afe.inject(OpenSenseWire{3, 0.5});
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(rig.status_a() & bits::kCuv, bits::kCuv);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

TEST(StuckAdcChannel, ReadingFreezesUntilCleared) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(100 * kNsPerMs);
  rig.afe.inject(StuckAdcChannel{cell_channel(6)});
  rig.pins.cell_v[6] = 3.1;
  rig.pins.cell_v[7] = 3.1;
  rig.run_for(200 * kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(7)), 3300);  // frozen
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(8)), 3100);
  rig.afe.clear_fault(AfeFaultKind::kStuckAdcChannel);
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(7)), 3100);
}

TEST(StuckAdcChannel, StuckCurrentKeepsItsLastValue) {
  Rig rig;
  rig.pins.sense_v = -2e-3;
  rig.run_for(100 * kNsPerMs);
  rig.afe.inject(StuckAdcChannel{AdcChannel::kCurrent});
  rig.pins.sense_v = 0.0;
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), -2000);
}

TEST(Ntc, OpenThermistorReadsVeryCold) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.afe.inject(NtcOpen{kTs1Pin});
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kTs1Temperature), 2182);  // clamped at -55 C
}

TEST(Ntc, ShortedThermistorReadsVeryHot) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.afe.inject(NtcShort{kTs1Pin});
  rig.run_for(100 * kNsPerMs);
  EXPECT_GE(rig.host.read_i16(command::kTs1Temperature), 4000);  // > 127 C
  rig.afe.clear_fault(AfeFaultKind::kNtcShort);
  rig.run_for(100 * kNsPerMs);
  EXPECT_NEAR(rig.host.read_i16(command::kTs1Temperature), 2982, 1);
}

TEST(Ntc, OpenThermistorTripsUndertemperature) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsB, bits::kUtc | bits::kUtd); });
  rig.boot_with_fets_enabled();
  rig.afe.inject(NtcOpen{kTs1Pin});
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusB), bits::kUtc | bits::kUtd);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

// Counts transactions of a register read that fail, with the given bus errors.
int failed_reads(std::uint64_t seed, const I2cBusErrors& errors, int reads, bool crc = false) {
  Bq76952Config config{testing::ideal_config(seed)};
  if (crc) {
    config.otp.push_back({dm::kCommType, 0x12});
  }
  Rig rig{config};
  rig.host.crc = crc;
  rig.run_for(100 * kNsPerMs);
  rig.afe.inject(errors);
  int failed{0};
  for (int i = 0; i < reads; ++i) {
    I2cStatus status;
    const int errors_before{rig.host.crc_errors};
    const auto bytes = rig.host.read_bytes(command::cell_voltage(1), 2, &status);
    const bool wrong{(bytes[0] | (bytes[1] << 8)) != 3300};
    if (!status.ok() || rig.host.crc_errors != errors_before || (!crc && wrong)) {
      ++failed;
    }
  }
  return failed;
}

TEST(I2cBusErrors, NackRateIsRoughlyAsConfigured) {
  // A read is three bytes the host sends (two address bytes and the register):
  // P(fail) = 1 - (1 - p)^3.
  const int reads{20000};
  const int failed{failed_reads(3, I2cBusErrors{0.01, 0.0}, reads)};
  const double expected{reads * (1.0 - std::pow(0.99, 3))};
  EXPECT_NEAR(failed, expected, 4.0 * std::sqrt(expected));
}

TEST(I2cBusErrors, SameSeedGivesTheSameErrors) {
  EXPECT_EQ(failed_reads(5, I2cBusErrors{0.02, 0.01}, 3000), failed_reads(5, I2cBusErrors{0.02, 0.01}, 3000));
  EXPECT_NE(failed_reads(5, I2cBusErrors{0.02, 0.01}, 3000), failed_reads(6, I2cBusErrors{0.02, 0.01}, 3000));
}

TEST(I2cBusErrors, CrcModeCatchesEveryCorruptedByte) {
  // Corruption flips one bit; CRC-8 detects every single-bit error.
  Bq76952Config config{testing::ideal_config(9)};
  config.otp.push_back({dm::kCommType, 0x12});
  Rig rig{config};
  rig.host.crc = true;
  rig.run_for(100 * kNsPerMs);
  rig.afe.inject(I2cBusErrors{0.0, 0.05});
  int undetected{0};
  int detected{0};
  for (int i = 0; i < 5000; ++i) {
    I2cStatus status;
    const int before{rig.host.crc_errors};
    const auto bytes = rig.host.read_bytes(command::cell_voltage(1), 2, &status);
    const bool caught{!status.ok() || rig.host.crc_errors != before};
    detected += caught ? 1 : 0;
    undetected += (!caught && (bytes[0] | (bytes[1] << 8)) != 3300) ? 1 : 0;
  }
  EXPECT_GT(detected, 100);
  EXPECT_EQ(undetected, 0);
}

TEST(I2cBusErrors, CorruptedWriteWithoutCrcGoesThrough) {
  Rig rig;
  rig.afe.inject(I2cBusErrors{0.0, 1.0});  // every byte corrupted
  rig.host.write_bytes(command::kAlarmEnable, {0x00, 0x00});
  rig.afe.clear_fault(AfeFaultKind::kI2cBusErrors);
  // Some register got something other than what the host meant: no CRC, no detection.
  EXPECT_NE(rig.host.read_u16(command::kAlarmEnable), 0x0000);
}

TEST(BrownOut, ChipGoesSilentThenBootsWithDefaults) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xFC); });
  rig.boot_with_fets_enabled();
  rig.afe.inject(BrownOut{20 * kNsPerMs});
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.run_for(10 * kNsPerMs);
  const std::uint8_t reg[1]{command::kBatteryStatus};
  EXPECT_EQ(rig.afe.write(kAddress, reg, 1).kind, I2cStatus::Kind::kAddressNack);
  rig.run_for(15 * kNsPerMs);
  EXPECT_TRUE(rig.afe.write(kAddress, reg, 1).ok());
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kPor, 0);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x88);
}

}  // namespace
}  // namespace packsim::afe
