// What the chip does with its measurements: protections and latches (TRM
// chapter 5), the FET drivers, balancing switches and alarms.
#include <algorithm>
#include <cmath>
#include <limits>

#include "bms_under_test/afe/bq76952.h"

namespace packsim::afe {

namespace {

using sim::kNoEvent;
using sim::TimeNs;

}  // namespace

// ---------------------------------------------------------------------------
// Protections (TRM SLUUBY2 chapter 5)

bool Bq76952::measuring() const {
  const Bq76952State& s{state_};
  return s.powered && !s.config_update && (s.mode == PowerMode::kNormal || s.mode == PowerMode::kSleep);
}

bool Bq76952::protections_running() const { return measuring(); }

void Bq76952::evaluate_protections() {
  Bq76952State& s{state_};
  if (!protections_running()) {
    return;
  }
  const Settings& st{s.settings};
  // Comparator protections watch the pins; Vcell Mode removes unused inputs (datasheet 10.1.2).
  double min_cell{std::numeric_limits<double>::infinity()};
  double max_cell{-std::numeric_limits<double>::infinity()};
  for (std::size_t k = 0; k < kCellInputs; ++k) {
    if ((st.used_cells & (1U << k)) != 0) {
      min_cell = std::min(min_cell, s.converter_in.cell_v[k]);
      max_cell = std::max(max_cell, s.converter_in.cell_v[k]);
    }
  }
  const double sense_v{s.pins.sense_v};  // + charging
  const double current_a{cc2_current_a()};
  const double pack_v{s.adc.pack_counts * kDividerLsbV};
  const double stack_v{s.adc.stack_counts * kDividerLsbV};

  bool any_event{false};
  const auto run = [&](ProtectionId id, bool condition, bool recovery) {
    ProtectionTimer& timer{s.protection[index_of(id)]};
    if (!s.protection_on[index_of(id)]) {
      timer = ProtectionTimer{};
      return;
    }
    const ProtectionTiming& times{s.protection_times[index_of(id)]};
    const ProtectionEvent event{
        step_protection(timer, s.now_ns, condition, times.delay_ns, recovery, times.recovery_ns)};
    if (event == ProtectionEvent::kTripped) {
      on_trip(id);
    }
    any_event = any_event || event != ProtectionEvent::kNone;
  };

  // CUV: alert when the lowest cell <= threshold; recovers when every cell is
  // above threshold + hysteresis for Recovery Time (TRM 5.2.5).
  run(ProtectionId::kCuv, min_cell <= st.cuv_threshold_v, min_cell > st.cuv_recovery_v);
  // COV: highest cell >= threshold; recovers below threshold - hysteresis (TRM 5.2.4).
  run(ProtectionId::kCov, max_cell >= st.cov_threshold_v, max_cell < st.cov_recovery_v);
  // OCC: SRP-SRN > threshold; recovers on a discharge current <= Recovery
  // Threshold or PACK below top-of-stack by PACK-TOS Delta (TRM 5.2.7).
  run(ProtectionId::kOcc, sense_v > st.occ_threshold_v,
      current_a <= st.occ_recovery_a || pack_v < stack_v - st.occ_pack_tos_delta_v);
  // OCD1/OCD2: SRN-SRP > threshold; recover on a current >= OCD Recovery
  // Threshold (a charge current) for Recovery Time (TRM 5.2.8).
  run(ProtectionId::kOcd1, -sense_v > st.ocd1_threshold_v, current_a >= st.ocd_recovery_a);
  run(ProtectionId::kOcd2, -sense_v > st.ocd2_threshold_v, current_a >= st.ocd_recovery_a);
  // SCD: SRN-SRP > threshold within its microsecond delay; time-based recovery
  // after SCD Recovery Time (TRM 5.2.6).
  run(ProtectionId::kScd, -sense_v > st.scd_threshold_v, true);
  // OCD3: firmware check on the CC1 current in userA, delay in seconds (TRM 5.2.8).
  run(ProtectionId::kOcd3, s.cc1_current_a <= st.ocd3_threshold_a, s.cc1_current_a >= st.ocd_recovery_a);
  // Temperature protections use the ADC's thermistor results (TRM 5.2.11-5.2.17):
  // inclusive thresholds, recovery at the recovery level for Recovery Time.
  if (s.adc.scans > 0) {
    double t_min{0.0};
    double t_max{0.0};
    const bool cells{cell_temperature_range(t_min, t_max)};
    run(ProtectionId::kOtc, cells && t_max >= st.otc_c, t_max <= st.otc_recovery_c);
    run(ProtectionId::kOtd, cells && t_max >= st.otd_c, t_max <= st.otd_recovery_c);
    run(ProtectionId::kUtc, cells && t_min <= st.utc_c, t_min >= st.utc_recovery_c);
    run(ProtectionId::kUtd, cells && t_min <= st.utd_c, t_min >= st.utd_recovery_c);
    const double die_c{die_temperature_c()};
    run(ProtectionId::kOtint, die_c >= st.otint_c, die_c <= st.otint_recovery_c);
    run(ProtectionId::kUtint, die_c <= st.utint_c, die_c >= st.utint_recovery_c);
    double fet_c{0.0};
    const bool fets{fet_temperature_max(fet_c)};
    run(ProtectionId::kOtf, fets && fet_c >= st.otf_c, fet_c <= st.otf_recovery_c);
  }

  s.safety_alert = {0, 0, 0};
  s.safety_status = {0, 0, 0};
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    const ProtectionBit bit{protection_bit(static_cast<ProtectionId>(i))};
    if (s.protection[i].alert) {
      s.safety_alert[bit.group] |= bit.mask;
    }
    if (s.protection[i].tripped) {
      s.safety_status[bit.group] |= bit.mask;
    }
  }
  // SLEEP ends at any protection fault or recovery (datasheet 13.3, figure 13-1).
  if (any_event && s.mode == PowerMode::kSleep) {
    exit_sleep();
  }
}

