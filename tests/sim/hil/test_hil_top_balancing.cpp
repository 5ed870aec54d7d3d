// Top balancing with the reference firmware, the emulated bq76952 and the
// 16S1P LFP plant: a pack with one cell ahead is charged; the firmware keeps
// bleeding that cell at rest after the charge (the charger gone, or the charge
// FET opened by the cell's over-voltage) until it has relaxed below the
// balancing start voltage, and stays awake while it does.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <optional>

#include "bms_under_test/afe/bq76952.h"
#include "models/pack/pack.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::TimeNs;

constexpr int kCells{16};
constexpr int kLeadingCell{6};  // cell 7, 0-based
constexpr double kOneC{2.3};
const bms_config kDefaults{reference_default_config()};
const TimeNs kHoldOffNs{static_cast<TimeNs>(kDefaults.balancing_rest_holdoff_ms) * kNsPerMs};
const TimeNs kEvaluationNs{static_cast<TimeNs>(kDefaults.balancing_evaluation_interval_ms) * kNsPerMs};
constexpr TimeNs kMinuteNs{60 * kNsPerS};

// Matched cells at 97 % but cell 7, a full 3 % (69 mAh) ahead.
RigOptions pack_with_one_cell_ahead() {
  models::CellSpread spread{Eigen::ArrayXd::Ones(kCells), Eigen::ArrayXd::Ones(kCells), Eigen::ArrayXd::Ones(kCells),
                            Eigen::ArrayXd::Constant(kCells, 0.97)};
  spread.initial_soc(kLeadingCell) = 1.0;
  RigOptions options;
  options.spread = spread;
  return options;
}

class HilTopBalancingTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && rig_) {
      std::cout << rig_->report();
    }
  }

  HilRig& make_rig(RigOptions options) {
    rig_.reset();
    rig_ = std::make_unique<HilRig>(std::move(options), reference_firmware());
    return *rig_;
  }
  HilRig& rig() { return *rig_; }

  double bleed_a(int cell) const {
    const Eigen::ArrayXd& bleed{rig_->plant().inputs().bleed_current_a};
    return bleed.size() > cell ? bleed(cell) : 0.0;
  }
  bool leading_cell_bleeds() const { return bleed_a(kLeadingCell) > 0.02; }
  double leading_cell_v() const { return rig_->pack_state().group_voltage_v(kLeadingCell); }

  // Boots, plugs a charger for 0.5C up to 3.55 V a cell (what the BMS asks the
  // inverter for) and runs until the leading cell bleeds under charge.
  void charge_until_the_leading_cell_bleeds() {
    ASSERT_TRUE(rig().run_until([&] { return rig().charge_fet_on() && rig().discharge_fet_on(); }, kNsPerS));
    rig().set_load(models::CcCvCharger{kOneC / 2.0, kCells * 3.55});
    ASSERT_TRUE(rig().run_until([&] { return leading_cell_bleeds(); }, 20 * kMinuteNs))
        << "the leading cell never bled while charging";
  }

  std::unique_ptr<HilRig> rig_;
};

TEST_F(HilTopBalancingTest, AfterTheChargerLeavesTheLeadingCellBleedsAtRestUntilItNearsThePlateau) {
  make_rig(pack_with_one_cell_ahead());
  charge_until_the_leading_cell_bleeds();
  rig().set_load(models::OpenCircuit{});
  const TimeNs unplugged{rig().now_ns()};
  ASSERT_TRUE(rig().run_until([&] { return !leading_cell_bleeds(); }, kNsPerS)) << "bleeding stops with the charge";
  rig().run_until_time(unplugged + kHoldOffNs - kNsPerS);
  EXPECT_FALSE(leading_cell_bleeds()) << "the cells relax for the hold-off first";
  ASSERT_TRUE(rig().run_until([&] { return leading_cell_bleeds(); }, 2 * kNsPerS + kEvaluationNs))
      << "no bleeding at rest after the charge";
  const double soc_at_start{rig().pack_state().soc(kLeadingCell)};
  const std::optional<TimeNs> done{rig().run_until([&] { return !leading_cell_bleeds(); }, 6 * 60 * kMinuteNs)};
  ASSERT_TRUE(done) << "the leading cell bled for six hours";
  const double hours{sim::to_seconds(*done - unplugged) / 3600.0};
  const double bled_ah{(soc_at_start - rig().pack_state().soc(kLeadingCell)) * kOneC};
  std::cout << "rest balancing: " << hours << " h, " << bled_ah * 1000.0 << " mAh bled, cell 7 at "
            << leading_cell_v() << " V\n";
  EXPECT_GT(bled_ah, 0.005) << "a ~35 mA bleed for minutes at least";
  EXPECT_LT(leading_cell_v(), kDefaults.balancing_start_cell_mv / 1000.0 + 0.01)
      << "it stops where the rested voltage reaches the start voltage";
  EXPECT_GT(rig().min_cell_v(), 3.3) << "the other cells were never bled";
}

