#pragma once

#include <memory>
#include <string>

#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::transport {

// The link to an MCU on a serial device (its USB-serial port, or the pty of
// `packsim-reference-firmware-link --link pty:PATH`). `spec` is "PATH" or
// "PATH@BAUD" (115200 when not given). The port is set raw 8N1 without flow
// control, opened exclusively (TIOCEXCL; root is exempt) and its stale input
// dropped. Throws std::invalid_argument for a rate that is not a standard
// one (naming it), a path that is not a character device or an empty path,
// and std::runtime_error naming the path when the device cannot be opened or
// configured.
std::unique_ptr<hal::LinkStream> open_serial_link(const std::string& spec);

}  // namespace packsim::transport
