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

TEST(Port, OpenCircuitAndConstantCurrent) {
  EXPECT_EQ(solve_port(OpenCircuit{}, kEmf, kSource).current_a, 0.0);
  EXPECT_EQ(solve_port(ConstantCurrent{-3.5}, kEmf, kSource).current_a, -3.5);
}

}  // namespace
}  // namespace packsim::models
