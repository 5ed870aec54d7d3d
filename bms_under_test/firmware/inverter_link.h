/*
 * inverter_link.h: the inverter's presence on the CAN bus.
 *
 * Any 0x305 frame is a heartbeat. The watch arms with the first heartbeat (a
 * pack that never had an inverter is not "lost"); after
 * inverter_heartbeat_timeout_ms of silence the link is lost: the advertised
 * charge and discharge limits are scaled by a factor that ramps linearly from
 * where it was to 0 over inverter_comm_loss_ramp_ms, and once it reaches 0 the
 * FETs open. A heartbeat restores the link: the factor ramps back up at the
 * same rate and the FETs may close again at once (limits start from 0).
 */
#ifndef INVERTER_LINK_H
#define INVERTER_LINK_H

#include <stdint.h>

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INVERTER_LINK_MAX_FRAMES_PER_TICK 16u
#define INVERTER_LINK_FULL_FACTOR_PERMILLE 1000u

typedef enum inverter_link_event {
  INVERTER_LINK_EVENT_NONE = 0,
  INVERTER_LINK_EVENT_LOST,
  INVERTER_LINK_EVENT_RESTORED
} inverter_link_event;

typedef struct inverter_link {
  uint8_t armed;
  uint8_t lost;
  uint32_t last_heartbeat_ms;
  uint32_t ramp_started_ms;
  uint32_t ramp_start_factor_permille;
  uint32_t factor_permille; /* 1000 = full limits */
  uint32_t heartbeats;
} inverter_link;

void inverter_link_start(inverter_link *link);

/* Drains up to INVERTER_LINK_MAX_FRAMES_PER_TICK received frames; heartbeats
 * refresh the watch. Other frames are ignored. */
void inverter_link_receive(inverter_link *link, const bms_hal *hal, uint32_t now_ms);

/* Advances the watch and the ramp. */
inverter_link_event inverter_link_update(inverter_link *link, const bms_config *config, uint32_t now_ms);

/* The ramp has reached 0 while the link is lost: the FETs must open. */
int inverter_link_fets_must_open(const inverter_link *link);

#ifdef __cplusplus
}
#endif

#endif /* INVERTER_LINK_H */
