// Subcommands through 0x3E/0x3F, the 0x40 transfer buffer, 0x60 checksum and 0x61 length (TRM 3.1).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Host;
using testing::Rig;

TEST(Subcommands, DeviceNumberReadsBack0x7695) {
  Rig rig;
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kDeviceNumber), 0x7695);
  EXPECT_EQ(rig.host.read_u8(command::kTransferLength), 0x06);  // 2 data bytes + 4
}

TEST(Subcommands, ResponseChecksumCoversCommandAndData) {
  Rig rig;
  rig.host.subcommand(subcommand::kDeviceNumber);
  const std::uint8_t data[2]{0x95, 0x76};
  EXPECT_EQ(rig.host.read_u8(command::kTransferChecksum), transfer_checksum(subcommand::kDeviceNumber, data, 2));
}

TEST(Subcommands, SubcommandAddressReadsBackOnceComplete) {
  Rig rig;
  rig.host.subcommand(subcommand::kDeviceNumber);
  EXPECT_EQ(rig.host.read_u16(command::kSubcommandLow), subcommand::kDeviceNumber);
}

TEST(Subcommands, SubcommandReadsFFWhileBusy) {
  Bq76952Config config{testing::ideal_config()};
  config.subcommand_latency_ns = 500 * sim::kNsPerUs;
  Rig rig{config};
  rig.run_for(sim::kNsPerMs);
  rig.host.subcommand(subcommand::kMfgStatus);
  EXPECT_EQ(rig.host.read_u16(command::kSubcommandLow), 0xFFFF);
  rig.run_for(500 * sim::kNsPerUs);
  EXPECT_EQ(rig.host.read_u16(command::kSubcommandLow), subcommand::kMfgStatus);
}

TEST(Subcommands, MfgStatusDefaultsToPfEnWithFetTestMode) {
  Rig rig;
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kMfgStatus), bits::kPfEn);  // Mfg Status Init 0x0040
}

TEST(Subcommands, FetEnableTogglesFetEnInMfgStatusAndMfgStatusInit) {
  Rig rig;
  rig.host.subcommand(subcommand::kFetEnable);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kMfgStatus), bits::kPfEn | bits::kFetEn);
  EXPECT_EQ(rig.host.dm_read_u2(dm::kMfgStatusInit), bits::kPfEn | bits::kFetEn);
  rig.host.subcommand(subcommand::kFetEnable);
  EXPECT_EQ(rig.host.subcommand_read_u16(subcommand::kMfgStatus), bits::kPfEn);
}

TEST(Subcommands, SleepEnableIs0x0099AndSleepDisable0x009A) {
  Rig rig;
  rig.host.subcommand(0x009A);
  EXPECT_EQ(rig.host.read_u16(command::kBatteryStatus) & bits::kSleepEn, 0);
  rig.host.subcommand(0x0099);
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kSleepEn, 0);
}

TEST(Subcommands, WrongChecksumIsIgnoredAndDataMemoryKeepsItsValue) {
  Rig rig;
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  rig.host.subcommand_write(dm::kEnabledProtectionsA, {0xFC}, /*checksum_error=*/1);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x88);
  rig.host.subcommand_write(dm::kEnabledProtectionsA, {0xFC});
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0xFC);
}

TEST(Subcommands, WrongLengthIsIgnored) {
  Rig rig;
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  rig.host.subcommand_write(dm::kCuvThreshold, {40}, 0, /*length_error=*/1);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kCuvThreshold), 50);
  rig.host.subcommand_write(dm::kCuvThreshold, {40}, 0, /*length_error=*/-1);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kCuvThreshold), 50);
}

TEST(Subcommands, SlauaExampleWriteOfEnabledProtectionsA) {
  // SLUAA11: 0x8C to 0x9261, checksum over (0x61, 0x92, 0x8C), length 5.
  Rig rig;
  rig.host.subcommand(subcommand::kSetCfgUpdate);
  ASSERT_TRUE(rig.host.write_bytes(command::kSubcommandLow, {0x61, 0x92, 0x8C}).ok());
  const std::uint8_t checksum{static_cast<std::uint8_t>(~(0x61 + 0x92 + 0x8C))};
  ASSERT_TRUE(rig.host.write_bytes(command::kTransferChecksum, {checksum, 0x05}).ok());
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x8C);
}

TEST(Subcommands, DataMemoryReadFillsTheWholeTransferBuffer) {
  Rig rig;
  const auto block = rig.host.subcommand_read(dm::kEnabledProtectionsA, 32);
  EXPECT_EQ(block[0], 0x88);  // Enabled Protections A
  EXPECT_EQ(block[4], 0x98);  // CHG FET Protections A at 0x9265
  EXPECT_EQ(rig.host.read_u8(command::kTransferLength), 0x24);
}

TEST(Subcommands, FetControlNeedsChecksumAndLength) {
  Rig rig;
  rig.boot_with_fets_enabled();
  ASSERT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand_write(subcommand::kFetControl, {bits::kDsgOff}, /*checksum_error=*/3);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.host.subcommand_write(subcommand::kFetControl, {bits::kDsgOff});
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(Subcommands, ResetRestoresDefaultsAndSetsPor) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xFC); });
  EXPECT_EQ(rig.host.read_u16(command::kBatteryStatus) & bits::kPor, 0);
  rig.host.subcommand(subcommand::kReset);
  EXPECT_EQ(rig.host.dm_read_u1(dm::kEnabledProtectionsA), 0x88);
  EXPECT_NE(rig.host.read_u16(command::kBatteryStatus) & bits::kPor, 0);
}

TEST(Subcommands, LegacyControlStatusWriteRunsASubcommandAndEchoesOnce) {
  Rig rig;
  ASSERT_TRUE(rig.host.write_bytes(command::kControlStatus, {0x01, 0x00}).ok());  // DEVICE_NUMBER
  EXPECT_EQ(rig.host.read_u16(command::kControlStatus), 0xFFA5);
  EXPECT_EQ(rig.host.read_u16(command::kControlStatus), 0x0000);
  EXPECT_EQ(rig.host.read_u16(command::kTransferBuffer), 0x7695);
}

}  // namespace
}  // namespace packsim::afe
