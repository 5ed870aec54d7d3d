// The bq76952 in virtual time: construction, the measurement schedule,
// power modes and the chip-side faults. The bus, the subcommands and the
// protection logic live in bq76952_bus.cpp, bq76952_subcommands.cpp and
// bq76952_protections.cpp.
#include "bms_under_test/afe/bq76952.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace packsim::afe {

namespace {

using sim::kNoEvent;
using sim::TimeNs;
using namespace timing;

}  // namespace

std::string_view describe(AfeFaultKind kind) {
  switch (kind) {
    case AfeFaultKind::kOpenSenseWire: return "open sense wire";
    case AfeFaultKind::kStuckAdcChannel: return "stuck ADC channel";
    case AfeFaultKind::kNtcOpen: return "NTC open";
    case AfeFaultKind::kNtcShort: return "NTC short";
    case AfeFaultKind::kI2cBusErrors: return "I2C bus errors";
    case AfeFaultKind::kBrownOut: return "brown-out";
  }
  return "?";
}

Bq76952::Bq76952(Bq76952Config config) : config_{std::move(config)}, adc_model_{config_.adc, config_.seed} {
  // Check the OTP image once, here, so a power-on never throws.
  DataMemory check;
  for (const auto& [address, value] : config_.otp) {
    check.set(address, value);
  }
  state_.noise = SeededRng{config_.seed ^ 0x5EED0001ULL};
  state_.bus = SeededRng{config_.seed ^ 0x5EED0002ULL};
  power_on_reset();
}

// ---------------------------------------------------------------------------
// Time

TimeNs Bq76952::slot_period_ns() const { return state_.settings.fast_adc ? kSlotNs / 2 : kSlotNs; }

TimeNs Bq76952::loop_period_ns() const {
  // 16 cells + one stack/PACK/LD slot + one internal temperature slot, plus one
  // slot per measured multifunction pin up to three (datasheet 10.1.1); LOOP_SLOW
  // stretches the loop by 2^setting with idle slots.
  int pins{0};
  for (const ThermistorPinSettings& pin : state_.settings.pins) {
    pins += pin.measured ? 1 : 0;
  }
  const TimeNs slots{18 + std::min(pins, 3)};
  return slots * slot_period_ns() * (TimeNs{1} << state_.settings.loop_slow);
}

TimeNs Bq76952::wake_check_period_ns() const { return kWakeCheckBaseNs >> state_.settings.wake_speed; }

void Bq76952::schedule_normal_measurements(TimeNs first_scan_ns) {
  Bq76952State& s{state_};
  s.next_cc2_ns = s.now_ns + slot_period_ns();
  s.next_scan_ns = first_scan_ns;
  s.next_cc1_ns = s.now_ns + kCc1PeriodNs;
  s.next_wake_check_ns = kNoEvent;
  s.cc1_window_start_ns = s.now_ns;
  s.cc1_accumulated_to_ns = s.now_ns;
  s.cc1_sense_vs = 0.0;
}

TimeNs Bq76952::next_event_ns() const {
  if (!next_event_valid_) {
    next_event_cache_ = compute_next_event_ns();
    next_event_valid_ = true;
  }
  return next_event_cache_;
}

