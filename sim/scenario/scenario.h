#pragma once

// A scenario, parsed and checked: plain structs the runner consumes. No YAML
// type appears here; every value is in SI (V, A, W, ohm, degC, fractions) or
// in nanoseconds of virtual time, cells are 0-based, and each step keeps where
// it was written so that a runtime report can point back at the file.
//
// The file format (scenarios/*.yaml) is documented in sim/scenario/README.md.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/input_error.h"
#include "models/pack/pack_config.h"
#include "sim/clock/virtual_clock.h"
#include "sim/scenario/condition.h"
#include "sim/scenario/expectation.h"
#include "sim/scenario/faults.h"
#include "sim/scenario/firmware_config_fields.h"

namespace packsim::scenario {

// ---- Pack ----

struct PackSpec {
  std::string file;  // the pack file, resolved; empty for an inline pack
  // Everything resolved: file or inline fields, then the scenario's
  // overrides, the cell parameters loaded, and seed = seed_for(scenario seed,
  // kPackVariation).
  models::PackConfig config;
  double nominal_capacity_ah{0.0};  // cell capacity x parallel: what 1C means
  SourceLocation where;
};

// ---- Environment ----

struct AmbientPoint {
  sim::TimeNs at_ns{0};
  double ambient_c{25.0};
};

enum class AmbientInterpolation : std::uint8_t { kStep, kLinear };

// The ambient over time: the first point is at 0; held after the last. A
// set_ambient step replaces the profile from that instant on.
struct Environment {
  std::vector<AmbientPoint> ambient{AmbientPoint{}};
  AmbientInterpolation interpolation{AmbientInterpolation::kStep};
};

double ambient_at(const Environment& environment, sim::TimeNs t);

// ---- Firmware ----

struct FirmwareImage {
  std::string path;  // empty: the reference firmware; otherwise a shared object, resolved
  bool is_reference() const { return path.empty(); }
};

struct FirmwareSpec {
  FirmwareImage image;
  // Run the firmware in a child process of its own (remote-HAL link), so that
  // a crash, an exit or a hang ends its run with a verdict instead of taking
  // the simulator down. nullopt: isolated for a shared object, in this
  // process for the linked-in reference firmware.
  std::optional<bool> isolate;
  // Written into the configuration EEPROM image over the reference defaults.
  std::vector<ConfigOverride> config;
  SourceLocation where;
};

// The board the firmware runs on.
struct BoardSpec {
  // The MCU's independent watchdog: a firmware that completes no tick for
  // this long is reset. nullopt: the board has none.
  std::optional<sim::TimeNs> watchdog_ns;
  SourceLocation where;
};

// ---- Steps ----

// What drives a discharge or charge step; values are magnitudes (> 0).
enum class DriveKind : std::uint8_t { kCurrent, kCRate, kPower, kResistance };
struct Drive {
  DriveKind kind{DriveKind::kCurrent};
  double value{0.0};  // A, C-rate, W or ohm
};

// Drive steps own the pack terminals for their duration (nothing may be
// connected) and leave them open. Each ends at `for`, at `until`, whichever
// comes first; at least one is given.
struct Discharge {
  Drive drive;
  std::optional<sim::TimeNs> duration_ns;
  std::optional<Condition> until;
};
struct Charge {
  Drive drive;  // kCurrent, kCRate or kPower
  // CC-CV: once the pack reaches this voltage per cell (x series), it is held
  // there and the current tapers. Without it: constant current or power.
  std::optional<double> voltage_limit_cell_v;
  std::optional<sim::TimeNs> duration_ns;
  std::optional<Condition> until;
};
// Terminals open.
struct Rest {
  std::optional<sim::TimeNs> duration_ns;
  std::optional<Condition> until;
};
// Time passes with whatever is connected.
struct Wait {
  std::optional<sim::TimeNs> duration_ns;
  std::optional<Condition> until;
};
struct SetAmbient {
  double ambient_c{25.0};
};

// Devices on the terminals; one at a time, until disconnected.
struct Charger {  // CC-CV: sources current only
  double current_a{0.0};
  double voltage_v{0.0};
};
struct LabSupply {  // a bench supply: constant voltage up to a current limit, sources only
  double voltage_v{0.0};
  double current_limit_a{0.0};
  double resistance_ohm{0.0};  // its leads
};
enum class LoadKind : std::uint8_t { kResistance, kCurrent, kPower };
struct Load {
  LoadKind kind{LoadKind::kResistance};
  double value{0.0};  // ohm, A or W
};
// An inverter starting up: peak current for duration, then a steady current.
struct InverterSurge {
  double peak_a{0.0};
  sim::TimeNs duration_ns{0};
  double then_a{0.0};
};
using Device = std::variant<Charger, LabSupply, Load, InverterSurge>;
enum class DeviceKind : std::uint8_t { kCharger, kLabSupply, kLoad, kInverterSurge };

struct Connect {
  Device device;
};
struct Disconnect {
  std::optional<DeviceKind> device;  // nullopt: all
};

// at_ns: when the fault lands, from the start of the run; nullopt: when the
// step is reached. A scheduled injection does not hold up the next steps.
struct Inject {
  Fault fault;
  std::optional<sim::TimeNs> at_ns;
};
// Plant faults clear per cell (the ones listed); AFE faults by kind.
struct Clear {
  FaultKind kind{FaultKind::kInternalShort};
  std::vector<int> cell_indices;
};

enum class BusTraffic : std::uint8_t { kInverterHeartbeat };
struct CanFrameSpec {
  std::uint32_t id{0};
  bool extended{false};
  std::vector<std::uint8_t> data;  // 0..8 bytes
};
struct BusDrop {
  BusTraffic traffic{BusTraffic::kInverterHeartbeat};
};
struct BusRestore {
  BusTraffic traffic{BusTraffic::kInverterHeartbeat};
};
struct BusSend {
  CanFrameSpec frame;
};
using BusAction = std::variant<BusDrop, BusRestore, BusSend>;
struct Bus {
  BusAction action;
};

// JBD service requests over the UART.
enum class ServiceRead : std::uint8_t { kStatus, kCells, kVersion, kFaultLog };
struct ServiceReadRequest {
  ServiceRead what{ServiceRead::kStatus};
};
struct ServiceReset {};
struct ServiceFetControl {  // 0xE1 MOS control
  bool charge_off{false};
  bool discharge_off{false};
};
using ServiceAction = std::variant<ServiceReadRequest, ServiceReset, ServiceFetControl>;
struct Service {
  ServiceAction action;
  bool expect_refused{false};  // the BMS must answer with an error status
};

// The BMS's MCU restarts with a firmware; the pack and the AFE keep their state.
struct Reflash {
  std::optional<FirmwareImage> firmware;  // nullopt: the same firmware
};

// The BMS's MCU fails now: hangs (outputs held until the board's watchdog,
// if any, resets it) or crashes (its fault handler resets it at once). A
// persistent failure comes back at every boot, until a reflash.
struct FirmwareFailure {
  enum class Kind : std::uint8_t { kHang, kCrash };
  Kind kind{Kind::kHang};
  bool persistent{false};
};

using StepAction = std::variant<Discharge, Charge, Rest, Wait, SetAmbient, Connect, Disconnect, Inject, Clear, Bus,
                                Service, Reflash, FirmwareFailure>;

struct Step {
  StepAction action;
  std::string label;  // optional, for step_started[label] / step_ended[label]
  std::string kind;   // the key as written: "discharge", "inject"...
  SourceLocation where;
};

// ---- The whole file ----

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed{0};
  PackSpec pack;
  Environment environment;
  FirmwareSpec firmware;
  BoardSpec board;
  std::vector<Step> steps;
  std::vector<Expectation> expectations;
};

// Every random draw of a run comes from the scenario's seed, one stream per
// consumer so that adding a consumer does not shift another's draws.
enum class SeedStream : std::uint8_t { kPackVariation, kAfe };
std::uint64_t seed_for(std::uint64_t scenario_seed, SeedStream stream);

}  // namespace packsim::scenario
