// The host's end of the link against the real client: a session learns the
// firmware's self-description, runs init and ticks over there serving every
// call from the host's own bms_hal, brings queued CAN frames and UART bytes
// along, returns observables with a run when asked, stops a flood at its
// budget, and counts what crossed. Then the host end under random and
// mutated firmware frames: every session ends in a FirmwareFault naming what
// was wrong, within its deadline, never a crash or a hang.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/link_session.h"
#include "bms_under_test/hal/link/posix/fd_link_stream.h"
#include "common/seeded_rng.h"
#include "tests/bms_under_test/hal/link/hal_link_test_support.h"

namespace packsim::hal {
namespace {

using link_test::Bytes;

// ---- The host's side of bms_hal: records what the firmware did ----

struct FakeHost {
  bms_hal hal{};
  std::uint32_t millis{0};
  std::vector<Bytes> i2c_writes;
  std::uint8_t register_value{0x42};
  std::vector<bms_can_frame> can_sent;
  std::deque<bms_can_frame> can_pending;
  Bytes uart_from_firmware;
  std::deque<std::uint8_t> uart_pending;
  int alert_level{0};
  std::vector<std::string> log;

  FakeHost() {
    hal.version = BMS_HAL_VERSION;
    hal.host = this;
    hal.i2c_write = [](void* h, std::uint8_t address, const std::uint8_t* data, std::size_t length) {
      auto& self{*static_cast<FakeHost*>(h)};
      if (address != 0x08) return BMS_HAL_NACK;
      self.i2c_writes.emplace_back(data, data + length);
      self.alert_level = 1;  // a write to the chip raises its ALERT: the reply must carry it
      return BMS_HAL_OK;
    };
    hal.i2c_read = [](void*, std::uint8_t, std::uint8_t*, std::size_t) { return BMS_HAL_NACK; };
    hal.i2c_write_read = [](void* h, std::uint8_t address, const std::uint8_t*, std::size_t, std::uint8_t* out,
                            std::size_t length) {
      auto& self{*static_cast<FakeHost*>(h)};
      if (address != 0x08) return BMS_HAL_NACK;
      for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<std::uint8_t>(self.register_value + i);
      return BMS_HAL_OK;
    };
    hal.can_send = [](void* h, const bms_can_frame* frame) {
      static_cast<FakeHost*>(h)->can_sent.push_back(*frame);
      return BMS_HAL_OK;
    };
    hal.can_receive = [](void* h, bms_can_frame* frame) {
      auto& self{*static_cast<FakeHost*>(h)};
      if (self.can_pending.empty()) return 0;
      *frame = self.can_pending.front();
      self.can_pending.pop_front();
      return 1;
    };
    hal.uart_write = [](void* h, const std::uint8_t* data, std::size_t length) {
      auto& self{*static_cast<FakeHost*>(h)};
      const std::size_t taken{std::min<std::size_t>(length, 100)};  // a small queue: short counts
      self.uart_from_firmware.insert(self.uart_from_firmware.end(), data, data + taken);
      return taken;
    };
    hal.uart_read = [](void* h, std::uint8_t* data, std::size_t capacity) {
      auto& self{*static_cast<FakeHost*>(h)};
      std::size_t n{0};
      while (n < capacity && !self.uart_pending.empty()) {
        data[n++] = self.uart_pending.front();
        self.uart_pending.pop_front();
      }
      return n;
    };
    hal.gpio_read = [](void* h, std::uint32_t pin) {
      return pin == BMS_GPIO_AFE_ALERT ? static_cast<FakeHost*>(h)->alert_level : 0;
    };
    hal.gpio_write = [](void*, std::uint32_t, int) {};
    hal.millis = [](void* h) { return static_cast<FakeHost*>(h)->millis; };
    hal.log = [](void* h, const char* line) { static_cast<FakeHost*>(h)->log.emplace_back(line); };
  }
};

// ---- A firmware over there whose tick does what the test says ----

struct Script {
  std::mutex mutex;
  const bms_hal* hal{nullptr};
  std::function<void(const bms_hal&)> on_tick;
  std::uint16_t counter{0};
};

Script& script() {
  static Script s;
  return s;
}

const bms_firmware_info kInfo{BMS_HAL_VERSION, "session test firmware", "2.1.0", 10};
const char* const kStateNames[]{"idle", "busy"};
int state_value{1};
const bms_observable kObservables[]{
    {"counter", "", BMS_OBSERVABLE_U16, &script().counter, nullptr, 0, "ticks so far"},
    {"state", "", BMS_OBSERVABLE_ENUM, &state_value, kStateNames, 2, nullptr},
};

const bms_firmware_info* info_get() { return &kInfo; }
int init(const bms_hal* hal) {
  std::lock_guard lock{script().mutex};
  script().hal = hal;
  script().counter = 0;
  return 7;
}
void tick() {
  std::lock_guard lock{script().mutex};
  ++script().counter;
  if (script().on_tick) script().on_tick(*script().hal);
}
const bms_observable* observables_get(std::size_t* count) {
  *count = 2;
  return kObservables;
}

class LinkSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::lock_guard lock{script().mutex};
    script().on_tick = nullptr;
  }
  void start(LinkOptions options = {}) {
    pair_ = std::make_unique<link_test::SocketPair>();
    client_ = std::make_unique<link_test::ClientThread>(pair_->client_fd,
                                                        hal_link_firmware{info_get, init, tick, observables_get});
    const int host_fd{::dup(pair_->host_fd)};
    pair_->close_host();
    session_ = std::make_unique<LinkSession>(std::make_unique<FdLinkStream>(host_fd, "test socketpair"), options);
  }
  void TearDown() override {
    session_.reset();  // closes the stream: the client thread ends
    client_.reset();
    pair_.reset();
  }

