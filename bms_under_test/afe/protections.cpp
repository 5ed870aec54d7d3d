#include "bms_under_test/afe/protections.h"

namespace packsim::afe {

ProtectionTiming protection_timing(ProtectionId id, const Settings& s) {
  switch (id) {
    case ProtectionId::kCuv: return {s.cuv_delay_ns, s.recovery_ns};
    case ProtectionId::kCov: return {s.cov_delay_ns, s.recovery_ns};
    case ProtectionId::kOcc: return {s.occ_delay_ns, s.recovery_ns};
    case ProtectionId::kOcd1: return {s.ocd1_delay_ns, s.recovery_ns};
    case ProtectionId::kOcd2: return {s.ocd2_delay_ns, s.recovery_ns};
    case ProtectionId::kScd: return {s.scd_delay_ns, s.scd_recovery_ns};
    case ProtectionId::kOcd3: return {s.ocd3_delay_ns, s.recovery_ns};
    case ProtectionId::kUtc: return {s.utc_delay_ns, s.recovery_ns};
    case ProtectionId::kUtd: return {s.utd_delay_ns, s.recovery_ns};
    case ProtectionId::kUtint: return {s.utint_delay_ns, s.recovery_ns};
    case ProtectionId::kOtc: return {s.otc_delay_ns, s.recovery_ns};
    case ProtectionId::kOtd: return {s.otd_delay_ns, s.recovery_ns};
    case ProtectionId::kOtint: return {s.otint_delay_ns, s.recovery_ns};
    case ProtectionId::kOtf: return {s.otf_delay_ns, s.recovery_ns};
  }
  return {sim::kNoEvent, sim::kNoEvent};
}

bool protection_enabled(ProtectionId id, const Settings& s) {
  const ProtectionBit bit{protection_bit(id)};
  const std::uint8_t enabled{bit.group == 0 ? s.enabled_a : (bit.group == 1 ? s.enabled_b : s.enabled_c)};
  return (enabled & bit.mask) != 0;
}

ProtectionEvent step_protection(ProtectionTimer& timer, sim::TimeNs now_ns, bool condition, sim::TimeNs delay_ns,
                                bool recovery_condition, sim::TimeNs recovery_ns) {
  if (!timer.tripped) {
    if (!condition || delay_ns == sim::kNoEvent) {
      timer.alert = false;
      timer.alert_since_ns = sim::kNoEvent;
      return ProtectionEvent::kNone;
    }
    if (!timer.alert) {
      timer.alert = true;
      timer.alert_since_ns = now_ns;
    }
    if (now_ns >= time_after(timer.alert_since_ns, delay_ns)) {
      timer.alert = false;
      timer.alert_since_ns = sim::kNoEvent;
      timer.tripped = true;
      // Recovery timing starts at the trip when its condition already holds
      // (e.g. the time-based SCD recovery).
      timer.recovering_since_ns = recovery_condition ? now_ns : sim::kNoEvent;
      return ProtectionEvent::kTripped;
    }
    return ProtectionEvent::kNone;
  }
  if (!recovery_condition) {
    timer.recovering_since_ns = sim::kNoEvent;
    return ProtectionEvent::kNone;
  }
  if (timer.recovering_since_ns == sim::kNoEvent) {
    timer.recovering_since_ns = now_ns;
  }
  if (now_ns >= time_after(timer.recovering_since_ns, recovery_ns)) {
    timer.tripped = false;
    timer.recovering_since_ns = sim::kNoEvent;
    return ProtectionEvent::kRecovered;
  }
  return ProtectionEvent::kNone;
}

sim::TimeNs protection_deadline_ns(const ProtectionTimer& timer, sim::TimeNs delay_ns, sim::TimeNs recovery_ns) {
  if (!timer.tripped) {
    return timer.alert ? time_after(timer.alert_since_ns, delay_ns) : sim::kNoEvent;
  }
  return time_after(timer.recovering_since_ns, recovery_ns);
}

}  // namespace packsim::afe
