// The bq76952 as the firmware would read it: direct-command registers by name
// or address (the register map's own table), and the chip's protection, FET,
// balancing and power state.
#include <pybind11/stl.h>

#include <algorithm>
#include <variant>

#include "bms_under_test/afe/protections.h"
#include "bms_under_test/afe/register_map.h"
#include "python/src/bindings.h"
#include "python/src/live_simulator.h"
#include "python/src/trace_arrays.h"
#include "sim/scenario/signals.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

const afe::RegisterSpec& find_register(const std::variant<int, std::string>& key) {
  if (const int* address = std::get_if<int>(&key)) {
    for (const afe::RegisterSpec& spec : afe::kDirectCommands) {
      if (spec.address == *address) return spec;
    }
    throw py::key_error{"no bq76952 direct command at address " + std::to_string(*address)};
  }
  const std::string& name{std::get<std::string>(key)};
  for (const afe::RegisterSpec& spec : afe::kDirectCommands) {
    if (spec.name == name) return spec;
  }
  throw py::key_error{"no bq76952 direct command named '" + name + "' (see Simulator.afe.register_names())"};
}

// The register's value as the host reads it, signed where the register is.
long long read(afe::Bq76952& chip, const afe::RegisterSpec& spec) {
  const std::uint32_t raw{chip.register_value(spec.address)};
  if (!spec.is_signed) return raw;
  const int bits{8 * spec.width_bytes};
  const long long sign{1LL << (bits - 1)};
  return (static_cast<long long>(raw) ^ sign) - sign;
}

std::string_view power_mode_name(afe::PowerMode mode) {
  switch (mode) {
    case afe::PowerMode::kNormal: return "normal";
    case afe::PowerMode::kSleep: return "sleep";
    case afe::PowerMode::kDeepSleep: return "deepsleep";
    case afe::PowerMode::kShutdown: return "shutdown";
  }
  return "?";
}

}  // namespace

void bind_afe(py::module_& /*m*/, SimulatorClass& simulator) {
  simulator
      .def(
          "afe_register_names",
          [](LiveSimulator&) {
            std::vector<std::string> names;
            for (const afe::RegisterSpec& spec : afe::kDirectCommands) {
              if (spec.access != afe::RegisterAccess::kTransfer) names.emplace_back(spec.name);
            }
            return names;
          },
          "The readable direct commands (TRM chapter 12) by name")
      .def(
          "afe_read",
          [](LiveSimulator& s, const std::variant<int, std::string>& key) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
            const afe::RegisterSpec& spec{find_register(key)};
            if (spec.access == afe::RegisterAccess::kTransfer) {
              throw py::key_error{"'" + std::string{spec.name} + "' is part of the subcommand transfer area"};
            }
            return read(s.session().rig().afe(), spec);
          },
          py::arg("register"), "A direct command's value as the firmware would read it now, without the bus")
      .def(
          "afe_status",
          [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
            afe::Bq76952& chip{s.session().rig().afe()};
            const afe::AfeOutputs outputs{chip.outputs()};
            py::dict out;
            out["power_mode"] = std::string{power_mode_name(chip.power_mode())};
            out["powered"] = chip.powered();
            out["chg_fet"] = outputs.chg_fet_on;
            out["dsg_fet"] = outputs.dsg_fet_on;
            out["pchg_fet"] = outputs.pchg_fet_on;
            out["pdsg_fet"] = outputs.pdsg_fet_on;
            out["alert"] = outputs.alert_pin;
            out["balancing_cells"] = cells_in_mask(outputs.balancing_mask, 16);
            py::dict protections;
            for (std::size_t p = 0; p < afe::kProtectionCount; ++p) {
              const auto id{static_cast<afe::ProtectionId>(p)};
              const afe::ProtectionBit bit{afe::protection_bit(id)};
              const auto signal{static_cast<scenario::SignalId>(static_cast<int>(scenario::SignalId::kAfeCuv) +
                                                                static_cast<int>(p))};
              protections[py::str(short_signal_name(signal))] = (chip.state().safety_status[bit.group] & bit.mask) != 0;
            }
            out["protections"] = protections;
            return out;
          },
          "Power mode, FETs, ALERT, balancing cells (1-based) and the Safety Status protections that are set");
}

}  // namespace packsim::python
