// Data memory: the table of settings, its defaults, ranges and CONFIG_UPDATE rule (TRM chapter 13).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Host;
using testing::Rig;

TEST(DataMemory, DefaultsMatchTheTrm) {
  const DataMemory memory;
  EXPECT_EQ(memory.u1(dm::kEnabledProtectionsA), 0x88);  // COV + SCD
  EXPECT_EQ(memory.u1(dm::kCuvThreshold), 50);           // 2.53 V
  EXPECT_EQ(memory.u2(dm::kCuvDelay), 74);
  EXPECT_EQ(memory.u1(dm::kCovThreshold), 86);  // 4.35 V
  EXPECT_EQ(memory.u1(dm::kScdDelay), 2);       // 15 us
  EXPECT_EQ(memory.u2(dm::kPowerConfig), 0x2982);
  EXPECT_EQ(memory.u1(dm::kFetOptions), 0x0D);
  EXPECT_EQ(memory.u2(dm::kMfgStatusInit), 0x0040);
  EXPECT_EQ(memory.u1(dm::kTs1Config), 0x07);
  EXPECT_EQ(memory.u1(dm::kDaConfiguration), 0x05);
  EXPECT_EQ(memory.i2(dm::kShutdownStackVoltage), 600);
  EXPECT_EQ(memory.u1(dm::kCbMaxCells), 1);
  EXPECT_FLOAT_EQ(memory.f4(dm::kCcGain), 7.4768F);
  EXPECT_EQ(memory.i1(dm::kUtintThreshold), -20);
}

TEST(DataMemory, EveryFieldStartsAtItsDefaultAndWithinItsRange) {
  const DataMemory memory;
  for (const DataMemoryField& field : data_memory_fields()) {
    const double v{memory.value(field)};
    EXPECT_NEAR(v, field.default_value, 1e-3 * std::abs(field.default_value)) << field.name;
    EXPECT_GE(v, field.min) << field.name;
    EXPECT_LE(v, field.max) << field.name;
  }
}

TEST(DataMemory, WriteIsRefusedOutsideConfigUpdate) {
  Rig rig;
  rig.host.subcommand_write(dm::kCuvThreshold, {40});  // correct checksum, but not in CONFIG_UPDATE
  EXPECT_EQ(rig.host.dm_read_u1(dm::kCuvThreshold), 50);
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kCuvThreshold, 40); });
  EXPECT_EQ(rig.host.dm_read_u1(dm::kCuvThreshold), 40);
}

TEST(DataMemory, OutOfRangeValueIsRefused) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kCuvThreshold, 91);  // max 90
    h.dm_write_u1(dm::kScdDelay, 0);       // min 1
  });
  EXPECT_EQ(rig.host.dm_read_u1(dm::kCuvThreshold), 50);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kScdDelay), 2);
}

TEST(DataMemory, FloatSettingRoundTripsThroughTheTransferBuffer) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_f4(dm::kCcGain, 3.7384F); });
  EXPECT_FLOAT_EQ(rig.afe.data_memory().f4(dm::kCcGain), 3.7384F);
  EXPECT_NEAR(rig.afe.settings().cc_sense_ohm, 2.0e-3, 1e-9);
}

TEST(DataMemory, NewSettingsTakeEffectOnExitOfConfigUpdate) {
  Rig rig;
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  rig.host.dm_write_u1(dm::kCuvThreshold, 40);
  EXPECT_NEAR(rig.afe.settings().cuv_threshold_v, 2.53, 1e-12);
  rig.host.subcommand(subcommand::kExitCfgUpdate);
  EXPECT_NEAR(rig.afe.settings().cuv_threshold_v, 40 * 0.0506, 1e-12);
}

TEST(DataMemory, BlockWriteCoversSeveralFields) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.subcommand_write(dm::kEnabledProtectionsA, {0xFC, 0xF7, 0x00});  // A, B, C in one block
  });
  EXPECT_EQ(rig.afe.settings().enabled_a, 0xFC);
  EXPECT_EQ(rig.afe.settings().enabled_b, 0xF7);
}

TEST(DataMemory, OtpImageAppliesAtPowerOn) {
  Bq76952Config config{testing::ideal_config()};
  config.otp.push_back({dm::kEnabledProtectionsA, 0xFC});
  config.otp.push_back({dm::kMfgStatusInit, 0x0050});
  Rig rig{config};
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0xFC);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kMfgStatus), 0x0050);
}

TEST(DataMemory, OtpValueOutOfRangeIsRejectedAtConstruction) {
  Bq76952Config config{testing::ideal_config()};
  config.otp.push_back({dm::kCuvThreshold, 200});
  EXPECT_THROW(Bq76952{config}, std::out_of_range);
}

}  // namespace
}  // namespace packsim::afe
