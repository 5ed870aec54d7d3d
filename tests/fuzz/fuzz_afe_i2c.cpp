// libFuzzer target: the emulated bq76952's I2C target (sim/hil/afe_i2c_target.h
// over bms_under_test/afe) driven as a hostile firmware would drive it: the
// input is a program of transactions (raw writes and reads to any address and
// of any length, register reads with a repeated START, subcommands, data
// memory writes with a right or wrong checksum, transfer-buffer reads) with
// virtual time advancing between them while the pins hold a plausible pack.
// The chip must answer every transaction with a HAL code, never fault, and
// keep its clock moving forward.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/crc8.h"
#include "bms_under_test/hal/bms_hal.h"
#include "sim/hil/afe_i2c_target.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using packsim::fuzz::FuzzInput;
namespace afe = packsim::afe;

constexpr std::uint8_t kAddress{0x08};
// Mostly lengths a driver uses; sometimes longer than any register run.
constexpr std::size_t kMaxTransfer{80};

// The subcommands the chip knows (bms_under_test/afe/subcommands.h) and the
// data memory's range, so that a few input bytes reach each.
constexpr std::array<std::uint16_t, 33> kSubcommands{
    0x0001, 0x0002, 0x0003, 0x000E, 0x000F, 0x0010, 0x0012, 0x001C, 0x001E, 0x001F, 0x0020,
    0x0022, 0x0024, 0x0057, 0x0071, 0x0072, 0x0073, 0x0074, 0x0083, 0x0085, 0x0090, 0x0092,
    0x0093, 0x0094, 0x0095, 0x0096, 0x0097, 0x0099, 0x009A, 0x009B, 0x009C, 0x29BC, 0x7695};
constexpr std::uint16_t kDataMemoryFirst{0x9180};
constexpr std::uint16_t kDataMemoryEnd{0x9400};
constexpr packsim::sim::TimeNs kVirtualTimeBudgetNs{30 * packsim::sim::kNsPerS};

int check_result(int result) {
  if (result != BMS_HAL_OK && result != BMS_HAL_NACK) {
    packsim::fuzz::fuzz_finding("the AFE answered a transaction with neither OK nor NACK");
  }
  return result;
}

class Rig {
 public:
  explicit Rig(std::uint8_t setup) : chip_{config(setup)}, target_{chip_} {
    pins_.cell_v.fill(3.3);
    update_stack();
  }

  std::uint8_t address(FuzzInput& in) {
    const std::uint8_t b{in.u8()};
    return (b & 0x80u) != 0 ? static_cast<std::uint8_t>(b & 0x7Fu) : kAddress;
  }

  // Register, then data bytes, with the CRC bytes CRC mode wants.
  int write_registers(std::uint8_t reg, const std::vector<std::uint8_t>& values) {
    std::vector<std::uint8_t> frame{reg};
    const bool crc{chip_.state().crc};
    bool first{true};
    for (const std::uint8_t value : values) {
      frame.push_back(value);
      if (crc) {
        frame.push_back(first ? afe::crc8_update(afe::crc8_update(afe::crc8_update(0, kAddress << 1), reg), value)
                              : afe::crc8_update(0, value));
      }
      first = false;
    }
    return check_result(target_.write(kAddress, frame.data(), frame.size()));
  }

  int read_registers(std::uint8_t reg, std::size_t length) {
    std::vector<std::uint8_t> buffer(length * (chip_.state().crc ? 2 : 1));
    const int wrote{check_result(target_.write(kAddress, &reg, 1))};
    if (wrote != BMS_HAL_OK) return wrote;
    return check_result(target_.read(kAddress, buffer.data(), buffer.size()));
  }

  packsim::sim::TimeNs now_ns() const { return chip_.now_ns(); }