TimeNs Bq76952::compute_next_event_ns() const {
  const Bq76952State& s{state_};
  TimeNs next{kNoEvent};
  const auto consider = [&](TimeNs t) {
    if (t > s.now_ns && t < next) {
      next = t;
    }
  };
  if (!s.powered) {
    consider(s.brownout_until_ns);
    return next;
  }
  if (s.mode == PowerMode::kShutdown || s.mode == PowerMode::kDeepSleep || s.config_update) {
    return next;
  }
  // CC2 converts every slot, but is an event only while a decision rides on
  // each conversion: with the pins held between samples every conversion of a
  // stretch reads the same input, so otherwise only the latest one is
  // computed, when something reads it (catch_up_cc2).
  if (cc2_drives_decisions() && s.next_cc2_ns != kNoEvent) {
    const TimeNs period{slot_period_ns()};
    consider(s.next_cc2_ns > s.now_ns ? s.next_cc2_ns
                                      : s.next_cc2_ns + ((s.now_ns - s.next_cc2_ns) / period + 1) * period);
  }
  consider(s.next_scan_ns);
  consider(s.next_cc1_ns);
  consider(s.next_wake_check_ns);
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    const ProtectionTimer& timer{s.protection[i]};
    if (timer.alert || timer.tripped) {
      consider(protection_deadline_ns(timer, s.protection_times[i].delay_ns, s.protection_times[i].recovery_ns));
    }
  }
  consider(s.covl.next_decrement_ns);
  consider(s.ocdl.next_decrement_ns);
  consider(s.scdl.next_decrement_ns);
  consider(time_after(s.covl.recovering_since_ns, s.settings.covl_recovery_ns));
  consider(time_after(s.ocdl.recovering_since_ns, s.settings.ocdl_recovery_ns));
  consider(time_after(s.scdl.recovering_since_ns, s.settings.scdl_recovery_ns));
  consider(s.next_load_detect_ns);
  consider(time_after(s.low_voltage_since_ns, s.settings.low_v_shutdown_delay_ns));
  if (s.shutdown.active) {
    consider(s.shutdown.fets_off_at_ns);
    consider(s.shutdown.enter_at_ns);
  }
  return next;
}

void Bq76952::accumulate_cc1(TimeNs to_ns) {
  Bq76952State& s{state_};
  if (to_ns > s.cc1_accumulated_to_ns) {
    s.cc1_sense_vs += s.pins.sense_v * sim::to_seconds(to_ns - s.cc1_accumulated_to_ns);
  }
  s.cc1_accumulated_to_ns = to_ns;
}

void Bq76952::advance_to(TimeNs t, const AnalogInputs& pins) {
  Bq76952State& s{state_};
  if (t < s.now_ns) {
    throw std::logic_error{"Bq76952: time would go backwards from " + std::to_string(s.now_ns) + " ns to " +
                           std::to_string(t) + " ns"};
  }
  // Zero-order hold: events before t see the pins as they were last given
  // (the first pins ever given are taken to have been there from the start).
  if (!s.pins_given) {
    s.pins = pins;
    s.pins_given = true;
  }
  // An instant with nothing due, the same pins and no command since the last
  // one changes nothing but time (protections act on deadlines, which are
  // events; a drifting open wire is the one input that moves by itself).
  const bool drifting{std::any_of(s.open_wire_drift_v_per_s.begin(), s.open_wire_drift_v_per_s.end(),
                                  [](double rate) { return rate > 0.0; })};
  if (!changed_since_process_ && !drifting && t < next_event_ns() && pins == s.pins) {
    accumulate_cc1(t);
    s.now_ns = t;
    return;
  }
  for (;;) {
    const TimeNs e{next_event_ns()};
    if (e >= t) {
      break;
    }
    accumulate_cc1(e);
    s.now_ns = e;
    process();
  }
  accumulate_cc1(t);
  if (!(pins == s.pins)) {
    catch_up_cc2(t - 1);  // conversions before t read the pins they had
  }
  s.now_ns = t;
  s.pins = pins;
  process();
}

