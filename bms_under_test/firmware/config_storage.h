/*
 * config_storage.h: loads the configuration image (bms_config_image.h) from the
 * board's configuration EEPROM through the HAL, once, at bms_init.
 */
#ifndef CONFIG_STORAGE_H
#define CONFIG_STORAGE_H

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bms_config_image.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes fetched per EEPROM read (a 24C32 page). */
#define CONFIG_STORAGE_READ_CHUNK 32u

/* Fills *config from the EEPROM image when it is present, intact and valid;
 * otherwise *config holds the defaults. Returns what was found. */
bms_config_image_result config_storage_load(const bms_hal *hal, bms_config *config);

#ifdef __cplusplus
}
#endif

#endif /* CONFIG_STORAGE_H */
