// Passive top balancing: which cells bleed, and when.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>

#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/cell_balancing.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

afe_measurements cells_at(std::uint32_t base_mv, std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> raised,
                          std::int32_t current_ma = 1000) {
  afe_measurements m{};
  m.cell_count = 16;
  for (std::uint32_t i = 0; i < 16; ++i) {
    m.cell_mv[i] = static_cast<std::uint16_t>(base_mv);
  }
  for (const auto& [cell, mv] : raised) {
    m.cell_mv[cell] = static_cast<std::uint16_t>(mv);
  }
  m.min_cell_mv = 0xFFFF;
  for (std::uint32_t i = 0; i < 16; ++i) {
    if (m.cell_mv[i] < m.min_cell_mv) {
      m.min_cell_mv = m.cell_mv[i];
      m.min_cell_index = i;
    }
    if (m.cell_mv[i] > m.max_cell_mv) {
      m.max_cell_mv = m.cell_mv[i];
      m.max_cell_index = i;
    }
  }
  m.current_into_pack_ma = current_ma;
  return m;
}

std::uint16_t bits(std::initializer_list<int> cells) {
  std::uint32_t mask = 0;
  for (int cell : cells) {
    mask |= 1U << static_cast<unsigned>(cell);
  }
  return static_cast<std::uint16_t>(mask);
}

class BalancingSelection : public ::testing::Test {
 protected:
  bms_config config{*bms_config_default()};  // start 3400 mV, threshold 20, stop 5, 4 cells, no neighbours
};

TEST_F(BalancingSelection, NothingBleedsBelowTheStartVoltage) {
  const afe_measurements m = cells_at(3300, {{4, 3390}});
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), 0);
}

TEST_F(BalancingSelection, CellsMoreThanTheThresholdAboveTheLowestBleed) {
  const afe_measurements m = cells_at(3410, {{4, 3450}, {9, 3429}, {12, 3431}});
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), bits({4, 12}));  // 40 and 21 mV above; 19 is not enough
}

TEST_F(BalancingSelection, AtMostKAtOnceHighestFirst) {
  const afe_measurements m = cells_at(3400, {{0, 3450}, {2, 3460}, {4, 3470}, {6, 3480}, {8, 3490}, {10, 3500}});
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), bits({4, 6, 8, 10}));
}

TEST_F(BalancingSelection, NeverTwoNeighboursUnlessAllowed) {
  const afe_measurements m = cells_at(3400, {{3, 3460}, {4, 3480}, {5, 3470}, {9, 3450}});
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), bits({4, 9}));  // 3 and 5 touch 4, the highest
  config.balancing_allow_adjacent_cells = 1;
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), bits({3, 4, 5, 9}));
}

TEST_F(BalancingSelection, ABleedingCellContinuesUntilWithinTheStopThreshold) {
  const afe_measurements m = cells_at(3410, {{4, 3420}});  // 10 mV above: between stop (5) and start (20)
  EXPECT_EQ(cell_balancing_select(&config, &m, 0), 0);
  EXPECT_EQ(cell_balancing_select(&config, &m, bits({4})), bits({4}));
  const afe_measurements done = cells_at(3410, {{4, 3415}});
  EXPECT_EQ(cell_balancing_select(&config, &done, bits({4})), 0);
}

TEST_F(BalancingSelection, TheChipMaskFollowsTheCellToInputMap) {
  config.cell_count = 13;
  EXPECT_EQ(cell_balancing_input_mask(&config, bits({0, 11, 12})), bits({0, 11, 15}));
}

TEST(BalancingTiming, OnlyWhileChargingAndAllowed) {
  const bms_config& config = *bms_config_default();
  cell_balancing balancing{};
  const afe_measurements resting = cells_at(3400, {{4, 3450}}, 0);
  const afe_measurements charging = cells_at(3400, {{4, 3450}}, 1000);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 0), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 0, 100), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 200), bits({4}));
}

