// The reference firmware, the emulated bq76952 and the 16S1P LFP plant on one
// virtual clock: each lockout ends in the right state, with the right flags on
// the service protocol (JBD 0x03, and the 0xF2 status extension) and on the
// inverter CAN (0x351 limits, 0x359 alarms, 0x35C request flags).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/afe/register_map.h"
#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/fault_log.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::kNsPerUs;
using sim::TimeNs;

constexpr double kOneC{2.3};  // the demo pack's 2.3 Ah cells
constexpr double kCellsInSeries{16.0};
const bms_config kDefaults{reference_default_config()};
// The firmware reads the chip every measurement period and ticks every 10 ms.
const TimeNs kMeasurementNs{static_cast<TimeNs>(kDefaults.measurement_period_ms) * kNsPerMs};

std::uint32_t flag(bms_flag_bit bit) { return BMS_FLAG(bit); }

// What the BMS tells the world at one moment.
struct Reports {
  jbd_basic_info info{};
  FirmwareStatus status{};
  pylon_limits limits{};
  pylon_alarms alarms{};
  std::uint8_t request_flags{0};
};

class HilLockoutTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && rig_) {
      std::cout << rig_->report();
    }
  }

  HilRig& make_rig(RigOptions options) {
    rig_.reset();  // one reference firmware per process: the old rig goes first
    rig_ = std::make_unique<HilRig>(std::move(options), reference_firmware());
    return *rig_;
  }
  static RigOptions at_soc(double soc) {
    RigOptions options;
    options.initial_soc = soc;
    return options;
  }

  HilRig& rig() { return *rig_; }

  // Boots and checks the firmware reached NORMAL with both FETs on.
  void boot_to_normal() {
    ASSERT_TRUE(rig().run_until([&] { return rig().charge_fet_on() && rig().discharge_fet_on(); }, kNsPerS))
        << "the BMS never closed both FETs";
    rig().run_for(500 * kNsPerMs);
  }

  // Waits for a CAN set sent after now (the BMS sends one a second), then asks
  // the service tool; any failure is reported.
  Reports reports() {
    Reports out;
    const TimeNs since{rig().now_ns()};
    const InverterNode& inverter{rig().inverter()};
    const auto fresh = [&] {
      return inverter.request_flags().seen() && inverter.request_flags().time_ns > since;
    };
    EXPECT_TRUE(rig().run_until(fresh, 1100 * kNsPerMs)) << "no CAN set from the BMS";
    out.limits = inverter.limits().value;
    out.alarms = inverter.alarms().value;
    out.request_flags = inverter.request_flags().value;
    const ServiceReply<jbd_basic_info> info{rig().service().read_basic_info()};
    EXPECT_TRUE(info.ok()) << "JBD 0x03: " << info.detail;
    out.info = info.value;
    const ServiceReply<FirmwareStatus> status{rig().service().read_status()};
    EXPECT_TRUE(status.ok()) << "JBD 0xF2: " << status.detail;
    out.status = status.value;
    return out;
  }

  // The lowest cell as the chip reports it (what the firmware reads), in mV.
  int reported_min_cell_mv() {
    int min_mv{100'000};
    for (int k = 1; k <= 16; ++k) {
      min_mv = std::min(min_mv, static_cast<int>(static_cast<std::int16_t>(
                                    rig().afe().register_value(afe::command::cell_voltage(k)))));
    }
    return min_mv;
  }

  std::unique_ptr<HilRig> rig_;
};

// ---------------------------------------------------------------------------

