// Sleep when idle, SHUTDOWN when idle and deeply discharged, the charger wake
// and the gentle recovery charge that follows.
#include <gtest/gtest.h>

#include <algorithm>

#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/firmware/fault_log.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

constexpr std::uint32_t kMinuteMs{60000};

bool sent(const FakeBq76952& afe, std::uint16_t subcommand) {
  return std::find(afe.command_only_subcommands.begin(), afe.command_only_subcommands.end(), subcommand) !=
         afe.command_only_subcommands.end();
}

pylon_status latest_can(const FirmwareBench& bench) {
  pylon_receiver receiver{};
  pylon_receiver_init(&receiver);
  for (const auto& frame : bench.host.can_from_bms) {
    pylon_receiver_feed(&receiver, &frame.frame);
  }
  return receiver.status;
}

TEST(Sleep, AfterLongIdleTheAfeMaySleepAndTheFirmwarePollsSlowly) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  bench.run_ms(29 * kMinuteMs);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_SLEEP; }, 2 * kMinuteMs));
  bench.run_ms(100);
  EXPECT_TRUE(sent(bench.afe, BQ76952_SUBCMD_SLEEP_ENABLE));
  EXPECT_TRUE(bench.afe.sleep_enabled());
  EXPECT_TRUE(bench.afe.discharge_fet_on());  // a load may still draw, and wakes it
  const std::size_t before = bench.afe.transactions;
  const std::size_t frames_before = bench.host.can_from_bms.size();
  bench.run_ms(10000);
  const std::size_t per_second = (bench.afe.transactions - before) / 10;
  EXPECT_LT(per_second, 40U);  // one measurement a second instead of ten
  EXPECT_EQ(bench.host.can_from_bms.size() - frames_before, 10U * PYLON_FRAME_SET_SIZE);  // the inverter still hears it
}

TEST(Sleep, ACurrentWakesTheFirmware) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_SLEEP; }, 31 * kMinuteMs));
  bench.afe.set_current_ma(-500);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1500));
  bench.run_ms(20);
  EXPECT_FALSE(bench.afe.sleep_enabled());  // SLEEP_DISABLE sent
  bench.afe.set_current_ma(0);
  bench.run_ms(10 * kMinuteMs);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);  // the idle time started again
}

TEST(Sleep, AChargerWakesTheFirmware) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_SLEEP; }, 31 * kMinuteMs));
  bench.host.gpio_levels[BMS_GPIO_CHARGER_DETECT] = 1;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1500));
}

class DeepDischargeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bench.boot());
    bench.afe.set_uniform_cells(2450);  // discharged below the 2500 mV cell limit
    ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_DISCHARGE_INHIBIT; }, 3000));
  }
  void shut_down() {
    ASSERT_TRUE(bench.run_until([&] { return bench.afe.shut_down(); }, 2 * kMinuteMs));
  }
  FirmwareBench bench;
};

TEST_F(DeepDischargeTest, IdleAndDeeplyDischargedShutsTheAfeDown) {
  bench.run_ms(50000);
  EXPECT_FALSE(bench.afe.shut_down());
  shut_down();
  EXPECT_EQ(bench.afe.shutdown_commands, 2);
  EXPECT_EQ(bench.state(), BMS_STATE_SLEEP);
  EXPECT_EQ(bench.context().afe_power, AFE_POWER_SHUTDOWN);
  // The MCU is without power on a real board: no CAN, no UART answers.
  const std::size_t frames = bench.host.can_from_bms.size();
  bench.run_ms(5000);
  EXPECT_EQ(bench.host.can_from_bms.size(), frames);
  EXPECT_FALSE(bench.read(JBD_CMD_BASIC_INFO).has_value());
}

TEST_F(DeepDischargeTest, AChargerWakeStartsAGentleRecoveryChargeThenNormalCharging) {
  shut_down();
  bench.afe.wake_from_shutdown();  // a charger on LD/TS2: the chip boots with its defaults
  bench.afe.set_uniform_cells(2450);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_STARTUP; }, 1500));
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_DISCHARGE_INHIBIT; }, 2000));
  EXPECT_EQ(bench.afe.config_update_entries, 2);  // configured again from scratch
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE));
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  bench.run_ms(1100);
  pylon_status can = latest_can(bench);
  EXPECT_NEAR(can.limits.charge_current_limit_a, 0.2, 0.01);  // 230 mA in 0x351's 0.1 A steps
  EXPECT_EQ(can.limits.discharge_current_limit_a, 0.0f);
  EXPECT_NE(can.request_flags & PYLON_REQUEST_FORCE_CHARGE_1, 0);

  // The charger pushes too hard: the charge FET opens for the hold-off.
  bench.afe.set_current_ma(1000);
  ASSERT_TRUE(bench.run_until([&] { return !bench.afe.charge_fet_on(); }, 1500));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT));
  bench.afe.set_current_ma(0);
  bench.run_ms(25000);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  ASSERT_TRUE(bench.run_until([&] { return bench.afe.charge_fet_on(); }, 10000));

  // A gentle charge brings every cell above 2.8 V: normal charging again.
  bench.afe.set_current_ma(200);
  bench.afe.set_uniform_cells(2850);
  ASSERT_TRUE(bench.run_until([&] { return !bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE); }, 15000));
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 5000));
  bench.run_ms(1100);
  can = latest_can(bench);
  EXPECT_GT(can.limits.charge_current_limit_a, 1.0f);
  EXPECT_EQ(can.request_flags & PYLON_REQUEST_FORCE_CHARGE_1, 0);
}

TEST(RecoveryCharge, InOperationOnlyADeepDischargeStartsIt) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  bench.afe.set_uniform_cells(2450);
  bench.run_ms(3000);
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE));  // an ordinary cell under-voltage
  bench.afe.set_uniform_cells(2350);
  bench.run_ms(200);
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE));
}

TEST(RecoveryCharge, BootingWithLowCellsStartsInIt) {
  FirmwareBench bench;
  bench.afe.set_uniform_cells(2700);  // not under-voltage, but below the safe 2.8 V
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_DISCHARGE_INHIBIT; }, 2000));
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_RECOVERY_CHARGE));
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_CELL_UNDERVOLTAGE));
}

}  // namespace
}  // namespace packsim::firmware_test