  FakeHost host_;
  std::unique_ptr<link_test::SocketPair> pair_;
  std::unique_ptr<link_test::ClientThread> client_;
  std::unique_ptr<LinkSession> session_;
};

TEST_F(LinkSessionTest, ASessionOpensWithTheFirmwaresSelfDescriptionAndObservables) {
  start();
  const LinkedFirmwareDescription& d{session_->open()};
  EXPECT_EQ(d.name, "session test firmware");
  EXPECT_EQ(d.version, "2.1.0");
  EXPECT_EQ(d.tick_period_ms, 10u);
  EXPECT_EQ(d.hal_version, BMS_HAL_VERSION);
  EXPECT_EQ(d.can_rx_capacity, HAL_LINK_CAN_RX_CAPACITY);
  ASSERT_EQ(d.observables.size(), 2u);
  EXPECT_EQ(d.observables[0].name, "counter");
  EXPECT_EQ(d.observables[0].description, "ticks so far");
  EXPECT_EQ(d.observables[1].type, static_cast<std::uint32_t>(BMS_OBSERVABLE_ENUM));
  EXPECT_EQ(d.observables[1].value_names, (std::vector<std::string>{"idle", "busy"}));
}

TEST_F(LinkSessionTest, InitReturnsBmsInitsResultAndRunsServeEveryCallFromTheHostsHal) {
  {
    std::lock_guard lock{script().mutex};
    script().on_tick = [](const bms_hal& hal) {
      const std::uint8_t command[]{0x14};
      std::uint8_t value[2]{};
      const int read{hal.i2c_write_read(hal.host, 0x08, command, 1, value, 2)};
      const int alert_before{hal.gpio_read(hal.host, BMS_GPIO_AFE_ALERT)};
      const std::uint8_t write[]{0x3E, value[0], value[1]};
      hal.i2c_write(hal.host, 0x08, write, 3);
      const int alert_after{hal.gpio_read(hal.host, BMS_GPIO_AFE_ALERT)};
      bms_can_frame frame{};
      frame.id = 0x351;
      frame.dlc = 3;
      frame.data[0] = static_cast<std::uint8_t>(read == BMS_HAL_OK);
      frame.data[1] = static_cast<std::uint8_t>(alert_before);
      frame.data[2] = static_cast<std::uint8_t>(alert_after);
      hal.can_send(hal.host, &frame);
      const std::uint8_t text[250]{};
      const std::size_t taken{hal.uart_write(hal.host, text, sizeof text)};
      frame.id = 0x352;
      frame.dlc = 1;
      frame.data[0] = static_cast<std::uint8_t>(taken);
      hal.can_send(hal.host, &frame);
      if (hal.millis(hal.host) == 20) hal.log(hal.host, "tick at 20 ms");
    };
  }
  start();
  host_.millis = 0;
  EXPECT_EQ(session_->init(host_.hal), 7);
  host_.millis = 20;
  session_->run(host_.hal);
  ASSERT_EQ(host_.i2c_writes.size(), 1u);
  EXPECT_EQ(host_.i2c_writes[0], (Bytes{0x3E, 0x42, 0x43}));  // the register's bytes came back and went out again
  ASSERT_EQ(host_.can_sent.size(), 2u);
  EXPECT_EQ(host_.can_sent[0].data[0], 1);  // the read succeeded
  EXPECT_EQ(host_.can_sent[0].data[1], 0);  // ALERT low before the write
  EXPECT_EQ(host_.can_sent[0].data[2], 1);  // and high right after it: the REPLY carried it
  EXPECT_EQ(host_.can_sent[1].data[0], 100);  // the host's queue took 100 of 250: a short count
  EXPECT_EQ(host_.uart_from_firmware.size(), 100u);
  EXPECT_EQ(host_.log, (std::vector<std::string>{"tick at 20 ms"}));
}

