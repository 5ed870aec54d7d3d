/*
 * power_manager.h: when the pack should save itself.
 *
 *   idle              |I| < idle_current_ma, continuously
 *   deeply discharged min cell < deep_discharge_cell_mv, or the cell
 *                     under-voltage protection tripped
 *   idle for idle_time_before_shutdown_ms and deeply discharged
 *                     -> SHUTDOWN: the AFE's lowest-power mode; only a charger
 *                        (voltage on TS2 or LD) wakes it, and the firmware then
 *                        configures it again from scratch
 *   idle for idle_time_before_sleep_ms
 *                     -> SLEEP: the AFE samples slowly and wakes on current;
 *                        the firmware reads it every sleep_poll_interval_ms and
 *                        wakes on |I| >= wake_current_ma or a charger
 */
#ifndef POWER_MANAGER_H
#define POWER_MANAGER_H

#include <stdint.h>

#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum power_request {
  POWER_REQUEST_NONE = 0,
  POWER_REQUEST_SLEEP,
  POWER_REQUEST_SHUTDOWN
} power_request;

typedef struct power_manager {
  uint8_t idle;
  uint32_t idle_since_ms;
} power_manager;

power_request power_manager_update(power_manager *manager, const bms_config *config,
                                   const afe_measurements *measurements, int deeply_discharged, uint32_t now_ms);

int power_manager_should_wake(const bms_config *config, const afe_measurements *measurements, int charger_detected);

#ifdef __cplusplus
}
#endif

#endif /* POWER_MANAGER_H */
