/* A shared object that forgot bms_tick: the loader must say which export is missing. */
#include <stddef.h>

#include "bms_under_test/hal/bms_hal.h"

#define TEST_EXPORT __attribute__((visibility("default")))

static const bms_firmware_info incomplete_info = {BMS_HAL_VERSION, "incomplete firmware", "0.1.0", 10u};

TEST_EXPORT const bms_firmware_info *bms_firmware_info_get(void) { return &incomplete_info; }

TEST_EXPORT int bms_init(const bms_hal *hal) { return hal == NULL ? -1 : 0; }
