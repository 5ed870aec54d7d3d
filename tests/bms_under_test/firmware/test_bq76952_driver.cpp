// The bq76952 transport: direct reads, subcommand transfers with checksum and
// length, CONFIG_UPDATE, and how bus failures surface.
#include <gtest/gtest.h>

#include "bms_under_test/firmware/bq76952_driver.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "tests/bms_under_test/firmware/fake_bq76952.h"
#include "tests/bms_under_test/firmware/fake_hal_host.h"

namespace packsim::firmware_test {
namespace {

class Bq76952DriverTest : public ::testing::Test {
 protected:
  FakeBq76952 afe;
  FakeHalHost host{afe};
  const bms_hal* hal{host.hal()};
};

TEST(Bq76952Checksum, MatchesTheTrmExample) {
  // TRM SLUUBY2 3.1: Cell 1 Gain (0x9180) = 0x7A 0x30 -> checksum 0x44, length 6.
  const std::uint8_t data[2]{0x7A, 0x30};
  EXPECT_EQ(bq76952_transfer_checksum(0x9180, data, 2), 0x44);
}

TEST_F(Bq76952DriverTest, DirectReadsAreLittleEndianAndSigned) {
  afe.cc2_raw = -1234;
  afe.cell_mv[0] = 3312;
  afe.safety_status_a = BQ76952_SAFETY_A_SCD;
  int16_t current = 0;
  uint16_t cell = 0;
  uint8_t safety = 0;
  EXPECT_EQ(bq76952_read_i16(hal, BQ76952_CMD_CC2_CURRENT, &current), BQ76952_OK);
  EXPECT_EQ(bq76952_read_u16(hal, BQ76952_CMD_CELL1_VOLTAGE, &cell), BQ76952_OK);
  EXPECT_EQ(bq76952_read_u8(hal, BQ76952_CMD_SAFETY_STATUS_A, &safety), BQ76952_OK);
  EXPECT_EQ(current, -1234);
  EXPECT_EQ(cell, 3312);
  EXPECT_EQ(safety, BQ76952_SAFETY_A_SCD);
}

TEST_F(Bq76952DriverTest, TransferWriteSendsDataThenChecksumAndLength) {
  ASSERT_EQ(bq76952_config_update_enter(hal), BQ76952_OK);
  const std::uint8_t delay[2]{0x2F, 0x01};
  ASSERT_EQ(bq76952_transfer_write(hal, BQ76952_DM_CUV_DELAY, delay, 2), BQ76952_OK);
  ASSERT_FALSE(afe.transfer_writes.empty());
  const auto& write = afe.transfer_writes.back();
  EXPECT_EQ(write.address, BQ76952_DM_CUV_DELAY);
  EXPECT_TRUE(write.checksum_ok);
  EXPECT_EQ(write.length, 2 + 4);
  EXPECT_TRUE(write.in_config_update);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_CUV_DELAY, 2), 0x012FU);
}

TEST_F(Bq76952DriverTest, TransferReadPollsUntilTheChipEchoesTheCommand) {
  afe.busy_polls_per_subcommand = 3;
  std::uint8_t status[2]{};
  EXPECT_EQ(bq76952_transfer_read(hal, BQ76952_SUBCMD_DEVICE_NUMBER, status, 2), BQ76952_OK);
  EXPECT_EQ(status[0] | (status[1] << 8), 0x7695);
}

TEST_F(Bq76952DriverTest, TransferReadGivesUpWhenTheCommandNeverCompletes) {
  afe.busy_polls_per_subcommand = static_cast<int>(BQ76952_POLL_ATTEMPTS) + 1;
  std::uint8_t status[2]{};
  EXPECT_EQ(bq76952_transfer_read(hal, BQ76952_SUBCMD_DEVICE_NUMBER, status, 2), BQ76952_ERROR_NOT_READY);
}

TEST_F(Bq76952DriverTest, TransferReadRejectsABadChecksum) {
  afe.corrupt_read_checksum = true;
  std::uint8_t status[2]{};
  EXPECT_EQ(bq76952_transfer_read(hal, BQ76952_SUBCMD_MANUFACTURING_STATUS, status, 2), BQ76952_ERROR_CHECKSUM);
}

TEST_F(Bq76952DriverTest, DataMemoryReadsReturnTheBlockAtTheAddress) {
  ASSERT_EQ(bq76952_config_update_enter(hal), BQ76952_OK);
  const std::uint8_t value[1]{0x31};
  ASSERT_EQ(bq76952_transfer_write(hal, BQ76952_DM_CUV_THRESHOLD, value, 1), BQ76952_OK);
  std::uint8_t read_back[1]{};
  EXPECT_EQ(bq76952_transfer_read(hal, BQ76952_DM_CUV_THRESHOLD, read_back, 1), BQ76952_OK);
  EXPECT_EQ(read_back[0], 0x31);
}

TEST_F(Bq76952DriverTest, NackAndBusErrorsAreReportedAsSuch) {
  std::uint16_t value = 0;
  afe.nack_next_transactions = 1;
  EXPECT_EQ(bq76952_read_u16(hal, BQ76952_CMD_STACK_VOLTAGE, &value), BQ76952_ERROR_NACK);
  afe.bus_error_next_transactions = 1;
  EXPECT_EQ(bq76952_read_u16(hal, BQ76952_CMD_STACK_VOLTAGE, &value), BQ76952_ERROR_BUS);
  EXPECT_EQ(bq76952_subcommand(hal, BQ76952_SUBCMD_ALL_FETS_ON), BQ76952_OK);
  afe.absent = true;
  EXPECT_EQ(bq76952_subcommand(hal, BQ76952_SUBCMD_ALL_FETS_ON), BQ76952_ERROR_NACK);
}

TEST_F(Bq76952DriverTest, ConfigUpdateIsConfirmedByBatteryStatus) {
  EXPECT_EQ(bq76952_config_update_enter(hal), BQ76952_OK);
  EXPECT_TRUE(afe.config_update());
  EXPECT_EQ(bq76952_config_update_exit(hal), BQ76952_OK);
  EXPECT_FALSE(afe.config_update());
  EXPECT_FALSE(afe.por);  // EXIT_CFGUPDATE clears Battery Status[POR]
}

TEST_F(Bq76952DriverTest, DataMemoryIsNotWrittenOutsideConfigUpdate) {
  const std::uint8_t value[1]{0x31};
  ASSERT_EQ(bq76952_transfer_write(hal, BQ76952_DM_CUV_THRESHOLD, value, 1), BQ76952_OK);
  EXPECT_FALSE(afe.dm_written(BQ76952_DM_CUV_THRESHOLD));
}

TEST_F(Bq76952DriverTest, TransferLengthsOutsideTheBufferAreRefused) {
  std::uint8_t data[33]{};
  EXPECT_EQ(bq76952_transfer_write(hal, BQ76952_DM_CUV_THRESHOLD, data, 0), BQ76952_ERROR_LENGTH);
  EXPECT_EQ(bq76952_transfer_write(hal, BQ76952_DM_CUV_THRESHOLD, data, 33), BQ76952_ERROR_LENGTH);
  EXPECT_EQ(afe.transactions, 0U);
}

}  // namespace
}  // namespace packsim::firmware_test
