#pragma once

// Limits of the plant, in one place for every way into it: what may drive a
// pack (`packsim plant` steps, `packsim run` scenario steps, the pack and cell
// files) and what a pack state may become before the physics is declared
// broken (models::check_physical_state, applied on every step).

namespace packsim::models {

// ---- Inputs: beyond these a value is a typo, not a test ----

// Drive of a charge or discharge step, in magnitude.
inline constexpr double kMaxDriveCurrentA{1.0e4};  // 10 kA: beyond any traction pack's fuse
inline constexpr double kMaxDriveCRate{100.0};     // beyond the pulse rating of the highest-power cells
inline constexpr double kMaxDrivePowerW{1.0e7};    // 10 MW
// A whole pack's voltage (conditions, sources) and a cell's (hold and charge limits):
// no lithium chemistry is charged above 5 V.
inline constexpr double kMaxPackVoltageV{2000.0};
inline constexpr double kMaxCellVoltageV{5.0};
// Ambient and cell temperatures a run may start at or be set to: the range the
// cell tables are measured over, with Arrhenius extrapolation beyond it.
inline constexpr double kMinTemperatureC{-60.0};
inline constexpr double kMaxTemperatureC{120.0};
// Longest stretch of simulated time one run may cover: about 31 years, far
// beyond any test and far inside the int64 nanosecond clock (about 292 years).
inline constexpr double kMaxSimulatedDurationS{1.0e9};

// ---- States: beyond these no real cell can be, so the model has left its validity ----

// SOC is allowed 10 % of capacity beyond either end of the OCV table. The table
// ends are the manufacturer's empty and full, not hard walls: a seeded spread,
// a BMS under test that cuts off late, a rest's self-discharge before the check
// that ends it, and an overcharge test that a BMS is meant to stop all leave a
// cell a few percent outside 0..1, and that must run. 10 % beyond is not a
// cell any more: below empty the edge of the OCV curve reaches 0 V before it
// (copper dissolves, the cell reverses) and 10 % above full a lithium-ion cell
// has plated, vented or gone into thermal runaway. Past it the numbers only
// describe the extrapolation (SOC -9,890 % after a 1000C "discharge").
inline constexpr double kMinPlausibleSoc{-0.10};
inline constexpr double kMaxPlausibleSoc{1.10};
// A cell (series group) voltage below this has the wrong sign: the model's OCV
// stops at 0 V, so only the ohmic drop of a current the cell cannot carry
// takes it below. 1 mV is far above rounding (1e-12 V) and below an AFE's
// least significant bit, so a cell resting at exactly 0 V (an open group) passes.
inline constexpr double kMinPlausibleCellV{-1e-3};
// Twice the highest charge voltage of any chemistry: only an ohmic rise no cell
// would survive gets there.
inline constexpr double kMaxPlausibleCellV{2.0 * kMaxCellVoltageV};
// A passive load (a resistor) only absorbs power; this much delivered by it,
// in watts, is beyond rounding of the terminal voltage times the current.
inline constexpr double kPassiveLoadPowerToleranceW{1e-6};

}  // namespace packsim::models
