#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/input_error.h"

namespace packsim::sim {

// Longest step duration accepted (about 3 years): step ends stay far inside the
// int64 nanosecond clock (about 292 years) even for long step sequences, whose
// total is bounded by models::kMaxSimulatedDurationS.
inline constexpr double kMaxStepDurationS{1e8};

enum class StepMode { kDischarge, kCharge, kRest, kHold };

// What the step drives; the magnitude is in ExperimentStep::drive_value.
enum class DriveKind {
  kNone,           // rest: no current
  kCurrentA,
  kCRate,          // multiples of the pack's nominal capacity per hour
  kPowerW,
  kResistanceOhm,  // resistive load, discharge only
  kVoltageV,       // constant-voltage hold, per cell
};

enum class StopKind {
  kCellVoltageV,       // discharge: lowest cell falls to it; charge: highest cell rises to it
  kPackVoltageV,       // whole-pack terminal voltage reaches it
  kCurrentBelowA,      // |current| falls below it (ends a hold)
  kCurrentBelowCRate,  // same, in C-rate
  kSocPercent,         // pack SOC reaches it (0..100)
  kMaxTemperatureC,    // hottest cell reaches it
};

struct StopCondition {
  StopKind kind{StopKind::kCellVoltageV};
  double value{0.0};
};

// One PyBaMM-style step, e.g. "Discharge at 1C for 1 hour or until 2.5 V".
struct ExperimentStep {
  std::string text;  // as the user wrote it
  StepMode mode{StepMode::kRest};
  DriveKind drive{DriveKind::kNone};
  double drive_value{0.0};  // magnitude, always >= 0 (A, C-rate, W, ohm or V); direction comes from mode
  std::optional<double> duration_s;
  std::vector<StopCondition> until;  // any one met ends the step
};

// Parses one step. Keywords and units are case-insensitive. Throws InputError at
// SourceLocation{origin, 1, column}, column 1-based in characters (UTF-8 code
// points) of text, pointing at the offending token. `origin` names the source,
// e.g. "--step 2".
//
//   Discharge|Charge at <drive> [for <duration>] [[or] until <cond> [or <cond>]...]
//   Discharge through <R> ohm|mOhm|Ω|mΩ ...
//   Rest for <duration> [until ...]
//   Hold at <V> V|mV [for <duration>] [until ...]   (not ended by a voltage condition)
//   drive:    <x>C | C/<n> | <i> A|mA | <p> W|kW
//   duration: <n> ms|s|sec|second(s)|min|minute(s)|h|hr|hour(s)|day(s)
//   cond:     <v> V|mV [pack] | <i> A|mA | <x>C | C/<n> | [SOC] <p> % | <t> degC|°C
//
// A step must end: it needs a duration or at least one condition.
//
// Limits (models/pack/plant_limits.h, the ones `packsim run`'s scenario steps
// use): a drive up to models::kMaxDriveCRate, kMaxDriveCurrentA or
// kMaxDrivePowerW, a hold up to kMaxCellVoltageV per cell, a resistance that is
// finite and > 0, a duration up to kMaxStepDurationS; beyond them the
// InputError points at the number.
ExperimentStep parse_experiment_step(std::string_view text, const std::string& origin);

// Normalized one-line description for logs, e.g. "Discharge at 1C until 2.5 V".
// It is itself a valid step: parsing it gives back the same fields.
std::string describe(const ExperimentStep& step);

}  // namespace packsim::sim
