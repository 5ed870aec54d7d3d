// I2C transaction semantics of the target (datasheet 14.2).
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::kAddress;
using testing::Rig;

TEST(I2cTarget, AnswersOnlyAtItsSevenBitAddress) {
  Rig rig;
  const std::uint8_t reg[1]{command::kCell1Voltage};
  EXPECT_TRUE(rig.afe.write(0x08, reg, 1).ok());
  EXPECT_EQ(rig.afe.write(0x09, reg, 1).kind, I2cStatus::Kind::kAddressNack);
  std::uint8_t out[2]{};
  EXPECT_EQ(rig.afe.read(0x10, out, 2).kind, I2cStatus::Kind::kAddressNack);
}

TEST(I2cTarget, ReadAfterRegisterWriteReturnsLittleEndianBytes) {
  Rig rig;
  rig.pins.cell_v[2] = 3.456;
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint8_t reg[1]{command::cell_voltage(3)};
  ASSERT_TRUE(rig.afe.write(kAddress, reg, 1).ok());
  std::uint8_t out[2]{};
  ASSERT_TRUE(rig.afe.read(kAddress, out, 2).ok());
  EXPECT_EQ(out[0], 3456 & 0xFF);
  EXPECT_EQ(out[1], 3456 >> 8);
}

TEST(I2cTarget, BlockReadAutoIncrementsThroughAllCells) {
  Rig rig;
  for (std::size_t k = 0; k < kCellInputs; ++k) {
    rig.pins.cell_v[k] = 3.0 + 0.01 * static_cast<double>(k);
  }
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint8_t reg[1]{command::kCell1Voltage};
  ASSERT_TRUE(rig.afe.write(kAddress, reg, 1).ok());
  std::uint8_t out[32]{};
  ASSERT_TRUE(rig.afe.read(kAddress, out, 32).ok());
  for (int k = 0; k < 16; ++k) {
    EXPECT_EQ(out[2 * k] | (out[2 * k + 1] << 8), 3000 + 10 * k);
  }
}

TEST(I2cTarget, ReadContinuesFromWherePointerWasLeft) {
  Rig rig;
  rig.pins.cell_v[0] = 3.1;
  rig.pins.cell_v[1] = 3.2;
  rig.run_for(100 * sim::kNsPerMs);
  const std::uint8_t reg[1]{command::kCell1Voltage};
  ASSERT_TRUE(rig.afe.write(kAddress, reg, 1).ok());
  std::uint8_t first[2]{};
  std::uint8_t second[2]{};
  ASSERT_TRUE(rig.afe.read(kAddress, first, 2).ok());
  ASSERT_TRUE(rig.afe.read(kAddress, second, 2).ok());
  EXPECT_EQ(first[0] | (first[1] << 8), 3100);
  EXPECT_EQ(second[0] | (second[1] << 8), 3200);
}

TEST(I2cTarget, BlockWriteAutoIncrementsAcrossWritableBytes) {
  Rig rig;
  ASSERT_TRUE(rig.host.write_bytes(command::kTransferBuffer, {1, 2, 3, 4}).ok());
  EXPECT_EQ(rig.host.read_bytes(command::kTransferBuffer, 4), (std::vector<std::uint8_t>{1, 2, 3, 4}));
}

TEST(I2cTarget, EmptyWriteIsAcknowledged) {
  Rig rig;
  EXPECT_TRUE(rig.afe.write(kAddress, nullptr, 0).ok());
}

}  // namespace
}  // namespace packsim::afe
