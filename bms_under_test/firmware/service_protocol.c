/*
 * service_protocol.c: see service_protocol.h.
 */
#include "bms_under_test/firmware/service_protocol.h"

#include <string.h>

#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"

/* Production date reported in 0x03: the firmware's release date. */
#define SERVICE_PRODUCTION_YEAR 2025u
#define SERVICE_PRODUCTION_MONTH 1u
#define SERVICE_PRODUCTION_DAY 1u

uint16_t service_protocol_protection_status(uint32_t flags) {
  typedef struct mapping {
    uint32_t flags;
    uint16_t jbd_bit;
  } mapping;
  static const mapping map[] = {
      {BMS_FLAG(BMS_FLAG_BIT_CELL_OVERVOLTAGE), JBD_PROTECT_CELL_OVERVOLTAGE},
      {BMS_FLAG(BMS_FLAG_BIT_CELL_UNDERVOLTAGE), JBD_PROTECT_CELL_UNDERVOLTAGE},
      {BMS_FLAG(BMS_FLAG_BIT_PACK_OVERVOLTAGE), JBD_PROTECT_PACK_OVERVOLTAGE},
      {BMS_FLAG(BMS_FLAG_BIT_PACK_UNDERVOLTAGE), JBD_PROTECT_PACK_UNDERVOLTAGE},
      {BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE), JBD_PROTECT_CHARGE_OVERTEMP},
      {BMS_FLAG(BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE), JBD_PROTECT_CHARGE_UNDERTEMP},
      {BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE), JBD_PROTECT_DISCHARGE_OVERTEMP},
      {BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE), JBD_PROTECT_DISCHARGE_UNDERTEMP},
      {BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT) | BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT),
       JBD_PROTECT_CHARGE_OVERCURRENT},
      {BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT), JBD_PROTECT_DISCHARGE_OVERCURRENT},
      {BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT), JBD_PROTECT_SHORT_CIRCUIT},
      {BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) | BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION), JBD_PROTECT_AFE_ERROR},
      {BMS_FLAG(BMS_FLAG_BIT_SERVICE_CHARGE_LOCK) | BMS_FLAG(BMS_FLAG_BIT_SERVICE_DISCHARGE_LOCK),
       JBD_PROTECT_SOFTWARE_MOS_LOCK},
  };
  uint16_t status = 0u;
  for (uint32_t i = 0; i < sizeof map / sizeof map[0]; ++i) {
    if ((flags & map[i].flags) != 0u) {
      status = (uint16_t)(status | map[i].jbd_bit);
    }
  }
  return status;
}

static void put_u16(uint8_t *out, uint32_t value) {
  out[0] = (uint8_t)((value >> 8) & 0xFFu);
  out[1] = (uint8_t)(value & 0xFFu);
}

static void put_u32(uint8_t *out, uint32_t value) {
  put_u16(out, value >> 16);
  put_u16(out + 2, value & 0xFFFFu);
}

static uint32_t clamp_u16(uint32_t value) { return value > 0xFFFFu ? 0xFFFFu : value; }

static void answer_basic_info(const service_view *view, struct jbd_response *response) {
  struct jbd_basic_info info;
  memset(&info, 0, sizeof info);
  const afe_measurements *m = view->measurements;
  if (m != 0) {
    info.pack_voltage_v = (float)m->stack_mv * 0.001f;
    info.current_a = (float)(-m->current_into_pack_ma) * 0.001f; /* codec takes packsim's + = discharge */
    info.cell_count = (uint8_t)m->cell_count;
    info.fet_status = (uint8_t)(((m->fet_status & BQ76952_FET_STATUS_CHG) != 0u ? JBD_FET_CHARGE_ON : 0u) |
                                ((m->fet_status & BQ76952_FET_STATUS_DSG) != 0u ? JBD_FET_DISCHARGE_ON : 0u));
    for (uint32_t pin = 0; pin < BMS_THERMISTOR_COUNT; ++pin) {
      if ((m->thermistor_mask & (1u << pin)) != 0u && info.ntc_count < JBD_MAX_NTC) {
        info.ntc_temp_c[info.ntc_count++] = (float)m->thermistor_dc[pin] * 0.1f;
      }
    }
  }
  info.remaining_capacity_ah = (float)view->remaining_mah * 0.001f;
  info.nominal_capacity_ah = (float)view->full_capacity_mah * 0.001f;
  info.cycle_count = (uint16_t)clamp_u16(view->cycle_count);
  info.production_date.year = SERVICE_PRODUCTION_YEAR;
  info.production_date.month = SERVICE_PRODUCTION_MONTH;
  info.production_date.day = SERVICE_PRODUCTION_DAY;
  info.balance_status = view->balancing_cells;
  info.protection_status = service_protocol_protection_status(view->active_flags);
  info.software_version = SERVICE_SOFTWARE_VERSION;
  info.rsoc_percent = (uint8_t)((view->soc_permille + 5u) / 10u);
  if (jbd_encode_basic_info(&info, response) != JBD_OK) {
    jbd_encode_status_response(JBD_CMD_BASIC_INFO, JBD_STATUS_ERROR, response);
  }
}

