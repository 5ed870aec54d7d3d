#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/yaml_reader.h"
#include "sim/scenario/condition.h"
#include "sim/scenario/scenario.h"

namespace packsim::scenario {

// What steps may refer to.
struct StepContext {
  ConditionContext conditions;  // the pack's series, cells and 1C
  std::string scenario_dir;     // for firmware paths
};

// Reads the `steps:` list, one step per entry:
//
//   - discharge: {current: 2.3 A | c_rate: 1C | power: 100 W | resistance: 1 ohm, until: <cond>, for: 2 h}
//   - charge: {current | c_rate | power, voltage_limit: 3.6 V, until, for}   (voltage_limit per cell: CC-CV)
//   - rest: {for: 6 h, until: ...}      or  rest: 6 h        (terminals open)
//   - wait: 10 s                        or  wait: {for, until}  (whatever is connected stays)
//   - set_ambient: 40 degC
//   - connect: {charger: {current: 10 A, voltage: 58 V}}
//              {lab_supply: {voltage: 50 V, current_limit: 1 A, resistance: 50 mohm}}  (resistance: its
//                leads, optional; constant voltage up to the current limit, sources only)
//              {load: {resistance: 50 mohm | current: 10 A | power: 100 W}}
//              {inverter_surge: {peak: 200 A, duration: 20 ms, then: 10 A}}
//   - disconnect: load | charger | lab_supply | inverter_surge | all
//   - inject: {internal_short: {cell: 3, resistance: 1 mohm}, at: 30 min}
//             open_tab: {cell} | weak_cell: {cell, capacity: 80 %, self_discharge: 300 %}
//             open_wire: {cell: k | tap: 0..series}
//             stuck_adc: {cell: k | channel: stack|pack|ld|current|ts1|ts2|ts3|die_temp}
//             ntc_open / ntc_short: {pin: TS1..TS3} | i2c_errors: {nack: 1 %, corrupt: 0.1 %}
//             brownout: {duration: 10 ms}
//   - clear: open_wire        or  clear: {internal_short: {cell: 3}}
//   - bus: {drop: inverter_heartbeat} | {restore: inverter_heartbeat} | {send: {id: 0x305, data: [0, 0]}}
//   - service: {read: status | cells | version | fault_log} | {reset: {}}
//              | {fet_control: {charge: off, discharge: on}}, optional expect_refused: true
//   - reflash: {firmware: reference | {path: x.so}}   or  reflash: {}  (the same firmware)
//   - firmware_fault: hang | crash | {kind: hang|crash, persistent: true|false}
//
// Any entry may carry `label: name` for step_started[name] in expectations.
// The timeline is checked as it is read: drive steps (discharge, charge,
// rest) need the terminals free, one device at a time is connected, a clear
// follows an inject of that fault, cells are within the pack.
std::vector<Step> read_steps(const YamlObject& root, const StepContext& context);

class StepReader;

// Steps one entry at a time with the same rules and the timeline's state
// kept between them (what is connected, which faults are in, the labels):
// for a live session that takes steps as they come.
class TimelineReader {
 public:
  explicit TimelineReader(StepContext context);
  ~TimelineReader();
  TimelineReader(const TimelineReader&) = delete;
  TimelineReader& operator=(const TimelineReader&) = delete;

  // One entry, e.g. {discharge: {c_rate: 1C, for: 1 h}}; InputError as read_steps.
  Step read(const YamlObject& entry);

 private:
  std::unique_ptr<StepContext> context_;  // the reader keeps a reference to it
  std::unique_ptr<StepReader> reader_;
};

}  // namespace packsim::scenario
