#include "sim/scenario/step_reader.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include "models/pack/plant_limits.h"
#include "sim/scenario/firmware_reader.h"
#include "sim/scenario/key_rules.h"
#include "sim/scenario/name_suggestion.h"
#include "sim/scenario/quantity.h"

namespace packsim::scenario {

namespace {

constexpr std::array<std::string_view, 14> kStepKinds{"discharge", "charge",  "rest",    "wait",  "set_ambient",
                                                      "connect",   "disconnect", "inject", "clear", "bus",
                                                      "service",   "reflash", "firmware_fault", "label"};

// Plausibility bounds: beyond these a value is a typo, not a test.
// The plant's own limits (models/pack/plant_limits.h), as `packsim plant` has them.
const NumberRange kCurrentRange{0.0, models::kMaxDriveCurrentA, true, false};
const NumberRange kCRateRange{0.0, models::kMaxDriveCRate, true, false};
const NumberRange kPowerRange{0.0, models::kMaxDrivePowerW, true, false};
const NumberRange kVoltageRange{0.0, models::kMaxPackVoltageV, true, false};
const NumberRange kCellVoltageRange{0.0, models::kMaxCellVoltageV, true, false};
const NumberRange kAmbientRange{NumberRange::closed(models::kMinTemperatureC, models::kMaxTemperatureC)};

std::vector<std::string_view> step_kind_names() {
  return {kStepKinds.begin(), kStepKinds.end() - 1};  // without "label"
}

}  // namespace

class StepReader {
 public:
  explicit StepReader(const StepContext& context) : context_(context) {}

  Step read(const YamlObject& entry) {
    Step step;
    step.where = entry.location();
    std::vector<std::string> kinds;
    for (const std::string& key : entry.keys()) {
      if (key == "label") continue;
      if (std::find(kStepKinds.begin(), kStepKinds.end(), key) == kStepKinds.end()) {
        throw InputError(entry.key_location(key), "unknown step '" + key + "'; expected " +
                                                      join_names(step_kind_names()) +
                                                      did_you_mean(key, step_kind_names()));
      }
      if (!kinds.empty()) {
        throw InputError(entry.key_location(key), "one step per entry: '" + kinds.front() + "' and '" + key +
                                                      "' here; start another entry with '- " + key + ":'");
      }
      kinds.push_back(key);
    }
    if (kinds.empty()) {
      entry.fail("expected a step: " + join_names(step_kind_names()));
    }
    if (entry.has("label")) {
      const YamlScalar label{entry.scalar("label")};
      if (label.text().empty() || std::all_of(label.text().begin(), label.text().end(),
                                              [](char c) { return c >= '0' && c <= '9'; })) {
        label.fail("'label': expected a name that is not a number (steps are also referred to by number)");
      }
      if (!labels_.insert(label.text()).second) {
        label.fail("'label': another step is already labelled '" + label.text() + "'");
      }
      step.label = label.text();
    }
    step.kind = kinds.front();
    step.where = entry.key_location(step.kind);
    step.action = action(entry, step.kind);
    entry.finish();
    return step;
  }

 private:
  StepAction action(const YamlObject& entry, const std::string& kind) {
    if (kind == "discharge") return discharge(entry);
    if (kind == "charge") return charge(entry);
    if (kind == "rest") return rest(entry);
    if (kind == "wait") return wait(entry);
    if (kind == "set_ambient") {
      return SetAmbient{read_quantity(entry, "set_ambient", Quantity::kTemperature, kAmbientRange)};
    }
    if (kind == "connect") return connect(entry);
    if (kind == "disconnect") return disconnect(entry);
    if (kind == "inject") return inject(entry);
    if (kind == "clear") return clear(entry);
    if (kind == "bus") return bus(entry);
    if (kind == "service") return service(entry);
    if (kind == "firmware_fault") return firmware_failure(entry);
    return reflash(entry);
  }

  // ---- Drive steps ----

  void require_free_terminals(const YamlObject& entry, const std::string& kind) const {
    if (connected_) {
      throw InputError(entry.key_location(kind),
                       "'" + kind + "' drives the terminals itself, but the " +
                           std::string{device_name(connected_->first)} +
                           " connected at line " + std::to_string(connected_->second.line) +
                           " is still on them; disconnect it first");
    }
  }

