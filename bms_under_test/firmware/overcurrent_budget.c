/*
 * overcurrent_budget.c: see overcurrent_budget.h. Single-precision float, as
 * a Cortex-M4F computes it in hardware.
 */
#include "bms_under_test/firmware/overcurrent_budget.h"

static float amperes(uint32_t milliamperes) { return (float)milliamperes * 0.001f; }

int overcurrent_budget_cause_gone(const overcurrent_budget *budget, const overcurrent_limits *limits) {
  return budget->content_a2s <= 0.5f * (float)limits->budget_a2s;
}

overcurrent_event overcurrent_budget_update(overcurrent_budget *budget, const overcurrent_limits *limits,
                                            uint32_t current_ma, uint32_t dt_ms, uint32_t now_ms) {
  const float current_a = amperes(current_ma);
  const float continuous_a = amperes(limits->continuous_ma);
  budget->content_a2s += (current_a * current_a - continuous_a * continuous_a) * ((float)dt_ms * 0.001f);
  if (budget->content_a2s < 0.0f) {
    budget->content_a2s = 0.0f;
  }
  if (!budget->tripped) {
    if (budget->content_a2s < (float)limits->budget_a2s) {
      return OVERCURRENT_EVENT_NONE;
    }
    const int remembered = budget->recent_trips > 0u &&
                           (uint32_t)(now_ms - budget->last_trip_ms) <= limits->trip_memory_ms;
    budget->recent_trips = remembered ? budget->recent_trips + 1u : 1u;
    budget->last_trip_ms = now_ms;
    budget->tripped = 1u;
    budget->tripped_at_ms = now_ms;
    if (budget->recent_trips >= limits->trips_before_latch) {
      budget->latched = 1u;
      return OVERCURRENT_EVENT_LATCHED;
    }
    return OVERCURRENT_EVENT_TRIPPED;
  }
  if (budget->latched) {
    return OVERCURRENT_EVENT_NONE; /* only a service reset releases it */
  }
  if ((uint32_t)(now_ms - budget->tripped_at_ms) >= limits->release_delay_ms &&
      overcurrent_budget_cause_gone(budget, limits)) {
    budget->tripped = 0u;
    return OVERCURRENT_EVENT_RELEASED;
  }
  return OVERCURRENT_EVENT_NONE;
}

void overcurrent_budget_reset(overcurrent_budget *budget) {
  budget->tripped = 0u;
  budget->latched = 0u;
  budget->recent_trips = 0u;
}

float overcurrent_budget_fill(const overcurrent_budget *budget, const overcurrent_limits *limits) {
  return budget->content_a2s / (float)limits->budget_a2s;
}
