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

// The chip may be handed any number of instants in between its own events
// (other components' events): with the same pins they change nothing.
TEST(Determinism, IdleInstantsBetweenEventsChangeNothing) {
  Bq76952Config config;  // datasheet-typical noise: a skipped or extra draw would show
  config.seed = 11;
  Rig sparse{config};
  Rig dense{config};
  for (Rig* rig : {&sparse, &dense}) {
    rig->host.subcommand(subcommand::kSleepDisable);
    rig->pins.sense_v = -2e-3;  // 2 A discharge
  }
  const sim::TimeNs end{3 * sim::kNsPerS};
  sparse.afe.advance_to(end, sparse.pins);
  for (sim::TimeNs t = sim::kNsPerMs; t <= end; t += sim::kNsPerMs) {
    dense.afe.advance_to(t, dense.pins);
  }
  EXPECT_EQ(sparse.afe.next_event_ns(), dense.afe.next_event_ns());
  for (std::uint8_t reg = command::kCell1Voltage; reg <= command::kCc2Current; reg += 2) {
    EXPECT_EQ(sparse.host.read_u16(reg), dense.host.read_u16(reg)) << "register 0x" << std::hex << int{reg};
  }
  EXPECT_EQ(sparse.host.read_u16(command::kTs1Temperature), dense.host.read_u16(command::kTs1Temperature));
}

// CC2 converts once a slot: a current step shows in the register within one
// slot, even though conversions are computed only when read.
TEST(Determinism, Cc2ReadingFollowsACurrentStepWithinOneSlot) {
  Rig rig{testing::ideal_config()};
  rig.host.subcommand(subcommand::kSleepDisable);
  rig.run_for(500 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 0);
  rig.pins.sense_v = 5e-3;  // 5 A charging through 1 mOhm
  rig.run_for(timing::kSlotNs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 5000);
  rig.pins.sense_v = 0.0;
  rig.run_for(timing::kSlotNs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 0);
}

}  // namespace
}  // namespace packsim::afe
