#include "bms_under_test/hal/link/link_session.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace packsim::hal {
namespace {

using Clock = std::chrono::steady_clock;

std::string error_text(const hal_link_error& error) {
  char text[160];
  return hal_link_error_text(&error, text, sizeof text);
}

std::string hex_byte(std::uint8_t value) {
  constexpr char kDigits[]{"0123456789ABCDEF"};
  return std::string{"0x"} + kDigits[value >> 4] + kDigits[value & 0xF];
}

}  // namespace

LinkSession::LinkSession(std::unique_ptr<LinkStream> stream, LinkOptions options)
    : stream_{std::move(stream)}, options_{options}, budget_{options.limits} {
  hal_link_decoder_reset(&decoder_);
}

LinkSession::~LinkSession() = default;

// ---- Failing ----

void LinkSession::throw_if_faulted() const {
  if (fault_) throw *fault_;
}

void LinkSession::fail(FirmwareFaultKind kind, std::string detail) {
  fault_.emplace(kind, std::move(detail));
  throw *fault_;
}

void LinkSession::tell_peer(const hal_link_error& error) {
  // The far side learns why the session ends, if the stream still takes it
  // (a PIL board then stops waiting); the fault is ours to report either way.
  hal_link_error_frame frame{};
  frame.code = static_cast<std::uint8_t>(error.code);
  const std::string text{error_text(error)};
  frame.text.length = static_cast<std::uint8_t>(std::min<std::size_t>(text.size(), HAL_LINK_MAX_STRING));
  std::memcpy(frame.text.text, text.data(), frame.text.length);
  const std::size_t length{hal_link_encode_error_frame(&frame, payload_out(), HAL_LINK_MAX_PAYLOAD)};
  if (length == 0) return;
  const std::size_t size{hal_link_frame_write(HAL_LINK_ERROR, host_sequence_++, payload_out(),
                                              static_cast<std::uint16_t>(length), tx_.data(), tx_.size())};
  try {
    stream_->write_all({tx_.data(), size}, Clock::now() + std::chrono::milliseconds{100});
  } catch (const LinkClosed&) {
  }
}

void LinkSession::fail_protocol(const hal_link_error& error) {
  tell_peer(error);
  fail(FirmwareFaultKind::kLinkError, error_text(error) + " (awaiting " + awaiting_ + ", at millis " +
                                          std::to_string(current_millis_) + ", over " + stream_->describe() + ")");
}

// ---- Frames ----

void LinkSession::expect(const char* awaiting, std::chrono::milliseconds within) {
  awaiting_ = awaiting;
  waited_ = within;
}

void LinkSession::send(std::uint8_t type, std::size_t payload_length) {
  const std::size_t size{hal_link_frame_write(type, host_sequence_, payload_out(),
                                              static_cast<std::uint16_t>(payload_length), tx_.data(), tx_.size())};
  if (size == 0) fail(FirmwareFaultKind::kLinkError, std::string{"host frame "} + hal_link_type_name(type) + " too long");
  ++host_sequence_;
  try {
    stream_->write_all({tx_.data(), size}, send_deadline_);
  } catch (const LinkClosed& closed) {
    fail(FirmwareFaultKind::kLinkLost, std::string{closed.what()} + " (sending " + hal_link_type_name(type) +
                                           " at millis " + std::to_string(current_millis_) + ")");
  }
  bytes_sent_ += size;
}

