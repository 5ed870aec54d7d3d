// The simulator's HAL pieces on their own: I2C routing and the 24C32
// configuration EEPROM, the CAN bus, UART queues, GPIO, millis() and the log,
// the firmware's tick on the scheduler, the inverter node, the service tool.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/bus/pylontech_can.h"
#include "sim/hil/can_bus.h"
#include "sim/hil/config_eeprom.h"
#include "sim/hil/firmware_component.h"
#include "sim/hil/firmware_host.h"
#include "sim/hil/inverter_node.h"
#include "sim/hil/reference_firmware.h"
#include "sim/hil/service_tool.h"
#include "sim/scheduler/scheduler.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;

// A CAN node that only listens.
class Sniffer final : public CanNode {
 public:
  std::string_view can_name() const override { return "sniffer"; }
  void on_can_frame(const CanRecord& record) override { heard.push_back(record); }
  std::vector<CanRecord> heard;
};

struct HostBench {
  sim::VirtualClock clock;
  CanBus bus{clock};
  FirmwareHost host{clock, bus};
  const bms_hal& hal{host.hal()};
};

bms_can_frame frame(std::uint32_t id, std::vector<std::uint8_t> data) {
  bms_can_frame f{};
  f.id = id;
  f.dlc = static_cast<std::uint8_t>(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    f.data[i] = data[i];
  }
  return f;
}

// ---- I2C and the configuration EEPROM ----

TEST(FirmwareHostI2c, NobodyAtAnAddressIsANack) {
  HostBench b;
  std::uint8_t byte{0};
  EXPECT_EQ(b.hal.i2c_write(b.hal.host, 0x08, &byte, 1), BMS_HAL_NACK);
  EXPECT_EQ(b.hal.i2c_read(b.hal.host, 0x50, &byte, 1), BMS_HAL_NACK);
  EXPECT_EQ(b.hal.i2c_write_read(b.hal.host, 0x50, &byte, 1, &byte, 1), BMS_HAL_NACK);
  EXPECT_EQ(b.host.i2c_nacks(), 3U);
}

TEST(FirmwareHostI2c, EepromAnswersTwoByteAddressThenSequentialReads) {
  HostBench b;
  ConfigEeprom eeprom;
  std::vector<std::uint8_t> image(300);
  for (std::size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<std::uint8_t>(i * 7);
  }
  eeprom.program(image);
  b.host.attach_i2c(0x50, eeprom);
  const std::uint8_t address[2]{0x01, 0x00};  // 0x0100 = 256, big-endian
  std::uint8_t out[8]{};
  ASSERT_EQ(b.hal.i2c_write_read(b.hal.host, 0x50, address, 2, out, 4), BMS_HAL_OK);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out[i], image[256 + i]);
  }
  // A plain read continues where the last one stopped.
  ASSERT_EQ(b.hal.i2c_read(b.hal.host, 0x50, out, 2), BMS_HAL_OK);
  EXPECT_EQ(out[0], image[260]);
  EXPECT_EQ(out[1], image[261]);
  // Beyond the image the part is blank.
  const std::uint8_t blank_address[2]{0x02, 0x00};
  ASSERT_EQ(b.hal.i2c_write_read(b.hal.host, 0x50, blank_address, 2, out, 1), BMS_HAL_OK);
  EXPECT_EQ(out[0], ConfigEeprom::kBlankByte);
}

TEST(ConfigEeprom, ReadsWrapAtTheEndOfTheArrayAndPageWritesWrapInTheirPage) {
  ConfigEeprom eeprom;
  const std::uint8_t write[6]{0x0F, 0xFE, 0xA1, 0xA2, 0xA3, 0xA4};  // 0xFFE, the last page's last two bytes
  ASSERT_EQ(eeprom.write(0x50, write, sizeof write), BMS_HAL_OK);
  EXPECT_EQ(eeprom.contents()[0xFFE], 0xA1);
  EXPECT_EQ(eeprom.contents()[0xFFF], 0xA2);
  EXPECT_EQ(eeprom.contents()[0xFE0], 0xA3);  // rolled over to the start of the page
  EXPECT_EQ(eeprom.contents()[0xFE1], 0xA4);
  EXPECT_EQ(eeprom.contents()[0x000], ConfigEeprom::kBlankByte);
  const std::uint8_t address[2]{0x0F, 0xFF};
  ASSERT_EQ(eeprom.write(0x50, address, 2), BMS_HAL_OK);
  std::uint8_t out[2]{};
  ASSERT_EQ(eeprom.read(0x50, out, 2), BMS_HAL_OK);
  EXPECT_EQ(out[0], 0xA2);
  EXPECT_EQ(out[1], ConfigEeprom::kBlankByte);  // address 0: the read wrapped around the array
  EXPECT_THROW(eeprom.program(std::vector<std::uint8_t>(ConfigEeprom::kSizeBytes + 1)), std::length_error);
}

