#include "sim/transport/link_address.h"

#include <charconv>
#include <chrono>
#include <stdexcept>

#include "bms_under_test/hal/firmware_loader.h"
#include "sim/transport/serial_device.h"
#include "sim/transport/tcp_connection.h"

namespace packsim::transport {

namespace {

constexpr const char* kForms{"expected serial:DEVICE[@BAUD] or tcp:HOST:PORT"};

}  // namespace

LinkAddress parse_link_address(const std::string& text) {
  LinkAddress address;
  if (text.rfind("serial:", 0) == 0) {
    address.kind = LinkAddress::Kind::kSerial;
    address.device = text.substr(7);
    if (address.device.empty() || address.device.front() == '@') {
      throw std::invalid_argument{"'" + text + "': no device path (" + kForms + ")"};
    }
    return address;
  }
  if (text.rfind("tcp:", 0) == 0) {
    address.kind = LinkAddress::Kind::kTcp;
    const std::string rest{text.substr(4)};
    const std::size_t colon{rest.rfind(':')};
    if (colon == std::string::npos || colon == 0) {
      throw std::invalid_argument{"'" + text + "' needs a host and a port: tcp:HOST:PORT"};
    }
    address.host = rest.substr(0, colon);
    if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
      address.host = address.host.substr(1, address.host.size() - 2);  // [::1]
    }
    const std::string port{rest.substr(colon + 1)};
    int value{0};
    const auto [end, error]{std::from_chars(port.data(), port.data() + port.size(), value)};
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535) {
      throw std::invalid_argument{"'" + text + "': the port must be a number from 1 to 65535, not '" + port + "'"};
    }
    address.port = value;
    return address;
  }
  throw std::invalid_argument{"'" + text + "': " + kForms};
}

std::unique_ptr<hal::LinkStream> open_link_stream(const std::string& text) {
  const LinkAddress address{parse_link_address(text)};
  try {
    if (address.kind == LinkAddress::Kind::kSerial) return open_serial_link(address.device);
    return connect_tcp_link(address.host, address.port, std::chrono::milliseconds{5000});
  } catch (const std::exception& e) {
    throw hal::FirmwareLoadError(text + ": " + e.what());
  }
}

}  // namespace packsim::transport