  void step(FuzzInput& in) {
    switch (in.u8() % 9) {
      case 0: {  // raw write: anything a firmware could put on the bus
        const std::uint8_t to{address(in)};
        std::size_t got{0};
        const std::uint8_t* data{in.bytes(in.u8() % kMaxTransfer, got)};
        check_result(target_.write(to, got == 0 ? nullptr : data, got));
        break;
      }
      case 1: {  // raw read from wherever the pointer is
        const std::uint8_t from{address(in)};
        std::vector<std::uint8_t> buffer(in.u8() % kMaxTransfer);
        check_result(target_.read(from, buffer.data(), buffer.size()));
        break;
      }
      case 2: {  // register read with a repeated START (the driver's read_registers)
        const std::uint8_t reg{in.u8()};
        read_registers(reg, 1 + in.u8() % 34);
        break;
      }
      case 3: {  // a subcommand, known or not
        const std::uint8_t pick{in.u8()};
        const std::uint16_t code{pick < 0xC0 ? kSubcommands[pick % kSubcommands.size()] : in.u16()};
        write_registers(0x3E, {static_cast<std::uint8_t>(code & 0xFF), static_cast<std::uint8_t>(code >> 8)});
        break;
      }
      case 4: {  // a data memory or subcommand-data write: address, buffer, checksum and length
        const std::uint8_t how{in.u8()};
        std::uint16_t where{in.u16()};
        if ((how & 1u) == 0) where = static_cast<std::uint16_t>(kDataMemoryFirst + where % (kDataMemoryEnd - kDataMemoryFirst));
        std::size_t got{0};
        const std::uint8_t* data{in.bytes(1 + in.u8() % 32, got)};
        std::vector<std::uint8_t> values(data, data + got);
        write_registers(0x3E, {static_cast<std::uint8_t>(where & 0xFF), static_cast<std::uint8_t>(where >> 8)});
        if (!values.empty()) write_registers(0x40, values);
        std::uint32_t sum{static_cast<std::uint32_t>((where & 0xFF) + (where >> 8))};
        for (const std::uint8_t v : values) sum += v;
        std::uint8_t checksum{static_cast<std::uint8_t>(~sum & 0xFF)};
        std::uint8_t length{static_cast<std::uint8_t>(values.size() + 4)};
        if ((how & 2u) != 0) checksum = static_cast<std::uint8_t>(checksum ^ in.u8());  // wrong, maybe
        if ((how & 4u) != 0) length = in.u8();
        write_registers(0x60, {checksum, length});
        break;
      }
      case 5: {  // a subcommand's answer: the echo, checksum and length, then the buffer
        read_registers(0x3E, 2);
        read_registers(0x60, 2);
        read_registers(0x40, 1 + in.u8() % 32);
        break;
      }
      case 6:  // time passes: up to 25.5 s (255 steps of 1 us, 1 ms, 10 ms or 100 ms)
        advance(in, 0);
        break;
      case 7:  // time passes to the chip's next event
        advance(in, 1);
        break;
      default: {  // the pack changes under the chip (cells, current, temperatures), then time passes
        const std::uint8_t cell{static_cast<std::uint8_t>(in.u8() % afe::kCellInputs)};
        pins_.cell_v[cell] = 1.5 + in.u8() * (3.0 / 255.0);
        pins_.sense_v = (static_cast<std::int8_t>(in.u8())) * 1e-3;
        pins_.pin_temp_c[afe::kTs1Pin] = -40.0 + in.u8() * 0.6;
        pins_.die_temp_c = -40.0 + in.u8() * 0.6;
        pins_.ld_load_ohm = (in.u8() & 1u) != 0 ? 10.0 : std::numeric_limits<double>::infinity();
        update_stack();
        advance(in, 0);
        break;
      }
    }
  }

 private:
  static afe::Bq76952Config config(std::uint8_t setup) {
    afe::Bq76952Config config;
    config.seed = setup;
    config.subcommand_latency_ns = (setup & 1u) != 0 ? 2 * packsim::sim::kNsPerMs : 0;
    return config;
  }

  void update_stack() {
    double stack{0.0};
    for (const double v : pins_.cell_v) stack += v;
    pins_.stack_v = stack;
    pins_.pack_v = stack;
    pins_.ld_v = stack;
  }

  void advance(FuzzInput& in, int how) {
    const packsim::sim::TimeNs before{chip_.now_ns()};
    packsim::sim::TimeNs to{before};
    if (how == 1) {
      const packsim::sim::TimeNs next{chip_.next_event_ns()};
      to = next == packsim::sim::kNoEvent ? before + packsim::sim::kNsPerMs : next;
      PACKSIM_FUZZ_CHECK(to > before);
    } else {
      // Mostly what a firmware's tick spans (microseconds to milliseconds);
      // now and then seconds, where sleep, DEEPSLEEP and SHUTDOWN timing live.
      // Virtual time costs wall time (every conversion runs), so long steps
      // are the exception.
      static constexpr std::array<packsim::sim::TimeNs, 8> kUnits{1'000,      1'000,      1'000,      1'000'000,
                                                                  1'000'000,  1'000'000,  10'000'000, 100'000'000};
      const std::uint8_t unit{in.u8()};
      to = before + static_cast<packsim::sim::TimeNs>(in.u8()) * kUnits[unit % kUnits.size()];
    }
    // An input spans at most kVirtualTimeBudgetNs: every conversion of the
    // chip runs, so hours of virtual time take seconds and starve the fuzzer.
    // Half a minute holds the chip's timed behaviour at its defaults (sleep
    // entry, the DEEPSLEEP/SHUTDOWN windows and delays, protection delays and
    // recoveries); past it transactions go on at the same instant.
    if (to > kVirtualTimeBudgetNs) {
      to = std::max(before, kVirtualTimeBudgetNs);
    }
    chip_.advance_to(to, pins_);
    PACKSIM_FUZZ_CHECK(chip_.now_ns() == to);
    const packsim::sim::TimeNs next{chip_.next_event_ns()};
    PACKSIM_FUZZ_CHECK(next == packsim::sim::kNoEvent || next > to);
  }

  afe::Bq76952 chip_;
  packsim::hil::AfeI2cTarget target_;
  afe::AnalogInputs pins_{};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in{data, size};
  Rig rig{in.u8()};
  int steps{0};
  for (; !in.empty(); ++steps) rig.step(in);
  if (packsim::fuzz::verbose()) {
    packsim::fuzz::note(std::to_string(steps) + " steps over " + std::to_string(rig.now_ns() / 1'000'000) +
                        " ms of virtual time");
  }
  return 0;
}
