#include "sim/scenario/signals.h"

#include <array>

#include "bms_under_test/firmware/bms_state_machine.h"

namespace packsim::scenario {

namespace {

using enum SignalId;
constexpr Quantity kNone{Quantity::kVoltage};  // placeholder where a signal has no quantity

constexpr SignalInfo number(SignalId id, std::string_view name, SignalSource source, Quantity quantity,
                            std::string_view description, SignalIndexing indexing = SignalIndexing::kNone) {
  return {id, name, source, SignalKind::kNumber, quantity, indexing, description};
}
constexpr SignalInfo on_off(SignalId id, std::string_view name, SignalSource source, std::string_view description) {
  return {id, name, source, SignalKind::kSwitch, kNone, SignalIndexing::kNone, description};
}
constexpr SignalInfo event(SignalId id, std::string_view name, std::string_view description,
                           SignalIndexing indexing = SignalIndexing::kNone) {
  return {id, name, SignalSource::kEvent, SignalKind::kEvent, kNone, indexing, description};
}

constexpr auto kPack{SignalSource::kPack};
constexpr auto kAfe{SignalSource::kAfe};
constexpr auto kService{SignalSource::kService};
constexpr auto kCan{SignalSource::kCan};
constexpr auto kV{Quantity::kVoltage};
constexpr auto kA{Quantity::kCurrent};
constexpr auto kT{Quantity::kTemperature};
constexpr auto kPercent{Quantity::kFraction};

// One row per signal, in SignalId order (checked below).
constexpr std::array kSignals{
    number(kPackV, "pack_v", kPack, kV, "stack voltage, at the cells' side of the FETs"),
    number(kLoadV, "load_v", kPack, kV, "voltage at the PACK pins, beyond the FETs: what the load or charger sees"),
    number(kPackCurrent, "pack_current", kPack, kA, "current out of the pack: + discharge, - charge (A or C-rate)"),
    number(kChargeCurrent, "charge_current", kPack, kA, "charge current, max(0, -pack_current)"),
    number(kDischargeCurrent, "discharge_current", kPack, kA, "discharge current, max(0, pack_current)"),
    number(kSoc, "soc", kPack, kPercent, "mean state of charge of the cells"),
    number(kMinSoc, "min_soc", kPack, kPercent, "lowest cell state of charge"),
    number(kMaxSoc, "max_soc", kPack, kPercent, "highest cell state of charge"),
    number(kCellSoc, "cell_soc", kPack, kPercent, "state of charge of cell k", SignalIndexing::kCell),
    number(kMinCellV, "min_cell_v", kPack, kV, "lowest series-group voltage"),
    number(kMaxCellV, "max_cell_v", kPack, kV, "highest series-group voltage"),
    number(kMeanCellV, "mean_cell_v", kPack, kV, "mean series-group voltage"),
    number(kCellV, "cell_v", kPack, kV, "voltage of series group k", SignalIndexing::kSeriesGroup),
    number(kCellSpread, "cell_spread", kPack, kV, "max_cell_v - min_cell_v"),
    number(kMinCellTemp, "min_cell_temp", kPack, kT, "coldest cell"),
    number(kMaxCellTemp, "max_cell_temp", kPack, kT, "hottest cell"),
    number(kMeanCellTemp, "mean_cell_temp", kPack, kT, "mean cell temperature"),
    number(kCellTemp, "cell_temp", kPack, kT, "temperature of cell k", SignalIndexing::kCell),
    number(kAmbient, "ambient", kPack, kT, "ambient temperature around the pack"),
    on_off(kChgFet, "chg_fet", SignalSource::kFets, "the charge FET conducts"),
    on_off(kDsgFet, "dsg_fet", SignalSource::kFets, "the discharge FET conducts"),
    on_off(kAfeCuv, "afe.cuv", kAfe, "Safety Status A: cell undervoltage"),
    on_off(kAfeCov, "afe.cov", kAfe, "Safety Status A: cell overvoltage"),
    on_off(kAfeOcc, "afe.occ", kAfe, "Safety Status A: overcurrent in charge"),
    on_off(kAfeOcd1, "afe.ocd1", kAfe, "Safety Status A: overcurrent in discharge, tier 1"),
    on_off(kAfeOcd2, "afe.ocd2", kAfe, "Safety Status A: overcurrent in discharge, tier 2"),
    on_off(kAfeScd, "afe.scd", kAfe, "Safety Status A: short circuit in discharge"),
    on_off(kAfeOcd3, "afe.ocd3", kAfe, "Safety Status C: overcurrent in discharge, tier 3"),
    on_off(kAfeUtc, "afe.utc", kAfe, "Safety Status B: undertemperature in charge"),
    on_off(kAfeUtd, "afe.utd", kAfe, "Safety Status B: undertemperature in discharge"),
    on_off(kAfeUtint, "afe.utint", kAfe, "Safety Status B: internal undertemperature"),
    on_off(kAfeOtc, "afe.otc", kAfe, "Safety Status B: overtemperature in charge"),
    on_off(kAfeOtd, "afe.otd", kAfe, "Safety Status B: overtemperature in discharge"),
    on_off(kAfeOtint, "afe.otint", kAfe, "Safety Status B: internal overtemperature"),
    on_off(kAfeOtf, "afe.otf", kAfe, "Safety Status B: FET overtemperature"),
    SignalInfo{kFirmwareState, "firmware_state", SignalSource::kFirmware, SignalKind::kState, kNone,
               SignalIndexing::kNone,
               "the firmware's exported state (bms_observables_get): startup, standby, normal, charge_inhibit, discharge_inhibit, fault_latched or sleep"},
    on_off(kFirmwareRunning, "firmware_running", SignalSource::kFirmware,
           "the BMS's MCU runs its firmware (off while a firmware_fault hang holds it)"),
    on_off(kServiceCellOvervoltage, "service.cell_overvoltage", kService, "JBD 0x03 protection bit 0"),
    on_off(kServiceCellUndervoltage, "service.cell_undervoltage", kService, "JBD 0x03 protection bit 1"),
    on_off(kServicePackOvervoltage, "service.pack_overvoltage", kService, "JBD 0x03 protection bit 2"),
    on_off(kServicePackUndervoltage, "service.pack_undervoltage", kService, "JBD 0x03 protection bit 3"),
    on_off(kServiceChargeOvertemp, "service.charge_overtemp", kService, "JBD 0x03 protection bit 4"),
    on_off(kServiceChargeUndertemp, "service.charge_undertemp", kService, "JBD 0x03 protection bit 5"),
    on_off(kServiceDischargeOvertemp, "service.discharge_overtemp", kService, "JBD 0x03 protection bit 6"),
    on_off(kServiceDischargeUndertemp, "service.discharge_undertemp", kService, "JBD 0x03 protection bit 7"),
    on_off(kServiceChargeOvercurrent, "service.charge_overcurrent", kService, "JBD 0x03 protection bit 8"),
    on_off(kServiceDischargeOvercurrent, "service.discharge_overcurrent", kService, "JBD 0x03 protection bit 9"),
    on_off(kServiceShortCircuit, "service.short_circuit", kService, "JBD 0x03 protection bit 10"),
    on_off(kServiceAfeError, "service.afe_error", kService, "JBD 0x03 protection bit 11"),
    on_off(kServiceSoftwareMosLock, "service.software_mos_lock", kService, "JBD 0x03 protection bit 12"),
    on_off(kServiceChgFet, "service.chg_fet", kService, "JBD 0x03 FET status: charge FET on"),
    on_off(kServiceDsgFet, "service.dsg_fet", kService, "JBD 0x03 FET status: discharge FET on"),
    number(kServiceSoc, "service.soc", kService, kPercent, "JBD 0x03 relative state of charge"),
    on_off(kCanOvervoltageProtection, "can.overvoltage_protection", kCan, "0x359 byte 0 bit 1"),
    on_off(kCanUndervoltageProtection, "can.undervoltage_protection", kCan, "0x359 byte 0 bit 2"),
    on_off(kCanOverTemperatureProtection, "can.over_temperature_protection", kCan, "0x359 byte 0 bit 3"),
    on_off(kCanUnderTemperatureProtection, "can.under_temperature_protection", kCan, "0x359 byte 0 bit 4"),
    on_off(kCanDischargeOvercurrentProtection, "can.discharge_overcurrent_protection", kCan, "0x359 byte 0 bit 7"),
    on_off(kCanChargeOvercurrentProtection, "can.charge_overcurrent_protection", kCan, "0x359 byte 1 bit 0"),
    on_off(kCanInternalErrorProtection, "can.internal_error_protection", kCan, "0x359 byte 1 bit 3"),
    on_off(kCanOvervoltageWarning, "can.overvoltage_warning", kCan, "0x359 byte 2 bit 1"),
    on_off(kCanUndervoltageWarning, "can.undervoltage_warning", kCan, "0x359 byte 2 bit 2"),
    on_off(kCanOverTemperatureWarning, "can.over_temperature_warning", kCan, "0x359 byte 2 bit 3"),
    on_off(kCanUnderTemperatureWarning, "can.under_temperature_warning", kCan, "0x359 byte 2 bit 4"),
    on_off(kCanDischargeOvercurrentWarning, "can.discharge_overcurrent_warning", kCan, "0x359 byte 2 bit 7"),
    on_off(kCanChargeHighCurrentWarning, "can.charge_high_current_warning", kCan, "0x359 byte 3 bit 0"),
    on_off(kCanInternalCommsFailWarning, "can.internal_comms_fail_warning", kCan, "0x359 byte 3 bit 3"),
    number(kCanChargeVoltageLimit, "can.charge_voltage_limit", kCan, kV, "0x351 charge voltage limit"),
    number(kCanChargeLimit, "can.charge_limit", kCan, kA, "0x351 charge current limit"),
    number(kCanDischargeLimit, "can.discharge_limit", kCan, kA, "0x351 discharge current limit"),
    number(kCanDischargeVoltageLimit, "can.discharge_voltage_limit", kCan, kV, "0x351 discharge voltage limit"),
    number(kCanSoc, "can.soc", kCan, kPercent, "0x355 state of charge"),
    number(kCanSoh, "can.soh", kCan, kPercent, "0x355 state of health"),
    on_off(kCanChargeEnable, "can.charge_enable", kCan, "0x35C request flag: charge enable"),
    on_off(kCanDischargeEnable, "can.discharge_enable", kCan, "0x35C request flag: discharge enable"),
    on_off(kCanForceCharge1, "can.force_charge_1", kCan, "0x35C request flag: force charge I"),
    on_off(kCanForceCharge2, "can.force_charge_2", kCan, "0x35C request flag: force charge II"),
    on_off(kCanFullCharge, "can.full_charge", kCan, "0x35C request flag: full charge request"),
    event(kStart, "start", "the run begins (time zero)"),
    event(kHeartbeatLost, "heartbeat_lost", "the inverter's 0x305 heartbeat stops (a bus drop step)"),
    event(kHeartbeatRestored, "heartbeat_restored", "the inverter's 0x305 heartbeat resumes (a bus restore step)"),
    event(kFaultInjected, "fault_injected", "a fault lands (any, or [kind])", SignalIndexing::kOptionalFaultKind),
    event(kFaultCleared, "fault_cleared", "a fault is cleared (any, or [kind])", SignalIndexing::kOptionalFaultKind),
    event(kStepStarted, "step_started", "step [k] or [label] begins", SignalIndexing::kStep),
    event(kStepEnded, "step_ended", "step [k] or [label] ends", SignalIndexing::kStep),
    event(kFirmwareRestarted, "firmware_restarted", "the BMS restarts (a reflash step, a watchdog or crash reset)"),
    event(kWatchdogReset, "watchdog_reset", "the board's watchdog resets a hung MCU"),
};

constexpr bool table_in_id_order() {
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    if (static_cast<std::size_t>(kSignals[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_id_order(), "kSignals must list every SignalId once, in enum order");
static_assert(kSignals.size() == static_cast<std::size_t>(SignalId::kWatchdogReset) + 1);

static_assert(static_cast<int>(FirmwareState::kStartup) == BMS_STATE_STARTUP);
static_assert(static_cast<int>(FirmwareState::kStandby) == BMS_STATE_STANDBY);
static_assert(static_cast<int>(FirmwareState::kNormal) == BMS_STATE_NORMAL);
static_assert(static_cast<int>(FirmwareState::kChargeInhibit) == BMS_STATE_CHARGE_INHIBIT);
static_assert(static_cast<int>(FirmwareState::kDischargeInhibit) == BMS_STATE_DISCHARGE_INHIBIT);
static_assert(static_cast<int>(FirmwareState::kFaultLatched) == BMS_STATE_FAULT_LATCHED);
static_assert(static_cast<int>(FirmwareState::kSleep) == BMS_STATE_SLEEP);

std::string_view unit_column(const SignalInfo& info) {
  switch (info.kind) {
    case SignalKind::kNumber: return display_unit(info.quantity);
    case SignalKind::kSwitch: return "on/off";
    case SignalKind::kState: return "state";
    case SignalKind::kEvent: return "event";
  }
  return "";
}

}  // namespace

std::span<const SignalInfo> signal_table() { return kSignals; }

const SignalInfo& signal_info(SignalId id) { return kSignals.at(static_cast<std::size_t>(id)); }

const SignalInfo* find_signal(std::string_view name) {
  for (const SignalInfo& info : kSignals) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string_view firmware_state_name(FirmwareState state) {
  switch (state) {
    case FirmwareState::kStartup: return "startup";
    case FirmwareState::kStandby: return "standby";
    case FirmwareState::kNormal: return "normal";
    case FirmwareState::kChargeInhibit: return "charge_inhibit";
    case FirmwareState::kDischargeInhibit: return "discharge_inhibit";
    case FirmwareState::kFaultLatched: return "fault_latched";
    case FirmwareState::kSleep: return "sleep";
  }
  return "";
}

std::string signal_table_markdown() {
  std::string text{"| signal | unit | description |\n|---|---|---|\n"};
  for (const SignalInfo& info : kSignals) {
    const bool indexed{info.indexing == SignalIndexing::kSeriesGroup || info.indexing == SignalIndexing::kCell ||
                       info.indexing == SignalIndexing::kStep};
    text += "| `" + std::string{info.name} + (indexed ? "[k]" : "") + "` | " + std::string{unit_column(info)} + " | " +
            std::string{info.description} + " |\n";
  }
  return text;
}

}  // namespace packsim::scenario