void Bq76952::process() {
  Bq76952State& s{state_};
  // Whatever happens below, the timers are read afresh afterwards.
  next_event_valid_ = false;
  changed_since_process_ = false;
  // Supply: the chip shuts off when BAT falls below VPORA - VPORA_HYS and
  // boots again once it is above VPORA (datasheet 7.3).
  if (!s.powered) {
    if (s.brownout_until_ns != kNoEvent && s.now_ns < s.brownout_until_ns) {
      return;
    }
    s.brownout_until_ns = kNoEvent;
    if (s.pins.stack_v < config_.por_rising_v) {
      return;
    }
    power_on_reset();
  } else if (s.pins.stack_v < config_.por_rising_v - config_.por_hysteresis_v) {
    power_off();
    return;
  }

  const bool ld_above{s.pins.ld_v > config_.wake_on_ld_v};
  const bool ld_rising{ld_above && !s.ld_above_wake};
  s.ld_above_wake = ld_above;

  if (s.mode == PowerMode::kShutdown) {
    // Only a charger at LD or TS2 pulled low wakes the chip, which then boots
    // from its defaults (TRM 7.5 "SHUTDOWN Mode").
    const bool ts2_wake{s.pins.ts2_pulled_low && !s.settings.shutdown_ts2_disabled};
    if (!ld_above && !ts2_wake) {
      return;
    }
    power_on_reset();
  }
  if (s.mode == PowerMode::kDeepSleep) {
    // A rising edge on LD exits DEEPSLEEP when Power Config[DPSLP_PD] is set (TRM 7.4).
    if (!(ld_rising && s.settings.deepsleep_wake_on_ld)) {
      update_fets();
      update_balancing();
      update_alarms();
      return;
    }
    exit_deepsleep();
  }

  // The comparators see the cell inputs continuously (faults on the chip side included).
  s.converter_in.cell_v = s.pins.cell_v;
  s.converter_in.stack_v = s.pins.stack_v;
  s.converter_in.pack_v = s.pins.pack_v;
  s.converter_in.ld_v = s.pins.ld_v;
  s.converter_in.die_temp_c = s.pins.die_temp_c;
  for (std::size_t pin = 0; pin <= kCellInputs; ++pin) {
    const double rate{s.open_wire_drift_v_per_s[pin]};
    if (rate <= 0.0) {
      continue;
    }
    // The floating pin droops towards the one below: the cell under it reads
    // low, the cell over it high by as much; the sum is kept.
    double droop{rate * sim::to_seconds(s.now_ns - s.open_wire_since_ns[pin])};
    if (pin >= 1) {
      droop = std::min(droop, std::max(s.converter_in.cell_v[pin - 1], 0.0));
      s.converter_in.cell_v[pin - 1] -= droop;
    }
    if (pin < kCellInputs) {
      s.converter_in.cell_v[pin] += droop;
    } else {
      s.converter_in.stack_v -= droop;  // VC16 is the top-of-stack measurement point
    }
  }

  if (s.config_update) {
    update_fets();
    update_balancing();
    update_alarms();
    return;
  }
  const MeasurementTicks ticks{run_measurements()};
  evaluate_protections();
  evaluate_latches();
  update_power_modes(ticks);
  update_fets();
  update_balancing();
  update_alarms();
}

void Bq76952::update_thermistor_inputs() {
  Bq76952State& s{state_};
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    const ThermistorPinSettings& pin{s.settings.pins[p]};
    s.converter_in.pin_pullup_ohm[p] = pin.pullup_ohm;
    if (pin.pullup_ohm <= 0.0) {
      continue;
    }
    double ohm{ntc_resistance_ohm(config_.board_ntc, s.pins.pin_temp_c[p])};
    if ((s.ntc_open & (1U << p)) != 0) {
      ohm = std::numeric_limits<double>::infinity();
    }
    if ((s.ntc_short & (1U << p)) != 0) {
      ohm = 0.0;
    }
    s.converter_in.pin_ohm[p] = ohm;
  }
}

bool Bq76952::cc2_drives_decisions() const {
  const Bq76952State& s{state_};
  // Body-diode protection (a FET a protection holds open) and the
  // current-based recoveries of OCC, OCD1 and OCD2 act on CC2 results.
  const auto tripped = [&](ProtectionId id) { return s.protection[index_of(id)].tripped; };
  return chg_protection_block() != 0 || dsg_protection_block() != 0 || tripped(ProtectionId::kOcc) ||
         tripped(ProtectionId::kOcd1) || tripped(ProtectionId::kOcd2);
}

