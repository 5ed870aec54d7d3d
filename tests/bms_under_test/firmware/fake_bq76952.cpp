#include "tests/bms_under_test/firmware/fake_bq76952.h"

#include <bit>
#include <cmath>

#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/hal/bms_hal.h"

namespace packsim::firmware_test {
namespace {

std::uint8_t checksum_of(std::uint16_t code, const std::uint8_t* data, std::size_t n) {
  unsigned sum = (code & 0xFFU) + (code >> 8U);
  for (std::size_t i = 0; i < n; ++i) {
    sum += data[i];
  }
  return static_cast<std::uint8_t>(~sum & 0xFFU);
}

bool is_data_memory(std::uint16_t code) { return code >= 0x9180 && code < 0x9400; }

}  // namespace

FakeBq76952::FakeBq76952() {
  set_uniform_cells(3300);
  reset_to_defaults();
}

void FakeBq76952::reset_to_defaults() {
  config_update_ = false;
  manufacturing_status_ = 0;  // FET_EN = 0 after power-up: FET test mode, FETs off
  host_fet_off_ = 0;
  cb_active_cells_ = 0;
  sleep_enabled_ = true;
  alarm_enable_ = 0xF800;
  alarm_status_ = 0;
  data_memory_.clear();
  por = true;
}

void FakeBq76952::update_stack_from_cells() {
  int sum = 0;  // unused inputs read 0
  for (auto mv : cell_mv) {
    sum += mv;
  }
  stack_raw = static_cast<std::int16_t>(sum / 10);
  pack_pin_raw = stack_raw;
  ld_pin_raw = stack_raw;
}

void FakeBq76952::set_uniform_cells(std::int16_t mv, int cell_count) {
  cell_mv.fill(0);
  for (int i = 0; i < cell_count - 1; ++i) {
    cell_mv[static_cast<std::size_t>(i)] = mv;
  }
  cell_mv[15] = mv;  // the top cell is always on VC16
  update_stack_from_cells();
}

void FakeBq76952::set_cell(int input_index, std::int16_t mv) {
  cell_mv[static_cast<std::size_t>(input_index)] = mv;
  update_stack_from_cells();
}

void FakeBq76952::set_temperature_c(double celsius) {
  const auto raw = static_cast<std::int16_t>(std::lround(celsius * 10.0) + 2731);
  ts_decikelvin.fill(raw);
  internal_decikelvin = raw;
}

bool FakeBq76952::charge_fet_on() const {
  return fet_enabled() && !config_update_ && !shut_down_ && (host_fet_off_ & 0x04U) == 0 && !hardware_blocks_charge;
}

bool FakeBq76952::discharge_fet_on() const {
  return fet_enabled() && !config_update_ && !shut_down_ && (host_fet_off_ & 0x01U) == 0 &&
         !hardware_blocks_discharge;
}

std::uint8_t FakeBq76952::fet_status() const {
  return static_cast<std::uint8_t>((charge_fet_on() ? 0x01U : 0U) | (discharge_fet_on() ? 0x04U : 0U));
}

void FakeBq76952::wake_from_shutdown() {
  shut_down_ = false;
  shutdown_commands = 0;
  reset_to_defaults();
}

std::uint32_t FakeBq76952::dm_value(std::uint16_t address, std::size_t size) const {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const auto it = data_memory_.find(static_cast<std::uint16_t>(address + i));
    const std::uint32_t byte = it != data_memory_.end() ? it->second : 0U;
    value |= byte << (8U * i);
  }
  return value;
}

int FakeBq76952::transaction_fault() {
  ++transactions;
  if (absent || shut_down_) {
    return BMS_HAL_NACK;
  }
  if (nack_next_transactions > 0) {
    --nack_next_transactions;
    return BMS_HAL_NACK;
  }
  if (bus_error_next_transactions > 0) {
    --bus_error_next_transactions;
    return BMS_HAL_BUS_ERROR;
  }
  return BMS_HAL_OK;
}