TEST_F(HilLockoutTest, BootReachesNormalWithBothFetsOn) {
  make_rig(at_soc(0.5));
  const std::optional<TimeNs> closed{
      rig().run_until([&] { return rig().charge_fet_on() && rig().discharge_fet_on(); }, kNsPerS)};
  ASSERT_TRUE(closed);
  EXPECT_LT(*closed, 500 * kNsPerMs) << "AFE configuration and the first scan take a few ticks";
  EXPECT_EQ(*closed % (10 * kNsPerMs), 0) << "the FETs act at the firmware's tick instant";
  rig().run_for(kNsPerS);

  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_NORMAL);
  EXPECT_EQ(r.status.active_flags, 0U);
  EXPECT_EQ(r.info.protection_status, 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON | JBD_FET_DISCHARGE_ON);
  EXPECT_EQ(r.info.cell_count, 16U);
  EXPECT_NEAR(r.info.pack_voltage_v, rig().pack_state().terminal_voltage_v, 0.1);
  EXPECT_NEAR(r.info.rsoc_percent, 50.0, 10.0);
  EXPECT_EQ(r.info.ntc_count, 2U);  // TS1 and TS3
  EXPECT_NEAR(r.info.ntc_temp_c[0], 25.0, 1.5);
  const ServiceReply<jbd_cell_voltages> cells{rig().service().read_cell_voltages()};
  ASSERT_TRUE(cells.ok()) << cells.detail;
  ASSERT_EQ(cells.value.cell_count, 16U);
  for (int k = 0; k < 16; ++k) {
    EXPECT_NEAR(cells.value.cell_mv[k], rig().pack_state().group_voltage_v(k) * 1000.0, 5.0) << "cell " << k + 1;
  }
  const ServiceReply<jbd_hardware_version> version{rig().service().read_hardware_version()};
  ASSERT_TRUE(version.ok()) << version.detail;
  EXPECT_STREQ(version.value.text, "packsim-ref-bms 1.0.0");

  EXPECT_NEAR(r.limits.charge_voltage_limit_v, 16 * 3.55, 0.05);
  EXPECT_NEAR(r.limits.discharge_voltage_limit_v, 16 * 2.80, 0.05);
  EXPECT_NEAR(r.limits.charge_current_limit_a, kDefaults.max_charge_current_ma / 1000.0, 0.05);
  EXPECT_NEAR(r.limits.discharge_current_limit_a, kDefaults.max_discharge_current_ma / 1000.0, 0.05);
  EXPECT_EQ(r.alarms.protection, 0U);
  EXPECT_EQ(r.alarms.protection_ext, 0U);
  EXPECT_EQ(r.request_flags, PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE);
  EXPECT_STREQ(rig().inverter().manufacturer().value.manufacturer, "PACKSIM");

  // A 1C load: every report uses packsim's sign (+ = discharge) after its codec.
  rig().set_load(models::ConstantCurrent{kOneC});
  rig().run_for(kNsPerS);
  EXPECT_NEAR(rig().pack_current_a(), kOneC, 1e-9);
  const Reports loaded{reports()};
  EXPECT_NEAR(loaded.info.current_a, kOneC, 0.02);
  EXPECT_NEAR(rig().inverter().measurements().value.current_a, kOneC, 0.1);
  EXPECT_NEAR(rig().inverter().measurements().value.pack_voltage_v, rig().pack_state().terminal_voltage_v, 0.1);
}

TEST_F(HilLockoutTest, OverDischargeOpensTheDischargeFetWithinTheUndervoltageDelay) {
  // Low enough to reach 2.5 V within minutes at 1C, high enough (> 2.8 V at
  // rest) that the firmware does not boot into its recovery charge.
  make_rig(at_soc(0.065));
  boot_to_normal();
  rig().set_load(models::ConstantCurrent{kOneC});

  const double threshold_v{kDefaults.cell_undervoltage_mv / 1000.0};
  const std::optional<TimeNs> crossed{rig().run_until([&] { return rig().min_cell_v() < threshold_v; }, 300 * kNsPerS)};
  ASSERT_TRUE(crossed) << "the lowest cell never reached " << threshold_v << " V";
  const std::optional<TimeNs> seen{rig().run_until(
      [&] { return reported_min_cell_mv() < static_cast<int>(kDefaults.cell_undervoltage_mv); }, 10 * kNsPerS)};
  ASSERT_TRUE(seen) << "the chip never reported the lowest cell below the threshold";
  const std::optional<TimeNs> opened{rig().run_until([&] { return !rig().discharge_fet_on(); }, 10 * kNsPerS)};
  ASSERT_TRUE(opened) << "DSG never opened";

  // The budget: the delay counts from the first reading below the threshold,
  // which comes within one measurement period of the chip reporting it.
  const TimeNs delay_ns{static_cast<TimeNs>(kDefaults.cell_undervoltage_delay_ms) * kNsPerMs};
  std::cout << "over-discharge: true crossing at " << sim::to_seconds(*crossed) << " s, reported at "
            << sim::to_seconds(*seen) << " s, DSG open at " << sim::to_seconds(*opened) << " s\n";
  EXPECT_GE(*opened - *seen, delay_ns - kMeasurementNs);
  EXPECT_LE(*opened - *seen, delay_ns + 2 * kMeasurementNs);
  // Against the true cell the reading error (a few mV on a ~4 mV/s slope at
  // 1C) shifts it by up to about a second.
  EXPECT_GE(*opened - *crossed, delay_ns - kNsPerS);
  EXPECT_LE(*opened - *crossed, delay_ns + 2 * kMeasurementNs + kNsPerS);
  EXPECT_TRUE(rig().charge_fet_on()) << "only discharge is forbidden";
  EXPECT_GT(rig().min_cell_v(), kDefaults.afe_cell_undervoltage_mv / 1000.0) << "the chip's CUV backstop was not needed";
  rig().run_for(10 * kMeasurementNs);
  EXPECT_EQ(rig().pack_current_a(), 0.0) << "the DSG body diode blocks the load";

  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_DISCHARGE_INHIBIT);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_CELL_UNDERVOLTAGE, 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON);
  EXPECT_NE(r.alarms.protection & PYLON_ALARM_UNDERVOLTAGE, 0U);
  EXPECT_EQ(r.limits.discharge_current_limit_a, 0.0F);
  EXPECT_GT(r.limits.charge_current_limit_a, 0.0F);
  EXPECT_EQ(r.request_flags & PYLON_REQUEST_DISCHARGE_ENABLE, 0U);
  EXPECT_NE(r.request_flags & PYLON_REQUEST_CHARGE_ENABLE, 0U);

  // Under-voltage is not a latched fault in this firmware: the tool's reset
  // is accepted (nothing to clear) and the lockout holds until the cells recover.
  const ServiceReply<jbd_response> reset{rig().service().reset_faults()};
  EXPECT_TRUE(reset.ok()) << reset.detail;
  rig().run_for(5 * kMeasurementNs);
  EXPECT_FALSE(rig().discharge_fet_on());
}

