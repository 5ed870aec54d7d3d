// The service tool's view: JBD answers decoded by the bus codec, the MOS
// control, the reset path (refused while the cause persists, accepted after),
// and the status extension.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/firmware/fault_log.h"
#include "bms_under_test/firmware/service_protocol.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24U) | (static_cast<std::uint32_t>(p[1]) << 16U) |
         (static_cast<std::uint32_t>(p[2]) << 8U) | p[3];
}

class ServiceProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 16; ++i) {
      bench.afe.cell_mv[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(3300 + i);
    }
    bench.afe.update_stack_from_cells();
    ASSERT_TRUE(bench.boot());
  }

  jbd_basic_info basic_info() {
    const auto response = bench.read(JBD_CMD_BASIC_INFO);
    EXPECT_TRUE(response.has_value());
    jbd_basic_info info{};
    EXPECT_EQ(jbd_decode_basic_info(&*response, &info), JBD_OK);
    return info;
  }

  FirmwareBench bench;
};

TEST_F(ServiceProtocolTest, BasicInfoDecodesWithTheBusCodec) {
  bench.afe.set_current_ma(1500);  // charging, TI sign
  bench.afe.ts_decikelvin = {2981, 2981, 2991};  // TS1 25.0 C, TS3 26.0 C
  bench.run_ms(300);
  const jbd_basic_info info = basic_info();
  EXPECT_NEAR(info.pack_voltage_v, 52.92, 0.011);
  EXPECT_NEAR(info.current_a, -1.5, 0.011);  // the codec's sign: + = discharge
  EXPECT_NEAR(info.nominal_capacity_ah, 2.3, 0.011);
  EXPECT_EQ(info.cell_count, 16);
  EXPECT_EQ(info.ntc_count, 2);
  EXPECT_NEAR(info.ntc_temp_c[0], 25.0, 0.05);
  EXPECT_NEAR(info.ntc_temp_c[1], 26.0, 0.05);
  EXPECT_EQ(info.fet_status, JBD_FET_CHARGE_ON | JBD_FET_DISCHARGE_ON);
  EXPECT_EQ(info.protection_status, 0);
  EXPECT_EQ(info.software_version, SERVICE_SOFTWARE_VERSION);
  EXPECT_EQ(info.production_date.year, 2025);
  EXPECT_EQ(info.rsoc_percent, (soc_estimator_soc_permille(&bench.context().soc) + 5) / 10);
  EXPECT_GT(info.rsoc_percent, 50);  // 3.307 V average on the LFP curve
}

TEST_F(ServiceProtocolTest, CellVoltagesDecodeWithTheBusCodec) {
  const auto response = bench.read(JBD_CMD_CELL_VOLTAGES);
  ASSERT_TRUE(response.has_value());
  jbd_cell_voltages cells{};
  ASSERT_EQ(jbd_decode_cell_voltages(&*response, &cells), JBD_OK);
  ASSERT_EQ(cells.cell_count, 16);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(cells.cell_mv[i], 3300 + i);
  }
}

TEST_F(ServiceProtocolTest, HardwareVersionIsText) {
  const auto response = bench.read(JBD_CMD_HARDWARE_VERSION);
  ASSERT_TRUE(response.has_value());
  jbd_hardware_version version{};
  ASSERT_EQ(jbd_decode_hardware_version(&*response, &version), JBD_OK);
  EXPECT_STREQ(version.text, SERVICE_HARDWARE_VERSION_TEXT);
}

TEST_F(ServiceProtocolTest, UnknownCommandsGetTheErrorStatus) {
  const auto response = bench.read(0x99);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->command, 0x99);
  EXPECT_EQ(response->status, JBD_STATUS_ERROR);
  EXPECT_EQ(response->data_len, 0);
}

TEST_F(ServiceProtocolTest, ProtectionBitsFollowTheFirmwareFlags) {
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_CELL_OVERVOLTAGE)), JBD_PROTECT_CELL_OVERVOLTAGE);
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE)),
            JBD_PROTECT_DISCHARGE_UNDERTEMP);
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION)), JBD_PROTECT_AFE_ERROR);
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT)), JBD_PROTECT_SHORT_CIRCUIT);
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_SERVICE_CHARGE_LOCK)),
            JBD_PROTECT_SOFTWARE_MOS_LOCK);
  EXPECT_EQ(service_protocol_protection_status(BMS_FLAG(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS)), 0);

  bench.afe.set_cell(2, 3700);
  ASSERT_TRUE(bench.run_until([&] { return bench.flag(BMS_FLAG_BIT_CELL_OVERVOLTAGE); }, 2000));
  bench.run_ms(200);
  const jbd_basic_info info = basic_info();
  EXPECT_EQ(info.protection_status, JBD_PROTECT_CELL_OVERVOLTAGE);
  EXPECT_EQ(info.fet_status, JBD_FET_DISCHARGE_ON);
}

