// The firmware's end of the remote-HAL link, served in a thread over a
// socketpair while the test plays the host with the codec: which HAL calls
// cross and what they carry, what is answered locally, the receive queues,
// observables, session restarts and every way a session fails.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bms_under_test/hal/link/hal_link_client.h"
#include "tests/bms_under_test/hal/link/hal_link_test_support.h"

namespace packsim::hal::link_test {
namespace {

// ---- A tiny firmware whose init and tick do what the test scripts ----

struct FirmwareScript {
  std::mutex mutex;  // held while init/tick run: the test locks it to read what they recorded
  std::function<int(const bms_hal&)> on_init;
  std::function<void(const bms_hal&)> on_tick;
  const bms_hal* hal{nullptr};
  int ticks{0};
};

FirmwareScript& script() {
  static FirmwareScript instance;
  return instance;
}

const bms_firmware_info* test_firmware_info() {
  static const bms_firmware_info info{BMS_HAL_VERSION, "link test firmware", "0.1.2", 10};
  return &info;
}

int test_firmware_init(const bms_hal* hal) {
  std::lock_guard lock{script().mutex};
  script().hal = hal;
  return script().on_init ? script().on_init(*hal) : 0;
}

void test_firmware_tick() {
  std::lock_guard lock{script().mutex};
  ++script().ticks;
  if (script().on_tick && script().hal != nullptr) {
    script().on_tick(*script().hal);
  }
}

// One observable of each type, with values that show sign and zero extension.
volatile std::uint8_t observed_u8{200};
volatile std::uint16_t observed_u16{60000};
volatile std::uint32_t observed_u32{4000000000u};
volatile std::int8_t observed_i8{-100};
volatile std::int16_t observed_i16{-1234};
volatile std::int32_t observed_i32{-100000};
volatile float observed_f32{-3.25f};
enum TestState { kStartup = 0, kStandby = 1, kNormal = 2 };
volatile int observed_state{kNormal};
const char* const state_names[]{"startup", "standby", "normal"};

const bms_observable observable_table[]{
    {"cell_count", "", BMS_OBSERVABLE_U8, &observed_u8, nullptr, 0, "cells in series"},
    {"cycle_count", "cycles", BMS_OBSERVABLE_U16, &observed_u16, nullptr, 0, nullptr},
    {"uptime_ms", "ms", BMS_OBSERVABLE_U32, &observed_u32, nullptr, 0, "since boot"},
    {"min_temp_c", "degC", BMS_OBSERVABLE_I8, &observed_i8, nullptr, 0, nullptr},
    {"current_ca", "cA", BMS_OBSERVABLE_I16, &observed_i16, nullptr, 0, "pack current"},
    {"charge_mas", "mAs", BMS_OBSERVABLE_I32, &observed_i32, nullptr, 0, nullptr},
    {"soc_estimate", "", BMS_OBSERVABLE_F32, &observed_f32, nullptr, 0, nullptr},
    {"state", "", BMS_OBSERVABLE_ENUM, &observed_state, state_names, 3, "state machine"},
};

const bms_observable* test_firmware_observables(std::size_t* count) {
  *count = sizeof observable_table / sizeof observable_table[0];
  return observable_table;
}

const hal_link_firmware test_firmware{test_firmware_info, test_firmware_init, test_firmware_tick,
                                      test_firmware_observables};

bms_can_frame can_frame(std::uint32_t id, std::uint8_t dlc = 1) {
  bms_can_frame frame{};
  frame.id = id;
  frame.dlc = dlc;
  for (std::uint8_t i = 0; i < dlc; ++i) {
    frame.data[i] = static_cast<std::uint8_t>(id + i);
  }
  return frame;
}

Bytes pattern(std::size_t length, std::size_t start = 0) {
  Bytes out(length);
  for (std::size_t i = 0; i < length; ++i) {
    out[i] = static_cast<std::uint8_t>((start + i) % 251);
  }
  return out;
}

class HalLinkClient : public ::testing::Test {
 protected:
  void SetUp() override {
    std::lock_guard lock{script().mutex};
    script().on_init = nullptr;
    script().on_tick = nullptr;
    script().hal = nullptr;
    script().ticks = 0;
  }
  void TearDown() override {
    client.reset();  // shuts the client's end and joins its thread
    host.reset();
    sockets.reset();
    SetUp();
  }

  void start(const hal_link_firmware& firmware = test_firmware) {
    sockets = std::make_unique<SocketPair>();
    host = std::make_unique<HostEnd>(sockets->host_fd);
    client = std::make_unique<ClientThread>(sockets->client_fd, firmware);
    // A tick may come without an INIT before it: give the firmware its hal now.
    std::lock_guard lock{script().mutex};
    script().hal = hal_link_client_hal(&client->client());
  }

  void on_tick(std::function<void(const bms_hal&)> tick) {
    std::lock_guard lock{script().mutex};
    script().on_tick = std::move(tick);
  }
  void on_init(std::function<int(const bms_hal&)> init) {
    std::lock_guard lock{script().mutex};
    script().on_init = std::move(init);
  }
  // Runs `read` under the firmware's lock: after init/tick returned, it sees what they recorded.
  void after_firmware(const std::function<void()>& read) {
    std::lock_guard lock{script().mutex};
    read();
  }