void Bq76952::catch_up_cc2(TimeNs up_to_ns) {
  Bq76952State& s{state_};
  if (s.next_cc2_ns > up_to_ns || !measuring()) {
    return;
  }
  const bool stuck_current{(s.stuck_channels & stuck_bit(AdcChannel::kCurrent)) != 0};
  adc_model_.sample_current(s.pins.sense_v, stuck_current, s.noise, s.adc);
  const TimeNs period{slot_period_ns()};
  s.next_cc2_ns += ((up_to_ns - s.next_cc2_ns) / period + 1) * period;
}

Bq76952::MeasurementTicks Bq76952::run_measurements() {
  Bq76952State& s{state_};
  MeasurementTicks ticks;
  const bool stuck_current{(s.stuck_channels & stuck_bit(AdcChannel::kCurrent)) != 0};
  catch_up_cc2(s.now_ns);
  if (s.now_ns >= s.next_scan_ns) {
    update_thermistor_inputs();
    adc_model_.scan(s.converter_in, s.stuck_channels, s.noise, s.adc);
    refresh_pin_temperatures();
    if (s.mode == PowerMode::kSleep) {
      // In SLEEP the current is measured with the voltages, once a loop (TRM 7.2).
      adc_model_.sample_current(s.pins.sense_v, stuck_current, s.noise, s.adc);
    }
    const TimeNs period{s.mode == PowerMode::kSleep ? s.settings.sleep_voltage_time_ns : loop_period_ns()};
    while (s.next_scan_ns <= s.now_ns) {
      s.next_scan_ns += period;
    }
    s.alarm_pulses |= bits::kAlarmAdscan | bits::kAlarmFullscan;
    if (!s.init_complete) {
      s.init_complete = true;
      s.alarm_pulses |= bits::kAlarmInitComp;
    }
    ticks.scanned = true;
  }
  if (s.now_ns >= s.next_cc1_ns) {
    const TimeNs window{s.now_ns - s.cc1_window_start_ns};
    if (window > 0) {
      s.cc1_current_a = s.cc1_sense_vs / sim::to_seconds(window) / s.settings.cc_sense_ohm;
    }
    s.cc1_sense_vs = 0.0;
    s.cc1_window_start_ns = s.now_ns;
    const TimeNs period{s.mode == PowerMode::kSleep ? s.settings.sleep_voltage_time_ns : kCc1PeriodNs};
    while (s.next_cc1_ns <= s.now_ns) {
      s.next_cc1_ns += period;
    }
    ticks.cc1_updated = true;
  }
  return ticks;
}

// ---------------------------------------------------------------------------
// Measurements as the firmware sees them

double Bq76952::cc2_current_a() const {
  return static_cast<double>(state_.adc.cc2_counts) * kCc2LsbV / state_.settings.cc_sense_ohm;
}

double Bq76952::pin_temperature_c(std::size_t pin) const { return state_.pin_temp_c[pin]; }

void Bq76952::refresh_pin_temperatures() {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  for (std::size_t pin = 0; pin < kThermistorPins; ++pin) {
    const ThermistorPinSettings& p{st.pins[pin]};
    const NtcModel& model{p.pullup_ohm > 100'000.0 ? kSemitec204Ap2 : config_.chip_ntc_model};
    s.pin_temp_c[pin] = thermistor_temperature_c(ThermistorBias{p.pullup_ohm}, model, s.adc.pin_counts[pin]) +
                        0.1 * st.pin_temp_offset_dc[pin];
  }
}

double Bq76952::die_temperature_c() const {
  return state_.adc.die_temp_c + 0.1 * state_.settings.internal_temp_offset_dc;
}

bool Bq76952::cell_temperature_range(double& min_c, double& max_c) const {
  const Settings& st{state_.settings};
  bool any{false};
  min_c = std::numeric_limits<double>::infinity();
  max_c = -std::numeric_limits<double>::infinity();
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    if (st.pins[p].cell_temp && st.pins[p].polynomial != 3) {
      const double t{pin_temperature_c(p)};
      min_c = std::min(min_c, t);
      max_c = std::max(max_c, t);
      any = true;
    }
  }
  if (st.internal_temp_is_cell) {
    const double t{die_temperature_c()};
    min_c = std::min(min_c, t);
    max_c = std::max(max_c, t);
    any = true;
  }
  return any;
}

