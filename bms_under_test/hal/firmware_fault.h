// The firmware under test stopped being a firmware: its process crashed or
// exited, a tick never finished, it flooded a bus beyond what the wire
// carries, or its link broke. Thrown by FirmwareRuntime::init/tick; a run
// that meets one ends there with a failed verdict naming the cause.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace packsim::hal {

enum class FirmwareFaultKind {
  kCrashed,    // the firmware's process ended on a signal (SIGSEGV, SIGABRT...)
  kExited,     // the firmware's process exited (exit(), return from main)
  kHung,       // an INIT/RUN did not finish within its wall-clock deadline
  kFlooded,    // more bus traffic in one tick than the wire can carry (hal_call_budget.h)
  kLinkError,  // a malformed or unexpected frame on the remote-HAL link
  kLinkLost,   // the link's stream ended or failed (a board unplugged, a socket closed)
};

// "crashed", "exited", "hung", "flooded a bus", "broke the link", "lost the link".
std::string_view firmware_fault_kind_name(FirmwareFaultKind kind);

class FirmwareFault : public std::runtime_error {
 public:
  FirmwareFault(FirmwareFaultKind kind, std::string detail)
      : std::runtime_error{"firmware " + std::string{firmware_fault_kind_name(kind)} + ": " + detail},
        kind_{kind},
        detail_{std::move(detail)} {}

  FirmwareFaultKind kind() const { return kind_; }
  const std::string& detail() const { return detail_; }

 private:
  FirmwareFaultKind kind_;
  std::string detail_;
};

inline std::string_view firmware_fault_kind_name(FirmwareFaultKind kind) {
  switch (kind) {
    case FirmwareFaultKind::kCrashed: return "crashed";
    case FirmwareFaultKind::kExited: return "exited";
    case FirmwareFaultKind::kHung: return "hung";
    case FirmwareFaultKind::kFlooded: return "flooded a bus";
    case FirmwareFaultKind::kLinkError: return "broke the link";
    case FirmwareFaultKind::kLinkLost: return "lost the link";
  }
  return "failed";
}

}  // namespace packsim::hal