  // The client's next frame, of `type`, numbered in order.
  ReceivedFrame expect_frame(std::uint8_t type) {
    std::optional<ReceivedFrame> frame{host->receive()};
    if (!frame) {
      ADD_FAILURE() << "the stream ended, expected " << hal_link_type_name(type);
      return ReceivedFrame{};
    }
    EXPECT_EQ(hal_link_type_name(frame->type), std::string{hal_link_type_name(type)});
    if (type == HAL_LINK_HELLO_REPLY) {
      client_sequence = 0;
    }
    EXPECT_EQ(frame->sequence, client_sequence) << hal_link_type_name(frame->type);
    ++client_sequence;
    return *frame;
  }

  std::unique_ptr<hal_link_hello_reply> hello() {
    const hal_link_hello hello{HAL_LINK_PROTOCOL_MAJOR, HAL_LINK_PROTOCOL_MINOR, BMS_HAL_VERSION};
    host->send(HAL_LINK_HELLO, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello(&hello, o, c); }));
    const ReceivedFrame frame{expect_frame(HAL_LINK_HELLO_REPLY)};
    auto reply{std::make_unique<hal_link_hello_reply>()};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_hello_reply(&view, reply.get(), &error), 0) << error_text(error);
    return reply;
  }

  void send_run(std::uint8_t type, std::uint32_t millis, std::uint8_t gpio_inputs,
                const std::vector<bms_can_frame>& frames = {}, const Bytes& uart = {}, std::uint8_t flags = 0) {
    Bytes wire_frames(frames.size() * HAL_LINK_CAN_FRAME_SIZE);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      ASSERT_EQ(hal_link_encode_can_frame(&frames[i], wire_frames.data() + i * HAL_LINK_CAN_FRAME_SIZE,
                                          HAL_LINK_CAN_FRAME_SIZE),
                HAL_LINK_CAN_FRAME_SIZE);
    }
    const hal_link_run run{millis, gpio_inputs, flags, static_cast<std::uint8_t>(frames.size()),
                           static_cast<std::uint16_t>(uart.size()), wire_frames.data(), uart.data()};
    const Bytes payload{encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_run(&run, o, c); })};
    ASSERT_FALSE(payload.empty());
    host->send(type, payload);
  }

  void reply(std::int32_t result, std::uint8_t gpio_inputs = 0, const Bytes& data = {}) {
    const hal_link_reply reply{result, gpio_inputs, static_cast<std::uint16_t>(data.size()), data.data()};
    host->send(HAL_LINK_REPLY, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_reply(&reply, o, c); }));
  }

  hal_link_done expect_done(std::uint8_t type) {
    const ReceivedFrame frame{expect_frame(type)};
    hal_link_done done{};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_done(&view, &done, &error), 0) << error_text(error);
    return done;
  }

  hal_link_i2c expect_i2c(std::uint8_t type, ReceivedFrame& frame) {
    frame = expect_frame(type);
    hal_link_i2c call{};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_i2c(&view, &call, &error), 0) << error_text(error);
    return call;
  }

  hal_link_error_frame expect_error_frame() {
    const ReceivedFrame frame{expect_frame(HAL_LINK_ERROR)};
    hal_link_error_frame error_frame{};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_error_frame(&view, &error_frame, &error), 0) << error_text(error);
    return error_frame;
  }

  SessionEnd expect_end(hal_link_session_end expected) {
    const std::optional<SessionEnd> end{client->next_end()};
    if (!end) {
      ADD_FAILURE() << "serve did not return";
      return SessionEnd{};
    }
    EXPECT_EQ(end->end, expected) << error_text(end->error);
    return *end;
  }

  std::unique_ptr<SocketPair> sockets;
  std::unique_ptr<HostEnd> host;
  std::unique_ptr<ClientThread> client;
  std::uint8_t client_sequence{0};
};

// ---- Sessions ----

TEST_F(HalLinkClient, HelloIsAnsweredWithTheFirmwareInfoAndCapacitiesAfterABootBannerIsSkipped) {
  start();
  const std::string banner{"BOOT packsim-mcu v0.1\r\n"};
  host->send_raw(Bytes(banner.begin(), banner.end()));
  const auto reply{hello()};
  EXPECT_EQ(reply->protocol_major, HAL_LINK_PROTOCOL_MAJOR);
  EXPECT_EQ(reply->protocol_minor, HAL_LINK_PROTOCOL_MINOR);
  EXPECT_EQ(reply->hal_version, BMS_HAL_VERSION);
  EXPECT_EQ(reply->tick_period_ms, 10u);
  EXPECT_EQ(reply->observable_count, 8);
  EXPECT_EQ(reply->can_rx_capacity, HAL_LINK_CAN_RX_CAPACITY);
  EXPECT_EQ(reply->uart_rx_capacity, HAL_LINK_UART_RX_CAPACITY);
  EXPECT_EQ(reply->max_payload, HAL_LINK_MAX_PAYLOAD);
  EXPECT_STREQ(reply->name.text, "link test firmware");
  EXPECT_STREQ(reply->version.text, "0.1.2");
  sockets->close_host();
  expect_end(HAL_LINK_SESSION_CLOSED);
  ASSERT_TRUE(client->join());
  EXPECT_EQ(client->client().decoder.bytes_skipped, banner.size());
}

TEST_F(HalLinkClient, FramesOfAnOldSessionBeforeHelloAreSkipped) {
  start();
  host->send(HAL_LINK_RUN, Bytes(8, 0));  // a RUN nobody said HELLO for
  host->send_raw(Bytes{0xA5, 0x5A, HAL_LINK_RUN, 1, 0, 0, 0x12, 0x34});  // and a bad one
  hello();
  send_run(HAL_LINK_RUN, 5, 0);
  expect_done(HAL_LINK_RUN_DONE);
}

