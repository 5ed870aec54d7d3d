/*
 * overcurrent_budget.h: charge or discharge over-current as an I^2 t leaky
 * bucket, the way a fuse or a cable heats up.
 *
 * Every measurement the bucket gains (I^2 - I_continuous^2) x dt (A^2 s): it
 * fills above the continuous current and drains below it, never below empty.
 * It trips when the content reaches the budget, so 2 x I_continuous trips
 * after budget / (3 I_continuous^2) seconds and a small excess takes much
 * longer. A trip releases once release_delay_ms has passed and the bucket has
 * drained below half the budget; trips_before_latch trips, each within
 * trip_memory_ms of the previous one, latch it until a service reset.
 */
#ifndef OVERCURRENT_BUDGET_H
#define OVERCURRENT_BUDGET_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct overcurrent_limits {
  uint32_t continuous_ma;
  uint32_t budget_a2s;
  uint32_t release_delay_ms;
  uint32_t trips_before_latch;
  uint32_t trip_memory_ms;
} overcurrent_limits;

typedef enum overcurrent_event {
  OVERCURRENT_EVENT_NONE = 0,
  OVERCURRENT_EVENT_TRIPPED,
  OVERCURRENT_EVENT_LATCHED, /* tripped, and this was one trip too many */
  OVERCURRENT_EVENT_RELEASED
} overcurrent_event;

typedef struct overcurrent_budget {
  float content_a2s;
  uint8_t tripped;
  uint8_t latched;
  uint32_t tripped_at_ms;
  uint32_t recent_trips;
  uint32_t last_trip_ms;
} overcurrent_budget;

/* current_ma is the magnitude in this budget's direction (0 when the current
 * flows the other way); dt_ms the time since the previous update. */
overcurrent_event overcurrent_budget_update(overcurrent_budget *budget, const overcurrent_limits *limits,
                                            uint32_t current_ma, uint32_t dt_ms, uint32_t now_ms);

/* The cause of a latched trip is gone once the bucket is below half. */
int overcurrent_budget_cause_gone(const overcurrent_budget *budget, const overcurrent_limits *limits);

/* Service reset of a latched trip (the caller checked the cause is gone). */
void overcurrent_budget_reset(overcurrent_budget *budget);

/* Content as a fraction of the budget, 0..1+ (a "high current" warning above 0.5). */
float overcurrent_budget_fill(const overcurrent_budget *budget, const overcurrent_limits *limits);

#ifdef __cplusplus
}
#endif

#endif /* OVERCURRENT_BUDGET_H */
