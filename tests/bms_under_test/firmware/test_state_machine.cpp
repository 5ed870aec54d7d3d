// Every transition of the state machine: first as the pure rule, then driven
// through the fake AFE with the FET commands the chip receives.
#include <gtest/gtest.h>

#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

bms_state_inputs running() {
  bms_state_inputs in{};
  in.afe_configured = 1;
  in.measurements_valid = 1;
  return in;
}

TEST(StateRules, StartupWaitsForTheConfigurationAndAMeasurement) {
  bms_state_inputs in{};
  EXPECT_EQ(bms_state_next(BMS_STATE_STARTUP, &in), BMS_STATE_STARTUP);
  in.afe_configured = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_STARTUP, &in), BMS_STATE_STARTUP);
  in.measurements_valid = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_STARTUP, &in), BMS_STATE_NORMAL);
  in.charge_blocked = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_STARTUP, &in), BMS_STATE_CHARGE_INHIBIT);
}

TEST(StateRules, AFailedConfigurationLatchesAFault) {
  bms_state_inputs in{};
  in.afe_setup_failed = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_STARTUP, &in), BMS_STATE_FAULT_LATCHED);
}

TEST(StateRules, TheAllowedDirectionsPickTheOperatingState) {
  for (bms_state from : {BMS_STATE_STANDBY, BMS_STATE_NORMAL, BMS_STATE_CHARGE_INHIBIT, BMS_STATE_DISCHARGE_INHIBIT}) {
    bms_state_inputs in = running();
    EXPECT_EQ(bms_state_next(from, &in), BMS_STATE_NORMAL) << bms_state_name(from);
    in.charge_blocked = 1;
    EXPECT_EQ(bms_state_next(from, &in), BMS_STATE_CHARGE_INHIBIT) << bms_state_name(from);
    in.discharge_blocked = 1;
    EXPECT_EQ(bms_state_next(from, &in), BMS_STATE_STANDBY) << bms_state_name(from);
    in.charge_blocked = 0;
    EXPECT_EQ(bms_state_next(from, &in), BMS_STATE_DISCHARGE_INHIBIT) << bms_state_name(from);
  }
}

TEST(StateRules, ALatchedFaultWinsOverEverythingAndHoldsUntilCleared) {
  for (bms_state from : {BMS_STATE_STANDBY, BMS_STATE_NORMAL, BMS_STATE_CHARGE_INHIBIT, BMS_STATE_DISCHARGE_INHIBIT,
                         BMS_STATE_SLEEP}) {
    bms_state_inputs in = running();
    in.latched_flags = BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT);
    in.sleep_requested = 1;
    in.wake_requested = 1;
    EXPECT_EQ(bms_state_next(from, &in), BMS_STATE_FAULT_LATCHED) << bms_state_name(from);
  }
  bms_state_inputs in = running();
  in.latched_flags = BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT);
  EXPECT_EQ(bms_state_next(BMS_STATE_FAULT_LATCHED, &in), BMS_STATE_FAULT_LATCHED);
  in.latched_flags = 0;
  EXPECT_EQ(bms_state_next(BMS_STATE_FAULT_LATCHED, &in), BMS_STATE_STANDBY);
}

TEST(StateRules, SleepIsEnteredOnRequestAndLeftOnWake) {
  bms_state_inputs in = running();
  in.sleep_requested = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_NORMAL, &in), BMS_STATE_SLEEP);
  EXPECT_EQ(bms_state_next(BMS_STATE_DISCHARGE_INHIBIT, &in), BMS_STATE_SLEEP);
  EXPECT_EQ(bms_state_next(BMS_STATE_SLEEP, &in), BMS_STATE_SLEEP);
  in.wake_requested = 1;
  in.sleep_requested = 0;
  // Straight to the operating state: through STANDBY the FETs would open for a tick.
  EXPECT_EQ(bms_state_next(BMS_STATE_SLEEP, &in), BMS_STATE_NORMAL);
  in.discharge_blocked = 1;
  EXPECT_EQ(bms_state_next(BMS_STATE_SLEEP, &in), BMS_STATE_DISCHARGE_INHIBIT);
}

