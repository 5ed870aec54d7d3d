#include "python/src/firmware_instances.h"

#include <dlfcn.h>

#include <filesystem>

#include "bms_under_test/hal/link/firmware_process.h"

namespace packsim::python {

std::string reference_firmware_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&reference_firmware_path), &info) == 0 || info.dli_fname == nullptr) {
    throw hal::FirmwareLoadError("cannot find where the packsim extension was loaded from");
  }
  return (std::filesystem::path{info.dli_fname}.parent_path() / "libpacksim_reference_firmware.so").string();
}

hal::Firmware load_private_firmware(const scenario::FirmwareImage& image) {
  const std::string path{image.is_reference() ? reference_firmware_path() : image.path};
  return hal::load_firmware(path, {.private_copy = true});
}

void apply_firmware_arguments(scenario::Scenario& scenario, const std::optional<std::string>& firmware,
                              std::optional<bool> isolate) {
  if (isolate) scenario.firmware.isolate = isolate;
  if (!firmware) return;
  if (!isolate) scenario.firmware.isolate.reset();  // a replaced image runs as its kind says
  scenario::FirmwareImage image;
  if (*firmware != "reference") image.path = std::filesystem::absolute(*firmware).lexically_normal().string();
  // Refused here, before any run, the way the run will load it.
  if (!image.is_reference()) {
    if (runner::runs_isolated(image, scenario.firmware, {})) {
      (void)hal::spawn_firmware_process(image.path);
    } else {
      (void)hal::load_firmware(image.path, {.private_copy = true});
    }
  }
  scenario.firmware.image = image;
}

}  // namespace packsim::python
