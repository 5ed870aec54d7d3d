// NORMAL, SLEEP, DEEPSLEEP and SHUTDOWN, and how the chip gets out of each (TRM chapter 7, datasheet 13).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::kAddress;
using testing::Rig;

bool answers(Bq76952& afe) {
  const std::uint8_t reg[1]{command::kBatteryStatus};
  return afe.write(kAddress, reg, 1).kind != I2cStatus::Kind::kAddressNack;
}

TEST(Sleep, EntersSleepWhenTheCurrentStaysBelowSleepCurrent) {
  Rig rig;
  rig.pins.sense_v = 0.015e-3;  // 15 mA < Sleep Current 20 mA
  rig.run_for(240 * kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  rig.run_for(20 * kNsPerMs);  // first CC1 result at 250 ms
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kSleep, 0);
}

TEST(Sleep, StaysAwakeWhileCurrentFlows) {
  Rig rig;
  rig.pins.sense_v = -0.5e-3;
  rig.run_for(2 * kNsPerS);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
}

TEST(Sleep, MeasuresOnlyEveryVoltageTime) {
  Rig rig;
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  const std::uint32_t scans{rig.afe.state().adc.scans};
  rig.run_for(4900 * kNsPerMs);
  EXPECT_LE(rig.afe.state().adc.scans, scans + 1);
  rig.run_for(5 * kNsPerS);
  EXPECT_GE(rig.afe.state().adc.scans, scans + 1);
  EXPECT_LE(rig.afe.state().adc.scans, scans + 2);
}

TEST(Sleep, WakeComparatorEndsSleepWithinTwelveMilliseconds) {
  Rig rig;
  rig.host.write_bytes(command::kAlarmEnable, {bits::kAlarmWake, 0xF8});
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  rig.pins.sense_v = -0.4e-3;  // 400 mA: below Wake Comparator Current (500 mA)
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  rig.pins.sense_v = -0.6e-3;  // 600 mA
  rig.run_for(12 * kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  EXPECT_NE(rig.host.read_u16(command::kAlarmStatus) & bits::kAlarmWake, 0);
}

TEST(Sleep, HysteresisKeepsTheChipAwakeAfterWaking) {
  Rig rig;
  rig.run_for(kNsPerS);
  rig.pins.sense_v = -1e-3;
  rig.run_for(20 * kNsPerMs);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  rig.pins.sense_v = 0.0;
  rig.run_for(9 * kNsPerS);  // Sleep Hysteresis Time 10 s
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  rig.run_for(2 * kNsPerS);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
}

TEST(Sleep, SleepDisableWakesAndKeepsItAwake) {
  Rig rig;
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  rig.run_for(30 * kNsPerS);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
}

TEST(Sleep, ChargerAtPackWakesTheChip) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_i2(dm::kSleepChargerVoltageThreshold, 6000); });  // 60 V
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  rig.pins.pack_v = rig.pins.stack_v + 4.0;  // more than the 2 V PACK-TOS delta
  rig.run_for(5 * kNsPerS);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
}

TEST(DeepSleep, NeedsTheCommandTwiceWithinFourSeconds) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.run_for(5 * kNsPerS);
  rig.host.subcommand(subcommand::kDeepSleep);  // too late: this is a first one again
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  rig.run_for(3 * kNsPerS);
  rig.host.subcommand(subcommand::kDeepSleep);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kDeepSleep);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_NE(rig.host.read_u16(command::kControlStatus) & bits::kDeepSleep, 0);
}

TEST(DeepSleep, AnyOtherCommandInBetweenResetsTheCount) {
  Rig rig;
  rig.run_for(100 * kNsPerMs);
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.host.subcommand(subcommand::kDeviceNumber);
  rig.host.subcommand(subcommand::kDeepSleep);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
}

TEST(DeepSleep, StillAnswersTheBusAndExitsOnExitDeepSleep) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.run_for(10 * kNsPerS);
  EXPECT_TRUE(answers(rig.afe));
  rig.host.subcommand(subcommand::kExitDeepSleep);
  rig.run_for(400 * kNsPerMs);  // ~250 ms plus a loop before the FETs return
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(DeepSleep, ChargerAttachedAtLdWakesIt) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.host.subcommand(subcommand::kDeepSleep);
  rig.pins.ld_v = 0.0;  // FETs open, passive load: PACK+ at 0 V
  rig.pins.pack_v = 0.0;
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kDeepSleep);
  rig.pins.ld_v = 58.0;  // charger connected
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kNormal);
}

