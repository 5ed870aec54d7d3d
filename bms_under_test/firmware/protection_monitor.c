/*
 * protection_monitor.c: see protection_monitor.h. Times are compared as
 * differences of uint32_t milliseconds, so the 49.7-day wrap of millis() is harmless.
 */
#include "bms_under_test/firmware/protection_monitor.h"

protection_event protection_monitor_initialise(protection_monitor *monitor, int trip_condition) {
  monitor->tripped = trip_condition ? 1u : 0u;
  monitor->timing = 0u;
  monitor->since_ms = 0u;
  return trip_condition ? PROTECTION_EVENT_TRIPPED : PROTECTION_EVENT_NONE;
}

protection_event protection_monitor_update(protection_monitor *monitor, int trip_condition, int recovery_condition,
                                           uint32_t trip_delay_ms, uint32_t recovery_delay_ms, uint32_t now_ms) {
  const int changing = monitor->tripped ? recovery_condition : trip_condition;
  if (!changing) {
    monitor->timing = 0u;
    return PROTECTION_EVENT_NONE;
  }
  if (!monitor->timing) {
    monitor->timing = 1u;
    monitor->since_ms = now_ms;
  }
  const uint32_t delay_ms = monitor->tripped ? recovery_delay_ms : trip_delay_ms;
  if ((uint32_t)(now_ms - monitor->since_ms) < delay_ms) {
    return PROTECTION_EVENT_NONE;
  }
  monitor->timing = 0u;
  monitor->tripped = (uint8_t)(monitor->tripped ? 0u : 1u);
  return monitor->tripped ? PROTECTION_EVENT_TRIPPED : PROTECTION_EVENT_RECOVERED;
}

int protection_monitor_pending(const protection_monitor *monitor) { return !monitor->tripped && monitor->timing; }