TEST_F(HalLinkClient, InitRunsBmsInitAndReportsItsResult) {
  start();
  hello();
  Bytes seen;
  on_init([&](const bms_hal& hal) {
    EXPECT_EQ(hal.version, BMS_HAL_VERSION);
    std::uint8_t buffer[16];
    const std::size_t n{hal.uart_read(hal.host, buffer, sizeof buffer)};
    seen.assign(buffer, buffer + n);
    return -5;
  });
  send_run(HAL_LINK_INIT, 0, 0, {}, Bytes{'h', 'i'});
  const hal_link_done done{expect_done(HAL_LINK_INIT_DONE)};
  EXPECT_EQ(done.result, -5);
  EXPECT_EQ(done.can_rx_room, HAL_LINK_CAN_RX_CAPACITY);
  EXPECT_EQ(done.uart_rx_room, HAL_LINK_UART_RX_CAPACITY);
  EXPECT_EQ(done.next_wake_ms, HAL_LINK_NO_WAKE_HINT);
  after_firmware([&] { EXPECT_EQ(seen, (Bytes{'h', 'i'})); });
}

TEST_F(HalLinkClient, EndOfStreamClosesTheSession) {
  start();
  hello();
  sockets->close_host();
  expect_end(HAL_LINK_SESSION_CLOSED);
  EXPECT_TRUE(client->join());
}

TEST_F(HalLinkClient, EndOfStreamDuringATickFailsItsCallsAndClosesTheSession) {
  start();
  hello();
  int first{0};
  int second{0};
  on_tick([&](const bms_hal& hal) {
    const std::uint8_t byte{1};
    first = hal.i2c_write(hal.host, 0x08, &byte, 1);
    second = hal.i2c_write(hal.host, 0x08, &byte, 1);
  });
  send_run(HAL_LINK_RUN, 10, 0);
  ReceivedFrame frame;
  expect_i2c(HAL_LINK_I2C_WRITE, frame);
  sockets->close_host();
  const SessionEnd end{expect_end(HAL_LINK_SESSION_CLOSED)};
  EXPECT_EQ(end.error.code, HAL_LINK_ERROR_CLOSED);
  after_firmware([&] {
    EXPECT_EQ(first, BMS_HAL_BUS_ERROR);
    EXPECT_EQ(second, BMS_HAL_BUS_ERROR);
  });
}

// ---- Calls that cross ----

TEST_F(HalLinkClient, EachCrossingCallSendsItsFrameAndReturnsTheReply) {
  start();
  hello();
  struct Results {
    int write{99};
    int read{99};
    std::uint8_t read_bytes[3]{};
    int write_read{99};
    std::uint8_t register_bytes[2]{};
    int can{99};
    int nack{99};
    std::uint8_t untouched[2]{0xEE, 0xEE};
  } results;
  on_tick([&](const bms_hal& hal) {
    const std::uint8_t command[]{0x3E, 0x01};
    results.write = hal.i2c_write(hal.host, 0x08, command, sizeof command);
    results.read = hal.i2c_read(hal.host, 0x08, results.read_bytes, sizeof results.read_bytes);
    const std::uint8_t register_address{0x14};
    results.write_read = hal.i2c_write_read(hal.host, 0x08, &register_address, 1, results.register_bytes, 2);
    const bms_can_frame frame{can_frame(0x351, 8)};
    results.can = hal.can_send(hal.host, &frame);
    hal.gpio_write(hal.host, BMS_GPIO_STATUS_LED, 5);
    hal.log(hal.host, "tick done");
    results.nack = hal.i2c_write_read(hal.host, 0x50, &register_address, 1, results.untouched, 2);
  });
  send_run(HAL_LINK_RUN, 1000, 0);

  ReceivedFrame frame;
  hal_link_i2c call{expect_i2c(HAL_LINK_I2C_WRITE, frame)};
  EXPECT_EQ(call.address7, 0x08);
  EXPECT_EQ(Bytes(call.write_data, call.write_data + call.write_length), (Bytes{0x3E, 0x01}));
  reply(BMS_HAL_OK);

  call = expect_i2c(HAL_LINK_I2C_READ, frame);
  EXPECT_EQ(call.read_length, 3);
  reply(BMS_HAL_OK, 0, Bytes{1, 2, 3});

  call = expect_i2c(HAL_LINK_I2C_WRITE_READ, frame);
  EXPECT_EQ(Bytes(call.write_data, call.write_data + call.write_length), (Bytes{0x14}));
  EXPECT_EQ(call.read_length, 2);
  reply(BMS_HAL_OK, 0, Bytes{0xAB, 0xCD});

  frame = expect_frame(HAL_LINK_CAN_SEND);
  bms_can_frame sent{};
  hal_link_error error{};
  hal_link_frame view{frame.view()};
  ASSERT_EQ(hal_link_decode_can_send(&view, &sent, &error), 0) << error_text(error);
  const bms_can_frame expected_can{can_frame(0x351, 8)};
  EXPECT_EQ(sent.id, 0x351u);
  EXPECT_EQ(sent.dlc, 8);
  EXPECT_EQ(std::memcmp(sent.data, expected_can.data, 8), 0);
  reply(BMS_HAL_OK);

  frame = expect_frame(HAL_LINK_GPIO_WRITE);
  hal_link_gpio_write gpio{};
  view = frame.view();
  ASSERT_EQ(hal_link_decode_gpio_write(&view, &gpio, &error), 0);
  EXPECT_EQ(gpio.pin, static_cast<std::uint32_t>(BMS_GPIO_STATUS_LED));
  EXPECT_EQ(gpio.level, 1);  // any non-zero level is high
  reply(BMS_HAL_OK);

  frame = expect_frame(HAL_LINK_LOG);  // posted: no REPLY
  EXPECT_EQ(std::string(frame.payload.begin(), frame.payload.end()), "tick done");

  call = expect_i2c(HAL_LINK_I2C_WRITE_READ, frame);
  EXPECT_EQ(call.address7, 0x50);
  reply(BMS_HAL_NACK);

  const hal_link_done done{expect_done(HAL_LINK_RUN_DONE)};
  EXPECT_EQ(done.result, 0);
  EXPECT_EQ(done.next_wake_ms, HAL_LINK_NO_WAKE_HINT);
  after_firmware([&] {
    EXPECT_EQ(results.write, BMS_HAL_OK);
    EXPECT_EQ(results.read, BMS_HAL_OK);
    EXPECT_EQ(Bytes(results.read_bytes, results.read_bytes + 3), (Bytes{1, 2, 3}));
    EXPECT_EQ(results.write_read, BMS_HAL_OK);
    EXPECT_EQ(Bytes(results.register_bytes, results.register_bytes + 2), (Bytes{0xAB, 0xCD}));
    EXPECT_EQ(results.can, BMS_HAL_OK);
    EXPECT_EQ(results.nack, BMS_HAL_NACK);
    EXPECT_EQ(Bytes(results.untouched, results.untouched + 2), (Bytes{0xEE, 0xEE}));  // a NACK reads nothing
  });
}

