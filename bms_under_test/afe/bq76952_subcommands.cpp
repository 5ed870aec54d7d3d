// Subcommands through 0x3E/0x3F, the transfer buffer, checksum and length
// (TRM 3.1 and the subcommand table of chapter 13), data memory access.
#include <algorithm>
#include <bit>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/subcommands.h"

namespace packsim::afe {

namespace {

using sim::kNoEvent;
using sim::TimeNs;
using namespace timing;

}  // namespace

// ---------------------------------------------------------------------------
// Subcommands (TRM 3.1, chapter 13)

void Bq76952::respond(const std::uint8_t* data, std::size_t n) {
  Bq76952State& s{state_};
  std::copy(data, data + n, s.transfer.begin());
  s.transfer_length = transfer_length(n);
  s.transfer_checksum = transfer_checksum(s.subcommand, data, n);
}

void Bq76952::respond_u16(std::uint16_t value) {
  const std::uint8_t bytes[2]{static_cast<std::uint8_t>(value & 0xFFU), static_cast<std::uint8_t>(value >> 8U)};
  respond(bytes, 2);
}

void Bq76952::on_subcommand(std::uint16_t code) {
  Bq76952State& s{state_};
  s.subcommand_busy_until_ns = s.now_ns + config_.subcommand_latency_ns;
  s.transfer_length = transfer_length(0);
  s.transfer_checksum = transfer_checksum(code, nullptr, 0);
  if (code != subcommand::kDeepSleep) {
    s.deepsleep_first_command_ns = kNoEvent;
  }
  if (code != subcommand::kShutdown) {
    s.shutdown_first_command_ns = kNoEvent;
  }
  if (is_data_memory_address(code)) {
    // A data memory read: the transfer buffer fills with 32 bytes from the
    // address, length 0x24 (TRM 3.1 example).
    std::uint8_t block[32];
    s.data_memory.read_block(code, block, sizeof block);
    respond(block, sizeof block);
    return;
  }
  switch (code) {
    case subcommand::kDeviceNumber:
      respond_u16(kDeviceNumber);
      return;
    case subcommand::kFwVersion: {
      // Device number, firmware version, build, big-endian (TRM 13.x). The
      // version and build numbers are placeholders (not the real ROM's).
      const std::uint8_t bytes[6]{0x76, 0x95, 0x01, 0x00, 0x00, 0x01};
      respond(bytes, sizeof bytes);
      return;
    }
    case subcommand::kHwVersion:
      respond_u16(0x0002);  // placeholder: the TRM gives no value
      return;
    case subcommand::kMfgStatus:
      respond_u16(s.mfg_status);
      return;
    case subcommand::kCbActiveCells:
      respond_u16(s.cb_active_cells);
      return;
    case subcommand::kCbStatus1: {
      const TimeNs active_ns{s.balancing_since_ns == kNoEvent ? 0 : s.now_ns - s.balancing_since_ns};
      respond_u16(static_cast<std::uint16_t>(std::min<TimeNs>(active_ns / sim::kNsPerS, 0xFFFF)));
      return;
    }
    case subcommand::kDaStatus1:
    case subcommand::kDaStatus2:
    case subcommand::kDaStatus3:
    case subcommand::kDaStatus4: {
      // Four cells a block: 32-bit voltage counts then the 32-bit current counts
      // taken with them (TRM 4.5).
      const std::size_t first{static_cast<std::size_t>(code - subcommand::kDaStatus1) * 4};
      std::uint8_t block[32];
      for (std::size_t c = 0; c < 4; ++c) {
        const auto v = static_cast<std::uint32_t>(s.adc.cell_counts[first + c]);
        const auto i = static_cast<std::uint32_t>(s.adc.cc2_counts);
        for (std::size_t b = 0; b < 4; ++b) {
          block[c * 8 + b] = static_cast<std::uint8_t>(v >> (8U * b));
          block[c * 8 + 4 + b] = static_cast<std::uint8_t>(i >> (8U * b));
        }
      }
      respond(block, sizeof block);
      return;
    }
    case subcommand::kFetControl:
      return;  // waits for its data byte
    default:
      execute_command_only(code);
      return;
  }
}

void Bq76952::execute_command_only(std::uint16_t code) {
  Bq76952State& s{state_};
  const bool fet_commands{host_fet_control_allowed()};
  switch (code) {
    case subcommand::kReset: {
      power_on_reset();
      state_.subcommand = code;
      return;
    }
    case subcommand::kExitDeepSleep:
      if (s.mode == PowerMode::kDeepSleep) {
        exit_deepsleep();
      }
      return;
    case subcommand::kDeepSleep:
      // Twice in a row within 4 s (TRM 7.4).
      if (s.deepsleep_first_command_ns != kNoEvent && s.now_ns - s.deepsleep_first_command_ns <= kDoubleCommandWindowNs) {
        s.deepsleep_first_command_ns = kNoEvent;
        enter_deepsleep();
      } else {
        s.deepsleep_first_command_ns = s.now_ns;
      }
      return;
    case subcommand::kShutdown:
      // One SHUTDOWN() starts the sequence with FET Off Delay and Shutdown
      // Command Delay; a second within 4 s skips the delays (the TRM's text for
      // this part is not confirmed here; the gauges' convention is used).
      if (s.shutdown_first_command_ns != kNoEvent && s.now_ns - s.shutdown_first_command_ns <= kDoubleCommandWindowNs) {
        s.shutdown_first_command_ns = kNoEvent;
        start_shutdown(true);
      } else {
        s.shutdown_first_command_ns = s.now_ns;
        start_shutdown(false);
      }
      return;
    case subcommand::kFetEnable: {
      // Toggles Mfg Status[FET_EN] and keeps Mfg Status Init in step with it.
      s.mfg_status = static_cast<std::uint16_t>(s.mfg_status ^ bits::kFetEn);
      s.fet_test = 0;
      const std::uint16_t init{static_cast<std::uint16_t>((s.data_memory.u2(dm::kMfgStatusInit) & ~bits::kFetEn) |
                                                          (s.mfg_status & bits::kFetEn))};
      s.data_memory.set(dm::kMfgStatusInit, init);
      s.settings.mfg_status_init = init;
      return;
    }
    case subcommand::kPfEnable:
      s.mfg_status = static_cast<std::uint16_t>(s.mfg_status ^ bits::kPfEn);
      return;
    case subcommand::kChgTest:
    case subcommand::kDsgTest:
    case subcommand::kPchgTest:
    case subcommand::kPdsgTest: {
      if ((s.mfg_status & bits::kFetEn) != 0) {
        return;  // only in FET test mode
      }
      const std::uint16_t bit{code == subcommand::kChgTest    ? bits::kChgTest
                              : code == subcommand::kDsgTest  ? bits::kDsgTest
                              : code == subcommand::kPchgTest ? bits::kPchgTest
                                                              : bits::kPdsgTest};
      s.fet_test = static_cast<std::uint16_t>(s.fet_test ^ bit);
      return;
    }
    case subcommand::kSetCfgUpdate:
      // Measurements, protections and balancing stop; the FETs open (TRM 7.6).
      if (s.mode == PowerMode::kSleep) {
        s.mode = PowerMode::kNormal;
      }
      s.config_update = true;
      s.cb_active_cells = 0;
      update_fets();
      return;
    case subcommand::kExitCfgUpdate:
      if (s.config_update) {
        // New settings take effect; POR and WD clear (TRM 13 EXIT_CFGUPDATE);
        // operation restarts with a fresh loop before the FETs close.
        s.config_update = false;
        apply_settings();
        s.alarm_enable = s.settings.default_alarm_mask;
        s.mfg_status = static_cast<std::uint16_t>((s.mfg_status & ~bits::kFetEn) |
                                                  (s.settings.mfg_status_init & bits::kFetEn));
        s.por = false;
        s.wd = false;
        s.init_complete = false;
        schedule_normal_measurements(s.now_ns + loop_period_ns());
      }
      return;
    case subcommand::kDsgPdsgOff:
      if (fet_commands) {
        s.host_fet_off |= bits::kDsgOff | bits::kPdsgOff;
      }
      return;
    case subcommand::kChgPchgOff:
      if (fet_commands) {
        s.host_fet_off |= bits::kChgOff | bits::kPchgOff;
      }
      return;
    case subcommand::kAllFetsOff:
      if (fet_commands) {
        s.host_fet_off = 0x0F;
      }
      return;
    case subcommand::kAllFetsOn:
      if (fet_commands) {
        s.host_fet_off = 0;
      }
      return;
    case subcommand::kSleepEnable:
      s.sleep_allowed = true;
      return;
    case subcommand::kSleepDisable:
      s.sleep_allowed = false;
      return;
    case subcommand::kOcdlRecover:
      if (s.ocdl.latched && !latch_base_condition(s.ocdl)) {
        s.ocdl = LatchCounter{};
      }
      return;
    case subcommand::kScdlRecover:
      if (s.scdl.latched && !latch_base_condition(s.scdl)) {
        s.scdl = LatchCounter{};
      }
      return;
    case subcommand::kSwapCommMode: {
      // Switches the bus to the mode Comm Type selects, now (TRM 14.2).
      const Settings fresh{decode_settings(s.data_memory)};
      s.crc = fresh.crc;
      s.i2c_address7 = fresh.i2c_address7;
      return;
    }
    default:
      return;  // not emulated: completes with no effect
  }
}

void Bq76952::on_transfer_length(std::uint8_t length) {
  Bq76952State& s{state_};
  const std::uint8_t checksum_written{s.transfer_checksum};
  s.transfer_length = length;
  // A write through the transfer buffer takes effect only when the length
  // covers 1..32 data bytes and the checksum matches; otherwise the chip
  // ignores it (TRM 3.1).
  if (length < 5 || length > 36) {
    return;
  }
  const std::size_t n{static_cast<std::size_t>(length - 4)};
  if (transfer_checksum(s.subcommand, s.transfer.data(), n) != checksum_written) {
    return;
  }
  const std::uint16_t code{s.subcommand};
  if (is_data_memory_address(code)) {
    // Data memory changes only in CONFIG_UPDATE mode (TRM 7.6); other writes are ignored.
    if (s.config_update) {
      s.data_memory.write_block(code, s.transfer.data(), n);
    }
    return;
  }
  switch (code) {
    case subcommand::kCbActiveCells: {
      if (n != 2) {
        return;
      }
      const Settings& st{s.settings};
      if ((st.balancing_configuration & balancing_configuration::kCbNoCmd) != 0) {
        return;
      }
      const auto mask = static_cast<std::uint16_t>(s.transfer[0] | (s.transfer[1] << 8U));
      // More cells than Cell Balance Max Cells: the command is refused (the TRM
      // limits the count; refusing rather than truncating is our choice).
      if (std::popcount(mask) > st.cb_max_cells) {
        return;
      }
      s.cb_active_cells = mask;
      update_balancing();
      return;
    }
    case subcommand::kFetControl:
      if (n == 1 && host_fet_control_allowed()) {
        s.host_fet_off = static_cast<std::uint8_t>(s.transfer[0] & 0x0FU);
        update_fets();
      }
      return;
    default:
      return;
  }
}

}  // namespace packsim::afe
