#include <gtest/gtest.h>

#include <cmath>

#include "models/thermal/lumped_thermal.h"

namespace packsim::models {
namespace {

ThermalNetwork row(int cells, double c, double g_ambient, double g_neighbour) {
  return {Eigen::ArrayXd::Constant(cells, c), Eigen::ArrayXd::Constant(cells, g_ambient), g_neighbour};
}

TEST(LumpedThermal, SingleNodeFollowsTheFirstOrderAnalyticResponseAtAnyStep) {
  const ThermalNetwork network = row(1, 67.0, 0.2, 0.0);
  const Eigen::ArrayXd heat = Eigen::ArrayXd::Constant(1, 1.5);
  const Eigen::ArrayXd ambient = Eigen::ArrayXd::Constant(1, 20.0);
  const double tau = 67.0 / 0.2;
  for (const double dt : {1e-3, 1.0, 100.0, 3600.0}) {
    const ThermalStep step = prepare_thermal_step(network, dt);
    Eigen::ArrayXd temp = Eigen::ArrayXd::Constant(1, 20.0);
    const int steps = static_cast<int>(std::round(3600.0 / dt));
    for (int k = 0; k < steps; ++k) {
      advance_thermal(network, step, heat, ambient, temp);
    }
    const double expected = 20.0 + 1.5 / 0.2 * (1.0 - std::exp(-3600.0 / tau));
    EXPECT_NEAR(temp(0), expected, 1e-9) << "dt " << dt;
  }
}

TEST(LumpedThermal, AdiabaticNodeIntegratesHeatExactly) {
  const ThermalNetwork network = row(1, 50.0, 0.0, 0.0);
  const ThermalStep step = prepare_thermal_step(network, 2.0);
  Eigen::ArrayXd temp = Eigen::ArrayXd::Constant(1, 25.0);
  for (int k = 0; k < 100; ++k) {
    advance_thermal(network, step, Eigen::ArrayXd::Constant(1, 10.0), Eigen::ArrayXd::Constant(1, 0.0), temp);
  }
  EXPECT_NEAR(temp(0), 25.0 + 10.0 * 200.0 / 50.0, 1e-12);
}

TEST(LumpedThermal, NeighbourConductionMovesHeatFromHotToColdAndConservesIt) {
  const ThermalNetwork network = row(3, 40.0, 0.0, 0.5);
  const ThermalStep step = prepare_thermal_step(network, 0.01);
  Eigen::ArrayXd temp(3);
  temp << 60.0, 25.0, 25.0;
  const Eigen::ArrayXd no_heat = Eigen::ArrayXd::Zero(3);
  const Eigen::ArrayXd ambient = Eigen::ArrayXd::Zero(3);
  const double energy_before = temp.sum() * 40.0;
  for (int k = 0; k < 100000; ++k) {
    advance_thermal(network, step, no_heat, ambient, temp);
  }
  EXPECT_NEAR(temp.sum() * 40.0, energy_before, 1e-6 * energy_before);
  EXPECT_NEAR(temp(0), temp(2), 0.01);  // 1000 s >> C / G: the row has equalised
  EXPECT_NEAR(temp(1), (60.0 + 50.0) / 3.0, 0.01);
}

TEST(LumpedThermal, HugeStepsStayBetweenAmbientAndEquilibriumWithoutOvershoot) {
  const ThermalNetwork network = row(4, 10.0, 5.0, 50.0);  // stiff: C/G well under a second
  const ThermalStep step = prepare_thermal_step(network, 1e5);
  Eigen::ArrayXd temp = Eigen::ArrayXd::Constant(4, 80.0);
  advance_thermal(network, step, Eigen::ArrayXd::Zero(4), Eigen::ArrayXd::Constant(4, -40.0), temp);
  EXPECT_TRUE((temp >= -40.0 - 1e-9).all() && (temp <= 80.0).all());
}

}  // namespace
}  // namespace packsim::models
