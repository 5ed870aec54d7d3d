/*
 * inverter_link.c: see inverter_link.h.
 */
#include "bms_under_test/firmware/inverter_link.h"

#include "bms_under_test/bus/pylontech_can.h"

void inverter_link_start(inverter_link *link) {
  *link = (inverter_link){0};
  link->factor_permille = INVERTER_LINK_FULL_FACTOR_PERMILLE;
  link->ramp_start_factor_permille = INVERTER_LINK_FULL_FACTOR_PERMILLE;
}

void inverter_link_receive(inverter_link *link, const bms_hal *hal, uint32_t now_ms) {
  for (uint32_t i = 0; i < INVERTER_LINK_MAX_FRAMES_PER_TICK; ++i) {
    bms_can_frame frame;
    if (hal->can_receive(hal->host, &frame) != 1) {
      return;
    }
    if (pylon_is_inverter_heartbeat(&frame)) {
      link->armed = 1u;
      link->last_heartbeat_ms = now_ms;
      ++link->heartbeats;
    }
  }
}

static uint32_t ramp_step_permille(uint32_t elapsed_ms, uint32_t ramp_ms) {
  return (uint32_t)(((uint64_t)elapsed_ms * INVERTER_LINK_FULL_FACTOR_PERMILLE) / ramp_ms);
}

inverter_link_event inverter_link_update(inverter_link *link, const bms_config *config, uint32_t now_ms) {
  inverter_link_event event = INVERTER_LINK_EVENT_NONE;
  const int watching = link->armed && config->inverter_heartbeat_timeout_ms > 0u;
  const int silent = watching && (uint32_t)(now_ms - link->last_heartbeat_ms) > config->inverter_heartbeat_timeout_ms;
  if (silent && !link->lost) {
    link->lost = 1u;
    link->ramp_started_ms = now_ms;
    link->ramp_start_factor_permille = link->factor_permille;
    event = INVERTER_LINK_EVENT_LOST;
  } else if (!silent && link->lost) {
    link->lost = 0u;
    link->ramp_started_ms = now_ms;
    link->ramp_start_factor_permille = link->factor_permille;
    event = INVERTER_LINK_EVENT_RESTORED;
  }
  const uint32_t step = ramp_step_permille((uint32_t)(now_ms - link->ramp_started_ms), config->inverter_comm_loss_ramp_ms);
  if (link->lost) {
    link->factor_permille = step >= link->ramp_start_factor_permille ? 0u : link->ramp_start_factor_permille - step;
  } else {
    const uint32_t headroom = INVERTER_LINK_FULL_FACTOR_PERMILLE - link->ramp_start_factor_permille;
    link->factor_permille = step >= headroom ? INVERTER_LINK_FULL_FACTOR_PERMILLE : link->ramp_start_factor_permille + step;
  }
  return event;
}

int inverter_link_fets_must_open(const inverter_link *link) { return link->lost && link->factor_permille == 0u; }
