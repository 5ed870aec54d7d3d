// libFuzzer target: the host's end of a remote-HAL link session
// (bms_under_test/hal/link/link_session.h) fed what a broken or hostile
// firmware could send. The input is turned into the firmware's byte stream:
// records that are either raw bytes or a frame (type, payload) that the
// harness wraps with a right CRC and, unless told otherwise, the right
// sequence number, so the fuzzer gets past the framing into the session's
// rules (hello, description, observables, init/run, every HAL call). The
// host's writes are discarded; at the end of the input the stream closes.
// Every session must end in a FirmwareFault naming what was wrong or keep
// running; nothing else may escape, and nothing may wait on the wall clock.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bms_under_test/hal/link/link_session.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using packsim::fuzz::FuzzInput;
using packsim::hal::LinkStream;

// What the firmware says, in reads of at most `chunk` bytes; then the end.
class InputStream final : public LinkStream {
 public:
  InputStream(std::vector<std::uint8_t> bytes, std::size_t chunk) : bytes_{std::move(bytes)}, chunk_{chunk} {}
  void write_all(std::span<const std::uint8_t> bytes, Deadline) override { written_ += bytes.size(); }
  std::size_t read_some(std::span<std::uint8_t> buffer, Deadline) override {
    if (at_ >= bytes_.size()) throw packsim::hal::LinkClosed{"fuzz input ended"};
    const std::size_t n{std::min({chunk_, bytes_.size() - at_, buffer.size()})};
    std::memcpy(buffer.data(), bytes_.data() + at_, n);
    at_ += n;
    return n;
  }
  std::string describe() const override { return "fuzz input"; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t chunk_;
  std::size_t at_{0};
  std::size_t written_{0};
};

constexpr std::array<std::uint8_t, 14> kFirmwareTypes{
    HAL_LINK_HELLO_REPLY, HAL_LINK_DESCRIPTION,     HAL_LINK_OBSERVABLE_VALUES, HAL_LINK_INIT_DONE, HAL_LINK_RUN_DONE,
    HAL_LINK_I2C_WRITE,   HAL_LINK_I2C_READ,        HAL_LINK_I2C_WRITE_READ,    HAL_LINK_CAN_SEND,  HAL_LINK_UART_WRITE,
    HAL_LINK_GPIO_WRITE,  HAL_LINK_LOG,             HAL_LINK_ERROR,             HAL_LINK_REPLY};

std::vector<std::uint8_t> firmware_bytes(FuzzInput& in) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> frame(HAL_LINK_MAX_FRAME);
  std::uint8_t sequence{0};
  while (!in.empty()) {
    const std::uint8_t head{in.u8()};
    if (head < 0x20) {  // raw bytes
      std::size_t got{0};
      const std::uint8_t* raw{in.bytes(head + 1u, got)};
      out.insert(out.end(), raw, raw + got);
      continue;
    }
    const std::uint8_t pick{in.u8()};
    const std::uint8_t type{pick < 0xE0 ? kFirmwareTypes[pick % kFirmwareTypes.size()] : pick};
    const std::size_t length{(head & 0x40u) != 0 ? in.u16() % (HAL_LINK_MAX_PAYLOAD + 1u) : in.u8()};
    std::size_t got{0};
    const std::uint8_t* payload{in.bytes(length, got)};
    const std::uint8_t this_sequence{(head & 0x10u) != 0 ? in.u8() : sequence};
    ++sequence;
    const std::size_t size{hal_link_frame_write(type, this_sequence, payload, static_cast<std::uint16_t>(got),
                                                frame.data(), frame.size())};
    PACKSIM_FUZZ_CHECK(size == HAL_LINK_HEADER_SIZE + got + HAL_LINK_CRC_SIZE);
    out.insert(out.end(), frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(size));
  }
  return out;
}

// The host's side: every call answered at once, some data waiting.
struct Host {
  bms_hal hal{};
  std::uint32_t millis{0};
  int can_waiting{3};
  int uart_waiting{40};

  Host() {
    hal.version = BMS_HAL_VERSION;
    hal.host = this;
    hal.i2c_write = [](void*, std::uint8_t address, const std::uint8_t*, std::size_t) {
      return address == 0x08 ? BMS_HAL_OK : BMS_HAL_NACK;
    };
    hal.i2c_read = [](void*, std::uint8_t address, std::uint8_t* data, std::size_t length) {
      std::memset(data, 0x5A, length);
      return address == 0x08 ? BMS_HAL_OK : BMS_HAL_NACK;
    };
    hal.i2c_write_read = [](void*, std::uint8_t address, const std::uint8_t*, std::size_t, std::uint8_t* out,
                            std::size_t length) {
      std::memset(out, 0xA5, length);
      return address == 0x08 ? BMS_HAL_OK : BMS_HAL_NACK;
    };
    hal.can_send = [](void*, const bms_can_frame*) { return BMS_HAL_OK; };
    hal.can_receive = [](void* h, bms_can_frame* frame) {
      auto& self{*static_cast<Host*>(h)};
      if (self.can_waiting == 0) return 0;
      --self.can_waiting;
      *frame = bms_can_frame{0x305, 2, {1, 2}, false, false};
      return 1;
    };
    hal.uart_write = [](void*, const std::uint8_t*, std::size_t length) { return length; };
    hal.uart_read = [](void* h, std::uint8_t* data, std::size_t capacity) {
      auto& self{*static_cast<Host*>(h)};
      const std::size_t n{std::min<std::size_t>(capacity, static_cast<std::size_t>(self.uart_waiting))};
      std::memset(data, 0xDD, n);
      self.uart_waiting -= static_cast<int>(n);
      return n;
    };
    hal.gpio_read = [](void*, std::uint32_t pin) { return pin == BMS_GPIO_AFE_ALERT ? 1 : 0; };
    hal.gpio_write = [](void*, std::uint32_t, int) {};
    hal.millis = [](void* h) { return static_cast<Host*>(h)->millis; };
    hal.log = [](void*, const char*) {};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in{data, size};
  const std::uint8_t options{in.u8()};
  const std::size_t chunk{1u + in.u8() * 17u};
  auto stream{std::make_unique<InputStream>(firmware_bytes(in), chunk)};
  packsim::hal::LinkSession session{std::move(stream), packsim::hal::LinkOptions{}};
  Host host;
  std::vector<std::uint32_t> observables;
  int runs{0};
  try {
    const packsim::hal::LinkedFirmwareDescription& description{session.open()};
    PACKSIM_FUZZ_CHECK(description.name.size() <= HAL_LINK_MAX_STRING);
    static_cast<void>(session.init(host.hal, (options & 1u) != 0 ? &observables : nullptr));
    // Runs until the firmware's bytes run out (the stream closes: a fault).
    for (; runs < 100'000; ++runs) {
      host.millis += 10;
      if ((options & 2u) != 0 && runs % 3 == 0) session.read_observables(observables);
      session.run(host.hal, (options & 4u) != 0 ? &observables : nullptr);
      PACKSIM_FUZZ_CHECK(observables.empty() || observables.size() == description.observables.size());
    }
    packsim::fuzz::fuzz_finding("100000 runs on a finite input");
  } catch (const packsim::hal::FirmwareFault& fault) {
    packsim::fuzz::note(std::to_string(runs) + " runs, then: " + fault.what());
    PACKSIM_FUZZ_CHECK(!fault.detail().empty());
    PACKSIM_FUZZ_CHECK(session.fault().has_value());
  }
  return 0;
}