void Bq76952::on_trip(ProtectionId id) {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  const auto count = [&](LatchCounter& latch, std::uint8_t enable_bit, std::uint8_t limit) {
    if ((st.enabled_c & enable_bit) == 0 || limit == 0) {
      return;
    }
    latch.count = static_cast<std::uint8_t>(std::min(255, latch.count + 1));
    latch.next_decrement_ns = kNoEvent;  // counting down restarts after recovery
    if (latch.count >= limit) {
      latch.latched = true;
      latch.recovering_since_ns = kNoEvent;
    }
  };
  switch (id) {
    case ProtectionId::kCov: count(s.covl, bits::kCovl, st.covl_limit); break;
    case ProtectionId::kOcd1:
    case ProtectionId::kOcd2: count(s.ocdl, bits::kOcdl, st.ocdl_limit); break;
    case ProtectionId::kScd: count(s.scdl, bits::kScdl, st.scdl_limit); break;
    default: break;
  }
}

bool Bq76952::latch_base_condition(const LatchCounter& latch) const {
  const Bq76952State& s{state_};
  if (&latch == &s.covl) {
    return s.protection[index_of(ProtectionId::kCov)].tripped;
  }
  if (&latch == &s.ocdl) {
    return s.protection[index_of(ProtectionId::kOcd1)].tripped || s.protection[index_of(ProtectionId::kOcd2)].tripped;
  }
  return s.protection[index_of(ProtectionId::kScd)].tripped;
}

