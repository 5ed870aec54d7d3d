// A firmware in a child process of its own, driven over the remote-HAL link:
// isolation. Whatever the firmware does (segfault, abort, exit, an endless
// loop, a flood of bus traffic) ends in a FirmwareFault that names the cause
// (the signal, the exit status, the last lines it wrote to stderr), and the
// host process carries on with its next run. Each child holds its own copy of
// the firmware's static state, so any number of rigs live side by side.
//
// Two programs host the child (bms_under_test/hal/link/posix/firmware_link_main.c):
// packsim-firmware-runner loads a firmware shared object; packsim-reference-
// firmware-link has the reference firmware linked in, as an MCU image would.
#pragma once

#include <filesystem>
#include <string>

#include "bms_under_test/hal/firmware.h"
#include "bms_under_test/hal/link/link_session.h"

namespace packsim::hal {

struct ProcessOptions {
  // Shared memory with spinning waits is the fast one; a socketpair costs a
  // few microseconds a round trip more and needs no shared mapping.
  enum class Channel { kSharedMemory, kSocketPair };
  Channel channel{Channel::kSharedMemory};
  LinkOptions link{};
  // The program that hosts the firmware; empty: find_link_program's choice.
  std::filesystem::path program;
};

inline constexpr const char* kFirmwareRunnerProgram{"packsim-firmware-runner"};
inline constexpr const char* kReferenceFirmwareLinkProgram{"packsim-reference-firmware-link"};

// The firmware shared object in a child process. Throws FirmwareLoadError
// when the file is not a loadable firmware (as load_firmware does), and
// FirmwareFault when the child fails before it has said hello.
Firmware spawn_firmware_process(const std::filesystem::path& shared_object, const ProcessOptions& options = {});
// The reference firmware in a child process.
Firmware spawn_reference_firmware_process(const ProcessOptions& options = {});

// Where a link program is: $PACKSIM_LINK_PROGRAM_DIR, then beside the binary
// that holds this code (the packsim CLI, the Python extension), then its
// ../libexec/packsim/, then the build tree. Throws FirmwareLoadError naming
// the places it looked.
std::filesystem::path find_link_program(const std::string& name);

}  // namespace packsim::hal