TEST(Shutdown, ChipGoesSilentAndOpensTheFets) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.ld_v = 0.0;
  rig.pins.pack_v = 0.0;
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kShutdown);
  EXPECT_FALSE(answers(rig.afe));
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  rig.run_for(60 * kNsPerS);
  EXPECT_FALSE(answers(rig.afe));
}

TEST(Shutdown, ChargerVoltageAtLdWakesTheChipWithItsDefaults) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xFC); });
  rig.boot_with_fets_enabled();
  rig.pins.ld_v = 0.0;
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(kNsPerS);
  ASSERT_FALSE(answers(rig.afe));
  rig.pins.ld_v = 1.0;  // below VWAKEONLD (1.45 V)
  rig.run_for(kNsPerS);
  EXPECT_FALSE(answers(rig.afe));
  rig.pins.ld_v = 58.4;
  rig.run_for(kNsPerMs);
  EXPECT_TRUE(answers(rig.afe));
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kPor, 0);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x88);  // RAM lost in SHUTDOWN
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kMfgStatus) & bits::kFetEn, 0);
}

TEST(Shutdown, Ts2PulledLowWakesTheChip) {
  Rig rig;
  rig.pins.ld_v = 0.0;
  rig.run_for(100 * kNsPerMs);
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(kNsPerS);
  ASSERT_FALSE(answers(rig.afe));
  rig.pins.ts2_pulled_low = true;
  rig.run_for(kNsPerMs);
  EXPECT_TRUE(answers(rig.afe));
}

TEST(Shutdown, WaitsWhileAChargerHoldsLdHigh) {
  Rig rig;
  rig.pins.ld_v = 58.0;
  rig.run_for(100 * kNsPerMs);
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(5 * kNsPerS);
  EXPECT_TRUE(answers(rig.afe));
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kSdCmd, 0);
  rig.pins.ld_v = 0.0;
  rig.run_for(kNsPerMs);
  EXPECT_FALSE(answers(rig.afe));
}

TEST(Shutdown, FetOffDelayAndCommandDelayAreHonoured) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kFetOffDelay, 4);           // 1 s
    h.dm_write_u1(dm::kShutdownCommandDelay, 8);  // 2 s
  });
  rig.boot_with_fets_enabled();
  rig.pins.ld_v = 0.0;
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(999 * kNsPerMs);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.run_for(2 * kNsPerMs);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(answers(rig.afe));
  rig.run_for(kNsPerS);
  EXPECT_FALSE(answers(rig.afe));
}

TEST(Shutdown, SecondCommandWithinFourSecondsSkipsTheDelays) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kShutdownCommandDelay, 40); });  // 10 s
  rig.run_for(100 * kNsPerMs);
  rig.pins.ld_v = 0.0;
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(kNsPerS);
  EXPECT_TRUE(answers(rig.afe));
  rig.host.subcommand(subcommand::kShutdown);
  rig.run_for(kNsPerMs);
  EXPECT_FALSE(answers(rig.afe));
}

TEST(Shutdown, AutomaticBelowShutdownStackVoltageAfterItsDelay) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins = testing::nominal_pins(0.37);  // 5.92 V stack: below 6.00 V, above the POR level
  rig.pins.ld_v = 0.0;
  rig.run_for(60 * kNsPerMs);
  EXPECT_NE(rig.host.read_u16(command::kAlarmRawStatus) & bits::kAlarmShutv, 0);
  rig.run_for(900 * kNsPerMs);
  EXPECT_TRUE(answers(rig.afe));  // Low V Shutdown Delay = 1 s
  rig.run_for(200 * kNsPerMs);
  EXPECT_FALSE(answers(rig.afe));
  EXPECT_EQ(rig.afe.power_mode(), PowerMode::kShutdown);
}

TEST(PowerOnReset, SupplyBelowPorTurnsTheChipOffAndItBootsAgainWithPor) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xFC); });
  rig.pins.stack_v = 3.0;
  rig.run_for(kNsPerMs);
  EXPECT_FALSE(rig.afe.powered());
  EXPECT_FALSE(answers(rig.afe));
  rig.pins.stack_v = 52.8;
  rig.run_for(kNsPerMs);
  EXPECT_TRUE(answers(rig.afe));
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kPor, 0);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x88);
}

}  // namespace
}  // namespace packsim::afe