hal_link_frame LinkSession::next_frame(Deadline deadline) {
  for (;;) {
    if (rx_used_ < rx_fill_) {
      std::size_t consumed{0};
      hal_link_frame frame{};
      hal_link_error error{};
      const hal_link_decode_result result{
          hal_link_decoder_feed(&decoder_, rx_.data() + rx_used_, rx_fill_ - rx_used_, &consumed, &frame, &error)};
      rx_used_ += consumed;
      if (result == HAL_LINK_DECODE_ERROR) fail_protocol(error);
      if (result == HAL_LINK_DECODE_FRAME) {
        if (frame.sequence != firmware_sequence_) {
          hal_link_error sequence{};
          hal_link_error_set_values(&sequence, HAL_LINK_ERROR_SEQUENCE, "sequence", frame.sequence, "expected",
                                    firmware_sequence_);
          fail_protocol(sequence);
        }
        ++firmware_sequence_;
        bytes_received_ += HAL_LINK_HEADER_SIZE + frame.payload_length + HAL_LINK_CRC_SIZE;
        return frame;
      }
      continue;
    }
    std::size_t n{0};
    try {
      n = stream_->read_some(rx_, deadline);
    } catch (const LinkClosed& closed) {
      fail(FirmwareFaultKind::kLinkLost, std::string{closed.what()} + " (awaiting " + awaiting_ + " at millis " +
                                             std::to_string(current_millis_) + ")");
    }
    if (n == 0) {
      fail(FirmwareFaultKind::kHung, std::string{"no "} + awaiting_ + " within " + std::to_string(waited_.count()) +
                                         " ms of wall time (at millis " + std::to_string(current_millis_) +
                                         ", over " + stream_->describe() + ")");
    }
    rx_fill_ = n;
    rx_used_ = 0;
  }
}

// ---- Hello ----

const LinkedFirmwareDescription& LinkSession::open() {
  throw_if_faulted();
  if (opened_) return description_;
  expect("HELLO_REPLY", options_.hello_timeout);
  host_sequence_ = 0;
  firmware_sequence_ = 0;
  send_deadline_ = Clock::now() + options_.hello_timeout;
  hal_link_hello hello{HAL_LINK_PROTOCOL_MAJOR, HAL_LINK_PROTOCOL_MINOR, BMS_HAL_VERSION};
  send(HAL_LINK_HELLO, hal_link_encode_hello(&hello, payload_out(), HAL_LINK_MAX_PAYLOAD));

  const Deadline hello_deadline{Clock::now() + options_.hello_timeout};
  hal_link_hello_reply reply{};
  for (;;) {
    const hal_link_frame frame{next_frame(hello_deadline)};
    hal_link_error error{};
    if (frame.type == HAL_LINK_ERROR) {
      hal_link_error_frame peer{};
      if (hal_link_decode_error_frame(&frame, &peer, &error) != 0) fail_protocol(error);
      fail(FirmwareFaultKind::kLinkError, std::string{"the firmware's link client refused HELLO: "} + peer.text.text);
    }
    if (frame.type != HAL_LINK_HELLO_REPLY) {
      hal_link_error_set(&error, HAL_LINK_ERROR_UNEXPECTED, "type",
                         (std::string{hal_link_type_name(frame.type)} + " instead of HELLO_REPLY").c_str());
      fail_protocol(error);
    }
    if (hal_link_decode_hello_reply(&frame, &reply, &error) != 0) fail_protocol(error);
    break;
  }
  if (reply.protocol_major != HAL_LINK_PROTOCOL_MAJOR) {
    hal_link_error error{};
    hal_link_error_set_values(&error, HAL_LINK_ERROR_VERSION, "hello_reply.protocol_major", reply.protocol_major,
                              "expected", HAL_LINK_PROTOCOL_MAJOR);
    fail_protocol(error);
  }
  description_.protocol_minor = reply.protocol_minor;
  description_.hal_version = reply.hal_version;
  description_.tick_period_ms = reply.tick_period_ms;
  description_.name = reply.name.text;
  description_.version = reply.version.text;
  description_.can_rx_capacity = reply.can_rx_capacity;
  description_.uart_rx_capacity = reply.uart_rx_capacity;
  description_.max_payload = reply.max_payload;
  uart_rx_room_ = reply.uart_rx_capacity;

  // The observables, one DESCRIBE each (and one per value name): once per session.
  description_.observables.resize(reply.observable_count);
  for (std::uint16_t index = 0; index < reply.observable_count; ++index) {
    LinkedFirmwareDescription::Observable& observable{description_.observables[index]};
    std::uint16_t value_names{0};
    for (std::uint32_t item = 0; item == 0 || item <= value_names; ++item) {
      // item 0 asks for the observable itself, k > 0 for value name k - 1.
      hal_link_describe describe{index, item == 0 ? static_cast<std::uint16_t>(HAL_LINK_DESCRIBE_OBSERVABLE)
                                                  : static_cast<std::uint16_t>(item - 1)};
      expect("DESCRIPTION", options_.hello_timeout);
      send_deadline_ = Clock::now() + options_.hello_timeout;
      send(HAL_LINK_DESCRIBE, hal_link_encode_describe(&describe, payload_out(), HAL_LINK_MAX_PAYLOAD));
      const hal_link_frame frame{next_frame(Clock::now() + options_.hello_timeout)};
      hal_link_description description{};
      hal_link_error error{};
      if (frame.type != HAL_LINK_DESCRIPTION) {
        hal_link_error_set(&error, HAL_LINK_ERROR_UNEXPECTED, "type",
                           (std::string{hal_link_type_name(frame.type)} + " instead of DESCRIPTION").c_str());
        fail_protocol(error);
      }
      if (hal_link_decode_description(&frame, &description, &error) != 0) fail_protocol(error);
      if (description.observable_index != describe.observable_index || description.item != describe.item) {
        hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "description.observable_index",
                                  description.observable_index, "expected", describe.observable_index);
        fail_protocol(error);
      }
      if (item == 0) {
        observable.name = description.name.text;
        observable.unit = description.unit.text;
        observable.description = description.description.text;
        observable.type = description.type;
        value_names = description.value_name_count;
      } else {
        observable.value_names.emplace_back(description.name.text);
      }
    }
  }
  opened_ = true;
  return description_;
}

