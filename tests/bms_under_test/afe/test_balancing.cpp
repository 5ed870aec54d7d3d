// Host-controlled cell balancing through CB_ACTIVE_CELLS (TRM chapter 9).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::Rig;

void balance(Host& host, std::uint16_t mask) {
  host.subcommand_write(subcommand::kCbActiveCells, {static_cast<std::uint8_t>(mask), static_cast<std::uint8_t>(mask >> 8)});
}

Rig balancing_rig(std::uint8_t max_cells = 4) {
  Rig rig;
  rig.host.configure([max_cells](Host& h) { h.dm_write_u1(dm::kCbMaxCells, max_cells); });
  rig.boot_with_fets_enabled();
  return rig;
}

TEST(Balancing, CbActiveCellsSwitchesTheChosenCellsAndReadsBack) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0104);  // cells 3 and 9
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0x0104U);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kCbActiveCells), 0x0104);
  EXPECT_NE(rig.host.read_u16(command::kAlarmRawStatus) & bits::kAlarmCb, 0);
  balance(rig.host, 0);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
}

TEST(Balancing, MoreCellsThanCellBalanceMaxCellsIsRefused) {
  Rig rig;
  rig.boot_with_fets_enabled();  // Cell Balance Max Cells defaults to 1
  balance(rig.host, 0x0003);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
  balance(rig.host, 0x0002);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0x0002U);
}

TEST(Balancing, AdjacentCellsMayBeBalancedByTheHost) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0006);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0x0006U);
}

TEST(Balancing, CommandIsIgnoredWithCbNoCmd) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kBalancingConfiguration, 0x10); });
  rig.boot_with_fets_enabled();
  balance(rig.host, 0x0001);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
}

TEST(Balancing, StopsWhenTheChipGoesToSleepUnlessCbSleep) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0001);
  rig.host.subcommand(subcommand::kSleepEnable);
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kCbActiveCells), 0);
}

TEST(Balancing, ContinuesInSleepWithCbSleep) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kCbMaxCells, 4);
    h.dm_write_u1(dm::kBalancingConfiguration, 0x04);
  });
  rig.boot_with_fets_enabled();
  balance(rig.host, 0x0001);
  rig.host.subcommand(subcommand::kSleepEnable);
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.afe.power_mode(), PowerMode::kSleep);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 1U);
}

TEST(Balancing, PausesOutsideTheCellTemperatureWindow) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0001);
  rig.pins.pin_temp_c[kTs1Pin] = 65.0;  // Max Cell Temp 60 C
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
  rig.pins.pin_temp_c[kTs1Pin] = 30.0;
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 1U);
}

TEST(Balancing, StopsInConfigUpdate) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0001);
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  EXPECT_EQ(rig.afe.outputs().balancing_mask, 0U);
}

TEST(Balancing, CbStatus1CountsSecondsOfBalancing) {
  Rig rig{balancing_rig()};
  balance(rig.host, 0x0001);
  rig.run_for(7 * kNsPerS + 100 * kNsPerMs);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kCbStatus1), 7);
}

}  // namespace
}  // namespace packsim::afe