TEST_F(HilLockoutTest, OvervoltageFromAnOversizedChargerOpensTheChargeFet) {
  make_rig(at_soc(0.97));
  boot_to_normal();
  // A CC-CV charger set to 3.8 V a cell: the cells would be driven past 3.65 V.
  rig().set_load(models::CcCvCharger{kOneC, kCellsInSeries * 3.8});
  const double threshold_v{kDefaults.cell_overvoltage_mv / 1000.0};
  const std::optional<TimeNs> crossed{rig().run_until([&] { return rig().max_cell_v() > threshold_v; }, 300 * kNsPerS)};
  ASSERT_TRUE(crossed) << "the highest cell never reached " << threshold_v << " V";
  const std::optional<TimeNs> opened{rig().run_until([&] { return !rig().charge_fet_on(); }, 10 * kNsPerS)};
  ASSERT_TRUE(opened) << "CHG never opened";
  std::cout << "over-voltage: true crossing at " << sim::to_seconds(*crossed) << " s, CHG open at "
            << sim::to_seconds(*opened) << " s\n";
  const TimeNs delay_ns{static_cast<TimeNs>(kDefaults.cell_overvoltage_delay_ms) * kNsPerMs};
  EXPECT_GE(*opened - *crossed, delay_ns - kNsPerS / 2);
  EXPECT_LE(*opened - *crossed, delay_ns + 2 * kMeasurementNs + kNsPerS / 2);
  EXPECT_TRUE(rig().discharge_fet_on());
  EXPECT_EQ(rig().afe().register_value(afe::command::kSafetyStatusA) & afe::bits::kCov, 0U)
      << "the firmware acted before the chip's COV backstop";
  rig().run_for(10 * kMeasurementNs);
  EXPECT_LT(std::abs(rig().pack_current_a()), 0.1) << "no charge through the open CHG";

  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_CHARGE_INHIBIT);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_CELL_OVERVOLTAGE, 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_DISCHARGE_ON);
  EXPECT_NE(r.alarms.protection & PYLON_ALARM_OVERVOLTAGE, 0U);
  EXPECT_EQ(r.limits.charge_current_limit_a, 0.0F);
  EXPECT_GT(r.limits.discharge_current_limit_a, 0.0F);
  EXPECT_EQ(r.request_flags & PYLON_REQUEST_CHARGE_ENABLE, 0U);
  EXPECT_NE(r.request_flags & PYLON_REQUEST_DISCHARGE_ENABLE, 0U);
}

TEST_F(HilLockoutTest, ChargingBelowZeroCelsiusIsRefused) {
  RigOptions options{at_soc(0.5)};
  options.initial_temp_c = -10.0;
  options.ambient_c = -10.0;
  make_rig(options);
  // The charger is there from power-up: not a single ampere may flow.
  rig().set_load(models::CcCvCharger{kOneC / 2.0, kCellsInSeries * 3.6});
  rig().run_for(5 * kNsPerS);
  EXPECT_LT(rig().monitor().peak_charge_a(), 0.1);
  EXPECT_FALSE(rig().charge_fet_on());
  EXPECT_TRUE(rig().discharge_fet_on()) << "-10 C is inside the discharge window";

  const Reports r{reports()};
  EXPECT_LT(rig().monitor().peak_charge_a(), 0.1);
  EXPECT_EQ(r.status.state, BMS_STATE_CHARGE_INHIBIT);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_CHARGE_UNDERTEMP, 0U);
  EXPECT_EQ(r.info.protection_status & JBD_PROTECT_DISCHARGE_UNDERTEMP, 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_DISCHARGE_ON);
  ASSERT_GE(r.info.ntc_count, 1U);
  EXPECT_NEAR(r.info.ntc_temp_c[0], -10.0, 1.5);
  EXPECT_NE(r.alarms.protection & PYLON_ALARM_UNDER_TEMPERATURE, 0U);
  EXPECT_EQ(r.limits.charge_current_limit_a, 0.0F);
  EXPECT_EQ(r.request_flags & PYLON_REQUEST_CHARGE_ENABLE, 0U);
}