  Drive drive(const YamlObject& block, const std::vector<std::string_view>& options, const std::string& kind) {
    const std::string key{one_of(block, options, "drive for '" + kind + "'")};
    if (key == "current") return {DriveKind::kCurrent, read_quantity(block, key, Quantity::kCurrent, kCurrentRange)};
    if (key == "c_rate") return {DriveKind::kCRate, read_quantity(block, key, Quantity::kCRate, kCRateRange)};
    if (key == "power") return {DriveKind::kPower, read_quantity(block, key, Quantity::kPower, kPowerRange)};
    return {DriveKind::kResistance, read_quantity(block, key, Quantity::kResistance, NumberRange::positive())};
  }

  // `for` and `until`: at least one, so that the step ends.
  template <class StepT>
  void ending(const YamlObject& block, const std::string& kind, StepT& step) {
    step.duration_ns = read_optional_duration(block, "for", NumberRange::positive());
    if (block.has("until")) {
      step.until = until(block);
    }
    if (!step.duration_ns && !step.until) {
      block.fail("a '" + kind + "' step must end: give 'for', 'until' or both");
    }
  }

  Condition until(const YamlObject& block) const {
    if (block.kind("until") != YamlObject::Kind::kScalar) {
      block.fail_at("until", "expected a condition as text, e.g. until: min_cell_v < 2.5 V or 2 h (YAML reads "
                             "'dsg_fet: off' as a mapping: write 'dsg_fet off' or quote it)");
    }
    ConditionContext conditions{context_.conditions};
    conditions.allow_elapsed = true;
    return parse_condition(block.scalar("until"), conditions);
  }

  Discharge discharge(const YamlObject& entry) {
    require_free_terminals(entry, "discharge");
    const YamlObject block{entry.child("discharge")};
    refuse_unknown_keys(block, {"current", "c_rate", "power", "resistance", "for", "until"}, "'discharge'");
    Discharge step;
    step.drive = drive(block, {"current", "c_rate", "power", "resistance"}, "discharge");
    ending(block, "discharge", step);
    block.finish();
    return step;
  }

  Charge charge(const YamlObject& entry) {
    require_free_terminals(entry, "charge");
    const YamlObject block{entry.child("charge")};
    refuse_unknown_keys(block, {"current", "c_rate", "power", "voltage_limit", "for", "until"}, "'charge'");
    Charge step;
    step.drive = drive(block, {"current", "c_rate", "power"}, "charge");
    step.voltage_limit_cell_v = read_optional_quantity(block, "voltage_limit", Quantity::kVoltage, kCellVoltageRange);
    ending(block, "charge", step);
    block.finish();
    return step;
  }

  // rest and wait: a duration, or {for, until}.
  template <class StepT>
  StepT timed(const YamlObject& entry, const std::string& kind) {
    StepT step;
    if (entry.kind(kind) == YamlObject::Kind::kScalar) {
      step.duration_ns = read_duration(entry, kind, NumberRange::positive());
      return step;
    }
    if (entry.kind(kind) != YamlObject::Kind::kMap) {
      entry.fail_at(kind, "expected a duration (e.g. 10 s) or {for: <duration>, until: <condition>}");
    }
    const YamlObject block{entry.child(kind)};
    refuse_unknown_keys(block, {"for", "until"}, "'" + kind + "'");
    ending(block, kind, step);
    block.finish();
    return step;
  }

  Rest rest(const YamlObject& entry) {
    require_free_terminals(entry, "rest");
    return timed<Rest>(entry, "rest");
  }
  Wait wait(const YamlObject& entry) { return timed<Wait>(entry, "wait"); }

  // ---- Devices ----

  static std::string_view device_name(DeviceKind kind) {
    switch (kind) {
      case DeviceKind::kCharger: return "charger";
      case DeviceKind::kLabSupply: return "lab_supply";
      case DeviceKind::kLoad: return "load";
      case DeviceKind::kInverterSurge: return "inverter_surge";
    }
    return "";
  }

