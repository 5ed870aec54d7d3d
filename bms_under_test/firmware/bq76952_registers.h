/*
 * bq76952_registers.h: the parts of the TI bq76952 register map this firmware
 * uses, named as TI's Technical Reference Manual SLUUBY2 names them.
 *
 *   Direct commands ............ TRM chapter "Direct Commands"
 *   Subcommands ................ TRM chapter "Subcommands" (command-only and with data)
 *   Data memory ................ TRM section 13 (13.3 Settings, 13.4 Power, 13.6 Protections)
 *   Subcommand protocol ........ TRM section 3.1 (write 0x3E/0x3F, data in
 *                                0x40..0x5F, checksum 0x60 = ~sum(address and
 *                                data bytes), length 0x61 = data length + 4)
 */
#ifndef BQ76952_REGISTERS_H
#define BQ76952_REGISTERS_H

#include <stdint.h>

/* 7-bit I2C target address (0x10 on the wire for a write), TRM 3.1. */
#define BQ76952_I2C_ADDRESS 0x08u

/* ---- Direct commands; 16-bit values are little-endian ---- */
#define BQ76952_CMD_CONTROL_STATUS 0x00u
#define BQ76952_CMD_SAFETY_ALERT_A 0x02u
#define BQ76952_CMD_SAFETY_STATUS_A 0x03u
#define BQ76952_CMD_SAFETY_ALERT_B 0x04u
#define BQ76952_CMD_SAFETY_STATUS_B 0x05u
#define BQ76952_CMD_SAFETY_ALERT_C 0x06u
#define BQ76952_CMD_SAFETY_STATUS_C 0x07u
#define BQ76952_CMD_BATTERY_STATUS 0x12u
#define BQ76952_CMD_CELL1_VOLTAGE 0x14u /* cell k (1..16) at 0x14 + 2 (k - 1), signed mV */
#define BQ76952_CMD_STACK_VOLTAGE 0x34u /* userV */
#define BQ76952_CMD_PACK_PIN_VOLTAGE 0x36u /* userV */
#define BQ76952_CMD_LD_PIN_VOLTAGE 0x38u   /* userV */
#define BQ76952_CMD_CC2_CURRENT 0x3Au      /* userA, signed, + = charging */
#define BQ76952_CMD_SUBCOMMAND_LOW 0x3Eu
#define BQ76952_CMD_SUBCOMMAND_HIGH 0x3Fu
#define BQ76952_CMD_TRANSFER_BUFFER 0x40u /* 32 bytes, 0x40..0x5F */
#define BQ76952_CMD_TRANSFER_CHECKSUM 0x60u
#define BQ76952_CMD_TRANSFER_LENGTH 0x61u
#define BQ76952_CMD_ALARM_STATUS 0x62u /* latched; writing 1 clears a bit */
#define BQ76952_CMD_ALARM_ENABLE 0x66u
#define BQ76952_CMD_INTERNAL_TEMPERATURE 0x68u /* 0.1 K */
#define BQ76952_CMD_TS1_TEMPERATURE 0x70u      /* 0.1 K */
#define BQ76952_CMD_TS2_TEMPERATURE 0x72u
#define BQ76952_CMD_TS3_TEMPERATURE 0x74u
#define BQ76952_CMD_FET_STATUS 0x7Fu

#define BQ76952_TRANSFER_BUFFER_SIZE 32u
/* 0x61 holds the data length plus the 2 address bytes, checksum and length bytes. */
#define BQ76952_TRANSFER_LENGTH_OVERHEAD 4u

/* Safety Status A (0x03) bits (TRM Direct Commands: Safety Status A) */
#define BQ76952_SAFETY_A_CUV (1u << 2)
#define BQ76952_SAFETY_A_COV (1u << 3)
#define BQ76952_SAFETY_A_OCC (1u << 4)
#define BQ76952_SAFETY_A_OCD1 (1u << 5)
#define BQ76952_SAFETY_A_OCD2 (1u << 6)
#define BQ76952_SAFETY_A_SCD (1u << 7)
/* Safety Status B (0x05) bits */
#define BQ76952_SAFETY_B_UTC (1u << 0)
#define BQ76952_SAFETY_B_UTD (1u << 1)
#define BQ76952_SAFETY_B_UTINT (1u << 2)
#define BQ76952_SAFETY_B_OTC (1u << 4)
#define BQ76952_SAFETY_B_OTD (1u << 5)
#define BQ76952_SAFETY_B_OTINT (1u << 6)
#define BQ76952_SAFETY_B_OTF (1u << 7)
/* Safety Status C (0x07) bits */
#define BQ76952_SAFETY_C_HWDF (1u << 1)
#define BQ76952_SAFETY_C_PTO (1u << 2)
#define BQ76952_SAFETY_C_COVL (1u << 4)
#define BQ76952_SAFETY_C_OCDL (1u << 5)
#define BQ76952_SAFETY_C_SCDL (1u << 6)
#define BQ76952_SAFETY_C_OCD3 (1u << 7)