TEST_F(HalLinkClient, UartWriteIsSplitAt512BytesAndStopsAtAShortCount) {
  start();
  hello();
  const Bytes message{pattern(1300)};
  std::size_t whole{0};
  std::size_t cut_short{0};
  std::size_t nothing{99};
  on_tick([&](const bms_hal& hal) {
    whole = hal.uart_write(hal.host, message.data(), message.size());
    cut_short = hal.uart_write(hal.host, message.data(), message.size());
    nothing = hal.uart_write(hal.host, message.data(), 0);
  });
  send_run(HAL_LINK_RUN, 0, 0);
  std::size_t offset{0};
  for (std::size_t chunk : {512u, 512u, 276u}) {
    const ReceivedFrame frame{expect_frame(HAL_LINK_UART_WRITE)};
    hal_link_bytes bytes{};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    ASSERT_EQ(hal_link_decode_uart_write(&view, &bytes, &error), 0) << error_text(error);
    ASSERT_EQ(bytes.length, chunk);
    EXPECT_EQ(Bytes(bytes.data, bytes.data + bytes.length), pattern(chunk, offset));
    offset += chunk;
    reply(static_cast<std::int32_t>(chunk));
  }
  expect_frame(HAL_LINK_UART_WRITE);
  reply(512);
  expect_frame(HAL_LINK_UART_WRITE);
  reply(100);  // the host's buffer filled up: no third frame
  expect_done(HAL_LINK_RUN_DONE);
  after_firmware([&] {
    EXPECT_EQ(whole, 1300u);
    EXPECT_EQ(cut_short, 612u);
    EXPECT_EQ(nothing, 0u);
  });
}

TEST_F(HalLinkClient, OverlongI2cTransfersAndInvalidCanFramesFailWithoutCrossing) {
  start();
  hello();
  std::vector<int> results;
  on_tick([&](const bms_hal& hal) {
    const Bytes big(600, 0);
    std::uint8_t read_buffer[600];
    results.push_back(hal.i2c_write(hal.host, 0x08, big.data(), 513));
    results.push_back(hal.i2c_read(hal.host, 0x08, read_buffer, 513));
    results.push_back(hal.i2c_write_read(hal.host, 0x08, big.data(), 1, read_buffer, 600));
    results.push_back(hal.i2c_write(hal.host, 0x80, big.data(), 1));  // not a 7-bit address
    results.push_back(hal.can_send(hal.host, nullptr));
    bms_can_frame bad{can_frame(0x800)};
    results.push_back(hal.can_send(hal.host, &bad));
    bad = can_frame(0x100);
    bad.dlc = 9;
    results.push_back(hal.can_send(hal.host, &bad));
    results.push_back(hal.i2c_write(hal.host, 0x08, big.data(), 512));  // the longest that crosses
  });
  send_run(HAL_LINK_RUN, 0, 0);
  ReceivedFrame frame;
  const hal_link_i2c call{expect_i2c(HAL_LINK_I2C_WRITE, frame)};
  EXPECT_EQ(call.write_length, 512);
  reply(BMS_HAL_OK);
  expect_done(HAL_LINK_RUN_DONE);
  after_firmware([&] {
    EXPECT_EQ(results, (std::vector<int>{BMS_HAL_BUS_ERROR, BMS_HAL_BUS_ERROR, BMS_HAL_BUS_ERROR, BMS_HAL_BUS_ERROR,
                                         BMS_HAL_BUS_ERROR, BMS_HAL_BUS_ERROR, BMS_HAL_BUS_ERROR, BMS_HAL_OK}));
  });
}

// ---- Calls answered locally ----