  Connect connect(const YamlObject& entry) {
    const YamlObject block{entry.child("connect")};
    const std::string key{one_of(block, {"charger", "lab_supply", "load", "inverter_surge"}, "device to connect")};
    if (connected_) {
      throw InputError(block.key_location(key), "a " + std::string{device_name(connected_->first)} +
                                                    " is already connected (line " +
                                                    std::to_string(connected_->second.line) +
                                                    "); disconnect it first");
    }
    const YamlObject device{block.child(key)};
    static const std::map<std::string, std::vector<std::string_view>> kKeys{
        {"charger", {"current", "voltage"}}, {"lab_supply", {"voltage", "current_limit", "resistance"}},
        {"load", {"resistance", "current", "power"}}, {"inverter_surge", {"peak", "duration", "then"}},
    };
    refuse_unknown_keys(device, kKeys.at(key), "'" + key + "'");
    Connect step;
    if (key == "charger") {
      step.device = Charger{read_quantity(device, "current", Quantity::kCurrent, kCurrentRange),
                            read_quantity(device, "voltage", Quantity::kVoltage, kVoltageRange)};
      connected_.emplace(DeviceKind::kCharger, entry.location());
    } else if (key == "lab_supply") {
      LabSupply supply;
      supply.voltage_v = read_quantity(device, "voltage", Quantity::kVoltage, kVoltageRange);
      supply.current_limit_a = read_quantity(device, "current_limit", Quantity::kCurrent, kCurrentRange);
      supply.resistance_ohm =
          read_optional_quantity(device, "resistance", Quantity::kResistance, NumberRange::non_negative())
              .value_or(0.0);
      step.device = supply;
      connected_.emplace(DeviceKind::kLabSupply, entry.location());
    } else if (key == "load") {
      const std::string kind{one_of(device, {"resistance", "current", "power"}, "load")};
      Load load;
      if (kind == "resistance") {
        load = {LoadKind::kResistance, read_quantity(device, kind, Quantity::kResistance, NumberRange::positive())};
      } else if (kind == "current") {
        load = {LoadKind::kCurrent, read_quantity(device, kind, Quantity::kCurrent, kCurrentRange)};
      } else {
        load = {LoadKind::kPower, read_quantity(device, kind, Quantity::kPower, kPowerRange)};
      }
      step.device = load;
      connected_.emplace(DeviceKind::kLoad, entry.location());
    } else {
      InverterSurge surge;
      surge.peak_a = read_quantity(device, "peak", Quantity::kCurrent, kCurrentRange);
      surge.duration_ns = read_duration(device, "duration", NumberRange::positive());
      surge.then_a = read_quantity(device, "then", Quantity::kCurrent, NumberRange::closed(0.0, 1.0e4));
      step.device = surge;
      connected_.emplace(DeviceKind::kInverterSurge, entry.location());
    }
    device.finish();
    block.finish();
    return step;
  }

  Disconnect disconnect(const YamlObject& entry) {
    const YamlScalar target{entry.scalar("disconnect")};
    if (target.text() == "all") {
      connected_.reset();
      return {};
    }
    const std::array kinds{DeviceKind::kCharger, DeviceKind::kLabSupply, DeviceKind::kLoad, DeviceKind::kInverterSurge};
    for (const DeviceKind kind : kinds) {
      if (target.text() != device_name(kind)) continue;
      if (!connected_ || connected_->first != kind) {
        target.fail("'disconnect': no " + std::string{device_name(kind)} + " is connected" +
                    (connected_ ? " (the " + std::string{device_name(connected_->first)} + " is)" : std::string{}));
      }
      connected_.reset();
      return {kind};
    }
    target.fail("'disconnect': expected load, charger, lab_supply, inverter_surge or all, got '" + target.text() + "'");
  }

  // ---- Faults ----

  // A cell (or series group) number of the pack, 1..count.
  int cell_number(const YamlObject& block, const std::string& key, int count,
                  std::string_view counted = "cells") const {
    const YamlScalar scalar{block.scalar(key)};
    const std::int64_t number{parse_integer(scalar, 1, std::numeric_limits<int>::max(), key)};
    if (number > count) {
      scalar.fail("'" + key + "': the pack has " + std::to_string(count) + " " + std::string{counted} + " (1.." +
                  std::to_string(count) + "), not " + std::to_string(number));
    }
    return static_cast<int>(number);
  }

  int ts_pin(const YamlObject& block) const {
    const YamlScalar pin{block.scalar("pin")};
    static constexpr std::array<std::string_view, 3> kNames{"TS1", "TS2", "TS3"};
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (pin.text() == kNames[i] || pin.text() == std::to_string(i + 1)) return static_cast<int>(i) + 1;
    }
    pin.fail("'pin': expected a thermistor pin, TS1, TS2 or TS3, got '" + pin.text() + "'");
  }

