#include "bms_under_test/hal/firmware_loader.h"

#include <dlfcn.h>

#include <string_view>
#include <utility>

namespace packsim::hal {
namespace {

std::string version_text(std::uint32_t version) {
  return std::to_string(version >> 16) + "." + std::to_string(version & 0xFFFFU);
}

std::string last_dl_error() {
  const char* message = dlerror();
  return message != nullptr ? message : "unknown dynamic loader error";
}

// dlsym returns a data pointer; POSIX guarantees it converts to a function pointer.
template <typename Function>
Function find_export(void* library, const char* name, const std::filesystem::path& path) {
  dlerror();
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    throw FirmwareLoadError(path.string() + ": not a packsim firmware: it does not export '" + name +
                            "' (bms_hal.h lists the three functions every firmware exports)");
  }
  return reinterpret_cast<Function>(symbol);
}

void check(const FirmwareEntryPoints& entry_points, const std::string& origin) {
  if (entry_points.firmware_info_get == nullptr || entry_points.init == nullptr || entry_points.tick == nullptr) {
    throw FirmwareLoadError(origin + ": an entry point is missing");
  }
  const std::string problem = hal_compatibility_problem(entry_points.firmware_info_get());
  if (!problem.empty()) {
    throw FirmwareLoadError(origin + ": " + problem);
  }
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

Firmware::Firmware(std::shared_ptr<void> library, FirmwareEntryPoints entry_points, std::string origin)
    : library_{std::move(library)},
      entry_points_{entry_points},
      info_{entry_points.firmware_info_get()},
      origin_{std::move(origin)} {}

Firmware load_firmware(const std::filesystem::path& path, const FirmwareLoadOptions& options) {
  if (!std::filesystem::exists(path)) {
    throw FirmwareLoadError(path.string() + ": no such firmware file");
  }
  dlerror();
  void* handle = options.private_namespace ? dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL)
                                           : dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw FirmwareLoadError(path.string() + ": cannot load the shared object: " + last_dl_error());
  }
  std::shared_ptr<void> library{handle, [](void* h) { dlclose(h); }};
  FirmwareEntryPoints entry_points;
  entry_points.firmware_info_get =
      find_export<const bms_firmware_info* (*)()>(library.get(), "bms_firmware_info_get", path);
  entry_points.init = find_export<int (*)(const bms_hal*)>(library.get(), "bms_init", path);
  entry_points.tick = find_export<void (*)()>(library.get(), "bms_tick", path);
  check(entry_points, path.string());
  return Firmware{std::move(library), entry_points, path.string()};
}

Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin) {
  check(entry_points, origin);
  return Firmware{nullptr, entry_points, std::move(origin)};
}

}  // namespace packsim::hal
