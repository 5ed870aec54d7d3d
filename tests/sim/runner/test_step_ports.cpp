// What each scenario step or device puts on the pack terminals.
#include <gtest/gtest.h>

#include <variant>

#include "sim/runner/step_ports.h"

namespace packsim::runner {
namespace {

TEST(StepPorts, ALabSupplyKeepsItsCurrentLimitAndItsLeads) {
  const models::PortModel port{device_port(scenario::LabSupply{55.2, 0.2, 0.05})};
  const auto* supply = std::get_if<models::LabSupply>(&port);
  ASSERT_NE(supply, nullptr) << models::describe(port);
  EXPECT_EQ(supply->voltage_v, 55.2);
  EXPECT_EQ(supply->current_limit_a, 0.2);
  EXPECT_EQ(supply->lead_resistance_ohm, 0.05);
  // On a deeply discharged 16S pack (38 V) it gives its limit, not what 17 V over 50 mOhm would drive.
  EXPECT_NEAR(models::solve_port(port, 38.0, 0.05).current_a, -0.2, 1e-12);
}

TEST(StepPorts, AChargerIsCcCv) {
  const models::PortModel port{device_port(scenario::Charger{1.15, 56.8})};
  const auto* charger = std::get_if<models::CcCvCharger>(&port);
  ASSERT_NE(charger, nullptr) << models::describe(port);
  EXPECT_EQ(charger->max_current_a, 1.15);
  EXPECT_EQ(charger->voltage_v, 56.8);
}

}  // namespace
}  // namespace packsim::runner