TEST_F(HalLinkClient, LocalCallsAnswerFromTheRunWithoutCrossing) {
  start();
  hello();
  struct Results {
    std::uint32_t millis{0};
    std::vector<int> levels;
    std::vector<bms_can_frame> frames;
    int no_more_frames{99};
    Bytes first_read;
    Bytes second_read;
  } results;
  on_tick([&](const bms_hal& hal) {
    results.millis = hal.millis(hal.host);
    for (std::uint32_t pin : {0u, 1u, 2u, 3u, 7u, 8u, 1000u}) {
      results.levels.push_back(hal.gpio_read(hal.host, pin));
    }
    bms_can_frame frame{};
    while (hal.can_receive(hal.host, &frame) == 1) {
      results.frames.push_back(frame);
    }
    results.no_more_frames = hal.can_receive(hal.host, &frame);
    std::uint8_t buffer[16];
    results.first_read.assign(buffer, buffer + hal.uart_read(hal.host, buffer, 3));
    results.second_read.assign(buffer, buffer + hal.uart_read(hal.host, buffer, sizeof buffer));
  });
  bms_can_frame extended{can_frame(0x18FF50E5, 8)};
  extended.extended = true;
  send_run(HAL_LINK_RUN, 123456, 0b1000'1001, {can_frame(0x351, 8), extended}, Bytes{'s', 't', 'a', 't', 'e'});
  const hal_link_done done{expect_done(HAL_LINK_RUN_DONE)};  // nothing crossed before it
  EXPECT_EQ(done.can_rx_room, HAL_LINK_CAN_RX_CAPACITY);
  EXPECT_EQ(done.uart_rx_room, HAL_LINK_UART_RX_CAPACITY);
  EXPECT_EQ(done.can_rx_overruns, 0u);
  after_firmware([&] {
    EXPECT_EQ(results.millis, 123456u);
    EXPECT_EQ(results.levels, (std::vector<int>{1, 0, 0, 1, 1, 0, 0}));
    ASSERT_EQ(results.frames.size(), 2u);
    EXPECT_EQ(results.frames[0].id, 0x351u);
    EXPECT_EQ(results.frames[1].id, 0x18FF50E5u);
    EXPECT_TRUE(results.frames[1].extended);
    EXPECT_EQ(std::memcmp(results.frames[1].data, extended.data, 8), 0);
    EXPECT_EQ(results.no_more_frames, 0);
    EXPECT_EQ(results.first_read, (Bytes{'s', 't', 'a'}));
    EXPECT_EQ(results.second_read, (Bytes{'t', 'e'}));
  });
}

TEST_F(HalLinkClient, AReplysGpioInputsChangeWhatGpioReadReturnsNext) {
  start();
  hello();
  std::vector<int> alert_levels;
  on_tick([&](const bms_hal& hal) {
    alert_levels.push_back(hal.gpio_read(hal.host, BMS_GPIO_AFE_ALERT));
    const std::uint8_t clear_alert[]{0x62, 0xFF};
    hal.i2c_write(hal.host, 0x08, clear_alert, sizeof clear_alert);
    alert_levels.push_back(hal.gpio_read(hal.host, BMS_GPIO_AFE_ALERT));
    alert_levels.push_back(hal.gpio_read(hal.host, BMS_GPIO_CHARGER_DETECT));
  });
  send_run(HAL_LINK_RUN, 0, 0b0001);  // ALERT high
  expect_frame(HAL_LINK_I2C_WRITE);
  reply(BMS_HAL_OK, 0b1000);  // the write cleared ALERT; a charger appeared meanwhile
  expect_done(HAL_LINK_RUN_DONE);
  after_firmware([&] { EXPECT_EQ(alert_levels, (std::vector<int>{1, 0, 1})); });
}

TEST_F(HalLinkClient, TheCanFifoKeepsTheNewest64FramesAndCountsOverruns) {
  start();
  hello();
  send_run(HAL_LINK_INIT, 0, 0);
  expect_done(HAL_LINK_INIT_DONE);

  auto frames_from{[](std::uint32_t first, std::uint32_t count) {
    std::vector<bms_can_frame> frames;
    for (std::uint32_t id = first; id < first + count; ++id) {
      frames.push_back(can_frame(id));
    }
    return frames;
  }};
  send_run(HAL_LINK_RUN, 10, 0, frames_from(0, 40));  // the firmware reads nothing yet
  hal_link_done done{expect_done(HAL_LINK_RUN_DONE)};
  EXPECT_EQ(done.can_rx_room, 24);
  EXPECT_EQ(done.can_rx_overruns, 0u);

  send_run(HAL_LINK_RUN, 20, 0, frames_from(40, 40));  // 80 queued: the oldest 16 go
  done = expect_done(HAL_LINK_RUN_DONE);
  EXPECT_EQ(done.can_rx_room, 0);
  EXPECT_EQ(done.can_rx_overruns, 16u);

  std::vector<std::uint32_t> ids;
  on_tick([&](const bms_hal& hal) {
    bms_can_frame frame{};
    while (hal.can_receive(hal.host, &frame) == 1) {
      ids.push_back(frame.id);
    }
  });
  send_run(HAL_LINK_RUN, 30, 0);
  done = expect_done(HAL_LINK_RUN_DONE);
  EXPECT_EQ(done.can_rx_room, HAL_LINK_CAN_RX_CAPACITY);
  EXPECT_EQ(done.can_rx_overruns, 16u);  // cumulative
  after_firmware([&] {
    std::vector<std::uint32_t> expected;
    for (std::uint32_t id = 16; id < 80; ++id) {
      expected.push_back(id);
    }
    EXPECT_EQ(ids, expected);
  });
}

TEST_F(HalLinkClient, UartBytesBeyondTheReportedRoomAreAFieldError) {
  start();
  hello();
  send_run(HAL_LINK_RUN, 0, 0, {}, Bytes(500, 'a'));
  const hal_link_done done{expect_done(HAL_LINK_RUN_DONE)};
  EXPECT_EQ(done.uart_rx_room, 12);
  send_run(HAL_LINK_RUN, 0, 0, {}, Bytes(13, 'b'));
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD);
  EXPECT_STREQ(error.text.text, "run.uart_byte_count: got 13, at most the room 12");
  expect_end(HAL_LINK_SESSION_ERROR);
}

