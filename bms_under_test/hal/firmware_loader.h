// Loads a BMS firmware for the host: a shared object found by path (dlopen),
// or a firmware linked into the host, wrapped the same way through its entry
// points. Either way the host gets one Firmware whose HAL version has been
// checked: a firmware built against another major version of bms_hal.h is
// refused with a message that says which versions met.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bms_under_test/hal/bms_hal.h"

namespace packsim::hal {

// The three functions every firmware exports (bms_hal.h).
struct FirmwareEntryPoints {
  const bms_firmware_info* (*firmware_info_get)(){nullptr};
  int (*init)(const bms_hal*){nullptr};
  void (*tick)(){nullptr};
  // Optional (bms_hal.h): the firmware's observable variables.
  const bms_observable* (*observables_get)(std::size_t*){nullptr};
};

// The shared object is missing, is not a shared object, lacks an export, or
// was built against another HAL major version. what() names the file.
class FirmwareLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FirmwareLoadOptions {
  // Load a private copy of the shared object, so that several rigs in one
  // process each get their own instance of the firmware's static state (a
  // firmware holds one context, as on its MCU). The file is copied to a
  // uniquely named temporary, loaded from there and unlinked at once: the
  // dynamic loader sees a new library each time. Unlike a dlmopen namespace
  // it has no per-process limit and works under AddressSanitizer.
  bool private_copy{false};
};

// The reason a firmware's self-description rules it out for this host, or ""
// when it fits: same HAL major version, a name, and a tick period above 0.
std::string hal_compatibility_problem(const bms_firmware_info* info);

// A loaded, version-checked firmware. Movable, not copyable; a shared object
// stays loaded while its Firmware lives.
class Firmware {
 public:
  Firmware(Firmware&&) noexcept = default;
  Firmware& operator=(Firmware&&) noexcept = default;
  Firmware(const Firmware&) = delete;
  Firmware& operator=(const Firmware&) = delete;
  ~Firmware() = default;

  const bms_firmware_info& info() const { return *info_; }
  // The path of the shared object, or the name given to a linked-in firmware.
  const std::string& origin() const { return origin_; }
  // Which static state this firmware runs on: equal for two Firmwares that
  // share it (the same linked-in firmware, the same shared object loaded
  // twice), distinct for private copies.
  std::string instance_key() const;
  // The variables the firmware lets a host observe (bms_observables_get);
  // empty when it exports none.
  std::span<const bms_observable> observables() const { return observables_; }
  // The observable of that name, or nullptr.
  const bms_observable* find_observable(std::string_view name) const;
  std::uint32_t tick_period_ms() const { return info_->tick_period_ms; }
  // Calls bms_init; `hal` must outlive every later tick (bms_hal.h).
  int init(const bms_hal& hal) const { return entry_points_.init(&hal); }
  void tick() const { entry_points_.tick(); }

 private:
  friend Firmware load_firmware(const std::filesystem::path& path, const FirmwareLoadOptions& options);
  friend Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin);
  Firmware(std::shared_ptr<void> library, FirmwareEntryPoints entry_points, std::string origin);

  std::shared_ptr<void> library_;  // the dlopen handle; dlclose when the last owner goes
  FirmwareEntryPoints entry_points_;
  const bms_firmware_info* info_{nullptr};
  std::string origin_;
  std::span<const bms_observable> observables_;
};

// Reads an observable's current value as a number (an enumeration's index).
double observable_value(const bms_observable& observable);
// An enumeration's name for its current value; "" when it has no names or
// the value has none.
std::string_view observable_value_name(const bms_observable& observable);

// dlopen (RTLD_NOW | RTLD_LOCAL), the three exports, the version check.
// Throws FirmwareLoadError.
Firmware load_firmware(const std::filesystem::path& path, const FirmwareLoadOptions& options = {});

// A firmware linked into the host (e.g. the reference firmware's static
// library): the same checks as a loaded one. Throws FirmwareLoadError.
Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin);

}  // namespace packsim::hal