TEST(BalancingTiming, StopsWhenChargingStopsAndWaitsTheRestHoldOff) {
  const bms_config& config = *bms_config_default();  // hold-off 60 s
  cell_balancing balancing{};
  const afe_measurements resting = cells_at(3400, {{4, 3450}}, 0);
  const afe_measurements charging = cells_at(3400, {{4, 3450}}, 1000);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 0), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 1000), 0);       // charging stopped
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 30000), 0);     // resumed inside the hold-off
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 60999), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 61000), bits({4}));
}

TEST(BalancingTiming, AtRestAfterAChargeTheHighCellsBleedOnceTheHoldOffHasPassed) {
  const bms_config& config = *bms_config_default();  // hold-off 60 s
  cell_balancing balancing{};
  const afe_measurements charging = cells_at(3400, {{4, 3450}}, 1000);
  const afe_measurements resting = cells_at(3400, {{4, 3450}}, 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 0), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 1000), 0);  // the charge drop still shows
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 60999), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 61000), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 4 * 3600 * 1000), bits({4}));  // hours on
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 0, 4 * 3600 * 1000 + 100), 0);  // forbidden
}

TEST(BalancingTiming, AChargeTrickleBelowTheRestCurrentCountsAsRest) {
  // A CV charger holding a full pack: a few mA flow, the pack is at rest.
  const bms_config& config = *bms_config_default();  // rest below 50 mA
  cell_balancing balancing{};
  const afe_measurements charging = cells_at(3400, {{4, 3450}}, 1000);
  const afe_measurements trickle = cells_at(3400, {{4, 3450}}, 20);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 0), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &trickle, 1, 1000), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &trickle, 1, 61000), bits({4}));
}

TEST(BalancingTiming, AtRestWithoutAChargeNothingBleeds) {
  const bms_config& config = *bms_config_default();
  cell_balancing balancing{};
  const afe_measurements resting = cells_at(3400, {{4, 3450}}, 0);
  for (std::uint32_t now_ms : {0U, 61000U, 3600000U}) {
    EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, now_ms), 0) << now_ms;
  }
}

TEST(BalancingTiming, ADischargeEndsTheTopBalancingSessionUntilTheNextCharge) {
  const bms_config& config = *bms_config_default();
  cell_balancing balancing{};
  const afe_measurements charging = cells_at(3400, {{4, 3450}}, 1000);
  const afe_measurements resting = cells_at(3400, {{4, 3450}}, 0);
  const afe_measurements discharging = cells_at(3400, {{4, 3450}}, -1000);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 0), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 1000), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 61000), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &discharging, 1, 70000), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 71000), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &resting, 1, 600000), 0);  // rested, but no charge since
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 700000), bits({4}));
}

TEST(BalancingTiming, ACellThatRelaxesOntoThePlateauStopsBleedingAtRest) {
  // Below the start voltage a rested LFP cell's few mV say nothing about its charge.
  const bms_config& config = *bms_config_default();  // start 3400 mV, evaluation every 5 s
  cell_balancing balancing{};
  const afe_measurements charging = cells_at(3330, {{4, 3500}}, 1000);
  const afe_measurements knee = cells_at(3330, {{4, 3450}}, 0);
  const afe_measurements plateau = cells_at(3330, {{4, 3395}}, 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &charging, 1, 0), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &knee, 1, 1000), 0);
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &knee, 1, 61000), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &plateau, 1, 66000), 0);  // 65 mV above, but below 3400
}

TEST(BalancingTiming, TheSelectionIsRevisedEveryEvaluationInterval) {
  const bms_config& config = *bms_config_default();  // 5 s
  cell_balancing balancing{};
  const afe_measurements first = cells_at(3400, {{4, 3450}});
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &first, 1, 0), bits({4}));
  const afe_measurements other = cells_at(3400, {{9, 3450}});
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &other, 1, 4900), bits({4}));
  EXPECT_EQ(cell_balancing_update(&balancing, &config, &other, 1, 5000), bits({9}));
}