TEST_F(HilLockoutTest, HeatLockoutBlocksDischarge) {
  make_rig(at_soc(0.5));
  boot_to_normal();
  rig().set_load(models::ConstantCurrent{kOneC});
  rig().run_for(kNsPerS);
  ASSERT_NEAR(rig().pack_current_a(), kOneC, 1e-9);
  // The pack has been soaking in a hot enclosure: cells at 62 C.
  const TimeNs heated{rig().now_ns()};
  rig().set_ambient_c(62.0);
  rig().set_cell_temperatures_c(62.0);
  const std::optional<TimeNs> opened{rig().run_until([&] { return !rig().discharge_fet_on(); }, 10 * kNsPerS)};
  ASSERT_TRUE(opened) << "DSG never opened";
  const TimeNs delay_ns{static_cast<TimeNs>(kDefaults.temperature_delay_ms) * kNsPerMs};
  EXPECT_GE(*opened - heated, delay_ns);
  EXPECT_LE(*opened - heated, delay_ns + 3 * kMeasurementNs);
  rig().run_for(kMeasurementNs);
  EXPECT_EQ(rig().pack_current_a(), 0.0);
  EXPECT_FALSE(rig().charge_fet_on()) << "too hot to charge as well";

  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_STANDBY);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_DISCHARGE_OVERTEMP, 0U);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_CHARGE_OVERTEMP, 0U);
  EXPECT_EQ(r.info.fet_status, 0U);
  EXPECT_NE(r.alarms.protection & PYLON_ALARM_OVER_TEMPERATURE, 0U);
  EXPECT_EQ(r.limits.discharge_current_limit_a, 0.0F);
  EXPECT_EQ(r.limits.charge_current_limit_a, 0.0F);
  EXPECT_EQ(r.request_flags & (PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE), 0U);
}

TEST_F(HilLockoutTest, ShortCircuitIsCutByTheAfeWithinItsMicrosecondDelay) {
  make_rig(at_soc(0.5));
  boot_to_normal();
  const std::uint64_t ticks_before{rig().firmware().ticks()};
  const TimeNs shorted{rig().now_ns()};
  rig().set_load(models::ResistiveLoad{0.05});
  const std::optional<TimeNs> opened{rig().run_until([&] { return !rig().discharge_fet_on(); }, 10 * kNsPerMs)};
  ASSERT_TRUE(opened) << "DSG still on 10 ms into the short";
  const TimeNs short_to_open_ns{*opened - shorted};
  std::cout << "short circuit: DSG open " << short_to_open_ns / kNsPerUs << " us after the short, peak "
            << rig().monitor().peak_discharge_a() << " A\n";
  // SCD Delay is programmed in 15 us steps; the chip sees the short one
  // stimulus edge after it is applied.
  const TimeNs scd_delay_ns{static_cast<TimeNs>(kDefaults.afe_short_circuit_delay_us) * kNsPerUs};
  EXPECT_GE(short_to_open_ns, scd_delay_ns);
  EXPECT_LE(short_to_open_ns, HilRig::kStimulusEdgeNs + scd_delay_ns + 15 * kNsPerUs);
  EXPECT_EQ(rig().firmware().ticks(), ticks_before) << "the chip acted alone, between two firmware ticks";
  EXPECT_GT(rig().monitor().peak_discharge_a(), kDefaults.afe_short_circuit_ma / 1000.0);
  rig().run_for(kNsPerMs);
  EXPECT_EQ(rig().pack_current_a(), 0.0);

  // The firmware then finds the chip's SCD status, latches it and reports it.
  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_FAULT_LATCHED);
  EXPECT_NE(r.status.latched_flags & flag(BMS_FLAG_BIT_SHORT_CIRCUIT), 0U);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_SHORT_CIRCUIT, 0U);
  EXPECT_EQ(r.info.fet_status, 0U);
  EXPECT_NE(r.alarms.protection & PYLON_ALARM_DISCHARGE_OVERCURRENT, 0U);
  EXPECT_EQ(r.limits.discharge_current_limit_a, 0.0F);
  EXPECT_EQ(r.limits.charge_current_limit_a, 0.0F);
  EXPECT_EQ(r.request_flags & (PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE), 0U);
}