TEST(ConfigEeprom, HoldsAReferenceConfigurationImageByteForByte) {
  bms_config config{reference_default_config()};
  config.cell_undervoltage_mv = 2700;
  const std::vector<std::uint8_t> image{config_eeprom_image(config)};
  ConfigEeprom eeprom;
  eeprom.program(image);
  bms_config decoded{};
  ASSERT_EQ(bms_config_image_decode(eeprom.contents().data(), image.size(), &decoded), BMS_CONFIG_IMAGE_OK);
  EXPECT_EQ(decoded.cell_undervoltage_mv, 2700U);
}

// ---- CAN ----

TEST(FirmwareHostCan, SentFramesAreTimestampedAndDeliveredToTheOtherNodes) {
  HostBench b;
  Sniffer sniffer;
  b.bus.attach(sniffer);
  b.clock.advance_to(1234 * kNsPerMs);
  const bms_can_frame f{frame(0x351, {1, 2, 3})};
  ASSERT_EQ(b.hal.can_send(b.hal.host, &f), BMS_HAL_OK);
  ASSERT_EQ(sniffer.heard.size(), 1U);
  EXPECT_EQ(sniffer.heard[0].time_ns, 1234 * kNsPerMs);
  EXPECT_EQ(b.bus.node_name(sniffer.heard[0].sender), "bms");
  EXPECT_EQ(b.bus.records().size(), 1U);
  bms_can_frame none{};
  EXPECT_EQ(b.hal.can_receive(b.hal.host, &none), 0);  // a node does not hear itself
  bms_can_frame bad{frame(0x800, {})};                 // beyond 11 bits
  EXPECT_EQ(b.hal.can_send(b.hal.host, &bad), BMS_HAL_BUS_ERROR);
}

TEST(FirmwareHostCan, FramesFromOtherNodesQueueAndTheOldestIsDroppedWhenFull) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  FirmwareHost host{clock, bus, FirmwareHost::Options{.can_receive_capacity = 2}};
  Sniffer other;
  bus.attach(other);
  for (std::uint8_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(bus.send(other, frame(0x305, {i})));
  }
  EXPECT_EQ(host.can_receive_overruns(), 1U);
  bms_can_frame got{};
  const bms_hal& hal{host.hal()};
  ASSERT_EQ(hal.can_receive(hal.host, &got), 1);
  EXPECT_EQ(got.data[0], 1);
  ASSERT_EQ(hal.can_receive(hal.host, &got), 1);
  EXPECT_EQ(got.data[0], 2);
  EXPECT_EQ(hal.can_receive(hal.host, &got), 0);
}

TEST(CanBus, WritesACandumpLog) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  Sniffer a;
  bus.attach(a);
  clock.advance_to(3 * kNsPerS + 250 * sim::kNsPerUs);
  ASSERT_TRUE(bus.send(a, frame(0x35C, {0xC0, 0x00})));
  std::ostringstream log;
  bus.write_candump(log, "vcan0");
  EXPECT_EQ(log.str(), "(3.000250) vcan0 35C#C000\n");
}

// ---- UART, GPIO, time, log ----

TEST(FirmwareHostUart, BytesQueueBothWaysUpToTheirCapacity) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  FirmwareHost host{clock, bus, FirmwareHost::Options{.uart_capacity = 4}};
  const bms_hal& hal{host.hal()};
  const std::vector<std::uint8_t> request{1, 2, 3, 4, 5};
  EXPECT_EQ(host.uart_send_to_firmware(request), 4U);
  std::uint8_t in[8]{};
  EXPECT_EQ(hal.uart_read(hal.host, in, 3), 3U);
  EXPECT_EQ(in[2], 3);
  EXPECT_EQ(hal.uart_read(hal.host, in, 8), 1U);
  EXPECT_EQ(hal.uart_read(hal.host, in, 8), 0U);
  const std::uint8_t answer[6]{9, 8, 7, 6, 5, 4};
  EXPECT_EQ(hal.uart_write(hal.host, answer, sizeof answer), 4U);  // never blocks: takes what fits
  EXPECT_EQ(host.uart_take_from_firmware(), (std::vector<std::uint8_t>{9, 8, 7, 6}));
  EXPECT_TRUE(host.uart_take_from_firmware().empty());
}

