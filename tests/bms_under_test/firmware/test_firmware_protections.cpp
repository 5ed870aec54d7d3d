// The firmware protections end to end through the fake AFE: delays as the
// FETs see them, over-current budgets, the AFE's own protections, AFE
// communication loss to the safe state, and a chip that reset itself.
#include <gtest/gtest.h>

#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/firmware/fault_log.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

class FirmwareProtectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bench.boot());
    bench.run_ms(1000);
  }
  FirmwareBench bench;
};

TEST_F(FirmwareProtectionTest, CellOvervoltageOpensTheChargeFetAfterItsDelayNotBefore) {
  bench.afe.set_cell(9, 3660);
  bench.run_ms(850);  // the delay is 1 s; measurements every 100 ms
  EXPECT_TRUE(bench.afe.charge_fet_on());
  bench.run_ms(300);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_TRUE(bench.afe.discharge_fet_on());
  bench.afe.set_cell(9, 3550);  // below the threshold, above threshold - hysteresis
  bench.run_ms(5000);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  bench.afe.set_cell(9, 3500);
  bench.run_ms(850);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  bench.run_ms(300);
  EXPECT_TRUE(bench.afe.charge_fet_on());
}

TEST_F(FirmwareProtectionTest, PackUndervoltageOpensTheDischargeFet) {
  bench.afe.set_uniform_cells(2520);  // every cell above 2500 mV, but the stack at 40.32 V...
  bench.afe.stack_raw = 3990;        // ...reads 39.9 V (e.g. a sense offset): below 40 V
  ASSERT_TRUE(bench.run_until([&] { return bench.flag(BMS_FLAG_BIT_PACK_UNDERVOLTAGE); }, 2500));
  bench.run_ms(100);
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_CELL_UNDERVOLTAGE));
}

TEST_F(FirmwareProtectionTest, ChargeOvercurrentTripsOnItsBudgetAndReleasesLater) {
  bench.afe.set_current_ma(15000);  // 10 A continuous, 100 A^2 s: 0.8 s at 15 A
  bench.run_ms(650);
  EXPECT_TRUE(bench.afe.charge_fet_on());
  ASSERT_TRUE(bench.run_until([&] { return !bench.afe.charge_fet_on(); }, 400));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_CHARGE_OVERCURRENT));
  EXPECT_TRUE(bench.afe.discharge_fet_on());
  bench.afe.set_current_ma(0);
  bench.run_ms(29000);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.charge_fet_on(); }, 2000));
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_CHARGE_OVERCURRENT));
}

TEST_F(FirmwareProtectionTest, DischargeOvercurrentTripsOnItsBudget) {
  bench.afe.set_current_ma(-30000);  // 25 A continuous, 300 A^2 s: 1.1 s at 30 A
  bench.run_ms(950);
  EXPECT_TRUE(bench.afe.discharge_fet_on());
  ASSERT_TRUE(bench.run_until([&] { return !bench.afe.discharge_fet_on(); }, 400));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT));
  EXPECT_EQ(bench.state(), BMS_STATE_DISCHARGE_INHIBIT);
}

TEST_F(FirmwareProtectionTest, RepeatedOvercurrentLatchesAFaultTheToolCanReset) {
  for (int trip = 0; trip < 3; ++trip) {
    bench.afe.set_current_ma(-30000);
    ASSERT_TRUE(bench.run_until([&] { return bench.flag(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT); }, 3000)) << trip;
    bench.afe.set_current_ma(0);
    if (trip < 2) {
      ASSERT_TRUE(bench.run_until([&] { return !bench.flag(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT); }, 40000));
    }
  }
  bench.run_ms(100);
  EXPECT_EQ(bench.state(), BMS_STATE_FAULT_LATCHED);
  EXPECT_NE(bench.context().latched_flags & BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT), 0U);
  bench.run_ms(60000);
  EXPECT_EQ(bench.state(), BMS_STATE_FAULT_LATCHED);  // no release by itself
  const auto reset = bench.mos_control(false, false);
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->status, JBD_STATUS_OK);  // the bucket drained long ago: cause gone
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1000));
}