bool Bq76952::fet_temperature_max(double& max_c) const {
  const Settings& st{state_.settings};
  bool any{false};
  max_c = -std::numeric_limits<double>::infinity();
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    if (st.pins[p].fet_temp && st.pins[p].polynomial != 3) {
      max_c = std::max(max_c, pin_temperature_c(p));
      any = true;
    }
  }
  if (st.internal_temp_is_fet) {
    max_c = std::max(max_c, die_temperature_c());
    any = true;
  }
  return any;
}

// ---------------------------------------------------------------------------
// Power modes (TRM chapter 7)

void Bq76952::apply_settings() {
  Bq76952State& s{state_};
  s.settings = decode_settings(s.data_memory);
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    const auto id{static_cast<ProtectionId>(i)};
    s.protection_times[i] = protection_timing(id, s.settings);
    s.protection_on[i] = protection_enabled(id, s.settings);
    if (!s.protection_on[i]) {
      s.protection[i] = ProtectionTimer{};
    }
  }
  refresh_pin_temperatures();
}

void Bq76952::power_on_reset() {
  Bq76952State& s{state_};
  // Physical faults, the time, the pins and the random streams survive a reset;
  // the chip's RAM does not.
  Bq76952State fresh;
  fresh.now_ns = s.now_ns;
  fresh.pins = s.pins;
  fresh.pins_given = s.pins_given;
  fresh.converter_in = s.converter_in;
  fresh.noise = s.noise;
  fresh.bus = s.bus;
  fresh.open_wire_drift_v_per_s = s.open_wire_drift_v_per_s;
  fresh.open_wire_since_ns = s.open_wire_since_ns;
  fresh.stuck_channels = s.stuck_channels;
  fresh.ntc_open = s.ntc_open;
  fresh.ntc_short = s.ntc_short;
  fresh.bus_errors = s.bus_errors;
  fresh.ld_above_wake = s.ld_above_wake;
  state_ = fresh;

  state_.data_memory.reset_to_defaults();
  for (const auto& [address, value] : config_.otp) {
    state_.data_memory.set(address, value);
  }
  apply_settings();
  Bq76952State& n{state_};
  n.crc = n.settings.crc;
  n.i2c_address7 = n.settings.i2c_address7;
  n.mfg_status = n.settings.mfg_status_init;
  n.sleep_allowed = n.settings.sleep_allowed_at_start;
  n.alarm_enable = n.settings.default_alarm_mask;
  n.host_fet_off = (n.settings.fet_options & fet_options::kFetInitOff) != 0 ? 0x0F : 0x00;
  n.por = true;
  n.mode = PowerMode::kNormal;
  n.init_complete = false;
  n.alarm_pulses = bits::kAlarmInitStart;
  schedule_normal_measurements(n.now_ns + loop_period_ns());
  update_fets();
}

void Bq76952::power_off() {
  Bq76952State& s{state_};
  s.powered = false;
  s.chg_on = s.dsg_on = s.pchg_on = s.pdsg_on = false;
  s.balancing_mask = 0;
  s.cb_active_cells = 0;
  s.next_cc2_ns = s.next_scan_ns = s.next_cc1_ns = s.next_wake_check_ns = kNoEvent;
}

void Bq76952::enter_sleep() {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  s.mode = PowerMode::kSleep;
  s.next_scan_ns = s.now_ns + st.sleep_voltage_time_ns;
  s.next_cc1_ns = s.now_ns + st.sleep_voltage_time_ns;
  s.next_cc2_ns = kNoEvent;
  s.next_wake_check_ns = s.now_ns + wake_check_period_ns();
  s.cc1_window_start_ns = s.now_ns;
  s.cc1_sense_vs = 0.0;
  if ((st.balancing_configuration & balancing_configuration::kCbSleep) == 0) {
    s.cb_active_cells = 0;  // host balancing ends when the chip goes to sleep
  }
}

