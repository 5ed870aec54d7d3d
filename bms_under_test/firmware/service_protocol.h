/*
 * service_protocol.h: the answers of the JBD service protocol
 * (bms_under_test/bus/jbd_protocol.h for the framing and standard payloads).
 *
 * Standard commands:
 *   0x03 read   basic info; protection status bits from the firmware's flags
 *   0x04 read   cell voltages
 *   0x05 read   hardware version text
 *   0xE1 write  MOS control `00 XX` (bit 0 charge off, bit 1 discharge off):
 *               the reset path; the firmware core decides (bms_firmware.c):
 *               turning a FET off is always accepted (software MOS lock);
 *               `00 00` clears the locks and resets latched faults, but only
 *               when every latched fault's cause is gone, otherwise the answer
 *               has status 0x80 and nothing changes.
 * Extensions (read, big-endian like the rest of the protocol):
 *   0xF1 fault log   request data: [first] (0 = oldest held; empty = 0)
 *                    answer: total recorded u32, held u8, first u8, count u8,
 *                    then count entries of code u8, raised u8, cell u8,
 *                    time_ms u32, value i32 (at most SERVICE_FAULT_LOG_ENTRIES_PER_ANSWER)
 *   0xF2 status      answer: state u8, active flags u32, latched flags u32,
 *                    SOC u16 (per mille), SOH u16 (per mille), full capacity u16
 *                    (10 mAh), balancing cells u16, comm-loss factor u16 (per
 *                    mille), AFE consecutive failures u8, charge limit u16
 *                    (0.1 A), discharge limit u16 (0.1 A)
 * Anything else is answered with status 0x80 and no data.
 */
#ifndef SERVICE_PROTOCOL_H
#define SERVICE_PROTOCOL_H

#include <stdint.h>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/firmware/afe_measurements.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/fault_log.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SERVICE_CMD_FAULT_LOG 0xF1u
#define SERVICE_CMD_STATUS 0xF2u
#define SERVICE_FAULT_LOG_HEADER_SIZE 7u
#define SERVICE_FAULT_LOG_ENTRY_SIZE 11u
#define SERVICE_FAULT_LOG_ENTRIES_PER_ANSWER 5u
#define SERVICE_STATUS_SIZE 24u
#define SERVICE_SOFTWARE_VERSION 0x10u /* 1.0 */
#define SERVICE_HARDWARE_VERSION_TEXT "packsim-ref-bms 1.0.0"

/* What the answers report, gathered by the firmware core. */
typedef struct service_view {
  const afe_measurements *measurements; /* NULL before the first measurement */
  const fault_log *log;
  bms_state state;
  uint32_t active_flags;  /* BMS_FLAG bits, including the AFE's own */
  uint32_t latched_flags;
  uint32_t soc_permille;
  uint32_t soh_permille;
  uint32_t remaining_mah;
  uint32_t full_capacity_mah;
  uint32_t cycle_count;
  uint16_t balancing_cells; /* bit 0 = cell 1 */
  uint32_t comm_loss_factor_permille;
  uint32_t afe_consecutive_failures;
  uint32_t charge_limit_ma;
  uint32_t discharge_limit_ma;
} service_view;

typedef enum service_action {
  SERVICE_ACTION_ANSWER = 0,  /* *response is ready */
  SERVICE_ACTION_MOS_CONTROL  /* *mos_control holds the request; the core answers */
} service_action;

service_action service_protocol_handle(const struct jbd_request *request, const service_view *view,
                                       struct jbd_response *response, struct jbd_mos_control *mos_control);

/* JBD 0x03 protection status bits for a set of BMS_FLAG bits. */
uint16_t service_protocol_protection_status(uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* SERVICE_PROTOCOL_H */