TEST_F(HilLockoutTest, ServiceResetIsRefusedWhileTheShortPersistsAndAcceptedOnceItIsGone) {
  // Under-voltage recovers by itself in this firmware; the short circuit is
  // the latched lockout the reset path exists for.
  make_rig(at_soc(0.5));
  boot_to_normal();
  rig().set_load(models::ResistiveLoad{0.05});
  ASSERT_TRUE(rig().run_until(
      [&] { return (rig().afe().register_value(afe::command::kSafetyStatusA) & afe::bits::kScd) != 0; }, kNsPerMs));
  rig().run_for(2 * kMeasurementNs);  // the firmware has read the chip since

  const ServiceReply<jbd_response> refused{rig().service().reset_faults()};
  EXPECT_EQ(refused.error, ServiceError::kErrorStatus) << "the chip still reports SCD";
  rig().run_for(kMeasurementNs);
  EXPECT_FALSE(rig().discharge_fet_on());
  EXPECT_FALSE(rig().charge_fet_on());

  // The short is removed; the chip's SCD recovers after its recovery time (5 s).
  rig().set_load(models::OpenCircuit{});
  ASSERT_TRUE(rig().run_until(
      [&] { return (rig().afe().register_value(afe::command::kSafetyStatusA) & afe::bits::kScd) == 0; },
      10 * kNsPerS));
  rig().run_for(2 * kMeasurementNs);
  EXPECT_FALSE(rig().discharge_fet_on()) << "a latched fault waits for the service tool";
  const ServiceReply<jbd_response> accepted{rig().service().reset_faults()};
  EXPECT_TRUE(accepted.ok()) << accepted.detail;
  ASSERT_TRUE(rig().run_until([&] { return rig().charge_fet_on() && rig().discharge_fet_on(); }, kNsPerS));

  const ServiceReply<std::vector<FaultLogEntry>> log{rig().service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  const auto has = [&](std::uint8_t code) {
    return std::any_of(log.value.begin(), log.value.end(), [&](const FaultLogEntry& e) { return e.code == code; });
  };
  EXPECT_TRUE(has(FAULT_LOG_CODE_FAULT_RESET_REFUSED));
  EXPECT_TRUE(has(FAULT_LOG_CODE_FAULT_RESET));
  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_NORMAL);
  EXPECT_EQ(r.info.protection_status, 0U);
  rig().set_load(models::ConstantCurrent{kOneC});
  rig().run_for(kNsPerS);
  EXPECT_NEAR(rig().pack_current_a(), kOneC, 1e-9);
}

TEST_F(HilLockoutTest, ResetWithTheShortStillConnectedIsCaughtAgainByTheAfe) {
  // Once the chip's SCD has recovered by itself (SCD Recovery Time), the
  // firmware cannot tell that the short is still there: it accepts the reset
  // and closes DSG onto it. The chip's comparator is the backstop.
  make_rig(at_soc(0.5));
  boot_to_normal();
  rig().set_load(models::ResistiveLoad{0.05});
  ASSERT_TRUE(rig().run_until([&] { return !rig().discharge_fet_on(); }, kNsPerMs));
  ASSERT_TRUE(rig().run_until(
      [&] { return (rig().afe().register_value(afe::command::kSafetyStatusA) & afe::bits::kScd) == 0; },
      10 * kNsPerS));
  rig().run_for(2 * kMeasurementNs);
  const ServiceReply<jbd_response> reset{rig().service().reset_faults()};
  EXPECT_TRUE(reset.ok()) << "accepted: the firmware sees no cause left";
  rig().monitor().reset_peaks();
  const std::optional<TimeNs> reclosed{rig().run_until([&] { return rig().discharge_fet_on(); }, kNsPerS)};
  ASSERT_TRUE(reclosed);
  const std::optional<TimeNs> reopened{rig().run_until([&] { return !rig().discharge_fet_on(); }, kNsPerMs)};
  ASSERT_TRUE(reopened) << "DSG stayed closed on the short";
  std::cout << "re-closed onto the short: DSG open again after " << (*reopened - *reclosed) / kNsPerUs << " us\n";
  EXPECT_LE(*reopened - *reclosed, HilRig::kStimulusEdgeNs +
                                       static_cast<TimeNs>(kDefaults.afe_short_circuit_delay_us) * kNsPerUs +
                                       15 * kNsPerUs);
  rig().run_for(2 * kMeasurementNs);
  const ServiceReply<FirmwareStatus> status{rig().service().read_status()};
  ASSERT_TRUE(status.ok()) << status.detail;
  EXPECT_EQ(status.value.state, BMS_STATE_FAULT_LATCHED);
  EXPECT_NE(status.value.latched_flags & flag(BMS_FLAG_BIT_SHORT_CIRCUIT), 0U);
}