void FakeBq76952::execute_command_only(std::uint16_t code) {
  command_only_subcommands.push_back(code);
  switch (code) {
    case BQ76952_SUBCMD_SET_CFGUPDATE:
      config_update_ = true;
      ++config_update_entries;
      break;
    case BQ76952_SUBCMD_EXIT_CFGUPDATE:
      config_update_ = false;
      por = false;
      alarm_enable_ = 0xF800;  // back to the Default Alarm Mask
      break;
    case BQ76952_SUBCMD_FET_ENABLE:
      manufacturing_status_ ^= 0x10U;
      break;
    case BQ76952_SUBCMD_ALL_FETS_OFF:
      host_fet_off_ = 0x0F;
      break;
    case BQ76952_SUBCMD_ALL_FETS_ON:
      host_fet_off_ = 0;
      break;
    case BQ76952_SUBCMD_DSG_PDSG_OFF:
      host_fet_off_ |= 0x03U;
      break;
    case BQ76952_SUBCMD_CHG_PCHG_OFF:
      host_fet_off_ |= 0x0CU;
      break;
    case BQ76952_SUBCMD_SLEEP_ENABLE:
      sleep_enabled_ = true;
      break;
    case BQ76952_SUBCMD_SLEEP_DISABLE:
      sleep_enabled_ = false;
      break;
    case BQ76952_SUBCMD_SHUTDOWN:
      if (++shutdown_commands >= 2) {
        shut_down_ = true;
      }
      break;
    case BQ76952_SUBCMD_RESET:
      reset_to_defaults();
      break;
    default:
      break;
  }
}

void FakeBq76952::prepare_read(std::uint16_t code) {
  buffer_.fill(0);
  std::size_t length = 0;
  if (is_data_memory(code)) {
    // A data memory read returns the 32-byte block starting at the address.
    for (std::size_t i = 0; i < buffer_.size(); ++i) {
      const auto it = data_memory_.find(static_cast<std::uint16_t>(code + i));
      buffer_[i] = it != data_memory_.end() ? it->second : 0;
    }
    length = buffer_.size();
  } else if (code == BQ76952_SUBCMD_MANUFACTURING_STATUS) {
    buffer_[0] = static_cast<std::uint8_t>(manufacturing_status_ & 0xFFU);
    buffer_[1] = static_cast<std::uint8_t>(manufacturing_status_ >> 8U);
    length = 2;
  } else if (code == BQ76952_SUBCMD_CB_ACTIVE_CELLS) {
    buffer_[0] = static_cast<std::uint8_t>(cb_active_cells_ & 0xFFU);
    buffer_[1] = static_cast<std::uint8_t>(cb_active_cells_ >> 8U);
    length = 2;
  } else if (code == BQ76952_SUBCMD_DEVICE_NUMBER) {
    buffer_[0] = 0x95;
    buffer_[1] = 0x76;
    length = 2;
  } else if (code == BQ76952_SUBCMD_FET_CONTROL) {
    buffer_[0] = host_fet_off_;
    length = 1;
  }
  response_length_ = static_cast<std::uint8_t>(length + 4);
  written_checksum_ = checksum_of(code, buffer_.data(), length);
  if (corrupt_read_checksum) {
    written_checksum_ ^= 0x5AU;
  }
}

void FakeBq76952::select_subcommand(std::uint16_t code) {
  subcommand_ = code;
  busy_polls_left_ = busy_polls_per_subcommand;
  const bool has_data = is_data_memory(code) || code == BQ76952_SUBCMD_MANUFACTURING_STATUS ||
                        code == BQ76952_SUBCMD_CB_ACTIVE_CELLS || code == BQ76952_SUBCMD_DEVICE_NUMBER ||
                        code == BQ76952_SUBCMD_FET_CONTROL;
  if (has_data) {
    prepare_read(code);  // a write overwrites the buffer before 0x60/0x61
  } else {
    execute_command_only(code);
  }
}

