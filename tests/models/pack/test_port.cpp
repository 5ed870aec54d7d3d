#include <gtest/gtest.h>

#include <cmath>

#include "models/pack/port.h"

namespace packsim::models {
namespace {

constexpr double kEmf = 52.0;
constexpr double kSource = 0.05;

double terminal(double current) { return kEmf - kSource * current; }

TEST(Port, ConstantPowerDeliversExactlyThePowerAsked) {
  for (const double power : {500.0, -800.0, 1e-3}) {
    const PortSolution s = solve_port(ConstantPower{power}, kEmf, kSource);
    EXPECT_FALSE(s.limited);
    EXPECT_NEAR(terminal(s.current_a) * s.current_a, power, 1e-9 * std::abs(power));
  }
}

TEST(Port, ConstantPowerBeyondTheMaximumPowerPointGetsThatPoint) {
  const double max_power = kEmf * kEmf / (4.0 * kSource);
  const PortSolution s = solve_port(ConstantPower{1.5 * max_power}, kEmf, kSource);
  EXPECT_TRUE(s.limited);
  EXPECT_NEAR(terminal(s.current_a) * s.current_a, max_power, 1e-9 * max_power);
}

TEST(Port, ResistiveLoadObeysOhmsLaw) {
  const PortSolution s = solve_port(ResistiveLoad{2.0}, kEmf, kSource);
  EXPECT_NEAR(terminal(s.current_a), 2.0 * s.current_a, 1e-12);
}

TEST(Port, ChargerLimitsCurrentThenHoldsVoltageAndNeverDischarges) {
  const CcCvCharger charger{10.0, 54.0};
  EXPECT_NEAR(solve_port(charger, kEmf, kSource).current_a, -10.0, 1e-12);  // far below: CC
  const PortSolution cv = solve_port(charger, 53.9, kSource);                  // near: CV
  EXPECT_NEAR(53.9 - kSource * cv.current_a, 54.0, 1e-12);
  EXPECT_EQ(solve_port(charger, 54.5, kSource).current_a, 0.0);  // above: off
}

TEST(Port, VoltageSourceDrivesCurrentEitherWay) {
  EXPECT_NEAR(solve_port(VoltageSource{56.0, 0.15}, kEmf, kSource).current_a, -20.0, 1e-12);
  EXPECT_NEAR(solve_port(VoltageSource{48.0, 0.15}, kEmf, kSource).current_a, 20.0, 1e-12);
}

TEST(Port, LabSupplyGivesItsCurrentLimitFarBelowItsSetVoltage) {
  const LabSupply supply{55.2, 0.2, 0.05};
  const PortSolution s = solve_port(supply, 38.0, kSource);  // a deeply discharged 16S pack
  EXPECT_NEAR(s.current_a, -0.2, 1e-12);
  EXPECT_FALSE(s.limited);
}

TEST(Port, LabSupplyHoldsItsSetVoltageBehindItsLeadsNearIt) {
  const LabSupply supply{54.0, 10.0, 0.1};
  const PortSolution cv = solve_port(supply, 53.9, kSource);
  const double charge_a = -cv.current_a;
  ASSERT_GT(charge_a, 0.0);
  ASSERT_LT(charge_a, 10.0);
  EXPECT_NEAR(53.9 + kSource * charge_a + 0.1 * charge_a, 54.0, 1e-12);  // the set voltage at its own terminals
}

TEST(Port, LabSupplyNeverSinksCurrent) {
  EXPECT_EQ(solve_port(LabSupply{50.0, 5.0, 0.05}, kEmf, kSource).current_a, 0.0);
}

TEST(Port, LabSupplyHoldsOpenTerminalsAtItsSetVoltage) {
  EXPECT_EQ(idle_load_voltage_v(LabSupply{55.2, 0.2, 0.05}), 55.2);
  EXPECT_EQ(describe(LabSupply{55.2, 0.2, 0.05}), "lab supply 55.2 V, limit 0.2 A, leads 0.05 ohm");
}

TEST(Port, OpenCircuitAndConstantCurrent) {
  EXPECT_EQ(solve_port(OpenCircuit{}, kEmf, kSource).current_a, 0.0);
  EXPECT_EQ(solve_port(ConstantCurrent{-3.5}, kEmf, kSource).current_a, -3.5);
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

PowerPath fets(bool charge_on, bool discharge_on) { return PowerPath{charge_on, discharge_on, 0.004, 0.7}; }

TEST(PowerPath, ClosedFetsAddTheirOnResistance) {
  const PortSolution s = solve_port(ResistiveLoad{2.0}, kEmf, kSource, fets(true, true));
  EXPECT_NEAR(s.current_a, kEmf / (kSource + 0.004 + 2.0), 1e-12);
  EXPECT_NEAR(s.load_voltage_v, 2.0 * s.current_a, 1e-12);
}

TEST(PowerPath, OpenDischargeFetBlocksDischargeButItsBodyDiodePassesCharge) {
  const PortSolution load = solve_port(ResistiveLoad{2.0}, kEmf, kSource, fets(true, false));
  EXPECT_EQ(load.current_a, 0.0);
  EXPECT_EQ(load.load_voltage_v, 0.0);  // a passive load sees dead terminals
  const PortSolution supply = solve_port(VoltageSource{56.0, 0.1}, kEmf, kSource, fets(true, false));
  EXPECT_NEAR(supply.current_a, (kEmf + 0.7 - 56.0) / (kSource + 0.004 + 0.1), 1e-12);
  EXPECT_LT(supply.current_a, 0.0);
}

TEST(PowerPath, OpenChargeFetBlocksChargeButItsBodyDiodePassesDischarge) {
  const PortSolution charger = solve_port(CcCvCharger{5.0, 58.0}, kEmf, kSource, fets(false, true));
  EXPECT_EQ(charger.current_a, 0.0);
  EXPECT_EQ(charger.load_voltage_v, 58.0);  // the charger's own voltage at the pins
  const PortSolution load = solve_port(ResistiveLoad{2.0}, kEmf, kSource, fets(false, true));
  EXPECT_NEAR(load.current_a, (kEmf - 0.7) / (kSource + 0.004 + 2.0), 1e-12);
  EXPECT_NEAR(load.load_voltage_v, 2.0 * load.current_a, 1e-12);
}

TEST(PowerPath, LabSupplyChargesThroughTheOpenDischargeFetsBodyDiodeUpToItsLimit) {
  const PortSolution limited = solve_port(LabSupply{55.2, 0.2, 0.05}, 38.0, kSource, fets(true, false));
  EXPECT_NEAR(limited.current_a, -0.2, 1e-12);
  EXPECT_NEAR(limited.load_voltage_v, 38.0 + 0.7 + (kSource + 0.004) * 0.2, 1e-12);
  const PortSolution held = solve_port(LabSupply{kEmf + 0.75, 10.0, 0.05}, kEmf, kSource, fets(true, false));
  EXPECT_NEAR(held.current_a, -0.05 / (kSource + 0.004 + 0.05), 1e-12);  // 50 mV beyond the diode drives it
}

TEST(PowerPath, LabSupplyOnAnOpenChargeFetShowsItsVoltageAtThePins) {
  const PortSolution s = solve_port(LabSupply{55.2, 1.0, 0.05}, 38.0, kSource, fets(false, false));
  EXPECT_EQ(s.current_a, 0.0);
  EXPECT_EQ(s.load_voltage_v, 55.2);  // what wakes a shut-down AFE
}

TEST(PowerPath, BothFetsOpenLeaveNoPathAndTheTerminalsFloat) {
  EXPECT_EQ(solve_port(ConstantCurrent{10.0}, kEmf, kSource, fets(false, false)).current_a, 0.0);
  EXPECT_EQ(solve_port(ConstantCurrent{-10.0}, kEmf, kSource, fets(false, false)).current_a, 0.0);
  EXPECT_EQ(solve_port(ResistiveLoad{2.0}, kEmf, kSource, fets(false, false)).load_voltage_v, 0.0);
}

}  // namespace
}  // namespace packsim::models
