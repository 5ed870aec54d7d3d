// Same seed, same inputs: the same readings bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Rig;

std::vector<std::uint16_t> record(std::uint64_t seed) {
  Bq76952Config config;  // datasheet-typical noise and channel errors
  config.seed = seed;
  Rig rig{config};
  rig.host.subcommand(subcommand::kSleepDisable);
  std::vector<std::uint16_t> readings;
  for (int step = 0; step < 100; ++step) {
    for (std::size_t k = 0; k < kCellInputs; ++k) {
      rig.pins.cell_v[k] = 3.3 + 0.01 * std::sin(0.1 * step + static_cast<double>(k));
    }
    rig.pins.sense_v = -1e-3 * std::cos(0.05 * step);
    rig.pins.pin_temp_c[kTs1Pin] = 25.0 + 0.1 * step;
    rig.run_for(20 * sim::kNsPerMs);
    for (int cell = 1; cell <= 16; ++cell) {
      readings.push_back(rig.host.read_u16(command::cell_voltage(cell)));
    }
    readings.push_back(rig.host.read_u16(command::kStackVoltage));
    readings.push_back(rig.host.read_u16(command::kCc2Current));
    readings.push_back(rig.host.read_u16(command::kTs1Temperature));
    readings.push_back(rig.host.read_u16(command::kIntTemperature));
  }
  return readings;
}

TEST(Determinism, SameSeedGivesTheSameRegisterReadingsBitForBit) { EXPECT_EQ(record(42), record(42)); }

TEST(Determinism, DifferentSeedsGiveDifferentChips) { EXPECT_NE(record(42), record(43)); }

TEST(Determinism, StateCopyReplaysTheSameFuture) {
  Bq76952Config config;
  config.seed = 8;
  Rig rig{config};
  rig.run_for(300 * sim::kNsPerMs);
  Bq76952 copy{rig.afe};
  AnalogInputs pins{rig.pins};
  pins.sense_v = -1e-3;
  rig.afe.advance_to(rig.afe.now_ns() + sim::kNsPerS, pins);
  copy.advance_to(copy.now_ns() + sim::kNsPerS, pins);
  for (std::uint8_t reg = command::kCell1Voltage; reg <= command::kCc2Current; reg += 2) {
    EXPECT_EQ(rig.afe.register_value(reg), copy.register_value(reg));
  }
}

}  // namespace
}  // namespace packsim::afe