void Bq76952::evaluate_latches() {
  Bq76952State& s{state_};
  if (!protections_running()) {
    return;
  }
  const Settings& st{s.settings};
  const double current_a{cc2_current_a()};
  // Load detect (datasheet 11.6): with the DSG FET off, a current source on LD
  // lifts it above ~4 V only when the load has been removed.
  bool load_removed{false};
  if ((s.ocdl.latched || s.scdl.latched) && st.load_detect_active_ns > 0 && !s.dsg_on) {
    if (s.next_load_detect_ns == kNoEvent) {
      s.next_load_detect_ns = s.now_ns + std::max<TimeNs>(st.load_detect_retry_ns, sim::kNsPerMs);
    } else if (s.now_ns >= s.next_load_detect_ns) {
      load_removed = s.pins.ld_load_ohm * config_.load_detect_current_a > config_.load_detect_v;
      s.next_load_detect_ns = s.now_ns + std::max<TimeNs>(st.load_detect_retry_ns, sim::kNsPerMs);
    }
  } else {
    s.next_load_detect_ns = kNoEvent;
  }

  const auto step = [&](LatchCounter& latch, std::uint8_t enable_bit, TimeNs dec_delay_ns, TimeNs recovery_ns,
                        bool recovery_condition) {
    if ((st.enabled_c & enable_bit) == 0) {
      latch = LatchCounter{};
      return;
    }
    const bool base{latch_base_condition(latch)};
    if (latch.latched) {
      if (!recovery_condition) {
        latch.recovering_since_ns = kNoEvent;
      } else {
        if (latch.recovering_since_ns == kNoEvent) {
          latch.recovering_since_ns = s.now_ns;
        }
        if (s.now_ns >= time_after(latch.recovering_since_ns, recovery_ns)) {
          latch = LatchCounter{};
        }
      }
      return;
    }
    if (base || latch.count == 0) {
      latch.next_decrement_ns = kNoEvent;
      return;
    }
    if (latch.next_decrement_ns == kNoEvent) {
      latch.next_decrement_ns = time_after(s.now_ns, std::max<TimeNs>(dec_delay_ns, 1));
    } else if (s.now_ns >= latch.next_decrement_ns) {
      --latch.count;
      latch.next_decrement_ns = latch.count > 0 ? time_after(s.now_ns, std::max<TimeNs>(dec_delay_ns, 1)) : kNoEvent;
    }
  };
  // COVL recovers after its Recovery Time once COV itself has cleared.
  step(s.covl, bits::kCovl, st.covl_dec_delay_ns, st.covl_recovery_ns,
       !s.protection[index_of(ProtectionId::kCov)].tripped);
  // OCDL/SCDL recover on load removal, by host command, or (if enabled in
  // Protection Configuration) on a charge current >= their Recovery Threshold.
  const bool ocdl_current{(st.protection_configuration & protection_configuration::kOcdlCurrentRecovery) != 0 &&
                          current_a >= st.ocdl_recovery_a};
  const bool scdl_current{(st.protection_configuration & protection_configuration::kScdlCurrentRecovery) != 0 &&
                          current_a >= st.scdl_recovery_a};
  if (load_removed) {
    s.ocdl = LatchCounter{};
    s.scdl = LatchCounter{};
  }
  step(s.ocdl, bits::kOcdl, st.ocdl_dec_delay_ns, st.ocdl_recovery_ns, ocdl_current);
  step(s.scdl, bits::kScdl, st.scdl_dec_delay_ns, st.scdl_recovery_ns, scdl_current);

  const auto show = [&](const LatchCounter& latch, std::uint8_t bit) {
    if (latch.latched) {
      s.safety_status[2] |= bit;
    } else if (latch.count > 0) {
      s.safety_alert[2] |= bit;
    }
  };
  show(s.covl, bits::kCovl);
  show(s.ocdl, bits::kOcdl);
  show(s.scdl, bits::kScdl);
}

std::uint8_t Bq76952::chg_protection_block() const {
  const Bq76952State& s{state_};
  const Settings& st{s.settings};
  return static_cast<std::uint8_t>((s.safety_status[0] & st.chg_fet_a) | (s.safety_status[1] & st.chg_fet_b) |
                                   (s.safety_status[2] & st.chg_fet_c));
}

std::uint8_t Bq76952::dsg_protection_block() const {
  const Bq76952State& s{state_};
  const Settings& st{s.settings};
  return static_cast<std::uint8_t>((s.safety_status[0] & st.dsg_fet_a) | (s.safety_status[1] & st.dsg_fet_b) |
                                   (s.safety_status[2] & st.dsg_fet_c));
}

// ---------------------------------------------------------------------------
// FETs (TRM 5.2.2-5.2.3)

bool Bq76952::host_fet_control_allowed() const {
  return (state_.settings.fet_options & fet_options::kHostFetEn) != 0;
}

