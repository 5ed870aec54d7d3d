#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::transport {

// The link to a firmware listening on TCP (`packsim-reference-firmware-link
// --link tcp-listen:HOST:PORT`, or an MCU on Ethernet). Connects within
// `timeout` (to each address HOST resolves to, in turn), with TCP_NODELAY:
// lockstep frames must not wait for Nagle. Throws std::invalid_argument for a
// port outside 1..65535 and std::runtime_error naming HOST:PORT when no
// connection is made.
std::unique_ptr<hal::LinkStream> connect_tcp_link(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout);

}  // namespace packsim::transport