TEST_F(HilLockoutTest, CellImbalanceRaisesAWarningButKeepsTheFetsOn) {
  RigOptions options{at_soc(0.5)};
  models::PackConfig config{models::load_pack_config(options.pack_file)};
  config.initial_soc = 0.5;
  models::CellSpread spread{models::draw_cell_spread(config)};
  spread.initial_soc(4) = 0.12;  // cell 5 sits ~150 mV below the others
  options.spread = spread;
  make_rig(options);
  boot_to_normal();
  const TimeNs delay_ns{static_cast<TimeNs>(kDefaults.cell_imbalance_delay_ms) * kNsPerMs};
  rig().run_until_time(delay_ns - kNsPerS);
  const ServiceReply<FirmwareStatus> early{rig().service().read_status()};
  ASSERT_TRUE(early.ok()) << early.detail;
  EXPECT_EQ(early.value.active_flags & flag(BMS_FLAG_BIT_CELL_IMBALANCE), 0U) << "not before its delay";
  rig().run_until_time(delay_ns + kNsPerS);

  const Reports r{reports()};
  EXPECT_NE(r.status.active_flags & flag(BMS_FLAG_BIT_CELL_IMBALANCE), 0U);
  EXPECT_EQ(r.status.state, BMS_STATE_NORMAL) << "a warning, not a lockout";
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON | JBD_FET_DISCHARGE_ON);
  EXPECT_EQ(r.info.protection_status, 0U);
  EXPECT_NE(r.request_flags & PYLON_REQUEST_FULL_CHARGE, 0U) << "the inverter is asked for a full (balancing) charge";
  const ServiceReply<jbd_cell_voltages> cells{rig().service().read_cell_voltages()};
  ASSERT_TRUE(cells.ok()) << cells.detail;
  const auto [low, high] = std::minmax_element(cells.value.cell_mv, cells.value.cell_mv + 16);
  EXPECT_EQ(low - cells.value.cell_mv, 4) << "cell 5 is the low one";
  EXPECT_GT(*high - *low, static_cast<int>(kDefaults.cell_imbalance_mv));
}

TEST_F(HilLockoutTest, InverterHeartbeatLossRampsTheLimitsToZeroThenOpensTheFets) {
  make_rig(at_soc(0.5));
  boot_to_normal();
  rig().run_for(3 * kNsPerS);
  const double full_charge_a{kDefaults.max_charge_current_ma / 1000.0};
  const double full_discharge_a{kDefaults.max_discharge_current_ma / 1000.0};
  rig().set_heartbeat(false);
  ASSERT_TRUE(rig().inverter().last_heartbeat_ns());
  const TimeNs last_heartbeat{*rig().inverter().last_heartbeat_ns()};
  const TimeNs timeout_ns{static_cast<TimeNs>(kDefaults.inverter_heartbeat_timeout_ms) * kNsPerMs};
  const TimeNs ramp_ns{static_cast<TimeNs>(kDefaults.inverter_comm_loss_ramp_ms) * kNsPerMs};
  const TimeNs lost{last_heartbeat + timeout_ns};  // within a tick

  const std::optional<TimeNs> opened{
      rig().run_until([&] { return !rig().charge_fet_on() && !rig().discharge_fet_on(); }, timeout_ns + ramp_ns + 5 * kNsPerS)};
  ASSERT_TRUE(opened) << "the FETs never opened";
  EXPECT_GE(*opened, lost + ramp_ns);
  EXPECT_LE(*opened, lost + ramp_ns + 5 * 10 * kNsPerMs);
  rig().run_for(1500 * kNsPerMs);  // the next CAN sets carry the zeros

  // The 0x351 history: full until the loss, then a linear ramp to zero.
  bool monotonic{true};
  double previous_discharge_a{full_discharge_a};
  std::optional<TimeNs> first_zero;
  for (const TimedLimits& l : rig().inverter().limits_history()) {
    if (l.time_ns < last_heartbeat) {
      continue;
    }
    const double charge_a{l.limits.charge_current_limit_a};
    const double discharge_a{l.limits.discharge_current_limit_a};
    if (l.time_ns <= lost) {
      EXPECT_NEAR(charge_a, full_charge_a, 0.05) << "at " << sim::to_seconds(l.time_ns) << " s";
      EXPECT_NEAR(discharge_a, full_discharge_a, 0.05) << "at " << sim::to_seconds(l.time_ns) << " s";
      continue;
    }
    const double expected_factor{std::clamp(1.0 - sim::to_seconds(l.time_ns - lost) / sim::to_seconds(ramp_ns), 0.0, 1.0)};
    EXPECT_NEAR(discharge_a, full_discharge_a * expected_factor, 0.02 * full_discharge_a + 0.1)
        << "at " << sim::to_seconds(l.time_ns) << " s";
    EXPECT_NEAR(charge_a, full_charge_a * expected_factor, 0.02 * full_charge_a + 0.1)
        << "at " << sim::to_seconds(l.time_ns) << " s";
    monotonic = monotonic && discharge_a <= previous_discharge_a;
    previous_discharge_a = discharge_a;
    if (!first_zero && discharge_a == 0.0 && charge_a == 0.0) {
      first_zero = l.time_ns;
    }
  }
  EXPECT_TRUE(monotonic);
  ASSERT_TRUE(first_zero);
  EXPECT_GE(*first_zero, lost + ramp_ns);
  EXPECT_LE(*first_zero, lost + ramp_ns + static_cast<TimeNs>(kDefaults.can_period_ms) * kNsPerMs);

  const Reports lost_reports{reports()};
  EXPECT_NE(lost_reports.status.active_flags & flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS), 0U);
  EXPECT_EQ(lost_reports.status.comm_loss_factor_permille, 0U);
  EXPECT_EQ(lost_reports.info.fet_status, 0U);
  EXPECT_EQ(lost_reports.request_flags & (PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE), 0U);

  // The inverter comes back: the FETs close at its first heartbeat, and the
  // limits ramp up from zero at the same rate.
  rig().set_heartbeat(true);
  const std::optional<TimeNs> closed{
      rig().run_until([&] { return rig().charge_fet_on() && rig().discharge_fet_on(); }, 3 * kNsPerS)};
  ASSERT_TRUE(closed) << "the FETs did not close after the heartbeat came back";
  ASSERT_TRUE(rig().inverter().last_heartbeat_ns());
  const TimeNs restored{*rig().inverter().last_heartbeat_ns()};
  EXPECT_LE(*closed - restored, 2 * 10 * kNsPerMs);
  rig().run_until_time(restored + ramp_ns / 2);
  const Reports back{reports()};
  EXPECT_EQ(back.status.state, BMS_STATE_NORMAL);
  EXPECT_EQ(back.status.active_flags & flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS), 0U);
  EXPECT_NEAR(back.limits.discharge_current_limit_a, full_discharge_a * 0.5, 0.1 * full_discharge_a);
  EXPECT_EQ(back.request_flags & (PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE),
            PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE);
}