TEST_F(ServiceProtocolTest, MosControlTurnsFetsOffAndAllowsThemBack) {
  const auto off = bench.mos_control(true, false);
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->command, JBD_CMD_MOS_CONTROL);
  EXPECT_EQ(off->status, JBD_STATUS_OK);
  bench.run_ms(100);
  EXPECT_EQ(bench.state(), BMS_STATE_CHARGE_INHIBIT);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_EQ(basic_info().protection_status, JBD_PROTECT_SOFTWARE_MOS_LOCK);
  const auto on = bench.mos_control(false, false);
  ASSERT_TRUE(on.has_value());
  EXPECT_EQ(on->status, JBD_STATUS_OK);
  bench.run_ms(100);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  EXPECT_TRUE(bench.afe.charge_fet_on());
}

TEST_F(ServiceProtocolTest, ResetIsRefusedWhileTheShortCircuitPersistsAndAcceptedAfter) {
  bench.afe.safety_status_a = BQ76952_SAFETY_A_SCD;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 500));
  const auto refused = bench.mos_control(false, false);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, JBD_STATUS_ERROR);
  EXPECT_EQ(bench.state(), BMS_STATE_FAULT_LATCHED);
  fault_log_entry last{};
  ASSERT_TRUE(fault_log_get(&bench.context().log, fault_log_count(&bench.context().log) - 1, &last));
  EXPECT_EQ(last.code, FAULT_LOG_CODE_FAULT_RESET_REFUSED);
  EXPECT_EQ(static_cast<std::uint32_t>(last.value), BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT));

  bench.afe.safety_status_a = 0;  // the chip's SCD recovered
  bench.run_ms(300);
  const auto accepted = bench.mos_control(false, false);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->status, JBD_STATUS_OK);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1000));
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_TRUE(bench.afe.discharge_fet_on());
}

TEST_F(ServiceProtocolTest, AfterAnAfeCommunicationFaultTheResetReconfiguresTheChip) {
  bench.afe.absent = true;
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 2000));
  const auto refused = bench.mos_control(false, false);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, JBD_STATUS_ERROR);
  bench.afe.absent = false;
  bench.run_ms(300);
  const auto accepted = bench.mos_control(false, false);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->status, JBD_STATUS_OK);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 2000));
  EXPECT_EQ(bench.afe.config_update_entries, 2);
}

TEST_F(ServiceProtocolTest, TheStatusExtensionReportsStateFlagsAndLimits) {
  const auto response = bench.read(SERVICE_CMD_STATUS);
  ASSERT_TRUE(response.has_value());
  ASSERT_EQ(response->status, JBD_STATUS_OK);
  ASSERT_EQ(response->data_len, SERVICE_STATUS_SIZE);
  EXPECT_EQ(response->data[0], BMS_STATE_NORMAL);
  EXPECT_EQ(be32(response->data + 1), 0U);
  EXPECT_EQ(be32(response->data + 5), 0U);
  EXPECT_EQ((response->data[11] << 8) | response->data[12], 1000);  // SOH per mille
  EXPECT_EQ((response->data[17] << 8) | response->data[18], 1000);  // comm-loss factor
  EXPECT_EQ((response->data[20] << 8) | response->data[21], 46);    // 4.6 A charge limit
}

TEST_F(ServiceProtocolTest, ALongAnswerIsDeliveredThroughASlowUart) {
  bench.host.uart_write_limit = 7;  // the UART takes 7 bytes a tick
  const jbd_basic_info info = basic_info();
  EXPECT_EQ(info.cell_count, 16);
}

TEST_F(ServiceProtocolTest, GarbageBeforeARequestIsSkipped) {
  bench.host.uart_to_bms.insert(bench.host.uart_to_bms.end(), {0x00, 0x77, 0xDD, 0x13});
  bench.run_ms(100);  // the line goes quiet: the partial frame is dropped
  const auto response = bench.read(JBD_CMD_CELL_VOLTAGES);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->command, JBD_CMD_CELL_VOLTAGES);
}

}  // namespace
}  // namespace packsim::firmware_test
