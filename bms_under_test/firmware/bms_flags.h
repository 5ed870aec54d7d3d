/*
 * bms_flags.h: the firmware's protection and status flags, one bit each, and
 * which of them forbid charging or discharging. The fault log uses the bit
 * number + 1 as the event code of a flag (fault_log.h).
 */
#ifndef BMS_FLAGS_H
#define BMS_FLAGS_H

#include <stdint.h>

typedef enum bms_flag_bit {
  BMS_FLAG_BIT_CELL_OVERVOLTAGE = 0,
  BMS_FLAG_BIT_CELL_UNDERVOLTAGE = 1,
  BMS_FLAG_BIT_PACK_OVERVOLTAGE = 2,
  BMS_FLAG_BIT_PACK_UNDERVOLTAGE = 3,
  BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE = 4,
  BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE = 5,
  BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE = 6,
  BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE = 7,
  BMS_FLAG_BIT_CELL_IMBALANCE = 8, /* warning only */
  BMS_FLAG_BIT_CHARGE_OVERCURRENT = 9,
  BMS_FLAG_BIT_DISCHARGE_OVERCURRENT = 10,
  BMS_FLAG_BIT_SHORT_CIRCUIT = 11,
  BMS_FLAG_BIT_AFE_COMMUNICATION = 12,
  BMS_FLAG_BIT_AFE_CONFIGURATION = 13,
  BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS = 14,
  BMS_FLAG_BIT_SERVICE_CHARGE_LOCK = 15,
  BMS_FLAG_BIT_SERVICE_DISCHARGE_LOCK = 16,
  BMS_FLAG_BIT_RECOVERY_CHARGE = 17, /* deeply discharged: small charge current only, no discharge */
  BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT = 18,
  BMS_FLAG_BIT_COUNT = 19
} bms_flag_bit;

#define BMS_FLAG(bit) (1u << (uint32_t)(bit))

#define BMS_FLAGS_BLOCKING_CHARGE                                                                        \
  (BMS_FLAG(BMS_FLAG_BIT_CELL_OVERVOLTAGE) | BMS_FLAG(BMS_FLAG_BIT_PACK_OVERVOLTAGE) |                   \
   BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE) | BMS_FLAG(BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE) |      \
   BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE) | BMS_FLAG(BMS_FLAG_BIT_CHARGE_OVERCURRENT) |        \
   BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT) | BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) |                     \
   BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION) | BMS_FLAG(BMS_FLAG_BIT_SERVICE_CHARGE_LOCK) |               \
   BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE_OVERCURRENT))

#define BMS_FLAGS_BLOCKING_DISCHARGE                                                                     \
  (BMS_FLAG(BMS_FLAG_BIT_CELL_UNDERVOLTAGE) | BMS_FLAG(BMS_FLAG_BIT_PACK_UNDERVOLTAGE) |                 \
   BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE) | BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE) | \
   BMS_FLAG(BMS_FLAG_BIT_DISCHARGE_OVERCURRENT) | BMS_FLAG(BMS_FLAG_BIT_SHORT_CIRCUIT) |                 \
   BMS_FLAG(BMS_FLAG_BIT_AFE_COMMUNICATION) | BMS_FLAG(BMS_FLAG_BIT_AFE_CONFIGURATION) |                 \
   BMS_FLAG(BMS_FLAG_BIT_SERVICE_DISCHARGE_LOCK) | BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE))

/* Balancing stops for whatever blocks charging (temperature, over-current, a
 * latched fault, a service lock) except an over-voltage: bleeding is what
 * brings an over-voltage cell back down, so top balancing carries on while the
 * charge FET is open for it. A recovery charge (deeply discharged) stops it too. */
#define BMS_FLAGS_BLOCKING_BALANCING                                                                     \
  ((BMS_FLAGS_BLOCKING_CHARGE &                                                                          \
    ~(BMS_FLAG(BMS_FLAG_BIT_CELL_OVERVOLTAGE) | BMS_FLAG(BMS_FLAG_BIT_PACK_OVERVOLTAGE))) |               \
   BMS_FLAG(BMS_FLAG_BIT_RECOVERY_CHARGE))

#endif /* BMS_FLAGS_H */