TEST_F(FirmwareProtectionTest, TheAfesOwnProtectionsShowAsFlags) {
  bench.afe.safety_status_b = BQ76952_SAFETY_B_OTC;
  bench.afe.hardware_blocks_charge = true;
  bench.run_ms(200);
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE));
  EXPECT_EQ(bench.state(), BMS_STATE_CHARGE_INHIBIT);
  bench.afe.safety_status_b = 0;
  bench.afe.hardware_blocks_charge = false;
  bench.run_ms(200);
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE));
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
}

TEST_F(FirmwareProtectionTest, ShortCircuitLatchOfTheChipLatchesTheFirmwareToo) {
  bench.afe.safety_status_c = BQ76952_SAFETY_C_SCDL;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 300));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_SHORT_CIRCUIT));
}

TEST_F(FirmwareProtectionTest, AfeCommunicationLossGoesToTheSafeState) {
  // Five failed measurement cycles in a row (each stops at its first failure);
  // the chip answers again in time to take the FET command.
  bench.afe.bus_error_next_transactions = static_cast<int>(bench.context().config.afe_communication_failure_limit);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 1000));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_AFE_COMMUNICATION));
  bench.run_ms(100);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  EXPECT_EQ(bench.afe.command_only_subcommands.back(), BQ76952_SUBCMD_ALL_FETS_OFF);
  // The flag on the service port and on CAN.
  const auto response = bench.read(JBD_CMD_BASIC_INFO);
  ASSERT_TRUE(response.has_value());
  jbd_basic_info info{};
  ASSERT_EQ(jbd_decode_basic_info(&*response, &info), JBD_OK);
  EXPECT_NE(info.protection_status & JBD_PROTECT_AFE_ERROR, 0);
  bench.run_ms(1000);
  pylon_alarms alarms{};
  ASSERT_EQ(pylon_decode_alarms(&bench.frames_with_id(PYLON_ID_ALARMS).back().frame, &alarms), PYLON_OK);
  EXPECT_NE(alarms.protection_ext & PYLON_PROTECTION_EXT_INTERNAL_ERROR, 0);
  EXPECT_NE(alarms.warning_ext & PYLON_WARNING_EXT_INTERNAL_COMMS_FAIL, 0);
}

TEST_F(FirmwareProtectionTest, AnUnreachableAfeKeepsBeingToldToOpenTheFets) {
  bench.afe.absent = true;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 1000));
  const std::size_t before = bench.afe.transactions;
  bench.run_ms(500);
  EXPECT_GE(bench.afe.transactions - before, 50U);  // an ALL_FETS_OFF attempt every tick
  bench.afe.absent = false;
  bench.run_ms(20);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
}

TEST_F(FirmwareProtectionTest, IntermittentFailuresBelowTheLimitAreTolerated) {
  for (int i = 0; i < 20; ++i) {
    bench.afe.bus_error_next_transactions = 2;
    bench.run_ms(1000);
  }
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_AFE_COMMUNICATION));
}

TEST_F(FirmwareProtectionTest, AChipThatResetItselfIsConfiguredAgain) {
  bench.afe.por = true;  // Battery Status[POR]: the chip lost its RAM settings
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_STARTUP; }, 300));
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 2000));
  EXPECT_EQ(bench.afe.config_update_entries, 2);
  bool logged = false;
  for (std::uint32_t i = 0; i < fault_log_count(&bench.context().log); ++i) {
    fault_log_entry entry{};
    fault_log_get(&bench.context().log, i, &entry);
    logged = logged || entry.code == FAULT_LOG_CODE_AFE_RESET_DETECTED;
  }
  EXPECT_TRUE(logged);
}

TEST_F(FirmwareProtectionTest, AFetTurnedOnBehindTheFirmwaresBackIsTurnedOffAgain) {
  bench.afe.set_cell(9, 3700);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_CHARGE_INHIBIT; }, 2000));
  const std::uint8_t all_fets_on[3]{BQ76952_CMD_SUBCOMMAND_LOW, 0x96, 0x00};
  ASSERT_EQ(bench.afe.write(all_fets_on, sizeof all_fets_on), BMS_HAL_OK);  // someone else on the bus
  ASSERT_TRUE(bench.afe.charge_fet_on());
  ASSERT_TRUE(bench.run_until([&] { return !bench.afe.charge_fet_on(); }, 300));
  EXPECT_GE(bench.context().fets.verify_mismatches, 1U);
}

}  // namespace
}  // namespace packsim::firmware_test
