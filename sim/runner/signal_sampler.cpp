#include "sim/runner/signal_sampler.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "bms_under_test/afe/protections.h"
#include "bms_under_test/bus/pylontech_can.h"
#include "sim/scenario/faults.h"

namespace packsim::runner {

namespace {

using scenario::SignalId;
constexpr double kNan{std::numeric_limits<double>::quiet_NaN()};

double bit(unsigned bits, unsigned mask) { return (bits & mask) != 0 ? 1.0 : 0.0; }

template <class T, class F>
double received(const hil::Received<T>& r, F f) {
  return r.seen() ? static_cast<double>(f(r.value)) : kNan;
}

}  // namespace

double SignalSampler::value(const scenario::SignalRef& ref) const {
  const models::PackState& s{rig_.pack_state()};
  const hil::InverterNode& inv{rig_.inverter()};
  const auto id{ref.id};
  switch (id) {
    case SignalId::kPackV: return s.terminal_voltage_v;
    case SignalId::kLoadV: return s.load_voltage_v;
    case SignalId::kPackCurrent: return s.pack_current_a;
    case SignalId::kChargeCurrent: return std::max(0.0, -s.pack_current_a);
    case SignalId::kDischargeCurrent: return std::max(0.0, s.pack_current_a);
    case SignalId::kSoc: return s.soc.mean();
    case SignalId::kMinSoc: return s.soc.minCoeff();
    case SignalId::kMaxSoc: return s.soc.maxCoeff();
    case SignalId::kCellSoc: return ref.index >= 0 && ref.index < s.soc.size() ? s.soc[ref.index] : kNan;
    case SignalId::kMinCellV: return s.group_voltage_v.minCoeff();
    case SignalId::kMaxCellV: return s.group_voltage_v.maxCoeff();
    case SignalId::kMeanCellV: return s.group_voltage_v.mean();
    case SignalId::kCellV:
      return ref.index >= 0 && ref.index < s.group_voltage_v.size() ? s.group_voltage_v[ref.index] : kNan;
    case SignalId::kCellSpread: return s.group_voltage_v.maxCoeff() - s.group_voltage_v.minCoeff();
    case SignalId::kMinCellTemp: return s.temp_c.minCoeff();
    case SignalId::kMaxCellTemp: return s.temp_c.maxCoeff();
    case SignalId::kMeanCellTemp: return s.temp_c.mean();
    case SignalId::kCellTemp: return ref.index >= 0 && ref.index < s.temp_c.size() ? s.temp_c[ref.index] : kNan;
    case SignalId::kAmbient: return ambient_c_;
    case SignalId::kChgFet: return rig_.charge_fet_on() ? 1.0 : 0.0;
    case SignalId::kDsgFet: return rig_.discharge_fet_on() ? 1.0 : 0.0;
    case SignalId::kFirmwareState: return firmware_state();
    case SignalId::kFirmwareRunning: return rig_.firmware().running() ? 1.0 : 0.0;
    default: break;
  }
  if (id >= SignalId::kAfeCuv && id <= SignalId::kAfeOtf) {
    const auto protection{static_cast<afe::ProtectionId>(static_cast<int>(id) - static_cast<int>(SignalId::kAfeCuv))};
    const afe::ProtectionBit pb{afe::protection_bit(protection)};
    return bit(rig_.afe().state().safety_status[pb.group], pb.mask);
  }
  if (id >= SignalId::kServiceCellOvervoltage && id <= SignalId::kServiceSoc) {
    if (!service_info_) return kNan;
    const jbd_basic_info& info{*service_info_};
    if (id <= SignalId::kServiceSoftwareMosLock) {
      const int n{static_cast<int>(id) - static_cast<int>(SignalId::kServiceCellOvervoltage)};
      return bit(info.protection_status, 1U << n);
    }
    if (id == SignalId::kServiceChgFet) return bit(info.fet_status, JBD_FET_CHARGE_ON);
    if (id == SignalId::kServiceDsgFet) return bit(info.fet_status, JBD_FET_DISCHARGE_ON);
    return info.rsoc_percent / 100.0;
  }
  const auto alarm = [&](auto pick, unsigned mask) {
    return received(inv.alarms(), [&](const pylon_alarms& a) { return bit(pick(a), mask); });
  };
  const auto flag = [&](unsigned mask) {
    return received(inv.request_flags(), [&](std::uint8_t f) { return bit(f, mask); });
  };
  const auto protection = [](const pylon_alarms& a) { return a.protection; };
  const auto protection_ext = [](const pylon_alarms& a) { return a.protection_ext; };
  const auto warning = [](const pylon_alarms& a) { return a.warning; };
  const auto warning_ext = [](const pylon_alarms& a) { return a.warning_ext; };
  switch (id) {
    case SignalId::kCanOvervoltageProtection: return alarm(protection, PYLON_ALARM_OVERVOLTAGE);
    case SignalId::kCanUndervoltageProtection: return alarm(protection, PYLON_ALARM_UNDERVOLTAGE);
    case SignalId::kCanOverTemperatureProtection: return alarm(protection, PYLON_ALARM_OVER_TEMPERATURE);
    case SignalId::kCanUnderTemperatureProtection: return alarm(protection, PYLON_ALARM_UNDER_TEMPERATURE);
    case SignalId::kCanDischargeOvercurrentProtection: return alarm(protection, PYLON_ALARM_DISCHARGE_OVERCURRENT);
    case SignalId::kCanChargeOvercurrentProtection:
      return alarm(protection_ext, PYLON_PROTECTION_EXT_CHARGE_OVERCURRENT);
    case SignalId::kCanInternalErrorProtection: return alarm(protection_ext, PYLON_PROTECTION_EXT_INTERNAL_ERROR);
    case SignalId::kCanOvervoltageWarning: return alarm(warning, PYLON_ALARM_OVERVOLTAGE);
    case SignalId::kCanUndervoltageWarning: return alarm(warning, PYLON_ALARM_UNDERVOLTAGE);
    case SignalId::kCanOverTemperatureWarning: return alarm(warning, PYLON_ALARM_OVER_TEMPERATURE);
    case SignalId::kCanUnderTemperatureWarning: return alarm(warning, PYLON_ALARM_UNDER_TEMPERATURE);
    case SignalId::kCanDischargeOvercurrentWarning: return alarm(warning, PYLON_ALARM_DISCHARGE_OVERCURRENT);
    case SignalId::kCanChargeHighCurrentWarning: return alarm(warning_ext, PYLON_WARNING_EXT_CHARGE_HIGH_CURRENT);
    case SignalId::kCanInternalCommsFailWarning: return alarm(warning_ext, PYLON_WARNING_EXT_INTERNAL_COMMS_FAIL);
    case SignalId::kCanChargeVoltageLimit:
      return received(inv.limits(), [](const pylon_limits& l) { return l.charge_voltage_limit_v; });
    case SignalId::kCanChargeLimit:
      return received(inv.limits(), [](const pylon_limits& l) { return l.charge_current_limit_a; });
    case SignalId::kCanDischargeLimit:
      return received(inv.limits(), [](const pylon_limits& l) { return l.discharge_current_limit_a; });
    case SignalId::kCanDischargeVoltageLimit:
      return received(inv.limits(), [](const pylon_limits& l) { return l.discharge_voltage_limit_v; });
    case SignalId::kCanSoc:
      return received(inv.soc_soh(), [](const pylon_soc_soh& v) { return v.soc_percent / 100.0; });
    case SignalId::kCanSoh:
      return received(inv.soc_soh(), [](const pylon_soc_soh& v) { return v.soh_percent / 100.0; });
    case SignalId::kCanChargeEnable: return flag(PYLON_REQUEST_CHARGE_ENABLE);
    case SignalId::kCanDischargeEnable: return flag(PYLON_REQUEST_DISCHARGE_ENABLE);
    case SignalId::kCanForceCharge1: return flag(PYLON_REQUEST_FORCE_CHARGE_1);
    case SignalId::kCanForceCharge2: return flag(PYLON_REQUEST_FORCE_CHARGE_2);
    case SignalId::kCanFullCharge: return flag(PYLON_REQUEST_FULL_CHARGE);
    default: break;
  }
  // Events read as 1 at the check they happen.
  return happened(ref) ? 1.0 : 0.0;
}

double SignalSampler::firmware_state() const {
  // Before bms_init the static context may still hold an earlier run's state.
  if (!rig_.firmware().booted()) return kNan;
  const hal::Firmware& firmware{rig_.firmware().firmware()};
  // A re-flash replaces the image in place: its observables table tells them apart.
  if (state_source_ != firmware.observables().data()) {
    state_source_ = firmware.observables().data();
    state_observable_ = firmware.find_observable("state");
  }
  if (state_observable_ == nullptr) return kNan;
  const std::string_view name{hal::observable_value_name(*state_observable_)};
  for (int k = 0; k < scenario::kFirmwareStateCount; ++k) {
    if (scenario::firmware_state_name(static_cast<scenario::FirmwareState>(k)) == name) return k;
  }
  return kNan;
}

bool SignalSampler::happened(const scenario::SignalRef& event) const {
  for (const scenario::SignalRef& raised : pending_events_) {
    if (raised.id == event.id && (event.index < 0 || raised.index == event.index)) {
      return true;
    }
  }
  return false;
}

std::string signal_name(const scenario::SignalRef& ref) {
  const scenario::SignalInfo& info{scenario::signal_info(ref.id)};
  std::string name{info.name};
  if (ref.index >= 0) {
    if (info.indexing == scenario::SignalIndexing::kOptionalFaultKind) {
      name += "[" + std::string{scenario::fault_kind_name(static_cast<scenario::FaultKind>(ref.index))} + "]";
    } else {
      name += "[" + std::to_string(ref.index + 1) + "]";
    }
  }
  return name;
}

std::string format_value(const scenario::SignalRef& ref, double value) {
  if (std::isnan(value)) return "n/a";
  const scenario::SignalInfo& info{scenario::signal_info(ref.id)};
  switch (info.kind) {
    case scenario::SignalKind::kSwitch: return value != 0.0 ? "on" : "off";
    case scenario::SignalKind::kEvent: return value != 0.0 ? "happens" : "-";
    case scenario::SignalKind::kState:
      return std::string{scenario::firmware_state_name(static_cast<scenario::FirmwareState>(static_cast<int>(value)))};
    case scenario::SignalKind::kNumber: break;
  }
  char text[64];
  if (info.quantity == scenario::Quantity::kFraction) {
    std::snprintf(text, sizeof text, "%.6g %%", value * 100.0);
  } else {
    std::snprintf(text, sizeof text, "%.6g %s", value, std::string{scenario::display_unit(info.quantity)}.c_str());
  }
  return text;
}

}  // namespace packsim::runner
