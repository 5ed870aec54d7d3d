#pragma once

// Where a firmware's remote-HAL link goes, as users write it (processor in
// the loop, `packsim run --firmware-link`):
//   serial:/dev/ttyACM0            an MCU's USB-serial port (115200 baud)
//   serial:/dev/ttyUSB0@921600     a serial device at a given rate
//   tcp:192.168.1.20:5555          a TCP connection (tcp:127.0.0.1:PORT for a local stand-in)

#include <memory>
#include <string>

#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::transport {

struct LinkAddress {
  enum class Kind { kSerial, kTcp };
  Kind kind{Kind::kSerial};
  std::string device;  // serial: the path with its optional "@BAUD"
  std::string host;    // tcp
  int port{0};
};

// Parses a link address; throws std::invalid_argument saying what is wrong
// ("'tcp:host' needs a port: tcp:HOST:PORT").
LinkAddress parse_link_address(const std::string& text);

// Opens the stream (a serial device, a TCP connection within 5 s); throws
// hal::FirmwareLoadError naming the address when it cannot.
std::unique_ptr<hal::LinkStream> open_link_stream(const std::string& text);

}  // namespace packsim::transport