/* Alarm Status / Alarm Enable (0x62 / 0x66) bits */
#define BQ76952_ALARM_FULLSCAN (1u << 7) /* a full voltage/temperature scan completed */
/* Alarm Enable as TI's SLUAA11 (1.1 "Alarm Enable - 0x66") sets it: the
 * safety and PF summaries plus FULLSCAN and ADSCAN. EXIT_CFGUPDATE restores the
 * Default Alarm Mask, so it is written after. */
#define BQ76952_ALARM_ENABLE_WITH_SCANS 0xF082u

/* Battery Status (0x12) bits */
#define BQ76952_BATTERY_STATUS_CFGUPDATE (1u << 0)
#define BQ76952_BATTERY_STATUS_SLEEP_EN (1u << 2)
#define BQ76952_BATTERY_STATUS_POR (1u << 3) /* set by a full reset, cleared on EXIT_CFGUPDATE */
#define BQ76952_BATTERY_STATUS_SLEEP (1u << 15)

/* FET Status (0x7F) bits (TRM Direct Commands: FET Status) */
#define BQ76952_FET_STATUS_CHG (1u << 0)
#define BQ76952_FET_STATUS_PCHG (1u << 1)
#define BQ76952_FET_STATUS_DSG (1u << 2)
#define BQ76952_FET_STATUS_PDSG (1u << 3)

/* ---- Subcommands (TRM chapter Subcommands; SLUAA11 section 2) ---- */
#define BQ76952_SUBCMD_DEVICE_NUMBER 0x0001u
#define BQ76952_SUBCMD_SHUTDOWN 0x0010u /* twice within 4 s when sealed; twice unsealed skips the delays */
#define BQ76952_SUBCMD_RESET 0x0012u
#define BQ76952_SUBCMD_FET_ENABLE 0x0022u /* toggles Manufacturing Status[FET_EN] */
#define BQ76952_SUBCMD_MANUFACTURING_STATUS 0x0057u
#define BQ76952_SUBCMD_CB_ACTIVE_CELLS 0x0083u /* 2-byte mask, bit k = cell k + 1 (VC input) */
#define BQ76952_SUBCMD_SET_CFGUPDATE 0x0090u
#define BQ76952_SUBCMD_EXIT_CFGUPDATE 0x0092u
#define BQ76952_SUBCMD_DSG_PDSG_OFF 0x0093u
#define BQ76952_SUBCMD_CHG_PCHG_OFF 0x0094u
#define BQ76952_SUBCMD_ALL_FETS_OFF 0x0095u
#define BQ76952_SUBCMD_ALL_FETS_ON 0x0096u
#define BQ76952_SUBCMD_FET_CONTROL 0x0097u /* 1 byte, bits below */
/* TRM, SLEEP mode: "0x0099 SLEEP_ENABLE() and 0x009A SLEEP_DISABLE()" subcommands. */
#define BQ76952_SUBCMD_SLEEP_ENABLE 0x0099u
#define BQ76952_SUBCMD_SLEEP_DISABLE 0x009Au

/* Manufacturing Status (0x0057) bits */
#define BQ76952_MANUFACTURING_STATUS_FET_EN (1u << 4)

/* FET_CONTROL (0x0097) data bits: 1 forces the driver off */
#define BQ76952_FET_CONTROL_DSG_OFF (1u << 0)
#define BQ76952_FET_CONTROL_PDSG_OFF (1u << 1)
#define BQ76952_FET_CONTROL_CHG_OFF (1u << 2)
#define BQ76952_FET_CONTROL_PCHG_OFF (1u << 3)

/* ---- Data memory (TRM 13); written only in CONFIG_UPDATE mode ---- */
#define BQ76952_DM_FIRST_ADDRESS 0x9180u
#define BQ76952_DM_LAST_ADDRESS 0x93FFu