  Fault fault(const YamlObject& block, const std::string& kind) {
    const int series{context_.conditions.series};
    const int cells{context_.conditions.cells};
    const YamlObject f{block.child(kind)};
    static const std::map<std::string, std::vector<std::string_view>> kKeys{
        {"internal_short", {"cell", "resistance"}}, {"open_tab", {"cell"}},
        {"weak_cell", {"cell", "capacity", "self_discharge"}}, {"open_wire", {"cell", "tap"}},
        {"stuck_adc", {"cell", "channel"}}, {"ntc_open", {"pin"}}, {"ntc_short", {"pin"}},
        {"i2c_errors", {"nack", "corrupt"}}, {"brownout", {"duration"}},
    };
    refuse_unknown_keys(f, kKeys.at(kind), "'" + kind + "'");
    Fault result;
    if (kind == "internal_short") {
      result = models::InternalShort{cell_number(f, "cell", cells) - 1,
                                     read_quantity(f, "resistance", Quantity::kResistance, NumberRange::positive())};
    } else if (kind == "open_tab") {
      result = models::OpenTab{cell_number(f, "cell", cells) - 1};
    } else if (kind == "weak_cell") {
      models::WeakCell weak;
      weak.cell = cell_number(f, "cell", cells) - 1;
      weak.capacity_factor = read_quantity(f, "capacity", Quantity::kFraction, NumberRange{0.0, 1.0, true, false});
      weak.self_discharge_factor =
          read_optional_quantity(f, "self_discharge", Quantity::kFraction, NumberRange::closed(1.0, 1000.0))
              .value_or(1.0);
      result = weak;
    } else if (kind == "open_wire") {
      const std::string how{one_of(f, {"cell", "tap"}, "wire: the cell whose top wire breaks, or the tap")};
      result = OpenWire{how == "cell" ? cell_number(f, "cell", series, "series cells")
                                      : static_cast<int>(read_integer(f, "tap", 0, series))};
    } else if (kind == "stuck_adc") {
      const std::string how{one_of(f, {"cell", "channel"}, "channel")};
      StuckAdc stuck;
      if (how == "cell") {
        stuck.source = AdcSource::kCell;
        stuck.cell_index = cell_number(f, "cell", series, "series cells") - 1;
      } else {
        const YamlScalar channel{f.scalar("channel")};
        static constexpr std::array<std::pair<std::string_view, AdcSource>, 8> kChannels{{
            {"stack", AdcSource::kStack},
            {"pack", AdcSource::kPack},
            {"ld", AdcSource::kLd},
            {"current", AdcSource::kCurrent},
            {"ts1", AdcSource::kTs1},
            {"ts2", AdcSource::kTs2},
            {"ts3", AdcSource::kTs3},
            {"die_temp", AdcSource::kDieTemp},
        }};
        const auto found = std::find_if(kChannels.begin(), kChannels.end(),
                                        [&](const auto& entry) { return entry.first == channel.text(); });
        if (found == kChannels.end()) {
          channel.fail("'channel': expected stack, pack, ld, current, ts1, ts2, ts3 or die_temp, got '" +
                       channel.text() + "'");
        }
        stuck.source = found->second;
      }
      result = stuck;
    } else if (kind == "ntc_open") {
      result = NtcOpen{ts_pin(f)};
    } else if (kind == "ntc_short") {
      result = NtcShort{ts_pin(f)};
    } else if (kind == "i2c_errors") {
      I2cErrors errors;
      const NumberRange probability{NumberRange::closed(0.0, 1.0)};
      errors.nack_probability = read_optional_quantity(f, "nack", Quantity::kFraction, probability).value_or(0.0);
      errors.corrupt_probability = read_optional_quantity(f, "corrupt", Quantity::kFraction, probability).value_or(0.0);
      if (!f.has("nack") && !f.has("corrupt")) {
        f.fail("'i2c_errors': expected 'nack', 'corrupt' or both, as percentages per byte");
      }
      result = errors;
    } else {
      Brownout brownout;
      brownout.duration_ns =
          read_optional_duration(f, "duration", NumberRange::positive()).value_or(brownout.duration_ns);
      result = brownout;
    }
    f.finish();
    return result;
  }

  static std::vector<std::string_view> fault_kinds() {
    std::vector<std::string_view> names;
    for (int i = 0; i < kFaultKindCount; ++i) names.push_back(fault_kind_name(static_cast<FaultKind>(i)));
    return names;
  }

