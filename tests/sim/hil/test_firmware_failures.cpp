// The board's MCU failing on purpose (FirmwareComponent::fail): a hang stops
// the ticks and holds the FETs as the chip keeps them; the watchdog bites
// `timeout` after the last completed tick, not after the hang began; no
// watchdog, no reset; a crash resets at once; a persistent failure strikes
// again after every boot until the image is replaced.
#include <gtest/gtest.h>

#include <vector>

#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using Failure = FirmwareComponent::Failure;

struct Resets {
  std::vector<sim::TimeNs> at_ns;
  std::vector<Failure> why;
};

// A rig past its boot, carrying 1 A, with a watchdog of `watchdog_ms` (0: none).
std::unique_ptr<HilRig> running_rig(int watchdog_ms, Resets& resets) {
  RigOptions options;
  options.initial_soc = 0.6;
  if (watchdog_ms > 0) options.watchdog_ns = watchdog_ms * kNsPerMs;
  auto rig{std::make_unique<HilRig>(options, reference_firmware())};
  rig->firmware().set_on_reset([&resets, r = rig.get()](Failure failure) {
    resets.at_ns.push_back(r->now_ns());
    resets.why.push_back(failure);
  });
  rig->run_for(2 * kNsPerS);
  rig->set_load(models::ConstantCurrent{1.0});
  rig->run_for(kNsPerS);
  return rig;
}

TEST(FirmwareFailures, AHangStopsTheTicksAndTheChipHoldsTheFets) {
  Resets resets;
  auto rig{running_rig(0, resets)};
  ASSERT_TRUE(rig->discharge_fet_on());
  const std::uint64_t ticks{rig->firmware().ticks()};
  rig->firmware().fail(Failure::kHang, false);
  EXPECT_FALSE(rig->firmware().running());
  rig->run_for(30 * kNsPerS);
  EXPECT_EQ(rig->firmware().ticks(), ticks);  // not one more tick: no watchdog on this board
  EXPECT_TRUE(rig->discharge_fet_on());
  EXPECT_NEAR(rig->pack_current_a(), 1.0, 1e-9);
  EXPECT_TRUE(resets.at_ns.empty());
}

TEST(FirmwareFailures, TheWatchdogBitesItsTimeoutAfterTheLastCompletedTick) {
  Resets resets;
  auto rig{running_rig(300, resets)};
  // 3 s is a tick instant; the hang lands 4 ms later, between ticks.
  rig->run_for(4 * kNsPerMs);
  rig->firmware().fail(Failure::kHang, false);
  rig->run_for(kNsPerS);
  ASSERT_EQ(resets.at_ns.size(), 1u);
  EXPECT_EQ(resets.at_ns[0], 3 * kNsPerS + 300 * kNsPerMs);
  EXPECT_EQ(resets.why[0], Failure::kHang);
  EXPECT_TRUE(rig->firmware().running());
  EXPECT_EQ(rig->firmware().boots(), 2u);
}

TEST(FirmwareFailures, ACrashResetsAtOnce) {
  Resets resets;
  auto rig{running_rig(0, resets)};
  const sim::TimeNs now{rig->now_ns()};
  rig->firmware().fail(Failure::kCrash, false);
  ASSERT_EQ(resets.at_ns.size(), 1u);
  EXPECT_EQ(resets.at_ns[0], now);
  EXPECT_EQ(resets.why[0], Failure::kCrash);
  rig->run_for(2 * kNsPerS);
  EXPECT_EQ(resets.at_ns.size(), 1u);  // once: the image is sound
  EXPECT_TRUE(rig->discharge_fet_on());
}

TEST(FirmwareFailures, APersistentHangComesBackAfterEveryWatchdogResetUntilTheImageIsReplaced) {
  Resets resets;
  auto rig{running_rig(200, resets)};
  rig->firmware().fail(Failure::kHang, true);
  rig->run_for(kNsPerS);
  // Each boot runs bms_init and hangs at its first tick: a reset every 200 ms after the boot.
  ASSERT_EQ(resets.at_ns.size(), 5u);
  for (std::size_t k = 1; k < resets.at_ns.size(); ++k) {
    EXPECT_EQ(resets.at_ns[k] - resets.at_ns[k - 1], 200 * kNsPerMs);
  }
  rig->firmware().clear_failure();  // a re-flash
  rig->restart_firmware();
  const std::size_t before{resets.at_ns.size()};
  rig->run_for(2 * kNsPerS);
  EXPECT_EQ(resets.at_ns.size(), before);
  EXPECT_TRUE(rig->firmware().running());
  EXPECT_GT(rig->firmware().ticks(), 150u);
}

TEST(FirmwareFailures, APersistentCrashResetsAtEveryFirstTick) {
  Resets resets;
  auto rig{running_rig(0, resets)};
  const std::uint64_t ticks{rig->firmware().ticks()};
  rig->firmware().fail(Failure::kCrash, true);
  rig->run_for(100 * kNsPerMs);
  EXPECT_EQ(resets.at_ns.size(), 11u);  // now, then at each of the 10 first ticks of 10 ms
  EXPECT_EQ(rig->firmware().ticks(), ticks);  // none of them completed
}

}  // namespace
}  // namespace packsim::hil