TEST_F(HilLockoutTest, ShutDownBmsWakesOnATenthOfCCharge) {
  // Over-discharged, then idle: the firmware shuts the AFE down (deep
  // discharge + idle_time_before_shutdown); only a charger at PACK+ wakes it.
  make_rig(at_soc(0.065));
  boot_to_normal();
  rig().set_load(models::ConstantCurrent{kOneC});
  ASSERT_TRUE(rig().run_until([&] { return !rig().discharge_fet_on(); }, 300 * kNsPerS));
  rig().set_load(models::OpenCircuit{});
  const TimeNs idle_ns{static_cast<TimeNs>(kDefaults.idle_time_before_shutdown_ms) * kNsPerMs};
  const std::optional<TimeNs> shut{
      rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kShutdown; }, idle_ns + 10 * kNsPerS)};
  ASSERT_TRUE(shut) << "the AFE never shut down";
  rig().run_for(kMeasurementNs);  // the firmware confirms it (second SHUTDOWN NACKed) on its next tick
  const std::size_t frames_at_shutdown{rig().can_bus().records_with_id(PYLON_ID_LIMITS).size()};
  const ServiceReply<FirmwareStatus> silent{rig().service().read_status()};
  EXPECT_EQ(silent.error, ServiceError::kTimeout)
      << "the MCU is without power while the AFE is shut down, got: " << describe(silent.error);
  rig().run_for(3 * kNsPerS);
  EXPECT_EQ(rig().can_bus().records_with_id(PYLON_ID_LIMITS).size(), frames_at_shutdown) << "and CAN is silent";

  const TimeNs plugged{rig().now_ns()};
  rig().set_load(models::CcCvCharger{0.1 * kOneC, kCellsInSeries * 3.6});
  const std::optional<TimeNs> charging{rig().run_until([&] { return rig().pack_current_a() < -0.2; }, 5 * kNsPerS)};
  ASSERT_TRUE(charging) << "no charge current after the charger was plugged in";
  std::cout << "wake from SHUTDOWN: charge current " << sim::to_seconds(*charging - plugged) << " s after plugging in\n";
  EXPECT_LE(*charging - plugged, static_cast<TimeNs>(kDefaults.sleep_poll_interval_ms) * kNsPerMs + kNsPerS);

  // Deeply discharged: a recovery charge only (charge limited, discharge off).
  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_DISCHARGE_INHIBIT);
  EXPECT_NE(r.status.active_flags & flag(BMS_FLAG_BIT_RECOVERY_CHARGE), 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON);
  EXPECT_NEAR(r.limits.charge_current_limit_a, kDefaults.recovery_charge_current_ma / 1000.0, 0.1);
  EXPECT_NE(r.request_flags & PYLON_REQUEST_FORCE_CHARGE_1, 0U);
  EXPECT_NEAR(rig().pack_current_a(), -0.1 * kOneC, 1e-6);
}

