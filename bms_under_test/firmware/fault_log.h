/*
 * fault_log.h: a ring buffer of the last FAULT_LOG_CAPACITY events (code,
 * time, value), the oldest overwritten first. The service tool reads it with
 * the JBD extension command of service_port.h.
 *
 * Codes 1..BMS_FLAG_BIT_COUNT are flags (bms_flags.h bit number + 1), raised
 * or cleared; codes from 0x40 are events.
 */
#ifndef FAULT_LOG_H
#define FAULT_LOG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FAULT_LOG_CAPACITY 32u

typedef enum fault_log_code {
  FAULT_LOG_CODE_BOOT = 0x40,                /* value: configuration image result (bms_config_image.h) */
  FAULT_LOG_CODE_AFE_CONFIGURED = 0x41,      /* value: verify rounds that failed before success */
  FAULT_LOG_CODE_AFE_RESET_DETECTED = 0x42,  /* Battery Status[POR] seen: the chip lost its settings */
  FAULT_LOG_CODE_FAULT_RESET = 0x43,         /* service reset accepted; value: flags cleared */
  FAULT_LOG_CODE_FAULT_RESET_REFUSED = 0x44, /* value: latched flags whose cause persists */
  FAULT_LOG_CODE_SLEEP = 0x45,               /* AFE SLEEP allowed; value: min cell mV */
  FAULT_LOG_CODE_SHUTDOWN = 0x46,            /* AFE SHUTDOWN sent; value: min cell mV */
  FAULT_LOG_CODE_WAKE = 0x47,                /* value: current mA */
  FAULT_LOG_CODE_SOC_ANCHORED = 0x48,        /* value: SOC per mille from OCV */
  FAULT_LOG_CODE_CAPACITY_MEASURED = 0x49    /* value: capacity mAh between two anchors */
} fault_log_code;

typedef struct fault_log_entry {
  uint8_t code;
  uint8_t raised;      /* 1 raised / event, 0 cleared */
  uint8_t cell_number; /* 1-based cell when it concerns a cell, else 0 */
  uint8_t reserved;
  uint32_t time_ms;    /* millis() when it happened */
  int32_t value;       /* mV, mA, 0.1 C or as the code says */
} fault_log_entry;

typedef struct fault_log {
  fault_log_entry entries[FAULT_LOG_CAPACITY];
  uint32_t next;           /* slot the next entry goes to */
  uint32_t count;          /* entries held, up to the capacity */
  uint32_t total_recorded; /* entries ever recorded (tells a reader how many were lost) */
} fault_log;

void fault_log_clear(fault_log *log);
void fault_log_record(fault_log *log, uint8_t code, uint8_t raised, uint8_t cell_number, uint32_t time_ms,
                      int32_t value);
uint32_t fault_log_count(const fault_log *log);
/* Entry index_from_oldest (0 = oldest held); 0 when there is no such entry. */
int fault_log_get(const fault_log *log, uint32_t index_from_oldest, fault_log_entry *entry);

#ifdef __cplusplus
}
#endif

#endif /* FAULT_LOG_H */