void Bq76952::update_fets() {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  bool allowed{s.powered && s.init_complete && !s.config_update &&
               (s.mode == PowerMode::kNormal || s.mode == PowerMode::kSleep) &&
               (st.fet_options & fet_options::kFetCtrlEn) != 0};
  if (s.shutdown.active && s.now_ns >= s.shutdown.fets_off_at_ns) {
    allowed = false;
  }
  if ((s.mfg_status & bits::kFetEn) == 0) {
    // FET test mode (Mfg Status[FET_EN] = 0, the default): the FETs stay off
    // unless the *TEST subcommands switch them (TRM 5.2.3.2).
    s.chg_on = allowed && (s.fet_test & bits::kChgTest) != 0;
    s.dsg_on = allowed && (s.fet_test & bits::kDsgTest) != 0;
    s.pchg_on = allowed && (s.fet_test & bits::kPchgTest) != 0;
    s.pdsg_on = allowed && (s.fet_test & bits::kPdsgTest) != 0;
    return;
  }
  const bool chg_protection{chg_protection_block() != 0};
  const bool dsg_protection{dsg_protection_block() != 0};
  const bool host_chg_off{(s.host_fet_off & bits::kChgOff) != 0};
  const bool host_dsg_off{(s.host_fet_off & bits::kDsgOff) != 0};
  // FET Options[SLEEPCHG] = 0 (default): CHG off while in SLEEP.
  const bool sleep_chg_off{s.mode == PowerMode::kSleep && (st.fet_options & fet_options::kSleepChg) == 0};
  bool chg{allowed && !chg_protection && !host_chg_off && !sleep_chg_off};
  bool dsg{allowed && !dsg_protection && !host_dsg_off};
  // Body diode protection with series FETs (datasheet 11.5.1): a FET a
  // protection holds off is switched on while more than Body Diode Threshold
  // flows through its body diode anyway, and off again when it stops.
  if (allowed && (st.fet_options & fet_options::kSfet) != 0) {
    const double current_a{cc2_current_a()};  // + charging
    if (!chg && chg_protection && !host_chg_off && !sleep_chg_off && dsg && current_a < -st.body_diode_threshold_a) {
      chg = true;
    }
    if (!dsg && dsg_protection && !host_dsg_off && chg && current_a > st.body_diode_threshold_a) {
      dsg = true;
    }
  }
  s.chg_on = chg;
  s.dsg_on = dsg;
  // PRECHARGE / PREDISCHARGE are not emulated: PCHG and PDSG stay off.
  s.pchg_on = false;
  s.pdsg_on = false;
}

// ---------------------------------------------------------------------------
// Balancing (TRM chapter 9 "Cell Balancing")

void Bq76952::update_balancing() {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  bool allowed{s.powered && s.init_complete && !s.config_update &&
               (s.mode == PowerMode::kNormal ||
                (s.mode == PowerMode::kSleep &&
                 (st.balancing_configuration & balancing_configuration::kCbSleep) != 0))};
  // Balancing pauses outside Min/Max Cell Temp and above Max Internal Temp.
  if (allowed && s.adc.scans > 0) {
    double t_min{0.0};
    double t_max{0.0};
    if (cell_temperature_range(t_min, t_max)) {
      allowed = t_min >= st.cb_min_cell_temp_c && t_max <= st.cb_max_cell_temp_c;
    }
    allowed = allowed && die_temperature_c() <= st.cb_max_internal_temp_c;
  }
  s.balancing_mask = allowed ? s.cb_active_cells : 0;
  if (s.balancing_mask == 0) {
    s.balancing_since_ns = kNoEvent;
  } else if (s.balancing_since_ns == kNoEvent) {
    s.balancing_since_ns = s.now_ns;
  }
}

// ---------------------------------------------------------------------------
// Alarms (TRM 12.2 "Alarm Status", "Alarm Raw Status", "Alarm Enable")

void Bq76952::update_alarms() {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  std::uint16_t raw{0};
  if ((s.safety_status[1] | s.safety_status[2]) != 0) {
    raw |= bits::kAlarmSsbc;
  }
  if (s.safety_status[0] != 0) {
    raw |= bits::kAlarmSsa;
  }
  if (((s.safety_alert[0] & st.sf_alert_mask_a) | (s.safety_alert[1] & st.sf_alert_mask_b) |
       (s.safety_alert[2] & st.sf_alert_mask_c)) != 0) {
    raw |= bits::kAlarmMskSfAlert;
  }
  if (s.init_complete) {
    raw |= bits::kAlarmInitComp;
  }
  if (!s.chg_on) {
    raw |= bits::kAlarmXchg;
  }
  if (!s.dsg_on) {
    raw |= bits::kAlarmXdsg;
  }
  if (s.shutv) {
    raw |= bits::kAlarmShutv;
  }
  if (s.balancing_mask != 0) {
    raw |= bits::kAlarmCb;
  }
  // A masked flag going from low to high latches its Alarm Status bit; event
  // flags (scans, wake, init) pulse.
  const std::uint16_t rising{static_cast<std::uint16_t>((raw & ~s.alarm_raw) | s.alarm_pulses)};
  s.alarm_status = static_cast<std::uint16_t>(s.alarm_status | (rising & s.alarm_enable));
  s.alarm_raw = raw;
  s.alarm_pulses = 0;
}

}  // namespace packsim::afe
