// CRC-8 (poly 0x07, init 0) and the I2C CRC mode of datasheet 14.2.
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Host;
using testing::kAddress;
using testing::Rig;

TEST(Crc8, MatchesTisExampleOverAddressRegisterAndData) {
  const std::uint8_t bytes[]{0x10, 0x3E, 0x22};
  EXPECT_EQ(crc8(bytes, 3), 0x63);
}

TEST(Crc8, TableAgreesWithTheBitwisePolynomial) {
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(crc8_update(0x5A, static_cast<std::uint8_t>(b)),
              crc8_update_bitwise(0x5A, static_cast<std::uint8_t>(b)));
  }
}

TEST(Crc8, ZeroMessageGivesZero) {
  const std::uint8_t bytes[]{0, 0, 0};
  EXPECT_EQ(crc8(bytes, 3), 0);
}

// Comm Type 0x12 (I2C fast with CRC) programmed in OTP: the chip powers up in CRC mode.
Rig crc_rig() {
  Bq76952Config config{testing::ideal_config()};
  config.otp.push_back({dm::kCommType, 0x12});
  Rig rig{config};
  rig.host.crc = true;
  return rig;
}

TEST(I2cCrcMode, ReadsReturnEachDataByteWithItsCrc) {
  Rig rig{crc_rig()};
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_TRUE(rig.afe.state().crc);
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(1)), 3300);
  EXPECT_EQ(rig.host.crc_errors, 0);
  // By hand: first CRC over [0x10, reg, 0x11, data], the second over the data byte alone.
  const std::uint8_t pointer[1]{command::kCell1Voltage};
  ASSERT_TRUE(rig.afe.write(kAddress, pointer, 1).ok());
  std::uint8_t raw[4]{};
  ASSERT_TRUE(rig.afe.read(kAddress, raw, 4).ok());
  const std::uint8_t first[]{0x10, command::kCell1Voltage, 0x11, raw[0]};
  EXPECT_EQ(raw[1], crc8(first, 4));
  EXPECT_EQ(raw[3], crc8(&raw[2], 1));
  EXPECT_EQ(raw[0] | (raw[2] << 8), 3300);
}

TEST(I2cCrcMode, WriteWithGoodCrcsTakesEffect) {
  Rig rig{crc_rig()};
  rig.run_for(100 * sim::kNsPerMs);
  ASSERT_TRUE(rig.host.write_bytes(command::kAlarmEnable, {0x34, 0x12}).ok());
  EXPECT_EQ(rig.host.read_u16(command::kAlarmEnable), 0x1234);
}

TEST(I2cCrcMode, BadCrcIsNackedAndTheByteIsDropped) {
  Rig rig{crc_rig()};
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint16_t before{rig.host.read_u16(command::kAlarmEnable)};
  const std::uint8_t good_first{crc8_update(crc8_update(crc8_update(0, 0x10), command::kAlarmEnable), 0x34)};
  const std::uint8_t frame[]{command::kAlarmEnable, 0x34, static_cast<std::uint8_t>(good_first ^ 0x01)};
  const I2cStatus status{rig.afe.write(kAddress, frame, sizeof frame)};
  EXPECT_EQ(status.kind, I2cStatus::Kind::kDataNack);
  EXPECT_EQ(status.byte_index, 2U);  // the CRC byte
  EXPECT_EQ(rig.host.read_u16(command::kAlarmEnable), before);
}

TEST(I2cCrcMode, SecondByteCrcCoversOnlyItsData) {
  Rig rig{crc_rig()};
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint8_t c0{crc8_update(crc8_update(crc8_update(0, 0x10), command::kAlarmEnable), 0x78)};
  // Wrong: the second CRC computed as if it also covered the address and register.
  const std::uint8_t c1_wrong{crc8_update(crc8_update(crc8_update(0, 0x10), command::kAlarmEnable), 0x56)};
  const std::uint8_t frame[]{command::kAlarmEnable, 0x78, c0, 0x56, c1_wrong};
  const I2cStatus status{rig.afe.write(kAddress, frame, sizeof frame)};
  EXPECT_EQ(status.kind, I2cStatus::Kind::kDataNack);
  EXPECT_EQ(status.byte_index, 4U);
  // The first byte, whose CRC was right, was taken; the second was not.
  EXPECT_EQ(rig.host.read_u16(command::kAlarmEnable) & 0x00FF, 0x78);
}

TEST(I2cCrcMode, SubcommandsWorkOverCrc) {
  Rig rig{crc_rig()};
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kDeviceNumber), kDeviceNumber);
  EXPECT_EQ(rig.host.crc_errors, 0);
}

TEST(I2cCrcMode, SwapCommModeSwitchesToTheProgrammedMode) {
  Rig rig;
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_FALSE(rig.afe.state().crc);
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kCommType, 0x12); });
  EXPECT_FALSE(rig.afe.state().crc);  // Comm Type applies at reset or SWAP_COMM_MODE
  rig.host.subcommand(subcommand::kSwapCommMode);
  EXPECT_TRUE(rig.afe.state().crc);
  rig.host.crc = true;
  EXPECT_EQ(rig.host.read_i16(command::cell_voltage(16)), 3300);
  EXPECT_EQ(rig.host.crc_errors, 0);
}

}  // namespace
}  // namespace packsim::afe