void FakeBq76952::apply_write(std::uint16_t code, const std::vector<std::uint8_t>& data) {
  if (is_data_memory(code)) {
    if (!config_update_) {
      return;  // data memory changes only in CONFIG_UPDATE mode
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
      std::uint8_t byte = data[i];
      if (i == 0 && corrupt_dm_addresses.count(code) != 0) {
        byte ^= 0x01U;
      }
      data_memory_[static_cast<std::uint16_t>(code + i)] = byte;
    }
  } else if (code == BQ76952_SUBCMD_FET_CONTROL && !data.empty()) {
    host_fet_off_ = static_cast<std::uint8_t>(data[0] & 0x0FU);
    fet_control_writes.push_back(data[0]);
  } else if (code == BQ76952_SUBCMD_CB_ACTIVE_CELLS && data.size() >= 2) {
    const auto mask = static_cast<std::uint16_t>(data[0] | (data[1] << 8U));
    const auto max_cells = dm_written(BQ76952_DM_CELL_BALANCE_MAX_CELLS)
                               ? static_cast<int>(dm_value(BQ76952_DM_CELL_BALANCE_MAX_CELLS, 1))
                               : 1;  // the chip's default
    if (std::popcount(mask) <= max_cells) {  // more is refused, as the emulation does
      cb_active_cells_ = mask;
    }
  }
}

void FakeBq76952::complete_transfer() {
  TransferWrite record;
  record.address = subcommand_;
  record.length = response_length_;
  record.checksum = written_checksum_;
  record.length_ok = record.length >= 5 && record.length <= 36;
  const std::size_t data_length = record.length_ok ? record.length - 4U : 0U;
  record.data.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(data_length));
  record.checksum_ok = record.length_ok && checksum_of(subcommand_, buffer_.data(), data_length) == record.checksum;
  record.in_config_update = config_update_;
  transfer_writes.push_back(record);
  if (record.checksum_ok) {
    apply_write(subcommand_, record.data);
  }
  prepare_read(subcommand_);  // reading back now returns the new value
}

int FakeBq76952::write(const std::uint8_t* data, std::size_t length) {
  const int fault = transaction_fault();
  if (fault != BMS_HAL_OK || length == 0) {
    return fault;
  }
  const std::uint8_t reg = data[0];
  const std::uint8_t* payload = data + 1;
  const std::size_t n = length - 1;
  if (reg == BQ76952_CMD_SUBCOMMAND_LOW && n >= 2) {
    select_subcommand(static_cast<std::uint16_t>(payload[0] | (payload[1] << 8U)));
    for (std::size_t i = 2; i < n && i - 2 < buffer_.size(); ++i) {
      buffer_[i - 2] = payload[i];
    }
  } else if (reg >= BQ76952_CMD_TRANSFER_BUFFER && reg < BQ76952_CMD_TRANSFER_CHECKSUM) {
    const std::size_t offset = reg - BQ76952_CMD_TRANSFER_BUFFER;
    for (std::size_t i = 0; i < n && offset + i < buffer_.size(); ++i) {
      buffer_[offset + i] = payload[i];
    }
  } else if (reg == BQ76952_CMD_TRANSFER_CHECKSUM && n >= 1) {
    written_checksum_ = payload[0];
    if (n >= 2) {
      response_length_ = payload[1];
      complete_transfer();
    }
  } else if (reg == BQ76952_CMD_TRANSFER_LENGTH && n >= 1) {
    response_length_ = payload[0];
    complete_transfer();
  } else if (reg == BQ76952_CMD_ALARM_ENABLE && n >= 2) {
    alarm_enable_ = static_cast<std::uint16_t>(payload[0] | (payload[1] << 8U));
  } else if (reg == BQ76952_CMD_ALARM_STATUS && n >= 2) {
    const auto cleared = static_cast<std::uint16_t>(payload[0] | (payload[1] << 8U));
    alarm_status_ = static_cast<std::uint16_t>(alarm_status_ & ~cleared);
    if ((cleared & BQ76952_ALARM_FULLSCAN) != 0) {
      status_reads_until_scan_ = scan_after_status_reads;
    }
  }
  return BMS_HAL_OK;
}

