/*
 * inverter_messages.c: see inverter_messages.h.
 */
#include "bms_under_test/firmware/inverter_messages.h"

#include <string.h>

#include "bms_under_test/firmware/bms_flags.h"

static uint8_t alarm_bits(uint32_t flags) {
  uint32_t bits = 0u;
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_CELL_OVERVOLTAGE) | BMS_FLAG(BMS_FLAG_BIT_PACK_OVERVOLTAGE))) != 0u) {
    bits |= PYLON_ALARM_OVERVOLTAGE;
  }
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_CELL_UNDERVOLTAGE) | BMS_FLAG(BMS_FLAG_BIT_PACK_UNDERVOLTAGE))) != 0u) {
    bits |= PYLON_ALARM_UNDERVOLTAGE;
  }
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE) | BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE))) !=
      0u) {
    bits |= PYLON_ALARM_OVER_TEMPERATURE;
  }
  if ((flags &
       (BMS_FLAG(BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE) | BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE))) != 0u) {
    bits |= PYLON_ALARM_UNDER_TEMPERATURE;
  }
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT) | BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT))) != 0u) {
    bits |= PYLON_ALARM_DISCHARGE_OVERCURRENT;
  }
  return (uint8_t)bits;
}

void inverter_messages_build(const bms_config *config, const inverter_view *view, struct pylon_status *status) {
  memset(status, 0, sizeof *status);
  status->limits.charge_voltage_limit_v = (float)view->limits.charge_voltage_mv * 0.001f;
  status->limits.charge_current_limit_a = (float)view->limits.charge_current_ma * 0.001f;
  status->limits.discharge_current_limit_a = (float)view->limits.discharge_current_ma * 0.001f;
  status->limits.discharge_voltage_limit_v = (float)view->limits.discharge_voltage_mv * 0.001f;
  status->soc_soh.soc_percent = (float)view->soc_permille * 0.1f;
  status->soc_soh.soh_percent = (float)view->soh_permille * 0.1f;
  if (view->measurements != 0) {
    status->measurements.pack_voltage_v = (float)view->measurements->stack_mv * 0.001f;
    /* The codec takes packsim's sign (+ = discharge); CC2 is + = charging. */
    status->measurements.current_a = (float)(-view->measurements->current_into_pack_ma) * 0.001f;
    status->measurements.temperature_c = (float)view->measurements->average_temperature_dc * 0.1f;
  }
  const uint32_t flags = view->active_flags;
  status->alarms.protection = alarm_bits(flags);
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT) | BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT))) != 0u) {
    status->alarms.protection_ext |= PYLON_PROTECTION_EXT_CHARGE_OVERCURRENT;
  }
  if ((flags & (BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) | BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION))) != 0u) {
    status->alarms.protection_ext |= PYLON_PROTECTION_EXT_INTERNAL_ERROR;
  }
  status->alarms.warning = alarm_bits(view->pending_flags);
  if (view->charge_current_high) {
    status->alarms.warning_ext |= PYLON_WARNING_EXT_CHARGE_HIGH_CURRENT;
  }
  if ((flags & BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION)) != 0u) {
    status->alarms.warning_ext |= PYLON_WARNING_EXT_INTERNAL_COMMS_FAIL;
  }
  status->alarms.module_count = 1u;
  uint32_t request = 0u;
  if (view->charge_allowed) {
    request |= PYLON_REQUEST_CHARGE_ENABLE;
  }
  if (view->discharge_allowed) {
    request |= PYLON_REQUEST_DISCHARGE_ENABLE;
  }
  if (view->recovery_charge) {
    request |= PYLON_REQUEST_FORCE_CHARGE_1;
  } else if (view->soc_permille < INVERTER_MESSAGES_FORCE_CHARGE_SOC_PERMILLE) {
    request |= PYLON_REQUEST_FORCE_CHARGE_2;
  }
  if ((flags & BMS_FLAG(BMS_FLAG_BIT_CELL_IMBALANCE)) != 0u) {
    request |= PYLON_REQUEST_FULL_CHARGE;
  }
  status->request_flags = (uint8_t)request;
  memcpy(status->manufacturer, config->inverter_manufacturer_name, BMS_INVERTER_NAME_LENGTH);
  status->manufacturer[PYLON_MANUFACTURER_LEN] = '\0';
}

uint32_t inverter_messages_send(const bms_hal *hal, const struct pylon_status *status) {
  bms_can_frame frames[PYLON_FRAME_SET_SIZE];
  (void)pylon_encode_frame_set(status, frames);
  uint32_t refused = 0u;
  for (uint32_t i = 0; i < PYLON_FRAME_SET_SIZE; ++i) {
    if (hal->can_send(hal->host, &frames[i]) != BMS_HAL_OK) {
      ++refused;
    }
  }
  return refused;
}
