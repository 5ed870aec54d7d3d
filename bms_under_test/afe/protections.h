#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "bms_under_test/afe/settings.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::afe {

// The primary protections the emulation runs (TRM SLUUBY2 chapter 5).
enum class ProtectionId : std::uint8_t {
  kCuv,
  kCov,
  kOcc,
  kOcd1,
  kOcd2,
  kScd,
  kOcd3,
  kUtc,
  kUtd,
  kUtint,
  kOtc,
  kOtd,
  kOtint,
  kOtf,
};
inline constexpr std::size_t kProtectionCount{14};

// Where a protection shows in Safety Alert/Status A, B or C (and in the
// Enabled Protections and CHG/DSG FET Protections masks, which use the same bits).
struct ProtectionBit {
  std::uint8_t group;  // 0: A, 1: B, 2: C
  std::uint8_t mask;
};

constexpr ProtectionBit protection_bit(ProtectionId id) {
  switch (id) {
    case ProtectionId::kCuv: return {0, 1U << 2};
    case ProtectionId::kCov: return {0, 1U << 3};
    case ProtectionId::kOcc: return {0, 1U << 4};
    case ProtectionId::kOcd1: return {0, 1U << 5};
    case ProtectionId::kOcd2: return {0, 1U << 6};
    case ProtectionId::kScd: return {0, 1U << 7};
    case ProtectionId::kUtc: return {1, 1U << 0};
    case ProtectionId::kUtd: return {1, 1U << 1};
    case ProtectionId::kUtint: return {1, 1U << 2};
    case ProtectionId::kOtc: return {1, 1U << 4};
    case ProtectionId::kOtd: return {1, 1U << 5};
    case ProtectionId::kOtint: return {1, 1U << 6};
    case ProtectionId::kOtf: return {1, 1U << 7};
    case ProtectionId::kOcd3: return {2, 1U << 7};
  }
  return {0, 0};
}

constexpr std::size_t index_of(ProtectionId id) { return static_cast<std::size_t>(id); }

// since + delay, saturating at kNoEvent (which also means "never").
constexpr sim::TimeNs time_after(sim::TimeNs since, sim::TimeNs delay) {
  return (since == sim::kNoEvent || delay == sim::kNoEvent || since > sim::kNoEvent - delay) ? sim::kNoEvent
                                                                                              : since + delay;
}

// A protection's detection delay and recovery time under the given settings.
struct ProtectionTiming {
  sim::TimeNs delay_ns;
  sim::TimeNs recovery_ns;
};
ProtectionTiming protection_timing(ProtectionId id, const Settings& settings);
// Enabled Protections A/B/C decide which protections run.
bool protection_enabled(ProtectionId id, const Settings& settings);

// One protection's alert -> trip -> recovery state (TRM tables "Status / Condition /
// Action"): the Alert bit is set while the condition holds before the delay has
// run out; the Status bit replaces it once the condition has held for the whole
// delay; the Status bit clears once the recovery condition has held for the
// recovery time.
struct ProtectionTimer {
  bool alert{false};
  bool tripped{false};
  sim::TimeNs alert_since_ns{sim::kNoEvent};
  sim::TimeNs recovering_since_ns{sim::kNoEvent};
};

enum class ProtectionEvent : std::uint8_t { kNone, kTripped, kRecovered };

// Advances the state machine to `now` given the conditions that hold at `now`.
// A zero delay trips in the same call that first sees the condition.
ProtectionEvent step_protection(ProtectionTimer& timer, sim::TimeNs now_ns, bool condition, sim::TimeNs delay_ns,
                                bool recovery_condition, sim::TimeNs recovery_ns);

// The next instant at which this protection would act without any input
// change (trip at the end of its delay, or recover), kNoEvent if none.
sim::TimeNs protection_deadline_ns(const ProtectionTimer& timer, sim::TimeNs delay_ns, sim::TimeNs recovery_ns);

// A latch counter of COVL, OCDL or SCDL (TRM 5.2.4, 5.2.6, 5.2.9): every trip of
// the underlying protection counts one; the count falls by one each counter
// decrement delay without a trip; at the latch limit (0 disables) the latched
// fault is set until it recovers.
struct LatchCounter {
  std::uint8_t count{0};
  sim::TimeNs next_decrement_ns{sim::kNoEvent};
  bool latched{false};
  sim::TimeNs recovering_since_ns{sim::kNoEvent};
};

}  // namespace packsim::afe