TEST(FirmwareHostGpio, InputsFollowTheirSourceUnlessForcedAndOutputsReadBack) {
  HostBench b;
  int alert{0};
  b.host.set_gpio_source(BMS_GPIO_AFE_ALERT, [&] { return alert; });
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, BMS_GPIO_AFE_ALERT), 0);
  alert = 1;
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, BMS_GPIO_AFE_ALERT), 1);
  b.host.force_gpio(BMS_GPIO_AFE_ALERT, 0);
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, BMS_GPIO_AFE_ALERT), 0);
  b.host.force_gpio(BMS_GPIO_AFE_ALERT, -1);
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, BMS_GPIO_AFE_ALERT), 1);
  b.hal.gpio_write(b.hal.host, BMS_GPIO_STATUS_LED, 1);
  EXPECT_EQ(b.host.gpio_output(BMS_GPIO_STATUS_LED), 1);
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, BMS_GPIO_STATUS_LED), 1);
  EXPECT_EQ(b.hal.gpio_read(b.hal.host, 99), 0);  // a pin the board does not have
}

TEST(FirmwareHostTime, MillisIsVirtualTimeSinceBootAndWrapsAt32Bits) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  FirmwareHost host{clock, bus, FirmwareHost::Options{.millis_offset_ms = 0xFFFFFFFFU - 5U}};
  const bms_hal& hal{host.hal()};
  EXPECT_EQ(hal.millis(hal.host), 0xFFFFFFFFU - 5U);
  clock.advance_to(5 * kNsPerMs + 999'999);  // whole milliseconds only
  EXPECT_EQ(hal.millis(hal.host), 0xFFFFFFFFU);
  clock.advance_to(16 * kNsPerMs);
  EXPECT_EQ(hal.millis(hal.host), 10U);
  host.power_cycle();  // the MCU counts from its boot again
  EXPECT_EQ(hal.millis(hal.host), 0xFFFFFFFFU - 5U);
}

TEST(FirmwareHostLog, LinesKeepTheirVirtualTime) {
  HostBench b;
  b.clock.advance_to(2 * kNsPerS);
  b.hal.log(b.hal.host, "state startup -> normal");
  ASSERT_EQ(b.host.log_lines().size(), 1U);
  EXPECT_EQ(b.host.log_lines()[0].time_ns, 2 * kNsPerS);
  EXPECT_NE(b.host.log_text().find("2.000000 s] state startup -> normal"), std::string::npos);
}