  Inject inject(const YamlObject& entry) {
    const YamlObject block{entry.child("inject")};
    std::vector<std::string_view> allowed{fault_kinds()};
    allowed.push_back("at");
    refuse_unknown_keys(block, allowed, "'inject'");
    const std::string kind{one_of(block, fault_kinds(), "fault")};
    Inject step;
    step.fault = fault(block, kind);
    step.at_ns = read_optional_duration(block, "at");
    block.finish();
    const FaultKind fault_kind{kind_of(step.fault)};
    injected_[fault_kind].insert(cell_of(step.fault));
    return step;
  }

  // The cell a plant fault sits on; -1 for AFE faults (cleared by kind).
  static int cell_of(const Fault& fault) {
    if (const auto* f = std::get_if<models::InternalShort>(&fault)) return f->cell;
    if (const auto* f = std::get_if<models::OpenTab>(&fault)) return f->cell;
    if (const auto* f = std::get_if<models::WeakCell>(&fault)) return f->cell;
    return -1;
  }

  Clear clear(const YamlObject& entry) {
    Clear step;
    std::string name;
    std::optional<int> cell;
    SourceLocation where{entry.location_of("clear")};
    if (entry.kind("clear") == YamlObject::Kind::kScalar) {
      name = entry.scalar("clear").text();
    } else if (entry.kind("clear") == YamlObject::Kind::kMap) {
      const YamlObject block{entry.child("clear")};
      name = one_of(block, fault_kinds(), "fault to clear");
      where = block.key_location(name);
      const auto kind = find_fault_kind(name);
      if (!kind || !is_plant_fault(*kind)) {
        throw InputError(where, "'" + name + "': AFE faults clear by kind: write 'clear: " + name + "'");
      }
      const YamlObject f{block.child(name)};
      cell = cell_number(f, "cell", context_.conditions.cells) - 1;
      f.finish();
      block.finish();
    } else {
      entry.fail_at("clear", "expected a fault kind (clear: open_wire) or {internal_short: {cell: 3}}");
    }
    const auto kind = find_fault_kind(name);
    if (!kind) {
      throw InputError(where, "'clear': unknown fault '" + name + "'; expected " + join_names(fault_kinds()) +
                                  did_you_mean(name, fault_kinds()));
    }
    if (*kind == FaultKind::kBrownout) {
      throw InputError(where, "'clear': a brownout ends by itself after its duration");
    }
    std::set<int>& active{injected_[*kind]};
    if (active.empty()) {
      throw InputError(where, "'clear': no '" + name + "' was injected before this step");
    }
    step.kind = *kind;
    if (is_plant_fault(*kind)) {
      if (cell) {
        if (active.count(*cell) == 0) {
          throw InputError(where, "'clear': no '" + name + "' was injected on cell " + std::to_string(*cell + 1) +
                                      " before this step");
        }
        step.cell_indices = {*cell};
        active.erase(*cell);
      } else {
        step.cell_indices.assign(active.begin(), active.end());
        active.clear();
      }
    } else {
      active.clear();
    }
    return step;
  }

  // ---- Bus, service, reflash ----

  Bus bus(const YamlObject& entry) {
    const YamlObject block{entry.child("bus")};
    const std::string key{one_of(block, {"drop", "restore", "send"}, "bus action")};
    Bus step;
    if (key == "send") {
      const YamlObject send{block.child("send")};
      refuse_unknown_keys(send, {"id", "data", "extended"}, "'send'");
      CanFrameSpec frame;
      frame.extended = send.boolean_or("extended", false);
      frame.id = static_cast<std::uint32_t>(read_integer(send, "id", 0, frame.extended ? 0x1FFFFFFF : 0x7FF));
      const std::vector<YamlScalar> data{send.scalars("data")};
      if (data.size() > 8) {
        data[8].fail("'data': a CAN frame carries at most 8 bytes");
      }
      for (const YamlScalar& byte : data) {
        frame.data.push_back(static_cast<std::uint8_t>(parse_integer(byte, 0, 255, "data")));
      }
      send.finish();
      step.action = BusSend{frame};
    } else {
      const YamlScalar traffic{block.scalar(key)};
      if (traffic.text() != "inverter_heartbeat") {
        traffic.fail("'" + key + "': expected inverter_heartbeat, got '" + traffic.text() + "'");
      }
      if (key == "drop") {
        step.action = BusDrop{};
      } else {
        step.action = BusRestore{};
      }
    }
    block.finish();
    return step;
  }