// ---- Observables ----

TEST_F(HalLinkClient, ObservablesAreDescribedAndReadWithTheirValues) {
  start();
  hello();
  auto describe{[&](std::uint16_t index, std::uint16_t item) {
    const hal_link_describe request{index, item};
    host->send(HAL_LINK_DESCRIBE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_describe(&request, o, c); }));
    const ReceivedFrame frame{expect_frame(HAL_LINK_DESCRIPTION)};
    auto description{std::make_unique<hal_link_description>()};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_description(&view, description.get(), &error), 0) << error_text(error);
    EXPECT_EQ(description->observable_index, index);
    EXPECT_EQ(description->item, item);
    return description;
  }};
  for (std::uint16_t index = 0; index < 8; ++index) {
    const auto description{describe(index, HAL_LINK_DESCRIBE_OBSERVABLE)};
    const bms_observable& expected{observable_table[index]};
    EXPECT_STREQ(description->name.text, expected.name);
    EXPECT_STREQ(description->unit.text, expected.unit);
    EXPECT_EQ(description->type, expected.type);
    EXPECT_EQ(description->value_name_count, expected.value_name_count);
    EXPECT_STREQ(description->description.text, expected.description != nullptr ? expected.description : "");
  }
  for (std::uint16_t value = 0; value < 3; ++value) {
    EXPECT_STREQ(describe(7, value)->name.text, state_names[value]);
  }

  auto read{[&](std::uint16_t first, std::uint16_t count) {
    const hal_link_read_observables request{first, count};
    host->send(HAL_LINK_READ_OBSERVABLES,
               encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_read_observables(&request, o, c); }));
    const ReceivedFrame frame{expect_frame(HAL_LINK_OBSERVABLE_VALUES)};
    auto values{std::make_unique<hal_link_observable_values>()};
    hal_link_error error{};
    const hal_link_frame view{frame.view()};
    EXPECT_EQ(hal_link_decode_observable_values(&view, values.get(), &error), 0) << error_text(error);
    EXPECT_EQ(values->first, first);
    return values;
  }};
  const auto values{read(0, 100)};  // more than there are: the count is cut to 8
  ASSERT_EQ(values->count, 8);
  EXPECT_EQ(values->values[0], 200u);
  EXPECT_EQ(values->values[1], 60000u);
  EXPECT_EQ(values->values[2], 4000000000u);
  EXPECT_EQ(static_cast<std::int32_t>(values->values[3]), -100);  // sign-extended
  EXPECT_EQ(values->values[4], 0xFFFFFB2Eu);                     // -1234
  EXPECT_EQ(static_cast<std::int32_t>(values->values[5]), -100000);
  float soc{0};
  std::memcpy(&soc, &values->values[6], sizeof soc);
  EXPECT_EQ(soc, -3.25f);
  EXPECT_EQ(values->values[6], 0xC0500000u);
  EXPECT_EQ(values->values[7], static_cast<std::uint32_t>(kNormal));

  observed_i16 = 321;  // read again between ticks: the current value
  const auto middle{read(4, 2)};
  ASSERT_EQ(middle->count, 2);
  EXPECT_EQ(middle->values[0], 321u);
  EXPECT_EQ(middle->values[1], static_cast<std::uint32_t>(-100000));
  observed_i16 = -1234;
  EXPECT_EQ(read(8, 5)->count, 0);  // from the end: nothing
}

TEST_F(HalLinkClient, ARunAskingForObservablesSendsTheirValuesAfterTheTickAndBeforeRunDone) {
  {
    std::lock_guard lock{script().mutex};
    script().on_tick = [](const bms_hal&) { observed_i16 = 777; };  // the tick changes one
  }
  start();
  hello();
  send_run(HAL_LINK_RUN, 10, 0, {}, {}, HAL_LINK_RUN_SEND_OBSERVABLES);
  const ReceivedFrame frame{expect_frame(HAL_LINK_OBSERVABLE_VALUES)};
  auto values{std::make_unique<hal_link_observable_values>()};
  hal_link_error error{};
  const hal_link_frame view{frame.view()};
  ASSERT_EQ(hal_link_decode_observable_values(&view, values.get(), &error), 0) << error_text(error);
  EXPECT_EQ(values->first, 0);
  ASSERT_EQ(values->count, 8);
  EXPECT_EQ(values->values[4], 777u);  // as the tick left it
  EXPECT_EQ(values->values[7], static_cast<std::uint32_t>(kNormal));
  expect_done(HAL_LINK_RUN_DONE);
  observed_i16 = -1234;

  send_run(HAL_LINK_RUN, 20, 0);  // without the flag: the DONE alone
  expect_done(HAL_LINK_RUN_DONE);
}

TEST_F(HalLinkClient, DescribingAnObservableThatDoesNotExistIsAFieldError) {
  start();
  hello();
  const hal_link_describe request{8, HAL_LINK_DESCRIBE_OBSERVABLE};
  host->send(HAL_LINK_DESCRIBE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_describe(&request, o, c); }));
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD);
  EXPECT_STREQ(error.text.text, "describe.observable_index: got 8, expected less than 8");
  expect_end(HAL_LINK_SESSION_ERROR);

  hello();  // a new session
  const hal_link_describe value_request{7, 3};
  host->send(HAL_LINK_DESCRIBE,
             encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_describe(&value_request, o, c); }));
  EXPECT_STREQ(expect_error_frame().text.text, "describe.item: got 3, expected less than 3");
  expect_end(HAL_LINK_SESSION_ERROR);
}