static void answer_cell_voltages(const service_view *view, struct jbd_response *response) {
  struct jbd_cell_voltages cells;
  memset(&cells, 0, sizeof cells);
  if (view->measurements != 0) {
    cells.cell_count = (uint8_t)view->measurements->cell_count;
    for (uint32_t i = 0; i < view->measurements->cell_count && i < JBD_MAX_CELLS; ++i) {
      cells.cell_mv[i] = view->measurements->cell_mv[i];
    }
  }
  if (jbd_encode_cell_voltages(&cells, response) != JBD_OK) {
    jbd_encode_status_response(JBD_CMD_CELL_VOLTAGES, JBD_STATUS_ERROR, response);
  }
}

static void answer_hardware_version(struct jbd_response *response) {
  struct jbd_hardware_version version;
  memset(&version, 0, sizeof version);
  memcpy(version.text, SERVICE_HARDWARE_VERSION_TEXT, sizeof SERVICE_HARDWARE_VERSION_TEXT);
  if (jbd_encode_hardware_version(&version, response) != JBD_OK) {
    jbd_encode_status_response(JBD_CMD_HARDWARE_VERSION, JBD_STATUS_ERROR, response);
  }
}

static void answer_fault_log(const struct jbd_request *request, const service_view *view,
                             struct jbd_response *response) {
  const uint32_t held = fault_log_count(view->log);
  const uint32_t first = request->data_len > 0u ? request->data[0] : 0u;
  response->command = SERVICE_CMD_FAULT_LOG;
  response->status = JBD_STATUS_OK;
  uint8_t *out = response->data;
  put_u32(out, view->log->total_recorded);
  out[4] = (uint8_t)held;
  out[5] = (uint8_t)first;
  uint32_t count = 0u;
  fault_log_entry entry;
  while (count < SERVICE_FAULT_LOG_ENTRIES_PER_ANSWER && fault_log_get(view->log, first + count, &entry)) {
    uint8_t *slot = out + SERVICE_FAULT_LOG_HEADER_SIZE + count * SERVICE_FAULT_LOG_ENTRY_SIZE;
    slot[0] = entry.code;
    slot[1] = entry.raised;
    slot[2] = entry.cell_number;
    put_u32(slot + 3, entry.time_ms);
    put_u32(slot + 7, (uint32_t)entry.value);
    ++count;
  }
  out[6] = (uint8_t)count;
  response->data_len = (uint8_t)(SERVICE_FAULT_LOG_HEADER_SIZE + count * SERVICE_FAULT_LOG_ENTRY_SIZE);
}

static void answer_status(const service_view *view, struct jbd_response *response) {
  response->command = SERVICE_CMD_STATUS;
  response->status = JBD_STATUS_OK;
  uint8_t *out = response->data;
  out[0] = (uint8_t)view->state;
  put_u32(out + 1, view->active_flags);
  put_u32(out + 5, view->latched_flags);
  put_u16(out + 9, clamp_u16(view->soc_permille));
  put_u16(out + 11, clamp_u16(view->soh_permille));
  put_u16(out + 13, clamp_u16((view->full_capacity_mah + 5u) / 10u));
  put_u16(out + 15, view->balancing_cells);
  put_u16(out + 17, clamp_u16(view->comm_loss_factor_permille));
  out[19] = (uint8_t)(view->afe_consecutive_failures > 0xFFu ? 0xFFu : view->afe_consecutive_failures);
  put_u16(out + 20, clamp_u16((view->charge_limit_ma + 50u) / 100u));
  put_u16(out + 22, clamp_u16((view->discharge_limit_ma + 50u) / 100u));
  response->data_len = SERVICE_STATUS_SIZE;
}

service_action service_protocol_handle(const struct jbd_request *request, const service_view *view,
                                       struct jbd_response *response, struct jbd_mos_control *mos_control) {
  const int read = request->mode == JBD_MODE_READ;
  switch (request->command) {
    case JBD_CMD_BASIC_INFO:
      if (read) {
        answer_basic_info(view, response);
        return SERVICE_ACTION_ANSWER;
      }
      break;
    case JBD_CMD_CELL_VOLTAGES:
      if (read) {
        answer_cell_voltages(view, response);
        return SERVICE_ACTION_ANSWER;
      }
      break;
    case JBD_CMD_HARDWARE_VERSION:
      if (read) {
        answer_hardware_version(response);
        return SERVICE_ACTION_ANSWER;
      }
      break;
    case JBD_CMD_MOS_CONTROL:
      if (jbd_decode_mos_control(request, mos_control) == JBD_OK) {
        return SERVICE_ACTION_MOS_CONTROL;
      }
      break;
    case SERVICE_CMD_FAULT_LOG:
      if (read && view->log != 0) {
        answer_fault_log(request, view, response);
        return SERVICE_ACTION_ANSWER;
      }
      break;
    case SERVICE_CMD_STATUS:
      if (read) {
        answer_status(view, response);
        return SERVICE_ACTION_ANSWER;
      }
      break;
    default:
      break;
  }
  jbd_encode_status_response(request->command, JBD_STATUS_ERROR, response);
  return SERVICE_ACTION_ANSWER;
}