TEST_F(HilTopBalancingTest, AnOverVoltageCellIsBledWhileTheChargeFetIsOpenAndTheChargeThenResumes) {
  make_rig(pack_with_one_cell_ahead());
  charge_until_the_leading_cell_bleeds();
  ASSERT_TRUE(rig().run_until([&] { return !rig().charge_fet_on(); }, 30 * kMinuteNs))
      << "the leading cell never reached the over-voltage limit";
  const TimeNs opened{rig().now_ns()};
  EXPECT_GT(rig().max_cell_v(), kDefaults.cell_overvoltage_mv / 1000.0 - 0.01);
  ASSERT_TRUE(rig().run_until([&] { return leading_cell_bleeds(); }, kHoldOffNs + 2 * kEvaluationNs))
      << "no bleeding while the charge FET is open";
  EXPECT_FALSE(rig().charge_fet_on());
  EXPECT_LE(rig().now_ns() - opened, kHoldOffNs + 2 * kEvaluationNs);
  // The bleed brings the cell below the over-voltage recovery: the charger takes over again.
  ASSERT_TRUE(rig().run_until([&] { return rig().charge_fet_on(); }, 2 * 60 * kMinuteNs))
      << "the charge FET never closed again";
  EXPECT_LE(leading_cell_v(), (kDefaults.cell_overvoltage_mv - kDefaults.cell_overvoltage_hysteresis_mv) / 1000.0 +
                                   0.02);
}

TEST_F(HilTopBalancingTest, TheBmsStaysAwakeWhileItBleedsAndSleepsOnceDone) {
  RigOptions options{pack_with_one_cell_ahead()};
  bms_config config{reference_default_config()};
  config.idle_time_before_sleep_ms = 2 * 60 * 1000;  // two minutes instead of thirty
  options.config_image = config_eeprom_image(config);
  make_rig(options);
  charge_until_the_leading_cell_bleeds();
  rig().set_load(models::OpenCircuit{});
  ASSERT_TRUE(rig().run_until([&] { return leading_cell_bleeds(); }, kHoldOffNs + 2 * kNsPerS + kEvaluationNs));
  rig().run_for(5 * kMinuteNs);
  EXPECT_TRUE(leading_cell_bleeds());
  EXPECT_EQ(rig().afe().power_mode(), afe::PowerMode::kNormal) << "idle for minutes, but balancing";
  ASSERT_TRUE(rig().run_until([&] { return !leading_cell_bleeds(); }, 6 * 60 * kMinuteNs));
  EXPECT_TRUE(rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kSleep; }, 10 * kNsPerS))
      << "idle long since: it sleeps once balancing is over";
}

TEST_F(HilTopBalancingTest, ALoadEndsTheRestBalancing) {
  make_rig(pack_with_one_cell_ahead());
  charge_until_the_leading_cell_bleeds();
  rig().set_load(models::OpenCircuit{});
  ASSERT_TRUE(rig().run_until([&] { return leading_cell_bleeds(); }, kHoldOffNs + 2 * kNsPerS + kEvaluationNs));
  rig().set_load(models::ConstantCurrent{kOneC / 2.0});
  rig().run_for(kNsPerS);
  EXPECT_FALSE(leading_cell_bleeds());
  rig().set_load(models::OpenCircuit{});
  rig().run_for(kHoldOffNs + 2 * kEvaluationNs);
  EXPECT_FALSE(leading_cell_bleeds()) << "a discharge ended the top-balancing session until the next charge";
}

}  // namespace
}  // namespace packsim::hil
