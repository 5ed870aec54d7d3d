// One classic CAN 2.0 frame, shared by the CAN codecs (pylontech_can, slcan)
// and the firmware HAL. Plain data: no flag bits folded into the identifier.
// Like bms_hal.h, the bus headers typedef each struct and enum to its own
// name, so C code may write either `bms_can_frame` or `struct bms_can_frame`.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BMS_CAN_MAX_DLC 8u
#define BMS_CAN_STANDARD_ID_MAX 0x7FFu       // 11-bit identifier
#define BMS_CAN_EXTENDED_ID_MAX 0x1FFFFFFFu  // 29-bit identifier

typedef struct bms_can_frame {
  uint32_t id;                    // 11-bit (extended == false) or 29-bit identifier
  uint8_t dlc;                    // 0..8; a remote frame carries a DLC but no data
  uint8_t data[BMS_CAN_MAX_DLC];  // bytes past dlc are don't-care (encoders zero them)
  bool extended;                  // 29-bit identifier
  bool rtr;                       // remote transmission request
} bms_can_frame;

// True when the identifier fits its format and the DLC is 0..8.
static inline bool bms_can_frame_is_valid(const struct bms_can_frame* frame) {
  const uint32_t id_max = frame->extended ? BMS_CAN_EXTENDED_ID_MAX : BMS_CAN_STANDARD_ID_MAX;
  return frame->id <= id_max && frame->dlc <= BMS_CAN_MAX_DLC;
}

#ifdef __cplusplus
}
#endif