void Bq76952::exit_sleep() {
  Bq76952State& s{state_};
  s.mode = PowerMode::kNormal;
  s.sleep_blocked_until_ns = s.now_ns + s.settings.sleep_hysteresis_ns;
  s.alarm_pulses |= bits::kAlarmWake;
  // The FETs come back at once; the standard loop restarts on the next 1-s
  // boundary (datasheet 13.3).
  const TimeNs next_second{(s.now_ns / sim::kNsPerS + 1) * sim::kNsPerS};
  schedule_normal_measurements(next_second + loop_period_ns());
}

void Bq76952::enter_deepsleep() {
  Bq76952State& s{state_};
  s.mode = PowerMode::kDeepSleep;
  s.cb_active_cells = 0;
  s.next_cc2_ns = s.next_scan_ns = s.next_cc1_ns = s.next_wake_check_ns = kNoEvent;
  for (ProtectionTimer& timer : s.protection) {
    timer.alert = false;
    timer.alert_since_ns = kNoEvent;
  }
}

void Bq76952::exit_deepsleep() {
  Bq76952State& s{state_};
  s.mode = PowerMode::kNormal;
  s.init_complete = false;  // FETs wait for a full loop first (TRM 7.4)
  schedule_normal_measurements(s.now_ns + kDeepSleepExitNs + loop_period_ns());
}

void Bq76952::start_shutdown(bool skip_delays) {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  s.shutdown.active = true;
  const TimeNs fets_off{skip_delays ? 0 : st.fet_off_delay_ns};
  s.shutdown.fets_off_at_ns = s.now_ns + fets_off;
  s.shutdown.enter_at_ns = s.now_ns + (skip_delays ? 0 : std::max(fets_off, st.shutdown_command_delay_ns));
}

void Bq76952::enter_shutdown() {
  Bq76952State& s{state_};
  s.mode = PowerMode::kShutdown;
  s.shutdown = ShutdownSequence{};
  s.chg_on = s.dsg_on = s.pchg_on = s.pdsg_on = false;
  s.balancing_mask = 0;
  s.cb_active_cells = 0;
  s.next_cc2_ns = s.next_scan_ns = s.next_cc1_ns = s.next_wake_check_ns = kNoEvent;
  s.low_voltage_since_ns = kNoEvent;
}

void Bq76952::update_power_modes(const MeasurementTicks& ticks) {
  Bq76952State& s{state_};
  const Settings& st{s.settings};
  // Automatic shutdown: stack below Shutdown Stack Voltage, or a used cell below
  // Shutdown Cell Voltage, for Low V Shutdown Delay (TRM 7.5), on measured values.
  if (ticks.scanned) {
    const double stack_v{s.adc.stack_counts * kDividerLsbV};
    double min_cell_v{std::numeric_limits<double>::infinity()};
    for (std::size_t k = 0; k < kCellInputs; ++k) {
      if ((st.used_cells & (1U << k)) != 0) {
        min_cell_v = std::min(min_cell_v, s.adc.cell_counts[k] * kCellLsbV);
      }
    }
    s.shutv = (st.shutdown_stack_v > 0.0 && stack_v < st.shutdown_stack_v) ||
              (st.shutdown_cell_v > 0.0 && min_cell_v < st.shutdown_cell_v);
    if (!s.shutv) {
      s.low_voltage_since_ns = kNoEvent;
    } else if (s.low_voltage_since_ns == kNoEvent) {
      s.low_voltage_since_ns = s.now_ns;
    }
  }
  if (!s.shutdown.active && s.low_voltage_since_ns != kNoEvent &&
      s.now_ns >= time_after(s.low_voltage_since_ns, st.low_v_shutdown_delay_ns)) {
    start_shutdown(false);
  }
  if (s.shutdown.active && s.now_ns >= s.shutdown.enter_at_ns) {
    // A charger still present at LD would wake the chip at once: wait for it to go (TRM 7.5).
    if (s.pins.ld_v <= config_.wake_on_ld_v) {
      enter_shutdown();
      return;
    }
  }

  if (s.mode == PowerMode::kSleep) {
    bool wake{!s.sleep_allowed};
    if (s.now_ns >= s.next_wake_check_ns) {
      // Wake comparator on SRP-SRN every 12 ms (datasheet 7.18, 13.3).
      wake = wake || std::abs(s.pins.sense_v) / st.cc_sense_ohm > st.wake_comparator_current_a;
      const TimeNs period{wake_check_period_ns()};
      while (s.next_wake_check_ns <= s.now_ns) {
        s.next_wake_check_ns += period;
      }
    }
    if (ticks.scanned) {
      const double current_a{cc2_current_a()};
      const double stack_v{s.adc.stack_counts * kDividerLsbV};
      const double pack_v{s.adc.pack_counts * kDividerLsbV};
      wake = wake || std::abs(current_a) > st.sleep_current_a;
      // Charger attached: PACK above top-of-stack by the delta while the stack is below the threshold.
      wake = wake || (pack_v > stack_v + st.sleep_charger_delta_v && stack_v < st.sleep_charger_voltage_v);
    }
    if (wake) {
      exit_sleep();
    }
  } else if (s.mode == PowerMode::kNormal && ticks.cc1_updated) {
    const bool balancing_blocks{(st.balancing_configuration & balancing_configuration::kCbNoSleep) != 0 &&
                                s.balancing_mask != 0};
    if (s.sleep_allowed && s.init_complete && s.now_ns >= s.sleep_blocked_until_ns && !s.shutdown.active &&
        std::abs(s.cc1_current_a) < st.sleep_current_a && !balancing_blocks) {
      enter_sleep();
    }
  }
}

