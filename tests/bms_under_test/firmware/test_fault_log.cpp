// The fault log ring buffer, and reading it back through the service tool.
#include <gtest/gtest.h>

#include <cstdint>

#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/fault_log.h"
#include "bms_under_test/firmware/service_protocol.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24U) | (static_cast<std::uint32_t>(p[1]) << 16U) |
         (static_cast<std::uint32_t>(p[2]) << 8U) | p[3];
}

TEST(FaultLog, KeepsEntriesOldestFirst) {
  fault_log log{};
  fault_log_clear(&log);
  fault_log_record(&log, 2, 1, 10, 1000, 2450);
  fault_log_record(&log, 2, 0, 10, 5000, 2810);
  ASSERT_EQ(fault_log_count(&log), 2U);
  fault_log_entry entry{};
  ASSERT_TRUE(fault_log_get(&log, 0, &entry));
  EXPECT_EQ(entry.code, 2);
  EXPECT_EQ(entry.raised, 1);
  EXPECT_EQ(entry.cell_number, 10);
  EXPECT_EQ(entry.time_ms, 1000U);
  EXPECT_EQ(entry.value, 2450);
  ASSERT_TRUE(fault_log_get(&log, 1, &entry));
  EXPECT_EQ(entry.time_ms, 5000U);
  EXPECT_FALSE(fault_log_get(&log, 2, &entry));
}

TEST(FaultLog, WrapsAroundOverwritingTheOldest) {
  fault_log log{};
  fault_log_clear(&log);
  const std::uint32_t total = FAULT_LOG_CAPACITY + 9;
  for (std::uint32_t i = 0; i < total; ++i) {
    fault_log_record(&log, static_cast<std::uint8_t>(1 + i % 19), 1, 0, i * 100, static_cast<std::int32_t>(i));
  }
  EXPECT_EQ(fault_log_count(&log), FAULT_LOG_CAPACITY);
  EXPECT_EQ(log.total_recorded, total);
  fault_log_entry entry{};
  ASSERT_TRUE(fault_log_get(&log, 0, &entry));
  EXPECT_EQ(entry.value, 9);  // entries 0..8 were overwritten
  ASSERT_TRUE(fault_log_get(&log, FAULT_LOG_CAPACITY - 1, &entry));
  EXPECT_EQ(entry.value, static_cast<std::int32_t>(total - 1));
  EXPECT_FALSE(fault_log_get(&log, FAULT_LOG_CAPACITY, &entry));
}

TEST(FaultLogService, TheToolReadsTheLogPageByPage) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  // Forty protection events: more than the log holds.
  for (int i = 0; i < 20; ++i) {
    bench.afe.set_cell(3, 3700);
    ASSERT_TRUE(bench.run_until([&] { return bench.flag(BMS_FLAG_BIT_CELL_OVERVOLTAGE); }, 2000));
    bench.afe.set_cell(3, 3300);
    ASSERT_TRUE(bench.run_until([&] { return !bench.flag(BMS_FLAG_BIT_CELL_OVERVOLTAGE); }, 2000));
  }
  const std::uint32_t total = bench.context().log.total_recorded;
  ASSERT_GT(total, FAULT_LOG_CAPACITY);

  std::uint32_t read = 0;
  std::uint32_t last_time = 0;
  while (read < FAULT_LOG_CAPACITY) {
    const auto response = bench.read(SERVICE_CMD_FAULT_LOG, {static_cast<std::uint8_t>(read)});
    ASSERT_TRUE(response.has_value());
    ASSERT_EQ(response->status, JBD_STATUS_OK);
    EXPECT_EQ(be32(response->data), total);
    EXPECT_EQ(response->data[4], FAULT_LOG_CAPACITY);
    EXPECT_EQ(response->data[5], read);
    const std::uint32_t count = response->data[6];
    ASSERT_GT(count, 0U);
    ASSERT_LE(count, SERVICE_FAULT_LOG_ENTRIES_PER_ANSWER);
    ASSERT_EQ(response->data_len, SERVICE_FAULT_LOG_HEADER_SIZE + count * SERVICE_FAULT_LOG_ENTRY_SIZE);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint8_t* entry = response->data + SERVICE_FAULT_LOG_HEADER_SIZE + i * SERVICE_FAULT_LOG_ENTRY_SIZE;
      EXPECT_EQ(entry[0], BMS_FLAG_BIT_CELL_OVERVOLTAGE + 1);
      if (entry[1] == 1) {
        EXPECT_EQ(entry[2], 4);  // tripped by cell 4 (input 3); a recovery names the highest cell then
      }
      const std::uint32_t time_ms = be32(entry + 3);
      EXPECT_GE(time_ms, last_time);
      last_time = time_ms;
      const std::int32_t value = static_cast<std::int32_t>(be32(entry + 7));
      EXPECT_EQ(value, entry[1] == 1 ? 3700 : 3300);
    }
    read += count;
  }
  const auto past_end = bench.read(SERVICE_CMD_FAULT_LOG, {static_cast<std::uint8_t>(FAULT_LOG_CAPACITY)});
  ASSERT_TRUE(past_end.has_value());
  EXPECT_EQ(past_end->data[6], 0);
}

}  // namespace
}  // namespace packsim::firmware_test