#define BQ76952_DM_DA_CONFIGURATION 0x9303u /* H1: b1..0 USER_AMPS, b2 USER_VOLTS_CV (13.3) */
#define BQ76952_DM_VCELL_MODE 0x9304u       /* H2: bit k = VC input k + 1 measures a cell */
#define BQ76952_DM_TS1_CONFIG 0x92FDu       /* H1 (13.3) */
#define BQ76952_DM_TS2_CONFIG 0x92FEu
#define BQ76952_DM_TS3_CONFIG 0x92FFu
#define BQ76952_DM_FET_OPTIONS 0x9308u /* H1: b0 SFET, b1 SLEEPCHG, b2 HOST_FET_EN, b3 FET_CTRL_EN, b5 FET_INIT_OFF */
#define BQ76952_DM_CELL_BALANCE_MAX_CELLS 0x933Au /* U1, 0..16 (13.3): host commands above it are refused */
#define BQ76952_DM_ENABLED_PROTECTIONS_A 0x9261u /* same bit layout as Safety Status A */
#define BQ76952_DM_ENABLED_PROTECTIONS_B 0x9262u /* same bit layout as Safety Status B */
#define BQ76952_DM_CUV_THRESHOLD 0x9275u    /* U1, 50.6 mV units, 20..90 (13.6) */
#define BQ76952_DM_CUV_DELAY 0x9276u        /* U2, 3.3 ms units, 1..2047 */
#define BQ76952_DM_COV_THRESHOLD 0x9278u    /* U1, 50.6 mV units, 20..110 */
#define BQ76952_DM_COV_DELAY 0x9279u        /* U2, 3.3 ms units, 1..2047 */
#define BQ76952_DM_OCC_THRESHOLD 0x9280u    /* U1, 2 mV across the sense resistor, 2..62 */
#define BQ76952_DM_OCC_DELAY 0x9281u        /* U1, 3.3 ms units + 6.6 ms, 1..127 */
#define BQ76952_DM_OCD1_THRESHOLD 0x9282u   /* U1, 2 mV, 2..100 */
#define BQ76952_DM_OCD1_DELAY 0x9283u       /* U1, 3.3 ms units + 6.6 ms, 1..127 */
#define BQ76952_DM_SCD_THRESHOLD 0x9286u    /* U1, enum index into the table below */
#define BQ76952_DM_SCD_DELAY 0x9287u        /* U1, (value - 1) * 15 us, 1..31 */
#define BQ76952_DM_OTC_THRESHOLD 0x929Au    /* I1, degrees C */
#define BQ76952_DM_OTC_DELAY 0x929Bu        /* U1, s */
#define BQ76952_DM_OTC_RECOVERY 0x929Cu     /* I1, degrees C */
#define BQ76952_DM_OTD_THRESHOLD 0x929Du
#define BQ76952_DM_OTD_DELAY 0x929Eu
#define BQ76952_DM_OTD_RECOVERY 0x929Fu
#define BQ76952_DM_UTC_THRESHOLD 0x92A6u
#define BQ76952_DM_UTC_DELAY 0x92A7u
#define BQ76952_DM_UTC_RECOVERY 0x92A8u
#define BQ76952_DM_UTD_THRESHOLD 0x92A9u
#define BQ76952_DM_UTD_DELAY 0x92AAu
#define BQ76952_DM_UTD_RECOVERY 0x92ABu

/* Protections:CUV/COV thresholds are in units of 50.6 mV (TRM 13.6). */
#define BQ76952_CELL_THRESHOLD_LSB_UV 50600u
#define BQ76952_CUV_THRESHOLD_MIN 20u
#define BQ76952_CUV_THRESHOLD_MAX 90u
#define BQ76952_COV_THRESHOLD_MIN 20u
#define BQ76952_COV_THRESHOLD_MAX 110u
#define BQ76952_CELL_DELAY_MAX 2047u
#define BQ76952_CURRENT_THRESHOLD_LSB_UV 2000u /* OCC, OCD1: 2 mV */
#define BQ76952_OCC_THRESHOLD_MIN 2u
#define BQ76952_OCC_THRESHOLD_MAX 62u
#define BQ76952_OCD1_THRESHOLD_MIN 2u
#define BQ76952_OCD1_THRESHOLD_MAX 100u
#define BQ76952_CURRENT_DELAY_MAX 127u
#define BQ76952_SCD_DELAY_MAX 31u
#define BQ76952_SCD_DELAY_STEP_US 15u

/* Protections:SCD:Threshold enum (TRM 13.6): mV across the sense resistor. */
#define BQ76952_SCD_THRESHOLD_COUNT 16u

/* TS pin configuration for a thermistor used for cell-temperature protections:
 * PIN_FXN = 3 (ADC input / thermistor), OPT = 000001 (18 kOhm pull-up, 18K model,
 * used for cell temperature), TRM 13.3 "TS1 Config" (default 0x07). */
#define BQ76952_TS_CONFIG_CELL_THERMISTOR 0x07u
#define BQ76952_TS_CONFIG_UNUSED 0x00u

#endif /* BQ76952_REGISTERS_H */