TEST_F(HilLockoutTest, SleepingBmsWakesOnATwentiethOfCCharge) {
  // The default idle time before SLEEP is 30 min; the EEPROM makes it 10 s.
  RigOptions options{at_soc(0.5)};
  bms_config config{reference_default_config()};
  config.idle_time_before_sleep_ms = 10'000;
  options.config_image = config_eeprom_image(config);
  make_rig(options);
  boot_to_normal();
  ASSERT_TRUE(rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kSleep; }, 15 * kNsPerS))
      << "the BMS never put the AFE to sleep";
  const ServiceReply<FirmwareStatus> asleep{rig().service().read_status()};
  ASSERT_TRUE(asleep.ok()) << asleep.detail;
  EXPECT_EQ(asleep.value.state, BMS_STATE_SLEEP);
  EXPECT_TRUE(rig().charge_fet_on() && rig().discharge_fet_on()) << "SLEEP keeps the FETs (SLEEPCHG)";
  rig().run_for(3 * kNsPerS);

  const TimeNs plugged{rig().now_ns()};
  rig().set_load(models::CcCvCharger{0.05 * kOneC, kCellsInSeries * 3.6});
  const std::optional<TimeNs> awake{rig().run_until(
      [&] { return rig().afe().power_mode() == afe::PowerMode::kNormal; }, 10 * kNsPerS)};
  ASSERT_TRUE(awake) << "the AFE stayed asleep";
  rig().run_for(kNsPerS);
  const Reports r{reports()};
  std::cout << "wake from SLEEP: AFE awake " << sim::to_seconds(*awake - plugged) << " s after plugging in\n";
  EXPECT_EQ(r.status.state, BMS_STATE_NORMAL);
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON | JBD_FET_DISCHARGE_ON);
  EXPECT_NEAR(rig().pack_current_a(), -0.05 * kOneC, 1e-6);
}

TEST_F(HilLockoutTest, WakingFromSleepKeepsTheFetsClosed) {
  RigOptions options{at_soc(0.5)};
  bms_config config{reference_default_config()};
  config.idle_time_before_sleep_ms = 10'000;
  options.config_image = config_eeprom_image(config);
  make_rig(options);
  boot_to_normal();
  ASSERT_TRUE(rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kSleep; }, 15 * kNsPerS));
  rig().set_load(models::CcCvCharger{0.05 * kOneC, kCellsInSeries * 3.6});
  const std::uint64_t edges_before{rig().monitor().fet_edge_count()};
  ASSERT_TRUE(rig().run_until([&] { return rig().afe().power_mode() == afe::PowerMode::kNormal; }, 10 * kNsPerS));
  rig().run_for(kNsPerS);
  EXPECT_EQ(rig().monitor().fet_edge_count(), edges_before) << "the FETs switched while waking";
}

TEST_F(HilLockoutTest, EepromConfigOverrideMovesTheUndervoltageThreshold) {
  // The same pack at 50 % boots to NORMAL with the defaults (3.26 V a cell);
  // an EEPROM raising cell under-voltage to 3.30 V puts it under the threshold.
  RigOptions options{at_soc(0.5)};
  bms_config config{reference_default_config()};
  config.cell_undervoltage_mv = 3300;
  config.cell_undervoltage_hysteresis_mv = 100;  // still below over-voltage recovery (bms_config_check)
  options.config_image = config_eeprom_image(config);
  make_rig(options);
  ASSERT_TRUE(rig().run_until([&] { return rig().charge_fet_on(); }, kNsPerS));
  rig().run_for(kNsPerS);
  EXPECT_FALSE(rig().discharge_fet_on());
  EXPECT_LT(rig().max_cell_v(), 3.3);
  EXPECT_GT(rig().min_cell_v(), kDefaults.cell_undervoltage_mv / 1000.0 + 0.5);

  const Reports r{reports()};
  EXPECT_EQ(r.status.state, BMS_STATE_DISCHARGE_INHIBIT);
  EXPECT_NE(r.info.protection_status & JBD_PROTECT_CELL_UNDERVOLTAGE, 0U);
  EXPECT_EQ(r.info.fet_status, JBD_FET_CHARGE_ON);
  EXPECT_EQ(r.limits.discharge_current_limit_a, 0.0F);
  const ServiceReply<std::vector<FaultLogEntry>> log{rig().service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  ASSERT_FALSE(log.value.empty());
  EXPECT_EQ(log.value[0].code, FAULT_LOG_CODE_BOOT);
  EXPECT_EQ(log.value[0].value, BMS_CONFIG_IMAGE_OK) << "the firmware took the EEPROM's image";
}

}  // namespace
}  // namespace packsim::hil
