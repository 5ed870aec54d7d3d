#include <gtest/gtest.h>

#include <cmath>

#include "models/aging/aging_fast_forward.h"
#include "models/aging/aging_model.h"
#include "models/pack/pack.h"
#include "tests/models/test_cells.h"

namespace packsim::models {
namespace {

using testing::lfp_cell;
using testing::load;
using testing::pack_of;
using testing::uniform_spread;

Pack isothermal_cell(CellParams cell, double soc, double temp_c) {
  cell.thermal.heat_capacity_j_per_k = 1e12;  // Wang's cells were held at the chamber temperature
  const PackConfig config = pack_of(cell, 1, 1, soc, temp_c);
  return Pack(config, {}, uniform_spread(config));
}

// Cycles 90 % DOD at C/2 by stepping the plant and compares the cycle fade with
// Wang et al. 2011 evaluated at the same throughput.
TEST(Aging, SteppedCyclingReproducesWang2011WithinOnePercentAt15And25And45C) {
  const CellParams cell = lfp_cell();
  for (const double temp_c : {15.0, 25.0, 45.0}) {
    const Pack pack = isothermal_cell(cell, 0.95, temp_c);
    PackState state = pack.initial_state();
    const double current = 0.5 * cell.capacity_ah;
    const int cycles = 25;
    for (int n = 0; n < cycles; ++n) {
      for (int k = 0; k < 648; ++k) pack.step(state, load(current, temp_c), 10.0);   // 1.8 h down
      for (int k = 0; k < 648; ++k) pack.step(state, load(-current, temp_c), 10.0);  // 1.8 h up
    }
    pack.settle_aging(state);
    const double throughput_ah = cycle_throughput_ah(state.charge_moved_ah(0));
    EXPECT_NEAR(throughput_ah, cycles * 0.9 * cell.capacity_ah, 1e-6);
    const double expected = wang2011_cycle_loss(cell.aging.cycle, temp_c, 0.5, throughput_ah, cell.capacity_ah);
    EXPECT_NEAR(state.cycle_loss(0), expected, 0.01 * expected) << temp_c << " C";
  }
}

TEST(Aging, FastForwardedCyclesMatchWang2011AndRiseWithTemperature) {
  const CellParams cell = lfp_cell();
  double previous = 0.0;
  for (const double temp_c : {15.0, 25.0, 45.0}) {
    const Pack pack = isothermal_cell(cell, 0.5, temp_c);
    PackState state = pack.initial_state();
    fast_forward_cycles(pack, state, {2000.0, 0.5, 0.5, 0.0, 1.0, temp_c});
    const double throughput_ah = cycle_throughput_ah(state.charge_moved_ah(0));
    const double expected = wang2011_cycle_loss(cell.aging.cycle, temp_c, 0.5, throughput_ah, cell.capacity_ah);
    // Fade shrinks the capacity cycled, so throughput is the pack's own count.
    EXPECT_NEAR(state.cycle_loss(0), expected, 0.01 * expected) << temp_c << " C";
    EXPECT_GT(state.cycle_loss(0), previous);
    previous = state.cycle_loss(0);
  }
}

TEST(Aging, CalendarFadeGrowsWithSquareRootOfTimeAndWithTemperatureAndSoc) {
  const CellParams cell = lfp_cell();
  const Pack pack = isothermal_cell(cell, 0.5, 25.0);
  const auto stored = [&](double days, double soc, double temp_c) {
    PackState state = pack.initial_state();
    fast_forward_storage(pack, state, {days, soc, temp_c});
    return state.calendar_loss(0);
  };
  EXPECT_NEAR(stored(400.0, 0.5, 25.0) / stored(100.0, 0.5, 25.0), 2.0, 1e-12);
  EXPECT_NEAR(stored(365.0, cell.aging.calendar.reference_soc, cell.aging.calendar.reference_temp_c),
              cell.aging.calendar.loss_per_sqrt_day * std::sqrt(365.0), 1e-12);
  EXPECT_GT(stored(100.0, 0.5, 45.0), 1.5 * stored(100.0, 0.5, 25.0));
  EXPECT_GT(stored(100.0, 0.9, 25.0), stored(100.0, 0.5, 25.0));
}

TEST(Aging, SteppedRestAgesLikeFastForwardedStorage) {
  CellParams cell = lfp_cell();
  cell.self_discharge.fraction_per_day = 0.0;  // hold SOC so both see the same conditions
  const Pack pack = isothermal_cell(cell, 0.6, 25.0);
  PackState stepped = pack.initial_state();
  PackInputs rest;
  for (int day = 0; day < 90; ++day) {
    pack.step(stepped, rest, 86400.0);
  }
  pack.settle_aging(stepped);
  PackState forwarded = pack.initial_state();
  fast_forward_storage(pack, forwarded, {90.0, 0.6, 25.0});
  EXPECT_NEAR(stepped.calendar_loss(0), forwarded.calendar_loss(0), 1e-9 * forwarded.calendar_loss(0));
}

TEST(Aging, ChargingAtMinusTenCPlatesLithiumAndAtTwentyFiveCDoesNot) {
  const CellParams cell = lfp_cell();
  const auto plated_after_charge = [&](double temp_c, double c_rate) {
    const Pack pack = isothermal_cell(cell, 0.3, temp_c);
    PackState state = pack.initial_state();
    for (int k = 0; k < 3600; ++k) {
      pack.step(state, load(-c_rate * cell.capacity_ah, temp_c), 0.5);
    }
    pack.settle_aging(state);
    EXPECT_NEAR(state.plating_loss(0),
                cell.aging.plating.irreversible_fraction * state.plated_lithium_ah(0) / cell.capacity_ah, 1e-12);
    return state.plated_lithium_ah(0);
  };
  EXPECT_EQ(plated_after_charge(25.0, 0.5), 0.0);
  const double cold = plated_after_charge(-10.0, 0.5);
  EXPECT_GT(cold, 0.0);
  EXPECT_GT(plated_after_charge(-10.0, 1.0), 2.0 * cold);  // grows with current
  EXPECT_GT(plated_after_charge(-20.0, 0.5), cold);        // and with cold
  EXPECT_LT(plating_onset_current_a(cell.aging.plating, 2.3, -10.0, 0.9),
            plating_onset_current_a(cell.aging.plating, 2.3, -10.0, 0.1));  // and with SOC
}

TEST(Aging, FadedCellHasLessCapacityAndMoreResistance) {
  const CellParams cell = lfp_cell();
  const Pack pack = isothermal_cell(cell, 0.5, 25.0);
  PackState fresh = pack.initial_state();
  PackState aged = pack.initial_state();
  fast_forward_cycles(pack, aged, {3000.0, 1.0, 1.0, 0.1, 0.9, 35.0});
  const double loss = aged.capacity_loss(0);
  EXPECT_GT(loss, 0.03);
  EXPECT_NEAR(pack.cell_capacity_ah(aged, 0), cell.capacity_ah * (1.0 - loss), 1e-12);
  // A 10 ms pulse sees R0: the aged cell's drop is larger by the growth factor.
  PackState fresh_pulse = fresh;
  PackState aged_pulse = aged;
  pack.step(fresh_pulse, load(2.3), 0.01);
  pack.step(aged_pulse, load(2.3), 0.01);
  const double fresh_drop = fresh.terminal_voltage_v - fresh_pulse.terminal_voltage_v;
  const double aged_drop = aged.terminal_voltage_v - aged_pulse.terminal_voltage_v;
  EXPECT_NEAR(aged_drop / fresh_drop, resistance_growth_factor(cell.aging.resistance, loss), 0.01);
}

TEST(Aging, SelfDischargeRateFollowsArrhenius) {
  const SelfDischargeParams& params = lfp_cell().self_discharge;
  const double at_reference = self_discharge_current_a(params, 2.3, params.reference_temp_c);
  EXPECT_NEAR(at_reference * 86400.0 / 3600.0 / 2.3, params.fraction_per_day, 1e-15);
  EXPECT_GT(self_discharge_current_a(params, 2.3, 45.0), 2.0 * at_reference);
  EXPECT_LT(self_discharge_current_a(params, 2.3, 0.0), 0.5 * at_reference);
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

TEST(Aging, PackFileHistoryPreAgesTheInitialStateInOrder) {
  PackConfig config = testing::pack_of(testing::lfp_cell(), 4, 1, 0.8);
  config.pre_aging = {StorageProfile{365.0, 0.5, 25.0}, CycleProfile{500.0, 0.5, 0.5, 0.1, 0.9, 30.0}};
  const Pack pack(config, {}, testing::uniform_spread(config));
  const PackState aged = pre_aged_initial_state(pack);
  PackState expected = pack.initial_state();
  fast_forward_storage(pack, expected, {365.0, 0.5, 25.0});
  fast_forward_cycles(pack, expected, {500.0, 0.5, 0.5, 0.1, 0.9, 30.0});
  EXPECT_TRUE((aged.calendar_loss == expected.calendar_loss).all());
  EXPECT_TRUE((aged.cycle_loss == expected.cycle_loss).all());
  EXPECT_GT(aged.calendar_loss(0), 0.02);
  EXPECT_GT(aged.cycle_loss(0), 0.005);
  EXPECT_TRUE((aged.soc == 0.8).all());  // history changes capacity, not the SOC the run starts at
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

TEST(Aging, CycleLawIsHeldAtTenCBeyondTheRangeWangFittedIt) {
  const CycleAgingParams& params = testing::lfp_cell().aging.cycle;
  EXPECT_EQ(cycle_rate(params, 25.0, 100.0), cycle_rate(params, 25.0, 10.0));
  EXPECT_GT(cycle_rate(params, 25.0, 10.0), cycle_rate(params, 25.0, 0.5));
}

}  // namespace
}  // namespace packsim::models
