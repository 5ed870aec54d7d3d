// The chip's I2C target (datasheet 14.2) and the direct-command values it
// serves, computed from the last conversions when read.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "bms_under_test/afe/bq76952.h"
#include "bms_under_test/afe/crc8.h"

namespace packsim::afe {

namespace {

constexpr std::int16_t clamp_i16(double value) {
  return static_cast<std::int16_t>(std::clamp(value, -32768.0, 32767.0));
}

std::int16_t round_i16(double value) { return clamp_i16(std::nearbyint(value)); }

}  // namespace

// ---------------------------------------------------------------------------
// Outputs and register values

void Bq76952::refresh_outputs() {
  // A command acts at once on the FET drivers and balancing switches; the next
  // advance_to re-evaluates everything else.
  update_fets();
  update_balancing();
  update_alarms();
}

AfeOutputs Bq76952::outputs() const {
  const Bq76952State& s{state_};
  AfeOutputs out;
  out.chg_fet_on = s.chg_on;
  out.dsg_fet_on = s.dsg_on;
  out.pchg_fet_on = s.pchg_on;
  out.pdsg_fet_on = s.pdsg_on;
  out.balancing_mask = s.balancing_mask;
  out.alert_pin = s.powered && s.mode != PowerMode::kShutdown && s.alarm_status != 0;
  return out;
}

std::uint32_t Bq76952::value_of(const RegisterSpec& spec) const {
  const Bq76952State& s{state_};
  const Settings& st{s.settings};
  switch (spec.source) {
    case RegisterSource::kControlStatus:
      return s.mode == PowerMode::kDeepSleep ? bits::kDeepSleep : 0U;
    case RegisterSource::kSafetyAlertA: return s.safety_alert[0];
    case RegisterSource::kSafetyStatusA: return s.safety_status[0];
    case RegisterSource::kSafetyAlertB: return s.safety_alert[1];
    case RegisterSource::kSafetyStatusB: return s.safety_status[1];
    case RegisterSource::kSafetyAlertC: return s.safety_alert[2];
    case RegisterSource::kSafetyStatusC: return s.safety_status[2];
    case RegisterSource::kPfAlertA:
    case RegisterSource::kPfStatusA:
    case RegisterSource::kPfAlertB:
    case RegisterSource::kPfStatusB:
    case RegisterSource::kPfAlertC:
    case RegisterSource::kPfStatusC:
    case RegisterSource::kPfAlertD:
    case RegisterSource::kPfStatusD:
      return 0;  // permanent-fail checks are not emulated
    case RegisterSource::kBatteryStatus: {
      std::uint32_t v{bits::kSecFullAccess};  // SEC = FULLACCESS: sealing is not emulated
      v |= s.config_update ? bits::kCfgUpdate : 0U;
      v |= s.sleep_allowed ? bits::kSleepEn : 0U;
      v |= s.por ? bits::kPor : 0U;
      v |= s.wd ? bits::kWd : 0U;
      v |= s.shutdown.active ? bits::kSdCmd : 0U;
      v |= s.mode == PowerMode::kSleep ? bits::kSleep : 0U;
      return v;
    }
    case RegisterSource::kCellVoltage: {
      // Cell # Voltage() = Cell Gain x counts / 65536 - Vcell Offset (datasheet 10.8);
      // a gain of 0 uses the factory trim (nominal 12120).
      const std::int16_t gain{st.cell_gain[spec.index]};
      const double g{gain != 0 ? static_cast<double>(gain) : kNominalCellGain};
      return static_cast<std::uint16_t>(
          round_i16(s.adc.cell_counts[spec.index] * g / 65536.0 - st.vcell_offset_mv));
    }
    case RegisterSource::kStackVoltage:
    case RegisterSource::kPackVoltage:
    case RegisterSource::kLdVoltage: {
      const std::int32_t counts{spec.source == RegisterSource::kStackVoltage
                                    ? s.adc.stack_counts
                                    : (spec.source == RegisterSource::kPackVoltage ? s.adc.pack_counts
                                                                                   : s.adc.ld_counts)};
      const std::uint16_t gain{spec.source == RegisterSource::kStackVoltage
                                   ? st.tos_gain
                                   : (spec.source == RegisterSource::kPackVoltage ? st.pack_gain : st.ld_gain)};
      const double user_v{gain != 0 ? counts * static_cast<double>(gain) / 65536.0
                                    : counts * kDividerLsbV / st.user_volts_v};
      return static_cast<std::uint16_t>(round_i16(user_v - st.vdiv_offset));
    }
    case RegisterSource::kCc2Current:
      // userA, positive while charging (TI's sign: SRP above SRN).
      return static_cast<std::uint16_t>(round_i16(cc2_current_a() / st.user_amps_a));
    case RegisterSource::kSubcommand: return s.subcommand;
    case RegisterSource::kTransferBuffer: return 0;
    case RegisterSource::kTransferChecksum: return s.transfer_checksum;
    case RegisterSource::kTransferLength: return s.transfer_length;
    case RegisterSource::kAlarmStatus: return s.alarm_status;
    case RegisterSource::kAlarmRawStatus: return s.alarm_raw;
    case RegisterSource::kAlarmEnable: return s.alarm_enable;
    case RegisterSource::kInternalTemperature:
      if (s.adc.scans == 0) {
        return 0;
      }
      return static_cast<std::uint16_t>(round_i16((die_temperature_c() + kCelsiusToKelvin) * 10.0));
    case RegisterSource::kPinTemperature: {
      const ThermistorPinSettings& pin{st.pins[spec.index]};
      if (s.adc.scans == 0 || !pin.thermistor) {
        return 0;  // ADCIN (no voltage emulated) or unused pin
      }
      if (pin.polynomial == 3) {
        return static_cast<std::uint16_t>(s.adc.pin_counts[spec.index]);  // raw counts, no polynomial
      }
      return static_cast<std::uint16_t>(round_i16((pin_temperature_c(spec.index) + kCelsiusToKelvin) * 10.0));
    }
    case RegisterSource::kFetStatus: {
      std::uint32_t v{0};
      v |= s.chg_on ? bits::kChgFet : 0U;
      v |= s.pchg_on ? bits::kPchgFet : 0U;
      v |= s.dsg_on ? bits::kDsgFet : 0U;
      v |= s.pdsg_on ? bits::kPdsgFet : 0U;
      v |= chg_protection_block() != 0 ? bits::kDchgPin : 0U;
      v |= dsg_protection_block() != 0 ? bits::kDdsgPin : 0U;
      v |= s.alarm_status != 0 ? bits::kAlrtPin : 0U;
      return v;
    }
  }
  return 0;
}

std::uint32_t Bq76952::register_value(std::uint8_t command) const {
  const RegisterSpec* spec{register_at(command)};
  if (spec == nullptr) {
    throw std::out_of_range{"Bq76952: no direct command at " + std::to_string(command)};
  }
  return value_of(*spec);
}

// ---------------------------------------------------------------------------
// I2C (datasheet 14.2)

bool Bq76952::responds_to(std::uint8_t address7) const {
  const Bq76952State& s{state_};
  return s.powered && s.mode != PowerMode::kShutdown && address7 == s.i2c_address7;
}

bool Bq76952::draw_nack() {
  Bq76952State& s{state_};
  return s.bus_errors.nack_probability > 0.0 && s.bus.uniform01() < s.bus_errors.nack_probability;
}

std::uint8_t Bq76952::maybe_corrupt(std::uint8_t byte) {
  Bq76952State& s{state_};
  if (s.bus_errors.corrupt_probability > 0.0 && s.bus.uniform01() < s.bus_errors.corrupt_probability) {
    return static_cast<std::uint8_t>(byte ^ (1U << s.bus.below(8)));
  }
  return byte;
}

std::uint8_t Bq76952::read_command_byte(std::uint8_t command) {
  Bq76952State& s{state_};
  const RegisterSpec* spec{register_at(command)};
  if (spec == nullptr) {
    return 0xFF;
  }
  const unsigned offset{static_cast<unsigned>(command - spec->address)};
  switch (spec->source) {
    case RegisterSource::kTransferBuffer:
      return s.transfer[offset];
    case RegisterSource::kSubcommand:
      // 0xFF while the subcommand is still running (TRM 3.1).
      if (s.now_ns < s.subcommand_busy_until_ns) {
        return 0xFF;
      }
      return static_cast<std::uint8_t>(s.subcommand >> (8U * offset));
    case RegisterSource::kControlStatus:
      // Read back right after being written (legacy subcommand port) it answers 0xFFA5 once (TRM 12.1).
      if (s.control_status_echo) {
        if (offset == 1) {
          s.control_status_echo = false;
        }
        return offset == 0 ? 0xA5 : 0xFF;
      }
      break;
    default:
      break;
  }
  return static_cast<std::uint8_t>(value_of(*spec) >> (8U * offset));
}

namespace {

bool writable(std::uint8_t command) {
  const RegisterSpec* spec{register_at(command)};
  return spec != nullptr && spec->access != RegisterAccess::kRead;
}

}  // namespace

bool Bq76952::write_command_byte(std::uint8_t command, std::uint8_t value) {
  Bq76952State& s{state_};
  const RegisterSpec* spec{register_at(command)};
  if (spec == nullptr || spec->access == RegisterAccess::kRead) {
    return false;
  }
  const unsigned offset{static_cast<unsigned>(command - spec->address)};
  switch (spec->source) {
    case RegisterSource::kControlStatus:
    case RegisterSource::kSubcommand:
      if (offset == 0) {
        s.subcommand = static_cast<std::uint16_t>((s.subcommand & 0xFF00U) | value);
      } else {
        s.subcommand = static_cast<std::uint16_t>((s.subcommand & 0x00FFU) | (value << 8U));
        on_subcommand(s.subcommand);
        state_.control_status_echo = spec->source == RegisterSource::kControlStatus;
        refresh_outputs();
      }
      return true;
    case RegisterSource::kTransferBuffer:
      s.transfer[offset] = value;
      return true;
    case RegisterSource::kTransferChecksum:
      s.transfer_checksum = value;
      return true;
    case RegisterSource::kTransferLength:
      on_transfer_length(value);
      refresh_outputs();
      return true;
    case RegisterSource::kAlarmStatus:
      // Writing 1 clears a latched bit (TRM 12.2 "Alarm Status").
      s.alarm_status = static_cast<std::uint16_t>(s.alarm_status & ~(value << (8U * offset)));
      return true;
    case RegisterSource::kAlarmEnable: {
      const std::uint16_t mask{static_cast<std::uint16_t>(0xFFU << (8U * offset))};
      s.alarm_enable = static_cast<std::uint16_t>((s.alarm_enable & ~mask) | (value << (8U * offset)));
      return true;
    }
    default:
      return false;
  }
}

I2cStatus Bq76952::write(std::uint8_t address7, const std::uint8_t* data, std::size_t n) {
  Bq76952State& s{state_};
  if (!responds_to(address7) || draw_nack()) {
    return I2cStatus::address_nack();
  }
  if (n == 0) {
    return I2cStatus::ack();
  }
  if (n > 1) {
    mark_changed();  // data bytes may command the chip; a lone register byte only moves the pointer
  }
  const std::uint8_t reg{maybe_corrupt(data[0])};
  if (register_at(reg) == nullptr || draw_nack()) {
    return I2cStatus::data_nack(0);
  }
  s.register_pointer = reg;
  std::uint8_t command{reg};
  const auto address_w = static_cast<std::uint8_t>(address7 << 1U);
  bool first{true};
  std::size_t k{1};
  while (k < n) {
    const std::uint8_t byte{maybe_corrupt(data[k])};
    if (!writable(command) || draw_nack()) {
      return I2cStatus::data_nack(k);
    }
    if (s.crc) {
      // CRC of the first data byte covers target address, register and data;
      // every later byte carries its own. A bad CRC is NACKed and the byte
      // dropped; the target goes idle (datasheet 14.2).
      if (k + 1 >= n) {
        return I2cStatus::ack();  // STOP before the CRC: the byte is never committed
      }
      const std::uint8_t received{maybe_corrupt(data[k + 1])};
      const std::uint8_t expected{first ? crc8_update(crc8_update(crc8_update(0, address_w), reg), byte)
                                        : crc8_update(0, byte)};
      if (received != expected || draw_nack()) {
        return I2cStatus::data_nack(k + 1);
      }
    }
    write_command_byte(command, byte);
    command = static_cast<std::uint8_t>((command + 1U) & 0x7FU);
    s.register_pointer = command;
    k += s.crc ? 2 : 1;
    first = false;
  }
  return I2cStatus::ack();
}

I2cStatus Bq76952::read(std::uint8_t address7, std::uint8_t* out, std::size_t n) {
  Bq76952State& s{state_};
  catch_up_cc2(s.now_ns);
  if (!responds_to(address7) || draw_nack()) {
    return I2cStatus::address_nack();
  }
  const std::uint8_t reg{s.register_pointer};
  std::uint8_t command{reg};
  const auto address_w = static_cast<std::uint8_t>(address7 << 1U);
  const auto address_r = static_cast<std::uint8_t>(address_w | 1U);
  const bool crc{s.crc};
  bool first{true};
  std::size_t i{0};
  while (i < n) {
    const std::uint8_t byte{read_command_byte(command)};
    command = static_cast<std::uint8_t>((command + 1U) & 0x7FU);
    out[i++] = maybe_corrupt(byte);
    if (crc && i < n) {
      // The first CRC runs from the first START: address (W), register,
      // address (R), data; later ones cover their data byte alone (datasheet 14.2).
      const std::uint8_t value{
          first ? crc8_update(crc8_update(crc8_update(crc8_update(0, address_w), reg), address_r), byte)
                : crc8_update(0, byte)};
      out[i++] = maybe_corrupt(value);
    }
    first = false;
  }
  s.register_pointer = command;
  return I2cStatus::ack();
}

}  // namespace packsim::afe