// ---- Runs ----

std::uint8_t LinkSession::gpio_inputs(const bms_hal& hal) const {
  std::uint8_t levels{0};
  if (hal.gpio_read == nullptr) return levels;
  for (std::uint32_t pin = 0; pin < BMS_GPIO_COUNT && pin < HAL_LINK_GPIO_PINS; ++pin) {
    if (hal.gpio_read(hal.host, pin) != 0) levels = static_cast<std::uint8_t>(levels | (1U << pin));
  }
  return levels;
}

int LinkSession::init(const bms_hal& hal, std::vector<std::uint32_t>* observables) {
  return exchange(HAL_LINK_INIT, hal, observables);
}

void LinkSession::run(const bms_hal& hal, std::vector<std::uint32_t>* observables) {
  exchange(HAL_LINK_RUN, hal, observables);
}

int LinkSession::exchange(std::uint8_t type, const bms_hal& hal, std::vector<std::uint32_t>* observables) {
  throw_if_faulted();
  open();
  const auto started{Clock::now()};
  send_deadline_ = started + options_.run_timeout;
  budget_.begin_run(description_.tick_period_ms);
  current_millis_ = hal.millis(hal.host);

  // What arrived for the firmware since its last run: every pending CAN frame
  // (its FIFO drops the oldest, as the host's queue would) and as many UART
  // bytes as its ring has room for (the rest waits in the host's queue).
  std::size_t frames{0};
  constexpr std::size_t kHeaderBytes{9};  // millis, gpio_inputs, flags, can_frame_count, uart_byte_count
  constexpr std::size_t kMaxFrames{std::min<std::size_t>(255, (HAL_LINK_MAX_PAYLOAD - kHeaderBytes) / HAL_LINK_CAN_FRAME_SIZE)};
  bms_can_frame received{};
  while (frames < kMaxFrames && hal.can_receive(hal.host, &received) == 1) {
    hal_link_encode_can_frame(&received, can_wire_.data() + frames * HAL_LINK_CAN_FRAME_SIZE, HAL_LINK_CAN_FRAME_SIZE);
    ++frames;
  }
  const std::size_t uart_space{std::min<std::size_t>(
      uart_rx_room_, HAL_LINK_MAX_PAYLOAD - kHeaderBytes - frames * HAL_LINK_CAN_FRAME_SIZE)};
  const std::size_t uart_count{uart_space > 0 ? hal.uart_read(hal.host, uart_bytes_.data(), uart_space) : 0};

  hal_link_run request{};
  request.millis = current_millis_;
  request.gpio_inputs = gpio_inputs(hal);
  const bool with_observables{observables != nullptr && !description_.observables.empty()};
  request.flags = with_observables ? HAL_LINK_RUN_SEND_OBSERVABLES : 0;
  request.can_frame_count = static_cast<std::uint8_t>(frames);
  request.uart_byte_count = static_cast<std::uint16_t>(uart_count);
  request.can_frames = can_wire_.data();
  request.uart_bytes = uart_bytes_.data();
  const std::size_t length{hal_link_encode_run(&request, payload_out(), HAL_LINK_MAX_PAYLOAD)};
  expect(type == HAL_LINK_INIT ? "INIT_DONE" : "RUN_DONE", options_.run_timeout);
  send(type, length);

  const std::uint8_t done_type{static_cast<std::uint8_t>(type == HAL_LINK_INIT ? HAL_LINK_INIT_DONE : HAL_LINK_RUN_DONE)};
  const Deadline deadline{started + options_.run_timeout};
  std::size_t observables_taken{0};
  if (with_observables) observables->resize(description_.observables.size());
  for (;;) {
    const hal_link_frame frame{next_frame(deadline)};
    if (frame.type == HAL_LINK_OBSERVABLE_VALUES && with_observables) {
      observables_taken = take_observable_values(frame, observables_taken, *observables);
      continue;
    }
    if (frame.type == done_type) {
      if (with_observables && observables_taken != observables->size()) {
        hal_link_error error{};
        hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "observable_values.count",
                                  static_cast<std::uint32_t>(observables_taken), "expected",
                                  static_cast<std::uint32_t>(observables->size()));
        fail_protocol(error);
      }
      hal_link_done done{};
      hal_link_error error{};
      if (hal_link_decode_done(&frame, &done, &error) != 0) fail_protocol(error);
      uart_rx_room_ = done.uart_rx_room;
      ++runs_;
      const double wall_us{std::chrono::duration<double, std::micro>(Clock::now() - started).count()};
      run_wall_total_us_ += wall_us;
      run_wall_max_us_ = std::max(run_wall_max_us_, wall_us);
      return done.result;
    }
    serve_call(frame, hal);
  }
}

