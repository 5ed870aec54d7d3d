// A deeply discharged pack recovered on a bench supply, with the reference
// firmware, the emulated bq76952 and the 16S1P LFP plant: the idle BMS has
// shut its AFE down; the supply (constant voltage with a current limit) wakes
// it; the firmware lets only a small recovery current in until every cell is
// back above its recovery voltage, then charges normally.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/recovery_charge.h"
#include "models/pack/pack.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::TimeNs;

constexpr int kCells{16};
constexpr double kOneC{2.3};
constexpr double kSupplyV{kCells * 3.45};  // 55.2 V, a common LFP charge setting
constexpr double kLeadsOhm{0.05};
const bms_config kDefaults{reference_default_config()};
const double kRecoveryLimitA{kDefaults.recovery_charge_overcurrent_ma / 1000.0};
const double kRecoveryExitV{kDefaults.recovery_charge_exit_cell_mv / 1000.0};
constexpr TimeNs kMinuteNs{60 * kNsPerS};

models::LabSupply supply_limited_to(double current_limit_a) { return {kSupplyV, current_limit_a, kLeadsOhm}; }

// Matched cells at 2 % SOC (2.47 V rested): below the 2.5 V under-voltage limit.
RigOptions deeply_discharged_pack() {
  RigOptions options;
  options.spread = models::CellSpread{Eigen::ArrayXd::Ones(kCells), Eigen::ArrayXd::Ones(kCells),
                                      Eigen::ArrayXd::Ones(kCells), Eigen::ArrayXd::Constant(kCells, 0.02)};
  return options;
}

class HilLabSupplyRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rig_ = std::make_unique<HilRig>(deeply_discharged_pack(), reference_firmware());
    const TimeNs idle_ns{static_cast<TimeNs>(kDefaults.idle_time_before_shutdown_ms) * kNsPerMs};
    ASSERT_TRUE(rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kShutdown; },
                                idle_ns + 10 * kNsPerS))
        << "the idle, deeply discharged BMS never shut its AFE down";
    rig().run_for(5 * kNsPerS);
  }
  void TearDown() override {
    if (HasFailure() && rig_) {
      std::cout << rig_->report();
    }
  }

  HilRig& rig() { return *rig_; }
  double charge_a() const { return -rig_->pack_current_a(); }

  std::uint32_t active_flags() {
    const ServiceReply<FirmwareStatus> status{rig().service().read_status()};
    EXPECT_TRUE(status.ok()) << status.detail;
    return status.value.active_flags;
  }
  bool recovering() { return (active_flags() & BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE)) != 0U; }

  // Plugs the supply at the recovery current and runs until the firmware ends the recovery.
  void recover_at_a_tenth_of_c() {
    rig().set_load(supply_limited_to(0.1 * kOneC));
    ASSERT_TRUE(rig().run_until([&] { return rig().discharge_fet_on(); }, 90 * kMinuteNs))
        << "the recovery never ended";
  }

  std::unique_ptr<HilRig> rig_;
};

TEST_F(HilLabSupplyRecoveryTest, TheSupplyWakesTheShutDownBmsIntoARecoveryCharge) {
  const TimeNs plugged{rig().now_ns()};
  rig().set_load(supply_limited_to(0.1 * kOneC));
  const std::optional<TimeNs> charging{rig().run_until([&] { return charge_a() > 0.2; }, 5 * kNsPerS)};
  ASSERT_TRUE(charging) << "no charge current after the supply was plugged in";
  EXPECT_LE(*charging - plugged, static_cast<TimeNs>(kDefaults.sleep_poll_interval_ms) * kNsPerMs + kNsPerS);
  rig().run_for(10 * kNsPerS);
  EXPECT_TRUE(recovering());
  EXPECT_TRUE(rig().charge_fet_on());
  EXPECT_FALSE(rig().discharge_fet_on()) << "no discharge while deeply discharged";
  EXPECT_NEAR(charge_a(), 0.1 * kOneC, 1e-6) << "the supply's current limit";
}

TEST_F(HilLabSupplyRecoveryTest, ASupplySetToFullCurrentIsCutWithinTheRecoveryOvercurrentDelay) {
  rig().set_load(supply_limited_to(kOneC));
  ASSERT_TRUE(rig().run_until([&] { return charge_a() > kRecoveryLimitA; }, 5 * kNsPerS));
  const TimeNs burst{rig().now_ns()};
  const std::optional<TimeNs> cut{rig().run_until([&] { return !rig().charge_fet_on(); }, 5 * kNsPerS)};
  ASSERT_TRUE(cut) << "the deeply discharged pack took the full current";
  EXPECT_LE(*cut - burst, static_cast<TimeNs>(RECOVERY_CHARGE_OVERCURRENT_DELAY_MS) * kNsPerMs + 200 * kNsPerMs);
  const TimeNs holdoff_ns{static_cast<TimeNs>(kDefaults.recovery_charge_holdoff_ms) * kNsPerMs};
  rig().run_for(holdoff_ns - 2 * kNsPerS);
  EXPECT_FALSE(rig().charge_fet_on()) << "held open for the hold-off";
  EXPECT_EQ(charge_a(), 0.0);
  EXPECT_TRUE(rig().run_until([&] { return rig().charge_fet_on(); }, 5 * kNsPerS)) << "then tried again";
  EXPECT_TRUE(recovering());
}

TEST_F(HilLabSupplyRecoveryTest, AboveTheRecoveryVoltageTheSupplyChargesAtFullCurrent) {
  recover_at_a_tenth_of_c();
  EXPECT_GE(rig().min_cell_v(), kRecoveryExitV - 0.01);
  EXPECT_FALSE(recovering());
  const ServiceReply<FirmwareStatus> status{rig().service().read_status()};
  ASSERT_TRUE(status.ok()) << status.detail;
  EXPECT_EQ(status.value.state, BMS_STATE_NORMAL);
  rig().set_load(supply_limited_to(kOneC / 2.0));
  rig().run_for(10 * kMinuteNs);
  EXPECT_TRUE(rig().charge_fet_on()) << "normal charging is not cut";
  EXPECT_NEAR(charge_a(), kOneC / 2.0, 1e-6);
  EXPECT_GT(rig().min_cell_v(), kRecoveryExitV);
}

}  // namespace
}  // namespace packsim::hil