// A firmware that logs 16 KiB a tick once grew packsim to a gigabyte: the log
// keeps a bounded window of lines and bytes, cuts long lines, and counts
// what it dropped.
TEST(FirmwareHostLog, AFloodingFirmwareCostsABoundedWindowAndTheDropsAreCounted) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  FirmwareHost host{clock, bus,
                    FirmwareHost::Options{.log_capacity = 1000, .log_capacity_bytes = 64 * 1024, .log_line_max_bytes = 1024}};
  const bms_hal& hal{host.hal()};
  const std::string flood(16 * 1024, 'x');
  for (int tick = 0; tick < 10'000; ++tick) hal.log(hal.host, flood.c_str());
  std::size_t bytes{0};
  for (const HostLogLine& line : host.log_lines()) bytes += line.text.size();
  EXPECT_LE(bytes, 64U * 1024U);
  EXPECT_EQ(host.log_lines().back().text, std::string(1024, 'x') + " [cut]");
  EXPECT_EQ(host.log_cut(), 10'000U);
  EXPECT_EQ(host.log_dropped() + host.log_lines().size(), 10'000U);
  for (int line = 0; line < 5000; ++line) hal.log(hal.host, "short");
  EXPECT_EQ(host.log_lines().size(), 1000U) << "the line window";
  EXPECT_NE(host.log_text(2000).find("earlier lines dropped"), std::string::npos);
}

// ---- The firmware's tick on the scheduler ----

struct FakeFirmwareCalls {
  const bms_hal* hal{nullptr};
  int init_result{0};
  std::vector<std::uint32_t> init_millis;
  std::vector<std::uint32_t> tick_millis;
} fake;

const bms_firmware_info* fake_info() {
  static const bms_firmware_info info{BMS_HAL_VERSION, "fake", "0", 10};
  return &info;
}
int fake_init(const bms_hal* hal) {
  fake.hal = hal;
  fake.init_millis.push_back(hal->millis(hal->host));
  return fake.init_result;
}
void fake_tick() { fake.tick_millis.push_back(fake.hal->millis(fake.hal->host)); }

TEST(FirmwareComponent, InitAtItsStartThenATickEveryPeriodExactly) {
  fake = FakeFirmwareCalls{};
  HostBench b;
  const hal::Firmware firmware{hal::wrap_firmware({fake_info, fake_init, fake_tick}, "fake")};
  FirmwareComponent component{firmware, b.host, 20 * kNsPerMs};
  sim::Scheduler scheduler{b.clock};
  scheduler.add(component, 0);
  scheduler.run_until(75 * kNsPerMs);
  EXPECT_EQ(fake.init_millis, (std::vector<std::uint32_t>{0}));  // millis counts from the boot
  EXPECT_EQ(fake.tick_millis, (std::vector<std::uint32_t>{10, 20, 30, 40, 50}));
  component.restart();  // at 75 ms
  scheduler.run_until(100 * kNsPerMs);
  EXPECT_EQ(fake.init_millis, (std::vector<std::uint32_t>{0, 0}));
  EXPECT_EQ(fake.tick_millis.back(), 20U);  // ticks at 85 and 95 ms
  EXPECT_EQ(component.ticks(), 7U);
  EXPECT_EQ(component.boots(), 2U);
}

TEST(FirmwareComponent, AFirmwareWhoseInitFailsIsNotTicked) {
  fake = FakeFirmwareCalls{};
  fake.init_result = -3;
  HostBench b;
  const hal::Firmware firmware{hal::wrap_firmware({fake_info, fake_init, fake_tick}, "fake")};
  FirmwareComponent component{firmware, b.host};
  sim::Scheduler scheduler{b.clock};
  scheduler.add(component, 0);
  scheduler.run_until(100 * kNsPerMs);
  EXPECT_EQ(component.init_result(), -3);
  EXPECT_TRUE(fake.tick_millis.empty());
}

// ---- The inverter ----

TEST(InverterNode, SendsItsHeartbeatOnAFixedGridThatSurvivesADrop) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  Sniffer bms;
  bus.attach(bms);
  InverterNode inverter{bus};
  sim::Scheduler scheduler{clock};
  scheduler.add(inverter, 0);
  scheduler.run_until(2 * kNsPerS);  // 0.5, 1.5
  inverter.set_heartbeat_enabled(false);
  scheduler.run_until(4 * kNsPerS);  // 2.5, 3.5 dropped
  inverter.set_heartbeat_enabled(true);
  scheduler.run_until(5 * kNsPerS);  // 4.5
  std::vector<sim::TimeNs> times;
  for (const CanRecord& r : bms.heard) {
    EXPECT_EQ(r.frame.id, PYLON_ID_INVERTER_HEARTBEAT);
    times.push_back(r.time_ns);
  }
  EXPECT_EQ(times, (std::vector<sim::TimeNs>{500 * kNsPerMs, 1500 * kNsPerMs, 4500 * kNsPerMs}));
  EXPECT_EQ(inverter.heartbeats_sent(), 3U);
}

TEST(InverterNode, KeepsTheLatestDecodedValuesAndWhenTheyArrived) {
  sim::VirtualClock clock;
  CanBus bus{clock};
  Sniffer bms;
  bus.attach(bms);
  InverterNode inverter{bus};
  pylon_status status{};
  status.limits = {56.8f, 4.6f, 20.0f, 44.8f};
  status.alarms.protection = PYLON_ALARM_UNDERVOLTAGE;
  status.request_flags = PYLON_REQUEST_CHARGE_ENABLE;
  bms_can_frame set[PYLON_FRAME_SET_SIZE];
  (void)pylon_encode_frame_set(&status, set);
  clock.advance_to(7 * kNsPerS);
  for (const bms_can_frame& f : set) {
    ASSERT_TRUE(bus.send(bms, f));
  }
  ASSERT_TRUE(inverter.limits().seen());
  EXPECT_EQ(inverter.limits().time_ns, 7 * kNsPerS);
  EXPECT_NEAR(inverter.limits().value.discharge_current_limit_a, 20.0, 1e-3);
  EXPECT_EQ(inverter.alarms().value.protection, PYLON_ALARM_UNDERVOLTAGE);
  EXPECT_EQ(inverter.request_flags().value, PYLON_REQUEST_CHARGE_ENABLE);
  EXPECT_EQ(inverter.limits_history().size(), 1U);
  EXPECT_FALSE(InverterNode{bus}.limits().seen());
}

// ---- The service tool ----

// Plays a BMS behind the host's UART: answers each request with `answer`.
struct FakeServicePort {
  HostBench bench;
  std::function<bool(const jbd_request&, jbd_response&)> answer;  // false: stay silent
  jbd_parser parser{};
  int polls{0};

  FakeServicePort() { jbd_parser_init(&parser, JBD_PARSE_REQUESTS); }

  void advance(sim::TimeNs dt) {
    ++polls;
    bench.clock.advance_to(bench.clock.now() + dt);
    const bms_hal& hal{bench.hal};
    std::uint8_t byte{0};
    while (hal.uart_read(hal.host, &byte, 1) == 1) {
      std::size_t used{0};
      if (jbd_parser_feed(&parser, &byte, 1, &used)) {
        jbd_request request{};
        jbd_response response{};
        if (jbd_decode_request_frame(parser.frame, parser.frame_len, &request) == JBD_OK &&
            answer(request, response)) {
          std::uint8_t out[JBD_MAX_FRAME_LEN];
          const std::size_t n{jbd_encode_response_frame(&response, out, sizeof out)};
          (void)hal.uart_write(hal.host, out, n);
        }
      }
    }
  }
};

TEST(ServiceTool, DecodesBasicInfoFromTheAnswer) {
  FakeServicePort port;
  port.answer = [](const jbd_request& request, jbd_response& response) {
    jbd_basic_info info{};
    info.pack_voltage_v = 52.0f;
    info.protection_status = JBD_PROTECT_CELL_UNDERVOLTAGE;
    info.fet_status = JBD_FET_CHARGE_ON;
    info.cell_count = 16;
    EXPECT_EQ(request.command, JBD_CMD_BASIC_INFO);
    return jbd_encode_basic_info(&info, &response) == JBD_OK;
  };
  ServiceTool tool{port.bench.host, [&](sim::TimeNs dt) { port.advance(dt); }};
  const ServiceReply<jbd_basic_info> reply{tool.read_basic_info()};
  ASSERT_TRUE(reply.ok()) << reply.detail;
  EXPECT_EQ(reply.value.protection_status, JBD_PROTECT_CELL_UNDERVOLTAGE);
  EXPECT_EQ(reply.value.fet_status, JBD_FET_CHARGE_ON);
  EXPECT_EQ(reply.answered_ns, 10 * kNsPerMs);
}

TEST(ServiceTool, ReportsTheErrorStatusOfARefusedReset) {
  FakeServicePort port;
  port.answer = [](const jbd_request& request, jbd_response& response) {
    jbd_encode_status_response(request.command, JBD_STATUS_ERROR, &response);
    return true;
  };
  ServiceTool tool{port.bench.host, [&](sim::TimeNs dt) { port.advance(dt); }};
  const ServiceReply<jbd_response> reply{tool.reset_faults()};
  EXPECT_EQ(reply.error, ServiceError::kErrorStatus);
  EXPECT_EQ(reply.value.command, JBD_CMD_MOS_CONTROL);
}

TEST(ServiceTool, TimesOutAfterItsPollBudget) {
  FakeServicePort port;
  port.answer = [](const jbd_request&, jbd_response&) { return false; };
  ServiceTool tool{port.bench.host, [&](sim::TimeNs dt) { port.advance(dt); },
                   ServiceTool::Options{.poll_period_ns = 10 * kNsPerMs, .timeout_polls = 7}};
  const ServiceReply<jbd_cell_voltages> reply{tool.read_cell_voltages()};
  EXPECT_EQ(reply.error, ServiceError::kTimeout);
  EXPECT_EQ(port.polls, 7);
  EXPECT_EQ(port.bench.clock.now(), 70 * kNsPerMs);
}

}  // namespace
}  // namespace packsim::hil
