// The host's end of a remote-HAL link session (README.md): it greets the
// firmware's link client, learns its self-description and observables, and
// runs bms_init / bms_tick over there in lockstep, serving each HAL call the
// firmware makes from the host's own bms_hal while it waits for the answer.
//
// Everything that can go wrong on the far side becomes a FirmwareFault: the
// stream ended (kLinkLost; a child process's owner refines it into a crash or
// an exit), no answer within the run's wall-clock deadline (kHung), a frame
// that is malformed, out of sequence or unexpected (kLinkError, naming the
// field), more bus traffic than a tick allows (kFlooded). After a fault the
// session is over and every later call throws the same fault.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/hal/bms_hal.h"
#include "bms_under_test/hal/firmware.h"
#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/hal_call_budget.h"
#include "bms_under_test/hal/link/hal_link_protocol.h"
#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::hal {

struct LinkOptions {
  // A child's exec and dlopen, or an MCU's boot, before it answers HELLO.
  std::chrono::milliseconds hello_timeout{10'000};
  // The wall time one bms_init or bms_tick may take over there, with every
  // HAL call it makes; beyond it the firmware hangs. Generous: a sanitizer
  // build or a loaded machine is slow, a hung firmware never answers.
  std::chrono::milliseconds run_timeout{10'000};
  HalCallLimits limits{};
};

// What the firmware said about itself (HELLO_REPLY, DESCRIPTION).
struct LinkedFirmwareDescription {
  std::uint16_t protocol_minor{0};
  std::uint32_t hal_version{0};
  std::uint32_t tick_period_ms{0};
  std::string name;
  std::string version;
  std::uint16_t can_rx_capacity{0};
  std::uint16_t uart_rx_capacity{0};
  std::uint16_t max_payload{0};
  struct Observable {
    std::string name;
    std::string unit;
    std::string description;
    std::uint32_t type{0};
    std::vector<std::string> value_names;
  };
  std::vector<Observable> observables;
};

class LinkSession {
 public:
  LinkSession(std::unique_ptr<LinkStream> stream, LinkOptions options);
  LinkSession(const LinkSession&) = delete;
  LinkSession& operator=(const LinkSession&) = delete;
  ~LinkSession();

  // HELLO and the observables' descriptions. Throws FirmwareFault.
  const LinkedFirmwareDescription& open();
  const LinkedFirmwareDescription& description() const { return description_; }

  // bms_init over there (INIT), serving its calls from `hal`; its result.
  // With `observables`, the firmware's observables as the run left them come
  // back in the same exchange (RUN's SEND_OBSERVABLES: no extra round trip).
  int init(const bms_hal& hal, std::vector<std::uint32_t>* observables = nullptr);
  // One bms_tick over there (RUN at hal.millis()), serving its calls from `hal`.
  void run(const bms_hal& hal, std::vector<std::uint32_t>* observables = nullptr);
  // The observables' current values, raw (hal_link_protocol.h, OBSERVABLE_VALUES).
  void read_observables(std::vector<std::uint32_t>& values);

  LinkStatistics statistics() const;
  const LinkStream& stream() const { return *stream_; }
  // The fault that ended the session, if one did.
  const std::optional<FirmwareFault>& fault() const { return fault_; }

 private:
  using Deadline = LinkStream::Deadline;

  int exchange(std::uint8_t type, const bms_hal& hal, std::vector<std::uint32_t>* observables);
  // Takes one OBSERVABLE_VALUES frame into values; the next index expected.
  std::size_t take_observable_values(const hal_link_frame& frame, std::size_t first, std::vector<std::uint32_t>& values);
  void send(std::uint8_t type, std::size_t payload_length);
  // What the next frame should answer, and the wall time it may take (for messages).
  void expect(const char* awaiting, std::chrono::milliseconds within);
  hal_link_frame next_frame(Deadline deadline);
  void serve_call(const hal_link_frame& frame, const bms_hal& hal);
  void reply(std::int32_t result, const bms_hal& hal, const std::uint8_t* data, std::uint16_t data_length);
  std::uint8_t gpio_inputs(const bms_hal& hal) const;
  [[noreturn]] void fail(FirmwareFaultKind kind, std::string detail);
  void tell_peer(const hal_link_error& error);
  [[noreturn]] void fail_protocol(const hal_link_error& error);
  void throw_if_faulted() const;
  std::uint8_t* payload_out() { return tx_.data() + HAL_LINK_HEADER_SIZE; }

  std::unique_ptr<LinkStream> stream_;
  LinkOptions options_;
  LinkedFirmwareDescription description_;
  bool opened_{false};
  std::optional<FirmwareFault> fault_;

  hal_link_decoder decoder_{};
  std::array<std::uint8_t, 4096> rx_{};
  std::size_t rx_fill_{0};
  std::size_t rx_used_{0};
  std::array<std::uint8_t, HAL_LINK_MAX_FRAME> tx_{};
  std::array<std::uint8_t, HAL_LINK_MAX_TRANSFER> call_data_{};
  // What a RUN forwards to the firmware, gathered here (not on the stack: a
  // run is the hot path, and zeroing 2 KiB a tick is not free).
  std::array<std::uint8_t, HAL_LINK_MAX_PAYLOAD> can_wire_{};
  std::array<std::uint8_t, HAL_LINK_MAX_PAYLOAD> uart_bytes_{};
  std::uint8_t host_sequence_{0};      // of our next frame
  std::uint8_t firmware_sequence_{0};  // expected in the firmware's next frame

  // The client's receive queues, as its latest DONE reported them.
  std::uint16_t uart_rx_room_{0};
  std::uint32_t current_millis_{0};
  const char* awaiting_{"HELLO_REPLY"};
  std::chrono::milliseconds waited_{0};
  Deadline send_deadline_{};  // writes give up here (the exchange's deadline)

  HalCallBudget budget_;
  std::uint64_t runs_{0};
  std::uint64_t calls_{0};
  std::uint64_t bytes_sent_{0};
  std::uint64_t bytes_received_{0};
  double run_wall_total_us_{0.0};
  double run_wall_max_us_{0.0};
};

}  // namespace packsim::hal