TEST_F(HalLinkClient, AFirmwareWithoutObservablesReportsNone) {
  hal_link_firmware firmware{test_firmware};
  firmware.observables_get = nullptr;
  start(firmware);
  EXPECT_EQ(hello()->observable_count, 0);
  const hal_link_read_observables request{0, 10};
  host->send(HAL_LINK_READ_OBSERVABLES,
             encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_read_observables(&request, o, c); }));
  const ReceivedFrame frame{expect_frame(HAL_LINK_OBSERVABLE_VALUES)};
  EXPECT_EQ(frame.payload, (Bytes{0, 0, 0, 0}));
}

// ---- Protocol errors from the host ----

// A tick that makes one call the host answers wrongly, then tries everything else.
struct AfterFailure {
  int first{99};
  int i2c{99};
  int can{99};
  std::size_t uart_written{99};
  std::size_t uart_read{99};
  int gpio{99};
  int can_received{99};
  std::uint32_t millis{0};
};

void call_then_everything(const bms_hal& hal, AfterFailure& out) {
  const std::uint8_t byte{0x42};
  out.first = hal.i2c_write(hal.host, 0x08, &byte, 1);
  std::uint8_t buffer[4];
  out.i2c = hal.i2c_read(hal.host, 0x08, buffer, 2);
  const bms_can_frame frame{can_frame(0x100)};
  out.can = hal.can_send(hal.host, &frame);
  out.uart_written = hal.uart_write(hal.host, &byte, 1);
  hal.gpio_write(hal.host, 1, 1);
  hal.log(hal.host, "never sent");
  out.uart_read = hal.uart_read(hal.host, buffer, sizeof buffer);
  out.gpio = hal.gpio_read(hal.host, 0);
  bms_can_frame received{};
  out.can_received = hal.can_receive(hal.host, &received);
  out.millis = hal.millis(hal.host);
}

void expect_everything_failed(const AfterFailure& out) {
  EXPECT_EQ(out.first, BMS_HAL_BUS_ERROR);
  EXPECT_EQ(out.i2c, BMS_HAL_BUS_ERROR);
  EXPECT_EQ(out.can, BMS_HAL_BUS_ERROR);
  EXPECT_EQ(out.uart_written, 0u);
  EXPECT_EQ(out.uart_read, 0u);
  EXPECT_EQ(out.gpio, 0);
  EXPECT_EQ(out.can_received, 0);
  EXPECT_EQ(out.millis, 777u);  // time is still the RUN's
}

class HalLinkClientErrors : public HalLinkClient {
 protected:
  // Starts a session and a RUN whose tick is call_then_everything; the test
  // answers the first call. Returns after the I2C_WRITE arrived.
  void run_until_first_call() {
    start();
    hello();
    on_tick([this](const bms_hal& hal) { call_then_everything(hal, after); });
    send_run(HAL_LINK_RUN, 777, 0xFF, {can_frame(0x10)}, Bytes{1, 2, 3});
    expect_frame(HAL_LINK_I2C_WRITE);
  }
  // Nothing else came from the client: its next frame answers a new HELLO.
  void expect_nothing_more_then_a_new_session() { hello(); }

  AfterFailure after;
};

TEST_F(HalLinkClientErrors, AWrongSequenceNumberIsAnErrorAndTheRestOfTheTickFails) {
  run_until_first_call();
  host->next_sequence = static_cast<std::uint8_t>(host->next_sequence + 1);  // one frame "lost"
  reply(BMS_HAL_OK);
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_SEQUENCE);
  EXPECT_STREQ(error.text.text, "sequence: got 3, expected 2");
  const SessionEnd end{expect_end(HAL_LINK_SESSION_ERROR)};
  EXPECT_STREQ(end.error.field, "sequence");
  after_firmware([&] { expect_everything_failed(after); });
  expect_nothing_more_then_a_new_session();
}

TEST_F(HalLinkClientErrors, AnUnexpectedTypeIsAnErrorNamingIt) {
  run_until_first_call();
  send_run(HAL_LINK_RUN, 1, 0);  // a RUN where a REPLY belongs
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_UNEXPECTED);
  EXPECT_STREQ(error.text.text, "type: got RUN, expected REPLY");
  expect_end(HAL_LINK_SESSION_ERROR);
  after_firmware([&] { expect_everything_failed(after); });
  expect_nothing_more_then_a_new_session();
}

TEST_F(HalLinkClientErrors, AReplyWhenNoCallIsWaitingIsUnexpected) {
  start();
  hello();
  reply(BMS_HAL_OK);
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_UNEXPECTED);
  EXPECT_STREQ(error.text.text, "type: got REPLY, expected DESCRIBE, READ_OBSERVABLES, INIT or RUN");
  expect_end(HAL_LINK_SESSION_ERROR);
}

TEST_F(HalLinkClientErrors, ABadCrcIsAnErrorNamingTheCrc) {
  run_until_first_call();
  const hal_link_reply good{BMS_HAL_OK, 0, 0, nullptr};
  Bytes frame{frame_bytes(HAL_LINK_REPLY, host->next_sequence,
                          encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_reply(&good, o, c); }))};
  frame.back() ^= 0x01;
  host->send_raw(frame);
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_CRC);
  EXPECT_EQ(std::string{error.text.text}.rfind("crc: got 0x", 0), 0u) << error.text.text;
  EXPECT_NE(std::string{error.text.text}.find(", expected 0x"), std::string::npos);
  expect_end(HAL_LINK_SESSION_ERROR);
  after_firmware([&] { expect_everything_failed(after); });
  expect_nothing_more_then_a_new_session();
}

