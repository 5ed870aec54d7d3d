// Pack assembly: parallel sharing, series strings, variation, faults, robustness.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "models/pack/pack.h"
#include "models/pack/state_guard.h"
#include "tests/models/test_cells.h"

namespace packsim::models {
namespace {

using testing::lfp_cell;
using testing::linear_test_cell;
using testing::load;
using testing::pack_of;
using testing::uniform_spread;

TEST(Pack, ParallelCellsShareCurrentInverselyToTheirResistance) {
  CellParams cell = linear_test_cell();
  cell.ocv.ocv_v = {{0.0, 1.0}, {3.3, 3.3}};  // flat: no OCV drift between the cells
  cell.capacity_ah = 10.0;  // the 50 min at 3 A below leave the first cell well above empty
  const PackConfig config = pack_of(cell, 1, 2, 0.5);
  CellSpread spread = uniform_spread(config);
  spread.resistance_factor << 1.0, 3.0;
  const Pack pack(config, {}, spread);
  PackState state = pack.initial_state();
  // A step short against every time constant: the split is set by R0 alone.
  pack.step(state, load(4.0), 1e-6);
  EXPECT_NEAR(state.cell_current_a(0) + state.cell_current_a(1), 4.0, 1e-12);
  EXPECT_NEAR(state.cell_current_a(0) / state.cell_current_a(1), 3.0, 1e-3);
  // Once both RC branches have settled the split follows the total DC resistance,
  // which scales by the same factor.
  for (int k = 0; k < 3000; ++k) {
    pack.step(state, load(4.0), 1.0);
  }
  EXPECT_NEAR(state.cell_current_a(0) / state.cell_current_a(1), 3.0, 1e-6);
}

TEST(Pack, UnequalParallelCellsCirculateCurrentAtRestUntilTheyEqualise) {
  const PackConfig config = pack_of(linear_test_cell(), 1, 2, 0.5);
  CellSpread spread = uniform_spread(config);
  spread.initial_soc << 0.6, 0.4;
  const Pack pack(config, {}, spread);
  PackState state = pack.initial_state();
  PackInputs rest;
  pack.step(state, rest, 1.0);
  EXPECT_GT(state.cell_current_a(0), 0.5);  // the fuller cell discharges into the emptier one
  EXPECT_NEAR(state.cell_current_a(0), -state.cell_current_a(1), 1e-12);
  EXPECT_EQ(state.pack_current_a, 0.0);
  for (int k = 0; k < 48; ++k) {
    pack.step(state, rest, 3600.0);
  }
  EXPECT_NEAR(state.soc(0), state.soc(1), 1e-4);
  EXPECT_NEAR(state.soc(0) + state.soc(1), 1.0, 1e-12);  // charge moved, none lost
}

TEST(Pack, SeriesStringCarriesOneCurrentAndAddsGroupVoltages) {
  PackConfig config = pack_of(linear_test_cell(), 4, 1, 0.5);
  config.series_interconnect_ohm = 0.001;
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  pack.step(state, load(2.0), 1.0);
  EXPECT_TRUE((state.cell_current_a - 2.0).abs().maxCoeff() < 1e-12);
  EXPECT_NEAR(state.terminal_voltage_v, state.group_voltage_v.sum() - 3 * 0.001 * 2.0, 1e-12);
}

TEST(Pack, SameSeedGivesTheSamePackBitForBitAndAnotherSeedDoesNot) {
  PackConfig config = pack_of(lfp_cell(), 16, 2, 0.8);
  config.variation = {0.02, 0.05, 0.2, 0.01};
  config.seed = 1234;
  const Pack first(config);
  const Pack second(config);
  EXPECT_TRUE((first.capacity_factor() == second.capacity_factor()).all());
  EXPECT_TRUE((first.resistance_factor() == second.resistance_factor()).all());
  EXPECT_TRUE((first.self_discharge_factor() == second.self_discharge_factor()).all());
  PackState a = first.initial_state();
  PackState b = second.initial_state();
  for (int k = 0; k < 1000; ++k) {
    first.step(a, load(4.6), 0.5);
    second.step(b, load(4.6), 0.5);
  }
  EXPECT_TRUE((a.soc == b.soc).all());
  EXPECT_TRUE((a.temp_c == b.temp_c).all());
  EXPECT_EQ(a.terminal_voltage_v, b.terminal_voltage_v);

  config.seed = 1235;
  const Pack other(config);
  EXPECT_FALSE((other.capacity_factor() == first.capacity_factor()).all());
  // The spread has the configured size.
  const Eigen::ArrayXd c = first.capacity_factor();
  const double sigma = std::sqrt((c - c.mean()).square().mean());
  EXPECT_GT(sigma, 0.01);
  EXPECT_LT(sigma, 0.03);
}

TEST(Pack, OpenTabTakesTheCellOutOfItsGroupAndAnOpenGroupOpensTheString) {
  const PackConfig config = pack_of(linear_test_cell(), 2, 3, 0.5);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  pack.inject(state, OpenTab{1});
  pack.step(state, load(3.0), 1.0);
  EXPECT_EQ(state.cell_current_a(1), 0.0);
  EXPECT_NEAR(state.cell_current_a(0), 1.5, 1e-9);
  EXPECT_NEAR(state.cell_current_a(2), 1.5, 1e-9);
  EXPECT_NEAR(state.cell_current_a(3), 1.0, 1e-9);
  pack.inject(state, OpenTab{0});
  pack.inject(state, OpenTab{2});
  pack.step(state, load(3.0), 1.0);
  EXPECT_EQ(state.pack_current_a, 0.0);
  EXPECT_EQ(state.terminal_voltage_v, 0.0);
  pack.clear_fault(state, PlantFaultKind::kOpenTab, 0);
  pack.step(state, load(3.0), 1.0);
  EXPECT_NEAR(state.pack_current_a, 3.0, 1e-12);
}

TEST(Pack, InternalShortDrainsAndHeatsTheCellAndItsParallelNeighboursFeedIt) {
  const PackConfig config = pack_of(lfp_cell(), 2, 2, 0.8);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  pack.inject(state, InternalShort{0, 1.0});
  PackInputs rest;
  for (int k = 0; k < 600; ++k) {
    pack.step(state, rest, 1.0);
  }
  EXPECT_LT(state.soc(0), 0.8 - 0.005);
  EXPECT_LT(state.soc(1), 0.8 - 0.005);  // its parallel neighbour feeds the short
  EXPECT_NEAR(state.soc(2), 0.8, 1e-4);  // the other group is untouched
  EXPECT_GT(state.temp_c(0), state.temp_c(3) + 0.5);
  EXPECT_EQ(state.pack_current_a, 0.0);
}

TEST(Pack, WeakCellEmptiesFirstUnderTheSeriesCurrent) {
  const PackConfig config = pack_of(lfp_cell(), 4, 1, 1.0);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  pack.inject(state, WeakCell{2, 0.8, 3.0});
  for (int k = 0; k < 1800; ++k) {
    pack.step(state, load(2.3), 1.0);
  }
  const double used_healthy = 1.0 - state.soc(0);
  EXPECT_NEAR((1.0 - state.soc(2)) / used_healthy, 1.0 / 0.8, 0.01);
  Eigen::Index lowest = 0;
  state.group_voltage_v.minCoeff(&lowest);
  EXPECT_EQ(lowest, 2);
}

TEST(Pack, BleedCurrentDrainsOnlyTheSelectedGroupAndHeatsIt) {
  const PackConfig config = pack_of(lfp_cell(), 4, 1, 0.9);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  PackInputs inputs;
  inputs.bleed_current_a = Eigen::ArrayXd::Zero(4);
  inputs.bleed_current_a(1) = 0.05;
  for (int k = 0; k < 3600; ++k) {
    pack.step(state, inputs, 1.0);
  }
  EXPECT_NEAR(state.soc(0) - state.soc(1), 0.05 / 2.3, 1e-4);
  EXPECT_NEAR(state.soc(0), state.soc(2), 1e-12);
  EXPECT_GT(state.temp_c(1), state.temp_c(3));
}

TEST(Pack, StaysFiniteAcrossShortsTemperaturesAndStatesOfCharge) {
  const CellParams cell = lfp_cell();
  for (const double temp_c : {-40.0, -10.0, 25.0, 80.0}) {
    for (const double soc : {0.0, 0.01, 0.5, 0.99, 1.0}) {
      for (const double dt_s : {1e-6, 1e-3, 1.0}) {
        const PackConfig config = pack_of(cell, 2, 2, soc, temp_c);
        const Pack pack(config, {}, uniform_spread(config));
        PackState state = pack.initial_state();
        pack.inject(state, InternalShort{0, 0.001});
        PackInputs inputs = load(0.0, temp_c);
        inputs.port = VoltageSource{0.0, 0.001};  // a hard short across the terminals too
        const int steps = dt_s < 1e-3 ? 2000 : 600;
        // A hard short drains a cell past anything it survives; the state guard may
        // stop that (SOC far below empty, a reversed cell), a non-finite state never.
        try {
          for (int k = 0; k < steps; ++k) {
            pack.step(state, inputs, dt_s);
          }
        } catch (const PlantError& error) {
          const std::string message = error.what();
          EXPECT_EQ(message.find("non-finite"), std::string::npos)
              << temp_c << " C, SOC " << soc << ", dt " << dt_s << ": " << message;
          EXPECT_EQ(message.rfind("plant: impossible state at t = ", 0), 0u) << message;
        }
        EXPECT_TRUE(state.soc.allFinite() && state.temp_c.allFinite() && state.v_rc1_v.allFinite());
        EXPECT_TRUE(std::isfinite(state.terminal_voltage_v) && std::isfinite(state.pack_current_a));
      }
    }
  }
}

TEST(Pack, NonFiniteStateIsReportedNamingTheCellAndTheStateNotPropagated) {
  const PackConfig config = pack_of(lfp_cell(), 4, 2, 0.5);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  state.temp_c(5) = std::numeric_limits<double>::quiet_NaN();
  try {
    pack.step(state, load(1.0), 1.0);
    FAIL() << "a NaN temperature went through a step";
  } catch (const PlantError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cell 6"), std::string::npos) << message;
    EXPECT_NE(message.find("series group 3"), std::string::npos) << message;
    EXPECT_NE(message.find("temperature"), std::string::npos) << message;
  }
}

TEST(Pack, RejectsBadStepsAndFaultsWithClearErrors) {
  const PackConfig config = pack_of(lfp_cell(), 2, 1, 0.5);
  const Pack pack(config, {}, uniform_spread(config));
  PackState state = pack.initial_state();
  EXPECT_THROW(pack.step(state, load(1.0), 0.0), std::invalid_argument);
  EXPECT_THROW(pack.step(state, load(1.0), std::nan("")), std::invalid_argument);
  EXPECT_THROW(pack.inject(state, OpenTab{2}), std::out_of_range);
  EXPECT_THROW(pack.inject(state, InternalShort{0, 0.0}), std::invalid_argument);
  EXPECT_THROW(pack.inject(state, WeakCell{0, 1.5, 1.0}), std::invalid_argument);
  PackInputs wrong_bleed;
  wrong_bleed.bleed_current_a = Eigen::ArrayXd::Zero(3);
  EXPECT_THROW(pack.step(state, wrong_bleed, 1.0), std::invalid_argument);
}

TEST(Pack, OneSixHourRestStepMatchesSecondBySecondRest) {
  const PackConfig config = pack_of(lfp_cell(), 2, 1, 0.5);
  const Pack pack(config, {}, uniform_spread(config));
  PackState long_steps = pack.initial_state();
  PackState short_steps = pack.initial_state();
  for (int k = 0; k < 600; ++k) {
    pack.step(long_steps, load(2.3), 1.0);
    pack.step(short_steps, load(2.3), 1.0);
  }
  PackInputs rest;
  pack.step(long_steps, rest, 6 * 3600.0);
  for (int k = 0; k < 6 * 3600; ++k) {
    pack.step(short_steps, rest, 1.0);
  }
  EXPECT_NEAR(long_steps.terminal_voltage_v, short_steps.terminal_voltage_v, 1e-4);
  EXPECT_NEAR(long_steps.temp_c(0), short_steps.temp_c(0), 1e-3);
  EXPECT_NEAR(long_steps.soc(0), short_steps.soc(0), 1e-7);
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

TEST(PackPowerPath, OpenDischargeFetStopsTheCellsDischargingAndZeroesTheTerminals) {
  CellParams cell = testing::lfp_cell();
  cell.self_discharge.fraction_per_day = 0.0;
  const PackConfig config = testing::pack_of(cell, 16, 1, 0.8);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  PackInputs inputs = testing::load(2.3);
  inputs.path.discharge_fet_on = false;
  for (int k = 0; k < 600; ++k) {
    pack.step(state, inputs, 1.0);
  }
  EXPECT_EQ(state.pack_current_a, 0.0);
  EXPECT_TRUE((state.soc == 0.8).all());
  EXPECT_EQ(state.load_voltage_v, 0.0);
  EXPECT_GT(state.terminal_voltage_v, 16 * 3.2);  // the cells are fine behind the FETs
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

// A near-short draws ~100C; changing the step length (as the AFE's microsecond
// events do) must not change the physics.
TEST(Pack, HeavyLoadCurrentIsContinuousAcrossStepLengthChanges) {
  PackConfig config = load_pack_config(std::string(PACKSIM_PARAMS_DIR) + "/packs/lfp_16s1p.yaml");
  config.initial_soc = 0.6;
  const Pack pack(config);
  PackState state = pack.initial_state();
  PackInputs inputs;
  inputs.port = ResistiveLoad{0.1};
  pack.step(state, inputs, 1e-3);
  pack.step(state, inputs, 1e-3);
  const double before = state.pack_current_a;
  for (const double dt : {14.999e-6, 3e-6, 1e-3, 0.25e-3}) {
    pack.step(state, inputs, dt);
    EXPECT_NEAR(state.pack_current_a, before, 0.01 * before) << "dt " << dt;
  }
  EXPECT_LT(state.capacity_loss(0), 1e-3);
}

}  // namespace
}  // namespace packsim::models

// The physical state guard (models/pack/state_guard.h): a step that leaves the
// states a real pack can be in stops with a PlantError naming the cell, the
// state, its value and the time, instead of carrying on to SOC -9,890 %.
namespace packsim::models {
namespace {

// what() of the PlantError that stepping throws, or "" if none within max_steps.
std::string step_until_stopped(const Pack& pack, PackState& state, const PackInputs& inputs, double dt_s,
                               int max_steps) {
  try {
    for (int k = 0; k < max_steps; ++k) {
      pack.step(state, inputs, dt_s);
    }
  } catch (const PlantError& error) {
    return error.what();
  }
  return "";
}

double time_in(const std::string& message) {
  const std::size_t at = message.find("t = ");
  return at == std::string::npos ? -1.0 : std::strtod(message.c_str() + at + 4, nullptr);
}

TEST(PackGuard, PackStepStopsWhenSocLeavesThePhysicalRange) {
  // The linear cell's OCV stays positive well below SOC 0 (3.0 V + 1.0 V x SOC),
  // so SOC is what goes first: cell 2 starts lowest and reaches -10 % after
  // (0.05 + 0.10) x 2 Ah / 2 A = 540 s.
  const PackConfig config = testing::pack_of(testing::linear_test_cell(), 2, 1, 0.5);
  CellSpread spread = testing::uniform_spread(config);
  spread.initial_soc << 0.5, 0.05;
  const Pack pack(config, {}, spread);
  PackState state = pack.initial_state();
  const std::string below = step_until_stopped(pack, state, testing::load(2.0), 1.0, 2000);
  EXPECT_EQ(below.rfind("plant: impossible state at t = ", 0), 0u) << below;
  EXPECT_NE(below.find("cell 2 (series group 2, parallel position 1) SOC = -0.1"), std::string::npos) << below;
  EXPECT_NE(below.find("below -10 %"), std::string::npos) << below;
  EXPECT_NEAR(time_in(below), 541.0, 1.0) << below;  // the first whole step past -10 %
  EXPECT_GE(state.soc(1), -0.1 - 2.0 * 2.0 / 7200.0);  // a step's worth beyond, not more

  // Charging: cell 1 starts highest and passes 110 % after (1.1 - 0.95) x 2 Ah / 2 A = 540 s.
  spread.initial_soc << 0.95, 0.5;
  const Pack charged(config, {}, spread);
  state = charged.initial_state();
  const std::string above = step_until_stopped(charged, state, testing::load(-2.0), 1.0, 2000);
  EXPECT_NE(above.find("cell 1 (series group 1, parallel position 1) SOC = 1.1"), std::string::npos) << above;
  EXPECT_NE(above.find("above 110 %"), std::string::npos) << above;
  EXPECT_NEAR(time_in(above), 541.0, 1.0) << above;
}

TEST(PackGuard, PackStepStopsOnACellVoltageOfTheWrongSign) {
  // 400 A per cell through its 10 mOhm R0 is 4 V of drop on a 3.5 V cell.
  const PackConfig config = testing::pack_of(testing::linear_test_cell(), 3, 2, 0.5);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  const std::string message = step_until_stopped(pack, state, testing::load(800.0), 1e-3, 10);
  EXPECT_EQ(message.rfind("plant: impossible state at t = 0.001 s: series group 1 (cells 1..2) voltage = -", 0), 0u)
      << message;
  EXPECT_NE(message.find("wrong sign"), std::string::npos) << message;
}

TEST(PackGuard, PackStepStopsWhenACellHasNoCapacityLeft) {
  const PackConfig config = testing::pack_of(testing::linear_test_cell(), 2, 2, 0.5);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  state.cycle_loss(3) = 1.25;  // the linear cell does not age: the loss stays where it is put
  const std::string message = step_until_stopped(pack, state, PackInputs{}, 1.0, 1);
  EXPECT_EQ(message,
            "plant: impossible state at t = 1 s: cell 4 (series group 2, parallel position 2) capacity = -25 % of "
            "nominal (capacity fade 125 %): no capacity left (SOC 0.5, current 0 A, temperature 25 degC)");
}

TEST(PackGuard, AgingRunawayIsStoppedAsANonFiniteStateNamingTheLoss) {
  // loss_per_sqrt_day 1e308 squares to infinity on the first aging update; the
  // loader refuses it (cell_params_yaml.cpp), a CellParams built in code does not.
  CellParams cell = testing::linear_test_cell();
  cell.aging.calendar.loss_per_sqrt_day = 1e308;
  const PackConfig config = testing::pack_of(cell, 1, 1, 0.5);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  const std::string message = step_until_stopped(pack, state, PackInputs{}, 1.0, 5);
  EXPECT_NE(message.find("non-finite state at t = 2 s: cell 1"), std::string::npos) << message;
  EXPECT_NE(message.find("calendar capacity loss = inf"), std::string::npos) << message;
}

TEST(PackGuard, PassiveLoadNeverDeliversEnergy) {
  const PackConfig config = testing::pack_of(testing::linear_test_cell(), 2, 1, 0.5);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  PackInputs resistor;
  resistor.port = ResistiveLoad{1.0};
  pack.step(state, resistor, 1.0);
  // A resistor absorbs V I = I^2 R: current and terminal voltage share their sign.
  EXPECT_GT(state.pack_current_a, 0.0);
  EXPECT_FALSE(find_impossible_state(state, 1, TerminalLoad::kPassive).has_value());
  // Current into the pack through a resistor, at a positive terminal voltage, is
  // energy out of a passive load: impossible, whatever the cells say.
  state.pack_current_a = -2.0;
  const std::optional<std::string> verdict = find_impossible_state(state, 1, TerminalLoad::kPassive);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->rfind("plant: impossible state at t = 1 s: a passive load delivered energy: pack current -2 A", 0),
            0u)
      << *verdict;
  EXPECT_NE(verdict->find("a resistor only absorbs power"), std::string::npos) << *verdict;
  // A charger or a source may push current in.
  EXPECT_FALSE(find_impossible_state(state, 1, TerminalLoad::kActive).has_value());
}

TEST(PackGuard, DeadShortThroughAPassiveLoadStopsBeforeCurrentFlowsBackwards) {
  // `Discharge through 1 mOhm` on the 16S demo pack drove the cells to SOC -12 %
  // in five seconds, then current flowed backwards through the load for minutes.
  PackConfig config = load_pack_config(std::string(PACKSIM_PARAMS_DIR) + "/packs/lfp_16s1p.yaml");
  const Pack pack(config);
  PackState state = pack.initial_state();
  PackInputs inputs;
  inputs.port = ResistiveLoad{1e-3};
  double previous_time_s = 0.0;
  std::string message;
  try {
    for (int k = 0; k < 3600; ++k) {
      previous_time_s = state.time_s;
      pack.step(state, inputs, 1.0);
      ASSERT_GE(state.pack_current_a, 0.0) << "at t = " << state.time_s;
    }
  } catch (const PlantError& error) {
    message = error.what();
  }
  EXPECT_EQ(message.rfind("plant: impossible state at t = ", 0), 0u) << message;
  EXPECT_LT(previous_time_s, 10.0) << message;
}

TEST(PackGuard, LongSelfDischargeRestsEndPromptly) {
  // Four rests of 21,900 h self-discharged the cells to SOC -123 % and then
  // crawled through subnormal voltages. At the leakiest rate a cell file may
  // have (5 %/day) SOC passes -10 % after 22 days; the rest is stepped 30 s at a
  // time and stops there, well inside the test's time.
  CellParams cell = testing::linear_test_cell();
  cell.self_discharge = {0.05, 25.0, 0.0};
  const PackConfig config = testing::pack_of(cell, 2, 1, 1.0);
  const Pack pack(config, {}, testing::uniform_spread(config));
  PackState state = pack.initial_state();
  const auto started = std::chrono::steady_clock::now();
  const std::string message = step_until_stopped(pack, state, PackInputs{}, 3600.0, 4 * 21900);
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_NE(message.find("cell 1 (series group 1, parallel position 1) SOC = -0.1"), std::string::npos) << message;
  EXPECT_NEAR(time_in(message) / 86400.0, 22.0, 0.01) << message;
  EXPECT_LT(elapsed_s, 1.0);
}

}  // namespace
}  // namespace packsim::models
