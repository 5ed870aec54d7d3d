// Physics of one cell, integrated by the pack engine as a 1S1P pack.
#include <gtest/gtest.h>

#include <cmath>

#include "models/cell/ecm_cell.h"
#include "models/pack/pack.h"
#include "tests/models/test_cells.h"

namespace packsim::models {
namespace {

using testing::discharge_until;
using testing::lfp_cell;
using testing::linear_test_cell;
using testing::load;
using testing::nmc_cell;
using testing::pack_of;
using testing::uniform_spread;

Pack single_cell(const CellParams& cell, double soc, double temp_c = 25.0, PackOptions options = {}) {
  const PackConfig config = pack_of(cell, 1, 1, soc, temp_c);
  return Pack(config, options, uniform_spread(config));
}

TEST(EcmCell, TerminalVoltageFollowsClosedFormTwoRcStepResponse) {
  const CellParams cell = linear_test_cell();
  const Pack pack = single_cell(cell, 0.8);
  PackState state = pack.initial_state();
  const double current_a = 3.0;
  const double tau1 = 0.005 * 2000.0;
  const double tau2 = 0.008 * 25000.0;
  for (int k = 1; k <= 600; ++k) {
    pack.step(state, load(current_a), 0.5);
    const double t = 0.5 * k;
    const double soc = 0.8 - current_a * t / (3600.0 * cell.capacity_ah);
    const double expected = 3.0 + soc - current_a * 0.010 - current_a * 0.005 * (1.0 - std::exp(-t / tau1)) -
                            current_a * 0.008 * (1.0 - std::exp(-t / tau2));
    ASSERT_NEAR(state.terminal_voltage_v, expected, 1e-12) << "t = " << t;
  }
}

TEST(EcmCell, OneSixtySecondStepEqualsSixtyThousandMillisecondStepsWithFrozenParameters) {
  CellParams cell = linear_test_cell();
  cell.ocv.hysteresis_v = {{0.0, 1.0}, {0.02, 0.02}};
  cell.ocv.hysteresis_rate = 50.0;
  PackOptions options;
  options.max_substep_s = 60.0;
  const Pack pack = single_cell(cell, 0.7, 25.0, options);
  PackState coarse = pack.initial_state();
  PackState fine = pack.initial_state();
  pack.step(coarse, load(2.0), 60.0);
  for (int k = 0; k < 60000; ++k) {
    pack.step(fine, load(2.0), 1e-3);
  }
  const auto relative = [](double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); };
  EXPECT_LT(relative(coarse.soc(0), fine.soc(0)), 1e-9);
  EXPECT_LT(relative(coarse.v_rc1_v(0), fine.v_rc1_v(0)), 1e-9);
  EXPECT_LT(relative(coarse.v_rc2_v(0), fine.v_rc2_v(0)), 1e-9);
  EXPECT_LT(relative(coarse.hysteresis(0), fine.hysteresis(0)), 1e-9);
  EXPECT_LT(relative(coarse.terminal_voltage_v, fine.terminal_voltage_v), 1e-9);
  EXPECT_LT(relative(coarse.heat_generated_j, fine.heat_generated_j), 1e-9);
}

TEST(EcmCell, RealParametersConvergeAsTheStepShrinks) {
  const Pack pack = single_cell(lfp_cell(), 0.6);
  PackState coarse = pack.initial_state();
  PackState fine = pack.initial_state();
  for (int k = 0; k < 600; ++k) {
    pack.step(coarse, load(2.3), 1.0);
  }
  for (int k = 0; k < 600000; ++k) {
    pack.step(fine, load(2.3), 1e-3);
  }
  EXPECT_NEAR(coarse.soc(0), fine.soc(0), 1e-7);
  EXPECT_NEAR(coarse.terminal_voltage_v, fine.terminal_voltage_v, 2e-4);
  EXPECT_NEAR(coarse.temp_c(0), fine.temp_c(0), 2e-3);
}

// Fade shrinks the charge a given SOC stands for; these tests hold the cell unaged.
CellParams unaged(CellParams cell) {
  cell.aging = AgingParams{};
  return cell;
}

TEST(EcmCell, CoulombCountingClosesExactly) {
  CellParams cell = unaged(lfp_cell());
  cell.self_discharge.fraction_per_day = 0.0;
  const Pack pack = single_cell(cell, 0.9);
  PackState state = pack.initial_state();
  double charge_as = 0.0;
  const double currents[] = {2.3, -1.15, 4.6, 0.0, -2.3};
  for (const double current : currents) {
    for (int k = 0; k < 300; ++k) {
      pack.step(state, load(current), 0.37);
      charge_as += state.pack_current_a * 0.37;
    }
  }
  EXPECT_NEAR(0.9 - state.soc(0), charge_as / (3600.0 * cell.capacity_ah), 1e-12);
}

TEST(EcmCell, SelfDischargeRemovesChargeFasterWhenWarm) {
  const CellParams cell = lfp_cell();
  const Pack cool = single_cell(cell, 0.5, 25.0);
  const Pack warm = single_cell(cell, 0.5, 45.0);
  PackState a = cool.initial_state();
  PackState b = warm.initial_state();
  PackInputs at_25;
  at_25.ambient_c = 25.0;
  PackInputs at_45;
  at_45.ambient_c = 45.0;
  for (int day = 0; day < 30; ++day) {
    cool.step(a, at_25, 86400.0);
    warm.step(b, at_45, 86400.0);
  }
  const double lost_cool = 0.5 - a.soc(0);
  const double expected_cool = cell.self_discharge.fraction_per_day * 30.0;
  EXPECT_NEAR(lost_cool, expected_cool, 0.02 * expected_cool);
  EXPECT_GT(0.5 - b.soc(0), 2.0 * lost_cool);
}

// Electrical energy out + heat + energy left in the RC capacitors equals the
// chemical energy released, the integral of OCV over the charge removed,
// computed here independently from the OCV table.
TEST(EcmCell, EnergyOutPlusHeatEqualsChemicalEnergyReleasedWithinPointOnePercent) {
  CellParams cell = unaged(lfp_cell());
  cell.ocv.entropic_v_per_k.y.assign(cell.ocv.entropic_v_per_k.y.size(), 0.0);
  cell.thermal.ambient_conductance_w_per_k = 0.0;  // adiabatic: the temperature rise measures the heat
  const Pack pack = single_cell(cell, 1.0);
  PackState state = pack.initial_state();
  discharge_until(pack, state, load(cell.capacity_ah), cell.voltage.min_v + 0.2);
  for (int k = 0; k < 200; ++k) {
    pack.step(state, load(-0.5 * cell.capacity_ah), 1.0);
  }
  const double soc_end = state.soc(0);
  double chemical_j = 0.0;
  const int slices = 200000;
  for (int k = 0; k < slices; ++k) {
    const double soc = soc_end + (1.0 - soc_end) * (k + 0.5) / slices;
    chemical_j += open_circuit_voltage(cell, soc, 25.0) * (1.0 - soc_end) / slices;
  }
  chemical_j *= 3600.0 * cell.capacity_ah;
  const double heat_j = cell.thermal.heat_capacity_j_per_k * (state.temp_c(0) - 25.0);
  const CellOperatingPoint op = evaluate_operating_point(cell, soc_end, state.temp_c(0));
  const double capacitor_j =
      0.5 * op.c1_f * std::pow(state.v_rc1_v(0), 2) + 0.5 * op.c2_f * std::pow(state.v_rc2_v(0), 2);
  EXPECT_NEAR(state.energy_out_j + heat_j + capacitor_j, chemical_j, 1e-3 * chemical_j);
  EXPECT_NEAR(state.heat_generated_j, heat_j, 1e-6 * heat_j);
}

TEST(EcmCell, EntropicHeatIsReversibleAndProportionalToCurrentTimesTemperature) {
  CellParams cell = linear_test_cell();
  cell.ocv.entropic_v_per_k = {{0.0, 1.0}, {2e-4, 2e-4}};
  for (const double current : {0.5, -0.5}) {
    const Pack pack = single_cell(cell, current > 0.0 ? 0.9 : 0.1);
    PackState state = pack.initial_state();
    for (int k = 0; k < 10000; ++k) {
      pack.step(state, load(current), 1.0);  // RC branches settle (50 tau2)
    }
    const double joule = current * current * (0.010 + 0.005 + 0.008);
    const double reversible = -current * (25.0 + kZeroCelsiusK) * 2e-4;
    EXPECT_NEAR(state.heat_w(0), joule + reversible, 1e-9 * joule);
  }
}

TEST(EcmCell, ResistanceRisesInTheColdAndFollowsArrheniusBeyondTheTable) {
  const CellParams cell = lfp_cell();
  const double r_25 = evaluate_operating_point(cell, 0.5, 25.0).r0_ohm;
  const double r_0 = evaluate_operating_point(cell, 0.5, 0.0).r0_ohm;
  const double r_m10 = evaluate_operating_point(cell, 0.5, -10.0).r0_ohm;
  EXPECT_GT(r_0, 1.5 * r_25);
  EXPECT_GT(r_m10, r_0);
  const double edge_c = cell.impedance.r0_ohm.temp_c.front();
  const double beyond_c = edge_c - 15.0;
  const double ratio =
      evaluate_operating_point(cell, 0.5, beyond_c).r0_ohm / evaluate_operating_point(cell, 0.5, edge_c).r0_ohm;
  EXPECT_NEAR(ratio,
              arrhenius_factor(cell.impedance.activation_energy_j_per_mol, beyond_c + kZeroCelsiusK,
                               edge_c + kZeroCelsiusK),
              1e-12);
}

TEST(EcmCell, ColdCellDeliversLessCapacityAtOneC) {
  const CellParams cell = lfp_cell();
  double previous_ah = 1e9;
  for (const double temp_c : {25.0, 0.0, -10.0, -20.0}) {
    const Pack pack = single_cell(cell, 1.0, temp_c);
    PackState state = pack.initial_state();
    const double delivered =
        discharge_until(pack, state, load(cell.capacity_ah, temp_c), cell.voltage.min_v, 1.0);
    EXPECT_LT(delivered, previous_ah) << temp_c << " C";
    previous_ah = delivered;
  }
}

TEST(EcmCell, CapacityAtFifthCAndTwentyFiveCIsWithinTwoPercentOfNominal) {
  for (const CellParams& cell : {lfp_cell(), nmc_cell()}) {
    const Pack pack = single_cell(cell, 1.0);
    PackState state = pack.initial_state();
    const double delivered = discharge_until(pack, state, load(0.2 * cell.capacity_ah), cell.voltage.min_v, 2.0);
    EXPECT_NEAR(delivered, cell.capacity_ah, 0.02 * cell.capacity_ah) << cell.name;
  }
}

TEST(EcmCell, HysteresisOpensAGapBetweenChargeAndDischargeRestVoltages) {
  const CellParams cell = lfp_cell();
  const Pack pack = single_cell(cell, 0.5);
  PackState after_discharge = pack.initial_state();
  PackState after_charge = pack.initial_state();
  for (int k = 0; k < 1800; ++k) {
    pack.step(after_discharge, load(0.5 * cell.capacity_ah), 1.0);
    pack.step(after_charge, load(-0.5 * cell.capacity_ah), 1.0);
  }
  // Bring both to the same SOC, then rest long enough for the RC branches to settle.
  after_charge.soc(0) = after_discharge.soc(0);
  PackInputs rest;
  pack.step(after_discharge, rest, 4 * 3600.0);
  pack.step(after_charge, rest, 4 * 3600.0);
  const double gap = after_charge.terminal_voltage_v - after_discharge.terminal_voltage_v;
  const double full_gap = 2.0 * cell.ocv.hysteresis_v(after_discharge.soc(0));
  EXPECT_GT(full_gap, 0.0);
  EXPECT_NEAR(gap, full_gap, 0.05 * full_gap);
}

}  // namespace
}  // namespace packsim::models
