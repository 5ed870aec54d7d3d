/*
 * afe_configuration.h: the boot-time configuration of the bq76952 as a step
 * machine that spreads its I2C traffic over ticks.
 *
 * Sequence (TRM SLUUBY2 3.1, 7.x; SLUAA11 section 3):
 *   1. ALL_FETS_OFF: nothing flows while the chip is reconfigured;
 *   2. SET_CFGUPDATE, confirmed by Battery Status[CFGUPDATE];
 *   3. every data-memory setting written (transfer with checksum and length);
 *   4. every setting read back and compared; a mismatch rewrites them all, up
 *      to bms_config.afe_configuration_attempts rounds, then the boot fails;
 *   5. EXIT_CFGUPDATE, confirmed;
 *   6. Manufacturing Status[FET_EN] made 1 (FET_ENABLE toggles it);
 *   7. SLEEP_DISABLE: the firmware, not the chip, decides when to sleep;
 *   8. Alarm Enable with FULLSCAN, Alarm Status[FULLSCAN] cleared, then polled
 *      until the chip has completed a full scan with the new settings: the
 *      measurement registers read 0 before it, and a firmware that trusted
 *      them would trip every protection at once (AFE_CONFIGURATION_SCAN_POLLS
 *      polls, one a tick, before the boot fails).
 * A failed transaction is retried on the next tick; afe_communication_failure_limit
 * failures in a row fail the boot.
 */
#ifndef AFE_CONFIGURATION_H
#define AFE_CONFIGURATION_H

#include <stdint.h>

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bq76952_driver.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AFE_CONFIGURATION_MAX_SETTINGS 32u
#define AFE_CONFIGURATION_SETTINGS_PER_TICK 8u
#define AFE_CONFIGURATION_SCAN_POLLS 100u

/* One data-memory value: 1 or 2 bytes, little-endian. */
typedef struct afe_setting {
  uint16_t address;
  uint16_t value;
  uint8_t size;
} afe_setting;

typedef enum afe_configuration_phase {
  AFE_CONFIGURATION_FETS_OFF = 0,
  AFE_CONFIGURATION_ENTER_UPDATE_MODE,
  AFE_CONFIGURATION_WRITE,
  AFE_CONFIGURATION_VERIFY,
  AFE_CONFIGURATION_EXIT_UPDATE_MODE,
  AFE_CONFIGURATION_ENABLE_FET_CONTROL,
  AFE_CONFIGURATION_DISABLE_AUTONOMOUS_SLEEP,
  AFE_CONFIGURATION_ARM_SCAN_ALARM,
  AFE_CONFIGURATION_WAIT_FOR_SCAN,
  AFE_CONFIGURATION_DONE,
  AFE_CONFIGURATION_FAILED
} afe_configuration_phase;

typedef enum afe_configuration_failure {
  AFE_CONFIGURATION_FAILURE_NONE = 0,
  AFE_CONFIGURATION_FAILURE_COMMUNICATION, /* too many failed transactions in a row */
  AFE_CONFIGURATION_FAILURE_VERIFY,        /* read-back differed in every round */
  AFE_CONFIGURATION_FAILURE_FET_ENABLE,    /* FET_EN would not become 1 */
  AFE_CONFIGURATION_FAILURE_NO_SCAN        /* no full scan completed in time */
} afe_configuration_failure;

typedef struct afe_configuration {
  afe_setting settings[AFE_CONFIGURATION_MAX_SETTINGS];
  uint32_t setting_count;
  afe_configuration_phase phase;
  uint32_t next_setting;
  uint32_t verify_rounds_failed;
  uint32_t mismatches_this_round;
  uint16_t last_mismatch_address;
  uint32_t consecutive_transaction_failures;
  uint32_t fet_enable_toggles;
  uint32_t scan_polls;
  bq76952_result last_error;
  afe_configuration_failure failure;
} afe_configuration;

/* Register encodings of the configured physical values (TRM 13.6). */
uint8_t afe_encode_cell_threshold(uint32_t threshold_mv, uint8_t code_min, uint8_t code_max);
uint16_t afe_encode_cell_delay(uint32_t delay_ms);
uint8_t afe_encode_current_threshold(uint32_t current_ma, uint32_t sense_resistor_micro_ohm, uint8_t code_max);
uint8_t afe_encode_current_delay(uint32_t delay_ms);
uint8_t afe_encode_short_circuit_threshold(uint32_t current_ma, uint32_t sense_resistor_micro_ohm);
uint8_t afe_encode_short_circuit_delay(uint32_t delay_us);

/* Fills the settings list from config and starts at step 1. */
void afe_configuration_start(afe_configuration *configuration, const bms_config *config);

/* Advances as far as this tick allows; returns the phase reached (DONE and
 * FAILED are final). */
afe_configuration_phase afe_configuration_step(afe_configuration *configuration, const bms_hal *hal,
                                               const bms_config *config);

#ifdef __cplusplus
}
#endif

#endif /* AFE_CONFIGURATION_H */
