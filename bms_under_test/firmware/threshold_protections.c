/*
 * threshold_protections.c: see threshold_protections.h.
 */
#include "bms_under_test/firmware/threshold_protections.h"

typedef struct threshold_limits {
  bms_flag_bit flag;
  int trips_above; /* 1: value > threshold trips; 0: value < threshold trips */
  int32_t threshold;
  int32_t hysteresis;
  uint32_t delay_ms;
  int32_t value;
  uint32_t cell_number;
  int at_rest_only;
} threshold_limits;

static int32_t absolute(int32_t value) { return value < 0 ? -value : value; }

static threshold_limits limits_of(threshold_protection_id id, const bms_config *c, const afe_measurements *m) {
  threshold_limits l = {BMS_FLAG_BIT_CELL_OVERVOLTAGE, 1, 0, 0, 0u, 0, 0u, 0};
  switch (id) {
    case THRESHOLD_PROTECTION_CELL_OVERVOLTAGE:
      l = (threshold_limits){BMS_FLAG_BIT_CELL_OVERVOLTAGE, 1, (int32_t)c->cell_overvoltage_mv,
                             (int32_t)c->cell_overvoltage_hysteresis_mv, c->cell_overvoltage_delay_ms,
                             (int32_t)m->max_cell_mv, m->max_cell_index + 1u, 0};
      break;
    case THRESHOLD_PROTECTION_CELL_UNDERVOLTAGE:
      l = (threshold_limits){BMS_FLAG_BIT_CELL_UNDERVOLTAGE, 0, (int32_t)c->cell_undervoltage_mv,
                             (int32_t)c->cell_undervoltage_hysteresis_mv, c->cell_undervoltage_delay_ms,
                             (int32_t)m->min_cell_mv, m->min_cell_index + 1u, 0};
      break;
    case THRESHOLD_PROTECTION_PACK_OVERVOLTAGE:
      l = (threshold_limits){BMS_FLAG_BIT_PACK_OVERVOLTAGE, 1, (int32_t)c->pack_overvoltage_mv,
                             (int32_t)c->pack_overvoltage_hysteresis_mv, c->pack_overvoltage_delay_ms,
                             (int32_t)m->stack_mv, 0u, 0};
      break;
    case THRESHOLD_PROTECTION_PACK_UNDERVOLTAGE:
      l = (threshold_limits){BMS_FLAG_BIT_PACK_UNDERVOLTAGE, 0, (int32_t)c->pack_undervoltage_mv,
                             (int32_t)c->pack_undervoltage_hysteresis_mv, c->pack_undervoltage_delay_ms,
                             (int32_t)m->stack_mv, 0u, 0};
      break;
    case THRESHOLD_PROTECTION_CHARGE_OVERTEMPERATURE:
      l = (threshold_limits){BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE, 1, c->charge_max_temperature_dc,
                             (int32_t)c->temperature_hysteresis_dc, c->temperature_delay_ms, m->max_temperature_dc,
                             0u, 0};
      break;
    case THRESHOLD_PROTECTION_CHARGE_UNDERTEMPERATURE:
      l = (threshold_limits){BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE, 0, c->charge_min_temperature_dc,
                             (int32_t)c->temperature_hysteresis_dc, c->temperature_delay_ms, m->min_temperature_dc,
                             0u, 0};
      break;
    case THRESHOLD_PROTECTION_DISCHARGE_OVERTEMPERATURE:
      l = (threshold_limits){BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE, 1, c->discharge_max_temperature_dc,
                             (int32_t)c->temperature_hysteresis_dc, c->temperature_delay_ms, m->max_temperature_dc,
                             0u, 0};
      break;
    case THRESHOLD_PROTECTION_DISCHARGE_UNDERTEMPERATURE:
      l = (threshold_limits){BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE, 0, c->discharge_min_temperature_dc,
                             (int32_t)c->temperature_hysteresis_dc, c->temperature_delay_ms, m->min_temperature_dc,
                             0u, 0};
      break;
    case THRESHOLD_PROTECTION_CELL_IMBALANCE:
    case THRESHOLD_PROTECTION_COUNT:
    default:
      l = (threshold_limits){BMS_FLAG_BIT_CELL_IMBALANCE, 1, (int32_t)c->cell_imbalance_mv,
                             (int32_t)c->cell_imbalance_hysteresis_mv, c->cell_imbalance_delay_ms,
                             (int32_t)m->max_cell_mv - (int32_t)m->min_cell_mv, m->max_cell_index + 1u, 1};
      break;
  }
  return l;
}

uint32_t threshold_protections_update(threshold_protections *protections, const bms_config *config,
                                      const afe_measurements *measurements, uint32_t now_ms,
                                      threshold_protection_event *events, uint32_t capacity) {
  uint32_t event_count = 0u;
  const int at_rest = absolute(measurements->current_into_pack_ma) < (int32_t)config->rest_current_ma;
  for (uint32_t i = 0; i < (uint32_t)THRESHOLD_PROTECTION_COUNT; ++i) {
    const threshold_limits l = limits_of((threshold_protection_id)i, config, measurements);
    const int evaluated = !l.at_rest_only || at_rest;
    const int trip = evaluated && (l.trips_above ? l.value > l.threshold : l.value < l.threshold);
    const int recover = evaluated && (l.trips_above ? l.value <= l.threshold - l.hysteresis
                                                    : l.value >= l.threshold + l.hysteresis);
    protection_monitor *monitor = &protections->monitors[i];
    const protection_event event =
        protections->initialised
            ? protection_monitor_update(monitor, trip, recover, l.delay_ms, l.delay_ms, now_ms)
            : protection_monitor_initialise(monitor, trip && !l.at_rest_only);
    if (event != PROTECTION_EVENT_NONE && event_count < capacity) {
      events[event_count++] = (threshold_protection_event){l.flag, event, l.value, l.cell_number};
    }
  }
  protections->initialised = 1u;
  return event_count;
}

static uint32_t flag_of(uint32_t index) {
  static const bms_flag_bit flags[THRESHOLD_PROTECTION_COUNT] = {
      BMS_FLAG_BIT_CELL_OVERVOLTAGE,          BMS_FLAG_BIT_CELL_UNDERVOLTAGE,
      BMS_FLAG_BIT_PACK_OVERVOLTAGE,          BMS_FLAG_BIT_PACK_UNDERVOLTAGE,
      BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE,    BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE,
      BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE, BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE,
      BMS_FLAG_BIT_CELL_IMBALANCE};
  return BMS_FLAG(flags[index]);
}

uint32_t threshold_protections_flags(const threshold_protections *protections) {
  uint32_t flags = 0u;
  for (uint32_t i = 0; i < (uint32_t)THRESHOLD_PROTECTION_COUNT; ++i) {
    if (protections->monitors[i].tripped) {
      flags |= flag_of(i);
    }
  }
  return flags;
}

uint32_t threshold_protections_pending_flags(const threshold_protections *protections) {
  uint32_t flags = 0u;
  for (uint32_t i = 0; i < (uint32_t)THRESHOLD_PROTECTION_COUNT; ++i) {
    if (protection_monitor_pending(&protections->monitors[i])) {
      flags |= flag_of(i);
    }
  }
  return flags;
}
