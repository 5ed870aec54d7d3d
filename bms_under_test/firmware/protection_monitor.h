/*
 * protection_monitor.h: one debounced protection with recovery hysteresis.
 *
 * The caller decides, from its threshold, whether the trip condition holds
 * (value beyond the threshold) and whether the recovery condition holds (value
 * back past threshold -/+ hysteresis). The monitor trips once the trip
 * condition has held for the trip delay without a break, and recovers once the
 * recovery condition has held for the recovery delay without a break; between
 * the two thresholds nothing changes.
 */
#ifndef PROTECTION_MONITOR_H
#define PROTECTION_MONITOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum protection_event {
  PROTECTION_EVENT_NONE = 0,
  PROTECTION_EVENT_TRIPPED,
  PROTECTION_EVENT_RECOVERED
} protection_event;

typedef struct protection_monitor {
  uint8_t tripped;
  uint8_t timing;          /* the condition that would change the state holds; since_ms counts */
  uint32_t since_ms;
} protection_monitor;

/* At boot there is no history: a condition already beyond its threshold trips
 * at once instead of waiting out the delay with the FETs closed. */
protection_event protection_monitor_initialise(protection_monitor *monitor, int trip_condition);

protection_event protection_monitor_update(protection_monitor *monitor, int trip_condition, int recovery_condition,
                                           uint32_t trip_delay_ms, uint32_t recovery_delay_ms, uint32_t now_ms);

/* The trip condition holds but its delay has not run out: a warning. */
int protection_monitor_pending(const protection_monitor *monitor);

#ifdef __cplusplus
}
#endif

#endif /* PROTECTION_MONITOR_H */