TEST(StateRules, FetsFollowTheState) {
  bms_state_inputs in = running();
  int charge = -1;
  int discharge = -1;
  bms_state_fets(BMS_STATE_NORMAL, &in, &charge, &discharge);
  EXPECT_TRUE(charge && discharge);
  in.charge_blocked = 1;
  bms_state_fets(BMS_STATE_CHARGE_INHIBIT, &in, &charge, &discharge);
  EXPECT_TRUE(!charge && discharge);
  in.charge_blocked = 0;
  in.discharge_blocked = 1;
  bms_state_fets(BMS_STATE_DISCHARGE_INHIBIT, &in, &charge, &discharge);
  EXPECT_TRUE(charge && !discharge);
  for (bms_state off : {BMS_STATE_STARTUP, BMS_STATE_STANDBY, BMS_STATE_FAULT_LATCHED}) {
    bms_state_fets(off, &in, &charge, &discharge);
    EXPECT_TRUE(!charge && !discharge) << bms_state_name(off);
  }
}

// ---- Through the firmware ----

class StateMachineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(bench.boot()); }
  FirmwareBench bench;
};

TEST_F(StateMachineTest, BootEndsInNormalWithBothFetsOn) {
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_TRUE(bench.afe.discharge_fet_on());
  EXPECT_EQ(bench.afe.command_only_subcommands.back(), BQ76952_SUBCMD_ALL_FETS_ON);
}

TEST_F(StateMachineTest, NormalToChargeInhibitAndBack) {
  bench.afe.set_cell(3, 3700);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_CHARGE_INHIBIT; }, 2000));
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_TRUE(bench.afe.discharge_fet_on());
  ASSERT_FALSE(bench.afe.fet_control_writes.empty());
  EXPECT_EQ(bench.afe.fet_control_writes.back(), BQ76952_FET_CONTROL_CHG_OFF | BQ76952_FET_CONTROL_PCHG_OFF);
  bench.afe.set_cell(3, 3400);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 2000));
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_EQ(bench.afe.command_only_subcommands.back(), BQ76952_SUBCMD_ALL_FETS_ON);
}

TEST_F(StateMachineTest, NormalToDischargeInhibitAndBack) {
  bench.afe.set_cell(7, 2400);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_DISCHARGE_INHIBIT; }, 3000));
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  EXPECT_EQ(bench.afe.fet_control_writes.back(), BQ76952_FET_CONTROL_DSG_OFF | BQ76952_FET_CONTROL_PDSG_OFF);
  bench.afe.set_cell(7, 3000);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 15000));
  EXPECT_TRUE(bench.afe.discharge_fet_on());
}

TEST_F(StateMachineTest, ChargeInhibitToDischargeInhibitNeverPassesThroughBothOn) {
  bench.afe.set_temperature_c(50.0);  // charging forbidden above 45 C
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_CHARGE_INHIBIT; }, 3000));
  const auto commands_before = bench.afe.command_only_subcommands.size();
  bench.afe.set_temperature_c(25.0);
  bench.afe.set_cell(2, 2400);  // and at the same time a cell runs low
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_DISCHARGE_INHIBIT; }, 5000));
  for (std::size_t i = commands_before; i < bench.afe.command_only_subcommands.size(); ++i) {
    EXPECT_NE(bench.afe.command_only_subcommands[i], BQ76952_SUBCMD_ALL_FETS_ON);
  }
}

TEST_F(StateMachineTest, BothDirectionsForbiddenIsStandbyWithTheFetsOff) {
  bench.afe.set_temperature_c(-25.0);  // below both the charge and the discharge limits
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_STANDBY; }, 3000));
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  EXPECT_EQ(bench.afe.command_only_subcommands.back(), BQ76952_SUBCMD_ALL_FETS_OFF);
  bench.afe.set_temperature_c(20.0);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 3000));
}

TEST_F(StateMachineTest, ShortCircuitLatchesUntilTheServiceResetIsAccepted) {
  bench.afe.safety_status_a = BQ76952_SAFETY_A_SCD;
  bench.afe.hardware_blocks_charge = true;  // the chip opened both FETs itself
  bench.afe.hardware_blocks_discharge = true;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 500));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_SHORT_CIRCUIT));
  bench.afe.safety_status_a = 0;  // the chip recovered on its own...
  bench.afe.hardware_blocks_charge = false;
  bench.afe.hardware_blocks_discharge = false;
  bench.run_ms(5000);
  EXPECT_EQ(bench.state(), BMS_STATE_FAULT_LATCHED);  // ...the firmware did not
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  const auto response = bench.mos_control(false, false);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, JBD_STATUS_OK);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1000));
}

}  // namespace
}  // namespace packsim::firmware_test
