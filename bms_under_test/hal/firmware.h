// A firmware as the host sees it: its self-description, bms_init, bms_tick
// and its observable variables, whatever runs its code. A FirmwareRuntime
// does the running: in this process (a shared object or a linked-in library,
// firmware_loader.h), or across the remote-HAL link in a child process or on
// an MCU (link/linked_firmware.h). The host drives every kind the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bms_under_test/hal/bms_hal.h"

namespace packsim::hal {

// How the firmware's code ran over a link: per-run (INIT/RUN) round trips
// and their wall time. In-process firmwares have none.
struct LinkStatistics {
  std::string transport;            // "shared memory with child 1234", "tcp 127.0.0.1:5555"
  std::uint64_t runs{0};            // INIT and RUN exchanges
  std::uint64_t calls{0};           // HAL calls that crossed (I2C, CAN, UART, GPIO; logs)
  std::uint64_t bytes_sent{0};
  std::uint64_t bytes_received{0};
  double run_wall_mean_us{0.0};     // one RUN, request to DONE, including every call it made
  double run_wall_max_us{0.0};
};

// The running of a firmware's code. init and tick may throw FirmwareFault
// (firmware_fault.h) when the code crashed, exited, hung, flooded a bus or
// broke the link; after that the runtime stays faulted.
class FirmwareRuntime {
 public:
  virtual ~FirmwareRuntime() = default;
  FirmwareRuntime(const FirmwareRuntime&) = delete;
  FirmwareRuntime& operator=(const FirmwareRuntime&) = delete;

  // Checked by the Firmware that holds it (hal_compatibility_problem).
  virtual const bms_firmware_info& info() const = 0;
  // Equal for two runtimes that share the firmware's static state.
  virtual std::string instance_key() const = 0;
  // The observable variables with their values as of now (a link fetches
  // them when the firmware has run since the last look).
  virtual std::span<const bms_observable> observables() = 0;
  // `hal` must outlive every later tick (bms_hal.h).
  virtual int init(const bms_hal& hal) = 0;
  virtual void tick() = 0;
  virtual std::optional<LinkStatistics> link_statistics() const { return std::nullopt; }

 protected:
  FirmwareRuntime() = default;
};

// The reason a firmware's self-description rules it out for this host, or ""
// when it fits: same HAL major version, a name, and a tick period above 0.
std::string hal_compatibility_problem(const bms_firmware_info* info);

// A loaded, version-checked firmware. Movable, not copyable; the runtime
// (a loaded shared object, a child process, a link) lives as long as it does.
class Firmware {
 public:
  // Throws FirmwareLoadError (firmware_loader.h) when the runtime's
  // self-description does not fit this host.
  Firmware(std::unique_ptr<FirmwareRuntime> runtime, std::string origin);
  Firmware(Firmware&&) noexcept = default;
  Firmware& operator=(Firmware&&) noexcept = default;
  Firmware(const Firmware&) = delete;
  Firmware& operator=(const Firmware&) = delete;
  ~Firmware() = default;

  const bms_firmware_info& info() const { return runtime_->info(); }
  // The path of the shared object, the name given to a linked-in firmware, or the link.
  const std::string& origin() const { return origin_; }
  // Which static state this firmware runs on: equal for two Firmwares that
  // share it (the same linked-in firmware, the same shared object loaded
  // twice), distinct for private copies and separate processes.
  std::string instance_key() const { return runtime_->instance_key(); }
  // The variables the firmware lets a host observe (bms_observables_get),
  // current; empty when it exports none. Read between ticks only.
  std::span<const bms_observable> observables() const { return runtime_->observables(); }
  // The observable of that name, or nullptr.
  const bms_observable* find_observable(std::string_view name) const;
  std::uint32_t tick_period_ms() const { return info().tick_period_ms; }
  // Calls bms_init; `hal` must outlive every later tick (bms_hal.h).
  int init(const bms_hal& hal) const { return runtime_->init(hal); }
  void tick() const { runtime_->tick(); }
  std::optional<LinkStatistics> link_statistics() const { return runtime_->link_statistics(); }

 private:
  std::unique_ptr<FirmwareRuntime> runtime_;
  std::string origin_;
};

// Reads an observable's current value as a number (an enumeration's index).
double observable_value(const bms_observable& observable);
// An enumeration's name for its current value; "" when it has no names or
// the value has none.
std::string_view observable_value_name(const bms_observable& observable);

}  // namespace packsim::hal