TEST_F(HalLinkClientErrors, AReplyThatDoesNotParseIsAFieldError) {
  run_until_first_call();
  host->send(HAL_LINK_REPLY, Bytes{0, 0, 0});  // cut short
  const hal_link_error_frame error{expect_error_frame()};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD);
  EXPECT_EQ(std::string{error.text.text}.rfind("reply.result: ", 0), 0u) << error.text.text;
  expect_end(HAL_LINK_SESSION_ERROR);
  after_firmware([&] { expect_everything_failed(after); });
}

TEST_F(HalLinkClientErrors, AReadReplyWithTheWrongDataLengthIsAFieldError) {
  start();
  hello();
  int result{99};
  on_tick([&](const bms_hal& hal) {
    std::uint8_t buffer[4];
    result = hal.i2c_read(hal.host, 0x08, buffer, 4);
  });
  send_run(HAL_LINK_RUN, 0, 0);
  expect_frame(HAL_LINK_I2C_READ);
  reply(BMS_HAL_OK, 0, Bytes{1, 2});
  EXPECT_STREQ(expect_error_frame().text.text, "reply.data_length: got 2, expected 4");
  expect_end(HAL_LINK_SESSION_ERROR);
  after_firmware([&] { EXPECT_EQ(result, BMS_HAL_BUS_ERROR); });
}

TEST_F(HalLinkClientErrors, AnErrorFromTheHostEndsTheSessionKeepingItsText) {
  run_until_first_call();
  hal_link_error_frame from_host{};
  from_host.code = HAL_LINK_ERROR_FIELD;
  from_host.text = link_string("i2c_write.length: got 600, at most 512");
  host->send(HAL_LINK_ERROR,
             encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_error_frame(&from_host, o, c); }));
  const SessionEnd end{expect_end(HAL_LINK_SESSION_ERROR)};
  EXPECT_EQ(end.error.code, HAL_LINK_ERROR_PEER);
  EXPECT_EQ(error_text(end.error), "peer: i2c_write.length: got 600, at most 512");
  after_firmware([&] { expect_everything_failed(after); });
  expect_nothing_more_then_a_new_session();  // no ERROR was sent back
}

TEST_F(HalLinkClientErrors, AHelloForAnotherProtocolMajorIsRefused) {
  start();
  const hal_link_hello hello{2, 0, BMS_HAL_VERSION};
  host->send(HAL_LINK_HELLO, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello(&hello, o, c); }));
  const ReceivedFrame frame{host->receive().value()};
  ASSERT_EQ(frame.type, HAL_LINK_ERROR);
  EXPECT_EQ(frame.sequence, 0);
  hal_link_error_frame error{};
  hal_link_error decode_error{};
  const hal_link_frame view{frame.view()};
  ASSERT_EQ(hal_link_decode_error_frame(&view, &error, &decode_error), 0);
  EXPECT_EQ(error.code, HAL_LINK_ERROR_VERSION);
  EXPECT_STREQ(error.text.text, "hello.protocol_major: got 2, expected 1");
  expect_end(HAL_LINK_SESSION_ERROR);
}

// ---- Restarts ----

TEST_F(HalLinkClient, HelloBetweenRequestsRestartsTheSequenceNumbers) {
  start();
  hello();
  for (int i = 0; i < 3; ++i) {
    send_run(HAL_LINK_RUN, static_cast<std::uint32_t>(i), 0);
    expect_done(HAL_LINK_RUN_DONE);
  }
  EXPECT_EQ(host->next_sequence, 4);
  hello();  // both counters back to 0 (expect_frame checks the reply's)
  expect_end(HAL_LINK_SESSION_RESTART);
  EXPECT_EQ(host->next_sequence, 1);
  send_run(HAL_LINK_RUN, 10, 0);
  const ReceivedFrame done{expect_frame(HAL_LINK_RUN_DONE)};
  EXPECT_EQ(done.sequence, 1);
}

TEST_F(HalLinkClient, HelloDuringATickIsAnsweredAfterTheTickReturns) {
  start();
  hello();
  int first{99};
  int second{99};
  on_tick([&](const bms_hal& hal) {
    const std::uint8_t byte{0};
    first = hal.i2c_write(hal.host, 0x08, &byte, 1);
    second = hal.i2c_write(hal.host, 0x08, &byte, 1);  // the old session is gone: must not cross
  });
  send_run(HAL_LINK_RUN, 0, 0);
  expect_frame(HAL_LINK_I2C_WRITE);
  hello();  // the host restarted: its next frame from the client is HELLO_REPLY, no RUN_DONE, no ERROR
  expect_end(HAL_LINK_SESSION_RESTART);
  after_firmware([&] {
    EXPECT_EQ(first, BMS_HAL_BUS_ERROR);
    EXPECT_EQ(second, BMS_HAL_BUS_ERROR);
    EXPECT_EQ(script().ticks, 1);
  });
  on_tick(nullptr);
  send_run(HAL_LINK_RUN, 10, 0);  // and the new session works
  expect_done(HAL_LINK_RUN_DONE);
}

TEST(HalLinkClientSize, TheContextFitsASmallMcu) {
  // The header promises a statically allocatable context of a few KiB.
  RecordProperty("sizeof_hal_link_client", static_cast<int>(sizeof(hal_link_client)));
  EXPECT_LT(sizeof(hal_link_client), 5u * 1024u);
}

}  // namespace
}  // namespace packsim::hal::link_test
