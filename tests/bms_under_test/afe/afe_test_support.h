#pragma once

// A minimal host for the emulated bq76952, written the way a firmware driver
// talks to the real chip: I2C transactions only (direct commands, subcommands
// through 0x3E/0x40/0x60, data memory in CONFIG_UPDATE mode).

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/crc8.h"
#include "bms_under_test/afe/register_map.h"
#include "bms_under_test/afe/subcommands.h"

namespace packsim::afe::testing {

inline constexpr std::uint8_t kAddress{0x08};

// Pins of a healthy 16S pack at rest.
inline AnalogInputs nominal_pins(double cell_v = 3.3) {
  AnalogInputs pins;
  pins.cell_v.fill(cell_v);
  pins.stack_v = 16.0 * cell_v;
  pins.pack_v = pins.stack_v;
  pins.ld_v = pins.stack_v;
  return pins;
}

inline Bq76952Config ideal_config(std::uint64_t seed = 7) {
  Bq76952Config config;
  config.seed = seed;
  config.adc = AdcErrorConfig::ideal();
  return config;
}

class Host {
 public:
  explicit Host(Bq76952& afe) : afe_{afe} {}

  bool crc{false};

  I2cStatus write_bytes(std::uint8_t reg, const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> frame{reg};
    for (std::size_t i = 0; i < data.size(); ++i) {
      frame.push_back(data[i]);
      if (crc) {
        frame.push_back(i == 0 ? crc_first(reg, data[0]) : crc8_update(0, data[i]));
      }
    }
    return afe_.write(kAddress, frame.data(), frame.size());
  }

  // Register pointer write, then an n-byte read (CRC checked and stripped).
  std::vector<std::uint8_t> read_bytes(std::uint8_t reg, std::size_t n, I2cStatus* status = nullptr) {
    const std::uint8_t pointer[1]{reg};
    I2cStatus s{afe_.write(kAddress, pointer, 1)};
    std::vector<std::uint8_t> raw(crc ? 2 * n : n);
    if (s.ok()) {
      s = afe_.read(kAddress, raw.data(), raw.size());
    }
    if (status != nullptr) {
      *status = s;
    }
    if (!crc) {
      return raw;
    }
    std::vector<std::uint8_t> data(n);
    for (std::size_t i = 0; i < n; ++i) {
      data[i] = raw[2 * i];
      const std::uint8_t expected{i == 0 ? crc8_update(crc8_update(crc8_update(crc8_update(0, kAddress << 1), reg),
                                                                   (kAddress << 1) | 1),
                                                       data[0])
                                         : crc8_update(0, data[i])};
      crc_errors += raw[2 * i + 1] != expected ? 1 : 0;
    }
    return data;
  }

  std::uint8_t read_u8(std::uint8_t reg) { return read_bytes(reg, 1)[0]; }
  std::uint16_t read_u16(std::uint8_t reg) {
    const auto b = read_bytes(reg, 2);
    return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  }
  std::int16_t read_i16(std::uint8_t reg) { return static_cast<std::int16_t>(read_u16(reg)); }

  void subcommand(std::uint16_t code) {
    ASSERT_TRUE(write_bytes(command::kSubcommandLow, {static_cast<std::uint8_t>(code), static_cast<std::uint8_t>(code >> 8)}).ok());
  }

  std::vector<std::uint8_t> subcommand_read(std::uint16_t code, std::size_t n) {
    subcommand(code);
    return read_bytes(command::kTransferBuffer, n);
  }
  std::uint16_t subcommand_read_u16(std::uint16_t code) {
    const auto b = subcommand_read(code, 2);
    return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  }

  // Subcommand or data memory write with the checksum and length the TRM requires.
  void subcommand_write(std::uint16_t code, const std::vector<std::uint8_t>& data, int checksum_error = 0,
                        int length_error = 0) {
    subcommand(code);
    ASSERT_TRUE(write_bytes(command::kTransferBuffer, data).ok());
    const std::uint8_t checksum{static_cast<std::uint8_t>(transfer_checksum(code, data.data(), data.size()) + checksum_error)};
    const std::uint8_t length{static_cast<std::uint8_t>(transfer_length(data.size()) + length_error)};
    ASSERT_TRUE(write_bytes(command::kTransferChecksum, {checksum, length}).ok());
  }

  void dm_write_u1(std::uint16_t address, std::uint8_t v) { subcommand_write(address, {v}); }
  void dm_write_u2(std::uint16_t address, std::uint16_t v) {
    subcommand_write(address, {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
  }
  void dm_write_i2(std::uint16_t address, std::int16_t v) { dm_write_u2(address, static_cast<std::uint16_t>(v)); }
  void dm_write_i1(std::uint16_t address, std::int8_t v) { dm_write_u1(address, static_cast<std::uint8_t>(v)); }
  void dm_write_f4(std::uint16_t address, float v) {
    const auto raw = std::bit_cast<std::uint32_t>(v);
    subcommand_write(address, {static_cast<std::uint8_t>(raw), static_cast<std::uint8_t>(raw >> 8),
                               static_cast<std::uint8_t>(raw >> 16), static_cast<std::uint8_t>(raw >> 24)});
  }
  std::uint8_t dm_read_u1(std::uint16_t address) { return subcommand_read(address, 1)[0]; }
  std::uint16_t dm_read_u2(std::uint16_t address) { return subcommand_read_u16(address); }

  // Writes a set of settings the way firmware does: SET_CFGUPDATE, writes, EXIT_CFGUPDATE.
  template <typename F>
  void configure(F&& writes) {
    subcommand(subcommand::kSetCfgUpdate);
    writes(*this);
    subcommand(subcommand::kExitCfgUpdate);
  }

  int crc_errors{0};

 private:
  static std::uint8_t crc_first(std::uint8_t reg, std::uint8_t data) {
    return crc8_update(crc8_update(crc8_update(0, kAddress << 1), reg), data);
  }

  Bq76952& afe_;
};

// A chip, its pins and its host on one virtual clock.
struct Rig {
  explicit Rig(Bq76952Config config = ideal_config()) : afe{std::move(config)}, host{afe} {}

  // The pins as set now apply from now on (advance_to holds the previous ones until its end time).
  void run_for(sim::TimeNs dt) { run_to(afe.now_ns() + dt); }
  void run_to(sim::TimeNs t) {
    afe.advance_to(afe.now_ns(), pins);
    afe.advance_to(t, pins);
  }
  // Boots the chip (first measurement loop) and leaves it in normal operation
  // with autonomous FET control, sleep disabled: what a firmware's init does.
  void boot_with_fets_enabled() {
    run_for(100 * sim::kNsPerMs);
    host.subcommand(subcommand::kFetEnable);
    host.subcommand(subcommand::kSleepDisable);
    run_for(100 * sim::kNsPerMs);
  }
  std::uint8_t status_a() { return host.read_u8(command::kSafetyStatusA); }
  std::uint8_t alert_a() { return host.read_u8(command::kSafetyAlertA); }

  AnalogInputs pins{nominal_pins()};
  Bq76952 afe;
  Host host;
};

}  // namespace packsim::afe::testing
