#pragma once

// The signal vocabulary of scenario files: every name an `until` condition or
// an expectation may use, with its quantity, in one table (signals.cpp). The
// runner samples each SignalId; `packsim validate` and the loader accept
// nothing else.
//
// Sources and what they mean:
//   pack.      the plant's true values (no sensor error)
//   FETs       the protection FETs on the power path, as they conduct
//   afe.       the bq76952's Safety Status A/B/C bits (a protection tripped)
//   firmware   the firmware's state machine, as its "state" observable names it (bms_hal.h)
//   service.   what the JBD service protocol reports (0x03 protection bits, FET bits, RSOC)
//   can.       what the inverter receives on CAN: 0x351 limits, 0x355 SOC/SOH,
//              0x359 protection/warning flags, 0x35C request flags
//   events     instants: a heartbeat stopping, a fault injected, a step starting...
//
// Indexed signals take [k]: cell_v[k] per series group (1..series),
// cell_temp[k] and cell_soc[k] per cell (1..series x parallel, pack order:
// group by group), step_started[k] by step number or [label].

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/scenario/quantity.h"

namespace packsim::scenario {

enum class SignalId : std::uint16_t {
  // Pack.
  kPackV,
  kLoadV,
  kPackCurrent,
  kChargeCurrent,
  kDischargeCurrent,
  kSoc,
  kMinSoc,
  kMaxSoc,
  kCellSoc,
  kMinCellV,
  kMaxCellV,
  kMeanCellV,
  kCellV,
  kCellSpread,
  kMinCellTemp,
  kMaxCellTemp,
  kMeanCellTemp,
  kCellTemp,
  kAmbient,
  // FETs.
  kChgFet,
  kDsgFet,
  // AFE Safety Status bits.
  kAfeCuv,
  kAfeCov,
  kAfeOcc,
  kAfeOcd1,
  kAfeOcd2,
  kAfeScd,
  kAfeOcd3,
  kAfeUtc,
  kAfeUtd,
  kAfeUtint,
  kAfeOtc,
  kAfeOtd,
  kAfeOtint,
  kAfeOtf,
  // Firmware.
  kFirmwareState,
  kFirmwareRunning,
  // JBD service protocol.
  kServiceCellOvervoltage,
  kServiceCellUndervoltage,
  kServicePackOvervoltage,
  kServicePackUndervoltage,
  kServiceChargeOvertemp,
  kServiceChargeUndertemp,
  kServiceDischargeOvertemp,
  kServiceDischargeUndertemp,
  kServiceChargeOvercurrent,
  kServiceDischargeOvercurrent,
  kServiceShortCircuit,
  kServiceAfeError,
  kServiceSoftwareMosLock,
  kServiceChgFet,
  kServiceDsgFet,
  kServiceSoc,
  // Inverter CAN.
  kCanOvervoltageProtection,
  kCanUndervoltageProtection,
  kCanOverTemperatureProtection,
  kCanUnderTemperatureProtection,
  kCanDischargeOvercurrentProtection,
  kCanChargeOvercurrentProtection,
  kCanInternalErrorProtection,
  kCanOvervoltageWarning,
  kCanUndervoltageWarning,
  kCanOverTemperatureWarning,
  kCanUnderTemperatureWarning,
  kCanDischargeOvercurrentWarning,
  kCanChargeHighCurrentWarning,
  kCanInternalCommsFailWarning,
  kCanChargeVoltageLimit,
  kCanChargeLimit,
  kCanDischargeLimit,
  kCanDischargeVoltageLimit,
  kCanSoc,
  kCanSoh,
  kCanChargeEnable,
  kCanDischargeEnable,
  kCanForceCharge1,
  kCanForceCharge2,
  kCanFullCharge,
  // Events.
  kStart,
  kHeartbeatLost,
  kHeartbeatRestored,
  kFaultInjected,
  kFaultCleared,
  kStepStarted,
  kStepEnded,
  kFirmwareRestarted,
  kWatchdogReset,
};

enum class SignalKind : std::uint8_t {
  kNumber,  // compared with < <= > >= == != and a quantity
  kSwitch,  // on or off (a FET, a flag); alone it means "is on"
  kState,   // one of named states (firmware_state == fault_latched)
  kEvent,   // an instant; alone it means "happens"
};

enum class SignalIndexing : std::uint8_t {
  kNone,
  kSeriesGroup,        // [k], k = 1..series
  kCell,               // [k], k = 1..series x parallel
  kStep,               // [k] or [label]; expectations only
  kOptionalFaultKind,  // none (any fault) or [internal_short] ...
};

enum class SignalSource : std::uint8_t { kPack, kFets, kAfe, kFirmware, kService, kCan, kEvent };

struct SignalInfo {
  SignalId id;
  std::string_view name;  // as written in scenarios
  SignalSource source;
  SignalKind kind;
  Quantity quantity;  // kNumber only
  SignalIndexing indexing;
  std::string_view description;
};

// The whole vocabulary, in SignalId order.
std::span<const SignalInfo> signal_table();
const SignalInfo& signal_info(SignalId id);
// nullptr when no signal has that name.
const SignalInfo* find_signal(std::string_view name);

// The reference firmware's states (bms_state), by the names scenarios use.
enum class FirmwareState : std::uint8_t {
  kStartup,
  kStandby,
  kNormal,
  kChargeInhibit,
  kDischargeInhibit,
  kFaultLatched,
  kSleep,
};
inline constexpr int kFirmwareStateCount{7};
std::string_view firmware_state_name(FirmwareState state);

// The table as Markdown (name, unit, description), for documentation and `--help`.
std::string signal_table_markdown();

}  // namespace packsim::scenario