void LinkSession::reply(std::int32_t result, const bms_hal& hal, const std::uint8_t* data, std::uint16_t data_length) {
  hal_link_reply answer{result, gpio_inputs(hal), data_length, data};
  send(HAL_LINK_REPLY, hal_link_encode_reply(&answer, payload_out(), HAL_LINK_MAX_PAYLOAD));
}

void LinkSession::serve_call(const hal_link_frame& frame, const bms_hal& hal) {
  hal_link_error error{};
  ++calls_;
  const auto refuse_flood = [&] {
    const std::string what{*budget_.exceeded()};
    hal_link_error flood{};
    hal_link_error_set(&flood, HAL_LINK_ERROR_FIELD, "budget", what.c_str());
    tell_peer(flood);
    fail(FirmwareFaultKind::kFlooded, what + " (at millis " + std::to_string(current_millis_) + ")");
  };
  switch (frame.type) {
    case HAL_LINK_I2C_WRITE:
    case HAL_LINK_I2C_READ:
    case HAL_LINK_I2C_WRITE_READ: {
      hal_link_i2c call{};
      if (hal_link_decode_i2c(&frame, &call, &error) != 0) fail_protocol(error);
      if (!budget_.count_i2c_transaction()) refuse_flood();
      int result{BMS_HAL_BUS_ERROR};
      std::uint16_t read_length{0};
      if (frame.type == HAL_LINK_I2C_WRITE) {
        result = hal.i2c_write(hal.host, call.address7, call.write_data, call.write_length);
      } else if (frame.type == HAL_LINK_I2C_READ) {
        result = hal.i2c_read != nullptr ? hal.i2c_read(hal.host, call.address7, call_data_.data(), call.read_length)
                                         : BMS_HAL_BUS_ERROR;
        read_length = call.read_length;
      } else {
        result = hal.i2c_write_read(hal.host, call.address7, call.write_data, call.write_length, call_data_.data(),
                                    call.read_length);
        read_length = call.read_length;
      }
      reply(result, hal, call_data_.data(), result == BMS_HAL_OK ? read_length : 0);
      return;
    }
    case HAL_LINK_CAN_SEND: {
      bms_can_frame can{};
      if (hal_link_decode_can_send(&frame, &can, &error) != 0) fail_protocol(error);
      if (!budget_.count_can_frame()) refuse_flood();
      reply(hal.can_send(hal.host, &can), hal, nullptr, 0);
      return;
    }
    case HAL_LINK_UART_WRITE: {
      hal_link_bytes bytes{};
      if (hal_link_decode_uart_write(&frame, &bytes, &error) != 0) fail_protocol(error);
      if (!budget_.count_uart_bytes(bytes.length)) refuse_flood();
      const std::size_t taken{hal.uart_write(hal.host, bytes.data, bytes.length)};
      reply(static_cast<std::int32_t>(taken), hal, nullptr, 0);
      return;
    }
    case HAL_LINK_GPIO_WRITE: {
      hal_link_gpio_write call{};
      if (hal_link_decode_gpio_write(&frame, &call, &error) != 0) fail_protocol(error);
      if (!budget_.count_gpio_write()) refuse_flood();
      if (hal.gpio_write != nullptr) hal.gpio_write(hal.host, call.pin, call.level);
      reply(BMS_HAL_OK, hal, nullptr, 0);
      return;
    }
    case HAL_LINK_LOG: {
      hal_link_string line{};
      if (hal_link_decode_log(&frame, &line, &error) != 0) fail_protocol(error);
      if (hal.log != nullptr) hal.log(hal.host, line.text);
      return;
    }
    case HAL_LINK_ERROR: {
      hal_link_error_frame peer{};
      if (hal_link_decode_error_frame(&frame, &peer, &error) != 0) fail_protocol(error);
      fail(FirmwareFaultKind::kLinkError, std::string{"the firmware's link client reported: "} + peer.text.text +
                                              " (awaiting " + awaiting_ + " at millis " +
                                              std::to_string(current_millis_) + ")");
    }
    default:
      hal_link_error_set(&error, HAL_LINK_ERROR_UNEXPECTED, "type",
                         (std::string{hal_link_type_name(frame.type)} + " (" + hex_byte(frame.type) +
                          ") is not a call")
                             .c_str());
      fail_protocol(error);
  }
}