// ---------------------------------------------------------------------------
// Faults

void Bq76952::inject(const AfeFault& fault) {
  Bq76952State& s{state_};
  mark_changed();
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, OpenSenseWire>) {
          if (f.pin < 0 || f.pin > static_cast<int>(kCellInputs)) {
            throw std::out_of_range{"OpenSenseWire: pin must be VC0..VC16"};
          }
          s.open_wire_drift_v_per_s[static_cast<std::size_t>(f.pin)] = f.drift_v_per_s;
          s.open_wire_since_ns[static_cast<std::size_t>(f.pin)] = s.now_ns;
        } else if constexpr (std::is_same_v<F, StuckAdcChannel>) {
          s.stuck_channels |= stuck_bit(f.channel);
        } else if constexpr (std::is_same_v<F, NtcOpen>) {
          s.ntc_open = static_cast<std::uint16_t>(s.ntc_open | (1U << f.pin));
        } else if constexpr (std::is_same_v<F, NtcShort>) {
          s.ntc_short = static_cast<std::uint16_t>(s.ntc_short | (1U << f.pin));
        } else if constexpr (std::is_same_v<F, I2cBusErrors>) {
          s.bus_errors = f;
        } else if constexpr (std::is_same_v<F, BrownOut>) {
          power_off();
          s.brownout_until_ns = s.now_ns + f.duration_ns;
        }
      },
      fault);
}

void Bq76952::clear_fault(AfeFaultKind kind) {
  Bq76952State& s{state_};
  mark_changed();
  switch (kind) {
    case AfeFaultKind::kOpenSenseWire:
      s.open_wire_drift_v_per_s.fill(0.0);
      return;
    case AfeFaultKind::kStuckAdcChannel:
      s.stuck_channels = 0;
      return;
    case AfeFaultKind::kNtcOpen:
      s.ntc_open = 0;
      return;
    case AfeFaultKind::kNtcShort:
      s.ntc_short = 0;
      return;
    case AfeFaultKind::kI2cBusErrors:
      s.bus_errors = I2cBusErrors{};
      return;
    case AfeFaultKind::kBrownOut:
      if (s.brownout_until_ns != kNoEvent) {
        s.brownout_until_ns = s.now_ns;  // power comes back at the next instant
      }
      return;
  }
}

}  // namespace packsim::afe