  Service service(const YamlObject& entry) {
    const YamlObject block{entry.child("service")};
    refuse_unknown_keys(block, {"read", "reset", "fet_control", "expect_refused"}, "'service'");
    const std::string key{one_of(block, {"read", "reset", "fet_control"}, "service request")};
    Service step;
    if (key == "read") {
      const YamlScalar what{block.scalar("read")};
      static constexpr std::array<std::pair<std::string_view, ServiceRead>, 4> kReads{{
          {"status", ServiceRead::kStatus},
          {"cells", ServiceRead::kCells},
          {"version", ServiceRead::kVersion},
          {"fault_log", ServiceRead::kFaultLog},
      }};
      const auto found = std::find_if(kReads.begin(), kReads.end(),
                                      [&](const auto& entry_) { return entry_.first == what.text(); });
      if (found == kReads.end()) {
        what.fail("'read': expected status, cells, version or fault_log, got '" + what.text() + "'");
      }
      step.action = ServiceReadRequest{found->second};
    } else if (key == "reset") {
      block.child("reset").finish();
      step.action = ServiceReset{};
    } else {
      const YamlObject fets{block.child("fet_control")};
      ServiceFetControl control;
      control.charge_off = !on_off(fets, "charge");
      control.discharge_off = !on_off(fets, "discharge");
      fets.finish();
      step.action = control;
    }
    step.expect_refused = block.boolean_or("expect_refused", false);
    block.finish();
    return step;
  }

  static bool on_off(const YamlObject& block, const std::string& key) {
    const YamlScalar value{block.scalar(key)};
    if (value.text() == "on") return true;
    if (value.text() == "off") return false;
    value.fail("'" + key + "': expected on or off, got '" + value.text() + "'");
  }

  Reflash reflash(const YamlObject& entry) {
    const YamlObject block{entry.child("reflash")};
    Reflash step;
    if (block.has("firmware")) {
      step.firmware = read_firmware_image(block, "firmware", context_.scenario_dir);
    }
    block.finish();
    return step;
  }

  // `firmware_fault: hang` / `crash`, or {kind: hang|crash, persistent: true|false}.
  FirmwareFailure firmware_failure(const YamlObject& entry) {
    constexpr const char* kForms{"expected hang or crash, or {kind: hang|crash, persistent: true|false}"};
    const auto kind_of = [&](const YamlScalar& text) {
      if (text.text() == "hang") return FirmwareFailure::Kind::kHang;
      if (text.text() == "crash") return FirmwareFailure::Kind::kCrash;
      text.fail(std::string{"'firmware_fault': "} + kForms + ", got '" + text.text() + "'");
    };
    FirmwareFailure failure;
    if (entry.kind("firmware_fault") == YamlObject::Kind::kScalar) {
      failure.kind = kind_of(entry.scalar("firmware_fault"));
      return failure;
    }
    if (entry.kind("firmware_fault") != YamlObject::Kind::kMap) entry.fail_at("firmware_fault", kForms);
    const YamlObject block{entry.child("firmware_fault")};
    refuse_unknown_keys(block, {"kind", "persistent"}, "'firmware_fault'");
    failure.kind = kind_of(block.scalar("kind"));
    failure.persistent = block.boolean_or("persistent", false);
    block.finish();
    return failure;
  }

  const StepContext& context_;
  std::set<std::string> labels_;
  std::optional<std::pair<DeviceKind, SourceLocation>> connected_;
  std::map<FaultKind, std::set<int>> injected_;
};

TimelineReader::TimelineReader(StepContext context)
    : context_{std::make_unique<StepContext>(std::move(context))}, reader_{std::make_unique<StepReader>(*context_)} {}

TimelineReader::~TimelineReader() = default;

Step TimelineReader::read(const YamlObject& entry) { return reader_->read(entry); }

std::vector<Step> read_steps(const YamlObject& root, const StepContext& context) {
  const std::vector<YamlObject> entries{root.objects("steps")};
  if (entries.empty()) {
    root.fail_at("steps", "expected at least one step");
  }
  StepReader reader{context};
  std::vector<Step> steps;
  steps.reserve(entries.size());
  for (const YamlObject& entry : entries) {
    steps.push_back(reader.read(entry));
  }
  return steps;
}

}  // namespace packsim::scenario