TEST_F(LinkSessionTest, FramesAndBytesWaitingForTheFirmwareArriveWithItsRun) {
  {
    std::lock_guard lock{script().mutex};
    script().on_tick = [](const bms_hal& hal) {
      bms_can_frame frame{};
      std::uint8_t bytes[16]{};
      const std::size_t got{hal.uart_read(hal.host, bytes, sizeof bytes)};
      while (hal.can_receive(hal.host, &frame) == 1) {
        frame.id += 1;  // echo each, one id up, with the UART count in the last byte
        frame.data[7] = static_cast<std::uint8_t>(got);
        frame.dlc = 8;
        hal.can_send(hal.host, &frame);
      }
    };
  }
  start();
  session_->init(host_.hal);
  for (std::uint32_t id : {0x305u, 0x306u}) {
    bms_can_frame frame{};
    frame.id = id;
    frame.dlc = 1;
    host_.can_pending.push_back(frame);
  }
  for (std::uint8_t b : {1, 2, 3}) host_.uart_pending.push_back(b);
  session_->run(host_.hal);
  ASSERT_EQ(host_.can_sent.size(), 2u);
  EXPECT_EQ(host_.can_sent[0].id, 0x306u);
  EXPECT_EQ(host_.can_sent[1].id, 0x307u);
  EXPECT_EQ(host_.can_sent[0].data[7], 3);
  EXPECT_TRUE(host_.can_pending.empty());
  EXPECT_TRUE(host_.uart_pending.empty());
}

TEST_F(LinkSessionTest, ObservablesComeBackWithTheRunThatAskedForThem) {
  start();
  session_->init(host_.hal);
  std::vector<std::uint32_t> values;
  session_->run(host_.hal, &values);
  EXPECT_EQ(values, (std::vector<std::uint32_t>{1, 1}));  // counter 1 after one tick, state "busy"
  session_->run(host_.hal);
  session_->read_observables(values);
  EXPECT_EQ(values, (std::vector<std::uint32_t>{2, 1}));
}

TEST_F(LinkSessionTest, ARunBeyondItsI2cBudgetIsAFloodAndEndsTheSession) {
  {
    std::lock_guard lock{script().mutex};
    script().on_tick = [](const bms_hal& hal) {
      const std::uint8_t command[]{0x14};
      std::uint8_t value[2]{};
      for (int k = 0; k < 1000; ++k) hal.i2c_write_read(hal.host, 0x08, command, 1, value, 2);
    };
  }
  start();
  session_->init(host_.hal);
  try {
    session_->run(host_.hal);
    FAIL() << "no fault";
  } catch (const FirmwareFault& fault) {
    EXPECT_EQ(fault.kind(), FirmwareFaultKind::kFlooded);
    EXPECT_NE(fault.detail().find("flooded the I2C bus: 351 transactions in one 10 ms tick"), std::string::npos)
        << fault.detail();
  }
  EXPECT_THROW(session_->run(host_.hal), FirmwareFault);  // and stays over
}

TEST_F(LinkSessionTest, StatisticsCountRunsCallsAndBytes) {
  {
    std::lock_guard lock{script().mutex};
    script().on_tick = [](const bms_hal& hal) {
      const std::uint8_t command[]{0x14};
      std::uint8_t value[2]{};
      hal.i2c_write_read(hal.host, 0x08, command, 1, value, 2);
    };
  }
  start();
  session_->init(host_.hal);
  for (int k = 0; k < 10; ++k) session_->run(host_.hal);
  const LinkStatistics s{session_->statistics()};
  EXPECT_EQ(s.runs, 11u);
  EXPECT_EQ(s.calls, 10u);
  EXPECT_GT(s.bytes_sent, 0u);
  EXPECT_GT(s.bytes_received, 0u);
  EXPECT_GT(s.run_wall_mean_us, 0.0);
  EXPECT_GE(s.run_wall_max_us, s.run_wall_mean_us);
  EXPECT_EQ(s.transport, "test socketpair");
}

