/*
 * power_manager.c: see power_manager.h.
 */
#include "bms_under_test/firmware/power_manager.h"

static uint32_t magnitude_ma(int32_t current_ma) {
  return current_ma < 0 ? (uint32_t)(-(int64_t)current_ma) : (uint32_t)current_ma;
}

power_request power_manager_update(power_manager *manager, const bms_config *config,
                                   const afe_measurements *measurements, int deeply_discharged, uint32_t now_ms) {
  if (magnitude_ma(measurements->current_into_pack_ma) >= config->idle_current_ma) {
    manager->idle = 0u;
    return POWER_REQUEST_NONE;
  }
  if (!manager->idle) {
    manager->idle = 1u;
    manager->idle_since_ms = now_ms;
  }
  const uint32_t idle_ms = (uint32_t)(now_ms - manager->idle_since_ms);
  if (deeply_discharged && idle_ms >= config->idle_time_before_shutdown_ms) {
    return POWER_REQUEST_SHUTDOWN;
  }
  if (idle_ms >= config->idle_time_before_sleep_ms) {
    return POWER_REQUEST_SLEEP;
  }
  return POWER_REQUEST_NONE;
}

int power_manager_should_wake(const bms_config *config, const afe_measurements *measurements, int charger_detected) {
  return charger_detected || magnitude_ma(measurements->current_into_pack_ma) >= config->wake_current_ma;
}