std::uint16_t FakeBq76952::direct_register(std::uint8_t command) const {
  if (command >= BQ76952_CMD_CELL1_VOLTAGE && command < BQ76952_CMD_STACK_VOLTAGE) {
    return static_cast<std::uint16_t>(cell_mv[(command - BQ76952_CMD_CELL1_VOLTAGE) / 2U]);
  }
  switch (command) {
    case BQ76952_CMD_SAFETY_STATUS_A:
      return safety_status_a;
    case BQ76952_CMD_SAFETY_STATUS_B:
      return safety_status_b;
    case BQ76952_CMD_SAFETY_STATUS_C:
      return safety_status_c;
    case BQ76952_CMD_BATTERY_STATUS:
      return static_cast<std::uint16_t>((config_update_ ? 0x0001U : 0U) | (sleep_enabled_ ? 0x0004U : 0U) |
                                        (por ? 0x0008U : 0U));
    case BQ76952_CMD_STACK_VOLTAGE:
      return static_cast<std::uint16_t>(stack_raw);
    case BQ76952_CMD_PACK_PIN_VOLTAGE:
      return static_cast<std::uint16_t>(pack_pin_raw);
    case BQ76952_CMD_LD_PIN_VOLTAGE:
      return static_cast<std::uint16_t>(ld_pin_raw);
    case BQ76952_CMD_CC2_CURRENT:
      return static_cast<std::uint16_t>(cc2_raw);
    case BQ76952_CMD_INTERNAL_TEMPERATURE:
      return static_cast<std::uint16_t>(internal_decikelvin);
    case BQ76952_CMD_TS1_TEMPERATURE:
      return static_cast<std::uint16_t>(ts_decikelvin[0]);
    case BQ76952_CMD_TS2_TEMPERATURE:
      return static_cast<std::uint16_t>(ts_decikelvin[1]);
    case BQ76952_CMD_TS3_TEMPERATURE:
      return static_cast<std::uint16_t>(ts_decikelvin[2]);
    case BQ76952_CMD_FET_STATUS:
      return fet_status();
    case BQ76952_CMD_ALARM_STATUS:
      return alarm_status_;
    case BQ76952_CMD_ALARM_ENABLE:
      return alarm_enable_;
    default:
      return 0;
  }
}

int FakeBq76952::write_read(const std::uint8_t* write_data, std::size_t write_length, std::uint8_t* read_data,
                            std::size_t read_length) {
  const int fault = transaction_fault();
  if (fault != BMS_HAL_OK || write_length == 0) {
    return fault;
  }
  const std::uint8_t reg = write_data[0];
  if (reg == BQ76952_CMD_ALARM_STATUS && !scans_stalled && --status_reads_until_scan_ <= 0 &&
      (alarm_enable_ & BQ76952_ALARM_FULLSCAN) != 0) {
    alarm_status_ |= BQ76952_ALARM_FULLSCAN;  // a scan completed since the bit was cleared
  }
  for (std::size_t i = 0; i < read_length; ++i) {
    const std::size_t at = reg + i;
    std::uint8_t byte = 0;
    if (at == BQ76952_CMD_SUBCOMMAND_LOW || at == BQ76952_CMD_SUBCOMMAND_HIGH) {
      const bool busy = busy_polls_left_ > 0;
      byte = busy ? 0xFF
                  : static_cast<std::uint8_t>(at == BQ76952_CMD_SUBCOMMAND_LOW ? (subcommand_ & 0xFFU) : (subcommand_ >> 8U));
    } else if (at >= BQ76952_CMD_TRANSFER_BUFFER && at < BQ76952_CMD_TRANSFER_CHECKSUM) {
      byte = buffer_[at - BQ76952_CMD_TRANSFER_BUFFER];
    } else if (at == BQ76952_CMD_TRANSFER_CHECKSUM) {
      byte = written_checksum_;
    } else if (at == BQ76952_CMD_TRANSFER_LENGTH) {
      byte = response_length_;
    } else if ((at >= BQ76952_CMD_SAFETY_ALERT_A && at <= BQ76952_CMD_SAFETY_STATUS_C) ||
               at == BQ76952_CMD_FET_STATUS) {
      byte = static_cast<std::uint8_t>(direct_register(static_cast<std::uint8_t>(at)) & 0xFFU);  // 1-byte registers
    } else {
      const std::uint16_t value = direct_register(static_cast<std::uint8_t>(at & ~std::size_t{1}));
      byte = static_cast<std::uint8_t>((at & 1U) != 0 ? value >> 8U : value & 0xFFU);
    }
    read_data[i] = byte;
  }
  if (reg == BQ76952_CMD_SUBCOMMAND_LOW && busy_polls_left_ > 0) {
    --busy_polls_left_;
  }
  return BMS_HAL_OK;
}

}  // namespace packsim::firmware_test
