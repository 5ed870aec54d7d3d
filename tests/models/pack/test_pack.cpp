// Pack assembly: parallel sharing, series strings, variation, faults, robustness.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/pack/pack.h"
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
        for (int k = 0; k < steps; ++k) {
          ASSERT_NO_THROW(pack.step(state, inputs, dt_s)) << temp_c << " C, SOC " << soc << ", dt " << dt_s;
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