TEST(BalancingFirmware, TheChipBleedsTheHighCellsWhileCharging) {
  FirmwareBench bench;
  bench.afe.set_uniform_cells(3420);
  bench.afe.set_cell(6, 3480);
  bench.afe.set_cell(7, 3470);  // its neighbour: waits
  ASSERT_TRUE(bench.boot());
  bench.afe.set_current_ma(1000);
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() != 0; }, 1000));
  EXPECT_EQ(bench.afe.cb_active_cells(), bits({6}));
  bench.afe.set_current_ma(0);
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == 0; }, 1000));
  EXPECT_EQ(bench.context().balancing_refusals, 0U);
}

TEST(BalancingFirmware, SeveralCellsAtOnceAreAcceptedByTheChip) {
  FirmwareBench bench;
  bench.afe.set_uniform_cells(3420);
  for (int cell : {1, 4, 7, 10, 13}) {
    bench.afe.set_cell(cell, static_cast<std::int16_t>(3460 + cell));
  }
  ASSERT_TRUE(bench.boot());
  bench.afe.set_current_ma(1000);
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() != 0; }, 1000));
  EXPECT_EQ(bench.afe.cb_active_cells(), bits({4, 7, 10, 13}));  // the four highest: Cell Balance Max Cells = 4
  EXPECT_EQ(bench.context().balancing_refusals, 0U);
}

// Boots on a pack at the top of a charge with cell 7 (index 6) ahead, charges
// until it bleeds, then stops the charge.
void charge_until_cell_seven_bleeds(FirmwareBench& bench) {
  bench.afe.set_uniform_cells(3420);
  bench.afe.set_cell(6, 3480);
  ASSERT_TRUE(bench.boot());
  bench.afe.set_current_ma(1000);
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == bits({6}); }, 1000));
  bench.afe.set_current_ma(0);
}

TEST(BalancingFirmware, TheChipKeepsBleedingAtRestAfterTheChargerLeaves) {
  FirmwareBench bench;
  charge_until_cell_seven_bleeds(bench);
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == 0; }, 1000));
  bench.run_ms(58000);
  EXPECT_EQ(bench.afe.cb_active_cells(), 0) << "the rest hold-off lets the cells relax first";
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == bits({6}); }, 3000));
  bench.run_ms(10 * 60 * 1000);
  EXPECT_EQ(bench.afe.cb_active_cells(), bits({6}));
  bench.afe.set_cell(6, 3424);  // bled down to within the stop threshold of the others
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == 0; }, 6000));
  EXPECT_EQ(bench.context().balancing_refusals, 0U);
}

TEST(BalancingFirmware, AnOverVoltageCellKeepsBleedingWhileTheChargeFetIsOpen) {
  FirmwareBench bench;
  charge_until_cell_seven_bleeds(bench);
  bench.afe.set_current_ma(1000);
  bench.afe.set_cell(6, 3700);  // over the 3650 mV limit: the charge FET opens
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_CHARGE_INHIBIT; }, 2000));
  EXPECT_FALSE(bench.afe.charge_fet_on());
  bench.afe.set_current_ma(0);
  bench.run_ms(61000);
  EXPECT_EQ(bench.state(), BMS_STATE_CHARGE_INHIBIT);
  EXPECT_EQ(bench.afe.cb_active_cells(), bits({6})) << "bleeding is the way out of the over-voltage";
}

TEST(BalancingFirmware, AChargeTemperatureFaultStopsBalancing) {
  FirmwareBench bench;
  charge_until_cell_seven_bleeds(bench);
  bench.run_ms(61000);
  ASSERT_EQ(bench.afe.cb_active_cells(), bits({6}));
  bench.afe.set_temperature_c(50.0);  // above the 45 C charge limit
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.cb_active_cells() == 0; }, 3000));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE));
}

TEST(BalancingFirmware, ABalancingPackStaysAwakeAndSleepsOnceItIsDone) {
  FirmwareBench bench;  // the firmware sleeps after 30 min idle
  charge_until_cell_seven_bleeds(bench);
  bench.run_ms(40 * 60 * 1000);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  EXPECT_EQ(bench.afe.cb_active_cells(), bits({6}));
  bench.afe.set_cell(6, 3424);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_SLEEP; }, 10000));
  EXPECT_EQ(bench.afe.cb_active_cells(), 0);
}

}  // namespace
}  // namespace packsim::firmware_test
