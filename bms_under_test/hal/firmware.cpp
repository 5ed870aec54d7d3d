#include "bms_under_test/hal/firmware.h"

#include <cstdint>
#include <string>
#include <utility>

#include "bms_under_test/hal/firmware_loader.h"

namespace packsim::hal {
namespace {

std::string version_text(std::uint32_t version) {
  return std::to_string(version >> 16) + "." + std::to_string(version & 0xFFFFU);
}

}  // namespace

std::string hal_compatibility_problem(const bms_firmware_info* info) {
  if (info == nullptr) {
    return "bms_firmware_info_get() returned no description";
  }
  if ((info->hal_version >> 16) != BMS_HAL_VERSION_MAJOR) {
    const std::string name = info->name != nullptr ? std::string{"'"} + info->name + "' " : std::string{};
    return "firmware " + name + "was built against bms_hal.h version " + version_text(info->hal_version) +
           ", but this host implements version " + version_text(BMS_HAL_VERSION) +
           "; the major versions must match (rebuild the firmware against this bms_hal.h)";
  }
  if (info->name == nullptr || std::string_view{info->name}.empty()) {
    return "firmware has no name in its bms_firmware_info";
  }
  if (info->tick_period_ms == 0) {
    return "firmware '" + std::string{info->name} + "' asks for a tick period of 0 ms";
  }
  return {};
}

Firmware::Firmware(std::unique_ptr<FirmwareRuntime> runtime, std::string origin)
    : runtime_{std::move(runtime)}, origin_{std::move(origin)} {
  const std::string problem{hal_compatibility_problem(&runtime_->info())};
  if (!problem.empty()) {
    throw FirmwareLoadError(origin_ + ": " + problem);
  }
}

const bms_observable* Firmware::find_observable(std::string_view name) const {
  for (const bms_observable& observable : observables()) {
    if (observable.name != nullptr && name == observable.name) return &observable;
  }
  return nullptr;
}

double observable_value(const bms_observable& observable) {
  const volatile void* at{observable.address};
  if (at == nullptr) return 0.0;
  switch (observable.type) {
    case BMS_OBSERVABLE_U8: return *static_cast<const volatile std::uint8_t*>(at);
    case BMS_OBSERVABLE_U16: return *static_cast<const volatile std::uint16_t*>(at);
    case BMS_OBSERVABLE_U32: return *static_cast<const volatile std::uint32_t*>(at);
    case BMS_OBSERVABLE_I8: return *static_cast<const volatile std::int8_t*>(at);
    case BMS_OBSERVABLE_I16: return *static_cast<const volatile std::int16_t*>(at);
    case BMS_OBSERVABLE_I32: return *static_cast<const volatile std::int32_t*>(at);
    case BMS_OBSERVABLE_F32: return *static_cast<const volatile float*>(at);
    case BMS_OBSERVABLE_ENUM: return *static_cast<const volatile int*>(at);
    default: return 0.0;
  }
}

std::string_view observable_value_name(const bms_observable& observable) {
  if (observable.type != BMS_OBSERVABLE_ENUM || observable.value_names == nullptr) return {};
  const double value{observable_value(observable)};
  if (value < 0.0 || value >= static_cast<double>(observable.value_name_count)) return {};
  const char* name{observable.value_names[static_cast<std::size_t>(value)]};
  return name != nullptr ? std::string_view{name} : std::string_view{};
}

}  // namespace packsim::hal