TEST_F(LinkSessionTest, AFirmwareThatNeverAnswersHelloHangsWithinTheHelloTimeout) {
  pair_ = std::make_unique<link_test::SocketPair>();  // nobody serves the other end
  const int host_fd{::dup(pair_->host_fd)};
  LinkOptions options;
  options.hello_timeout = std::chrono::milliseconds{200};
  LinkSession session{std::make_unique<FdLinkStream>(host_fd, "silent socketpair"), options};
  const auto started{std::chrono::steady_clock::now()};
  try {
    session.open();
    FAIL() << "no fault";
  } catch (const FirmwareFault& fault) {
    EXPECT_EQ(fault.kind(), FirmwareFaultKind::kHung);
    EXPECT_NE(fault.detail().find("no HELLO_REPLY within 200 ms"), std::string::npos) << fault.detail();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{2});
}

// ---- The host end under hostile firmware frames ----

// Plays a firmware that greets properly, then answers INIT with `poison`.
void hostile_firmware(int fd, const Bytes& poison) {
  link_test::HostEnd end{fd};  // the test support's framing, used from the other side
  try {
    const auto hello{end.receive(std::chrono::seconds{2})};
    if (!hello || hello->type != HAL_LINK_HELLO) return;
    hal_link_hello_reply reply{};
    reply.protocol_major = HAL_LINK_PROTOCOL_MAJOR;
    reply.hal_version = BMS_HAL_VERSION;
    reply.tick_period_ms = 10;
    reply.can_rx_capacity = HAL_LINK_CAN_RX_CAPACITY;
    reply.uart_rx_capacity = HAL_LINK_UART_RX_CAPACITY;
    reply.max_payload = HAL_LINK_MAX_PAYLOAD;
    reply.name = link_test::link_string("hostile");
    reply.version = link_test::link_string("0");
    end.send_raw(link_test::frame_bytes(
        HAL_LINK_HELLO_REPLY, 0,
        link_test::encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello_reply(&reply, o, c); })));
    const auto init{end.receive(std::chrono::seconds{2})};
    if (!init) return;
    end.send_raw(poison);
  } catch (const std::exception&) {
    // The host may close at any point: that is the test's business, not ours.
  }
}

TEST(LinkSessionFuzz, RandomAndMutatedFirmwareFramesEndTheSessionInANamedFaultWithinItsDeadline) {
  SeededRng rng{20261207};
  const std::vector<link_test::Sample> samples{link_test::valid_samples()};
  constexpr int kRounds{400};
  int faults_by_kind[6]{};
  for (int round = 0; round < kRounds; ++round) {
    Bytes poison;
    const std::uint64_t form{rng.next_u64() % 4};
    if (form == 0) {  // noise
      poison.resize(1 + rng.next_u64() % 64);
      for (std::uint8_t& b : poison) b = static_cast<std::uint8_t>(rng.next_u64());
    } else {  // a valid frame of any type, then bit flips, a cut, or a wrong sequence; CRC mostly right
      const link_test::Sample& sample{samples[rng.next_u64() % samples.size()]};
      Bytes payload{sample.payload};
      if (!payload.empty() && form == 1) payload[rng.next_u64() % payload.size()] ^= static_cast<std::uint8_t>(1u << (rng.next_u64() % 8));
      if (!payload.empty() && form == 2) payload.resize(rng.next_u64() % payload.size());
      const std::uint8_t sequence{static_cast<std::uint8_t>(form == 3 ? rng.next_u64() % 4 : 1)};
      poison = link_test::frame_bytes(sample.type, sequence, payload);
      if (rng.next_u64() % 8 == 0) poison[rng.next_u64() % poison.size()] ^= 0x10;  // now the CRC is wrong too
    }
    link_test::SocketPair pair;
    std::thread firmware{[fd = pair.client_fd, &poison] { hostile_firmware(fd, poison); }};
    LinkOptions options;
    options.hello_timeout = std::chrono::milliseconds{2000};
    options.run_timeout = std::chrono::milliseconds{50};
    FakeHost host;
    const auto started{std::chrono::steady_clock::now()};
    {
      LinkSession session{std::make_unique<FdLinkStream>(::dup(pair.host_fd), "fuzz socketpair"), options};
      try {
        session.open();
        session.init(host.hal);
        // A poison that happens to be a valid call gets served; the run then
        // waits for more that never comes: hung, or the stream closes.
        session.run(host.hal);
        ADD_FAILURE() << "round " << round << ": a run completed on a poisoned link";
      } catch (const FirmwareFault& fault) {
        EXPECT_FALSE(fault.detail().empty());
        ++faults_by_kind[static_cast<int>(fault.kind())];
      }
    }
    pair.close_host();
    ::shutdown(pair.client_fd, SHUT_RDWR);
    firmware.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{3}) << "round " << round;
  }
  // The mix reached the decoder's errors and the lockstep rules, not only timeouts.
  EXPECT_GT(faults_by_kind[static_cast<int>(FirmwareFaultKind::kLinkError)], kRounds / 3);
}

}  // namespace
}  // namespace packsim::hal