// ---- Observables ----

std::size_t LinkSession::take_observable_values(const hal_link_frame& frame, std::size_t first,
                                               std::vector<std::uint32_t>& values) {
  hal_link_error error{};
  hal_link_observable_values answer{};
  if (hal_link_decode_observable_values(&frame, &answer, &error) != 0) fail_protocol(error);
  if (answer.first != first) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "observable_values.first", answer.first, "expected",
                              static_cast<std::uint32_t>(first));
    fail_protocol(error);
  }
  if (answer.count == 0 || answer.count > values.size() - first) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "observable_values.count", answer.count, "at most",
                              static_cast<std::uint32_t>(values.size() - first));
    fail_protocol(error);
  }
  std::copy_n(answer.values, answer.count, values.begin() + static_cast<std::ptrdiff_t>(first));
  return first + answer.count;
}

void LinkSession::read_observables(std::vector<std::uint32_t>& values) {
  throw_if_faulted();
  open();
  const std::size_t count{description_.observables.size()};
  values.resize(count);
  std::size_t first{0};
  while (first < count) {
    hal_link_read_observables request{static_cast<std::uint16_t>(first),
                                      static_cast<std::uint16_t>(std::min<std::size_t>(count - first, 0xFFFF))};
    expect("OBSERVABLE_VALUES", options_.run_timeout);
    send_deadline_ = Clock::now() + options_.run_timeout;
    send(HAL_LINK_READ_OBSERVABLES, hal_link_encode_read_observables(&request, payload_out(), HAL_LINK_MAX_PAYLOAD));
    const hal_link_frame frame{next_frame(Clock::now() + options_.run_timeout)};
    if (frame.type != HAL_LINK_OBSERVABLE_VALUES) {
      hal_link_error error{};
      hal_link_error_set(&error, HAL_LINK_ERROR_UNEXPECTED, "type",
                         (std::string{hal_link_type_name(frame.type)} + " instead of OBSERVABLE_VALUES").c_str());
      fail_protocol(error);
    }
    first = take_observable_values(frame, first, values);
  }
}

LinkStatistics LinkSession::statistics() const {
  LinkStatistics s;
  s.transport = stream_->describe();
  s.runs = runs_;
  s.calls = calls_;
  s.bytes_sent = bytes_sent_;
  s.bytes_received = bytes_received_;
  s.run_wall_mean_us = runs_ > 0 ? run_wall_total_us_ / static_cast<double>(runs_) : 0.0;
  s.run_wall_max_us = run_wall_max_us_;
  return s;
}

}  // namespace packsim::hal
