// FET drivers: FET test mode, host control, autonomous control, body diode
// protection, FET Status (TRM 5.2.2-5.2.3, datasheet 11.4-11.5).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::Rig;

TEST(FetControl, FetsStayOffInFetTestModeUntilFetEnable) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(kNsPerS);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kFetEnable);
  rig.run_for(kNsPerMs);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, TestSubcommandsToggleFetsInTestMode) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(100 * kNsPerMs);
  rig.host.subcommand(subcommand::kDsgTest);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  rig.host.subcommand(subcommand::kDsgTest);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, FetsWaitForTheFirstMeasurementLoopAfterBoot) {
  Bq76952Config config{testing::ideal_config()};
  config.otp.push_back({dm::kMfgStatusInit, 0x0050});  // FET_EN programmed in OTP
  Rig rig{config};
  rig.run_for(50 * kNsPerMs);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.run_for(10 * kNsPerMs);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, HostCommandsOpenAndCloseTheFets) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kDsgPdsgOff);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
  rig.host.subcommand(subcommand::kAllFetsOn);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kChgPchgOff);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kAllFetsOff);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kAllFetsOn);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, FetControlByteForcesIndividualFetsOff) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand_write(subcommand::kFetControl, {bits::kChgOff});
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand_write(subcommand::kFetControl, {0x00});
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(FetControl, HostCommandsAreIgnoredWithoutHostFetEn) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kFetOptions, 0x09); });  // HOST_FET_EN = 0
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kAllFetsOff);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, FetInitOffHoldsTheFetsUntilTheHostAllowsThem) {
  Bq76952Config config{testing::ideal_config()};
  config.otp.push_back({dm::kFetOptions, 0x2D});  // + FET_INIT_OFF
  config.otp.push_back({dm::kMfgStatusInit, 0x0050});
  Rig rig{config};
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(100 * kNsPerMs);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kAllFetsOn);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, ConfigUpdateModeOpensTheFets) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand(subcommand::kExitCfgUpdate);
  rig.run_for(60 * kNsPerMs);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetControl, SleepOpensTheChargeFetUnlessSleepChgIsSet) {
  Rig rig;
  rig.run_for(100 * kNsPerMs);
  rig.host.subcommand(subcommand::kFetEnable);
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(BodyDiodeProtection, ChargeFetClosesWhileDischargeFlowsThroughItsBodyDiode) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.cell_v[0] = 4.4;  // COV opens the CHG FET
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.status_a(), bits::kCov);
  ASSERT_FALSE(rig.afe.outputs().chg_fet_on);
  rig.pins.sense_v = -1.0e-3;  // 1 A discharge through the CHG body diode
  rig.run_for(10 * kNsPerMs);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
  rig.pins.sense_v = 0.0;
  rig.run_for(10 * kNsPerMs);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
}

TEST(BodyDiodeProtection, HostHeldFetIsNotOverridden) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.host.subcommand(subcommand::kChgPchgOff);
  rig.pins.sense_v = -1.0e-3;
  rig.run_for(10 * kNsPerMs);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
}

TEST(FetStatus, ReportsTheDriversAndTheAlertPin) {
  Rig rig;
  rig.boot_with_fets_enabled();
  EXPECT_EQ(rig.host.read_u8(command::kFetStatus), bits::kChgFet | bits::kDsgFet);
  rig.pins.sense_v = -0.05;  // SCD: status A latches into Alarm Status[SSA], ALERT asserts
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.host.read_u8(command::kFetStatus), bits::kDchgPin | bits::kDdsgPin | bits::kAlrtPin);
  EXPECT_TRUE(rig.afe.outputs().alert_pin);
  EXPECT_NE(rig.host.read_u16(command::kAlarmStatus) & bits::kAlarmSsa, 0);
}

}  // namespace
}  // namespace packsim::afe
