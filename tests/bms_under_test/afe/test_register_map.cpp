// The direct-command table and the encoding of each measurement register (TRM chapter 12).
#include <gtest/gtest.h>

#include <set>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Host;
using testing::Rig;

TEST(RegisterMap, RegistersDoNotOverlapAndEachByteFindsItsRegister) {
  std::set<int> bytes;
  for (const RegisterSpec& spec : kDirectCommands) {
    for (int b = 0; b < spec.width_bytes; ++b) {
      EXPECT_TRUE(bytes.insert(spec.address + b).second) << spec.name;
      EXPECT_EQ(register_at(static_cast<std::uint8_t>(spec.address + b)), &spec);
    }
  }
  EXPECT_EQ(register_at(0x08), nullptr);
  EXPECT_EQ(register_at(0x3C), nullptr);
  EXPECT_EQ(register_at(0x7E), nullptr);
}

TEST(RegisterMap, CellVoltageRegistersSitAtTheTrmAddresses) {
  for (int cell = 1; cell <= 16; ++cell) {
    const RegisterSpec* spec{register_at(command::cell_voltage(cell))};
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->source, RegisterSource::kCellVoltage);
    EXPECT_EQ(spec->index, cell - 1);
    EXPECT_TRUE(spec->is_signed);
  }
  EXPECT_EQ(command::cell_voltage(16), 0x32);
}

TEST(Registers, CellVoltageReadsSignedMillivoltsQuantisedToOneMillivolt) {
  Rig rig;
  rig.pins.cell_v[0] = 3.2914;
  rig.pins.cell_v[5] = 3.2916;
  rig.pins.cell_v[15] = -0.1204;  // a cell input below its neighbour reads negative
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(1)), 3291);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(6)), 3292);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(16)), -120);
}

TEST(Registers, MeasurementRegistersReadZeroBeforeTheFirstLoop) {
  Rig rig;
  rig.run_for(sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(1)), 0);
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(1)), 3300);
}

TEST(Registers, StackPackAndLdReadInTenMillivoltUnitsByDefault) {
  Rig rig;
  rig.pins.stack_v = 52.81;
  rig.pins.pack_v = 52.30;
  rig.pins.ld_v = 12.05;
  rig.run_for(100 * sim::kNsPerMs);
  // The divider's LSB is 5.24 mV, so the reading lands within one count of the value.
  EXPECT_NEAR(rig.host.read_i16(command::kStackVoltage), 5281, 1);
  EXPECT_NEAR(rig.host.read_i16(command::kPackVoltage), 5230, 1);
  EXPECT_NEAR(rig.host.read_i16(command::kLdVoltage), 1205, 1);
}

TEST(Registers, UserVoltsSwitchToMillivoltsWithDaConfiguration) {
  Rig rig;
  rig.pins.stack_v = 24.0;
  rig.run_for(100 * sim::kNsPerMs);
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kDaConfiguration, 0x01); });  // USER_VOLTS_CV = 0
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_NEAR(rig.host.read_i16(command::kStackVoltage), 24000, 3);
}

TEST(Registers, Cc2CurrentIsPositiveWhileChargingInMilliamps) {
  Rig rig;
  rig.pins.sense_v = 2.5e-3;  // 2.5 A charging through the default 1 mOhm (CC Gain 7.4768)
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 2500);
  rig.pins.sense_v = -1.25e-3;  // 1.25 A discharging
  rig.run_for(10 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), -1250);
}

TEST(Registers, Cc2CurrentFollowsUserAmpsAndCcGain) {
  Rig rig;
  rig.pins.sense_v = -0.5e-3 * 30.0;  // 30 A discharge across 0.5 mOhm
  rig.host.configure([](Host& h) {
    h.dm_write_f4(dm::kCcGain, 7.4768F / 0.5F);  // 0.5 mOhm sense resistor
    h.dm_write_u1(dm::kDaConfiguration, 0x06);   // userA = 10 mA, userV = 10 mV
  });
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), -3000);
}

TEST(Registers, TemperaturesReadInTenthsOfAKelvin) {
  Rig rig;
  rig.pins.die_temp_c = 31.0;
  rig.pins.pin_temp_c[kTs1Pin] = 25.0;
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kIntTemperature), 3042);  // 304.15 K rounds to 3042
  EXPECT_NEAR(rig.host.read_i16(command::kTs1Temperature), 2982, 1);  // 298.15 K
  // TS3 is not configured as a thermistor by default.
  EXPECT_EQ(rig.host.read_i16(command::kTs3Temperature), 0);
}

TEST(Registers, UnknownRegisterIsNacked) {
  Rig rig;
  const std::uint8_t reg[1]{0x3C};
  const I2cStatus status{rig.afe.write(testing::kAddress, reg, 1)};
  EXPECT_EQ(status.kind, I2cStatus::Kind::kDataNack);
  EXPECT_EQ(status.byte_index, 0U);
}

TEST(Registers, WritesToReadOnlyRegistersAreNacked) {
  Rig rig;
  rig.run_for(100 * sim::kNsPerMs);
  const I2cStatus status{rig.host.write_bytes(command::cell_voltage(1), {0x00, 0x00})};
  EXPECT_EQ(status.kind, I2cStatus::Kind::kDataNack);
  EXPECT_EQ(status.byte_index, 1U);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(1)), 3300);
}

TEST(Registers, AlarmStatusBitsClearWhenWrittenWithOne) {
  Rig rig;
  rig.run_for(100 * sim::kNsPerMs);
  rig.host.write_bytes(command::kAlarmEnable, {0x82, 0xF6});  // + FULLSCAN, ADSCAN, INITCOMP
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint16_t latched{rig.host.read_u16(command::kAlarmStatus)};
  EXPECT_NE(latched & bits::kAlarmFullscan, 0);
  EXPECT_NE(latched & bits::kAlarmAdscan, 0);
  // Writing 0 changes nothing; writing 1 clears just that bit.
  rig.host.write_bytes(command::kAlarmStatus, {0x00, 0x00});
  EXPECT_EQ(rig.host.read_u16(command::kAlarmStatus), latched);
  rig.host.write_bytes(command::kAlarmStatus, {bits::kAlarmFullscan, 0x00});
  EXPECT_EQ(rig.host.read_u16(command::kAlarmStatus), latched & ~bits::kAlarmFullscan);
}

TEST(Registers, AlarmEnableDefaultsToDefaultAlarmMask) {
  Rig rig;
  EXPECT_EQ(rig.host.read_u16(command::kAlarmEnable), 0xF800);
}

TEST(Registers, BatteryStatusShowsPowerOnResetUntilConfigUpdateExits) {
  Rig rig;
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint16_t status{rig.host.read_u16(command::kBatteryStatus)};
  EXPECT_NE(status & bits::kPor, 0);
  EXPECT_NE(status & bits::kSleepEn, 0);  // Power Config[SLEEP] defaults to 1
  EXPECT_EQ((status >> 8) & 0x3, 1);      // SEC = FULLACCESS
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kCfgUpdate, 0);
  rig.host.subcommand(subcommand::kExitCfgUpdate);
  EXPECT_EQ(rig.host.read_u16(command::kBatteryStatus) & (bits::kPor | bits::kCfgUpdate), 0);
}

}  // namespace
}  // namespace packsim::afe
