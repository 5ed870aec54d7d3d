/* A firmware built against a future bms_hal.h (major version + 1): the loader
 * must refuse it before calling anything else. */
#include <stddef.h>

#include "bms_under_test/hal/bms_hal.h"

#define TEST_EXPORT __attribute__((visibility("default")))

static const bms_firmware_info future_info = {((BMS_HAL_VERSION_MAJOR + 1u) << 16) | 0u, "future firmware", "9.0.0",
                                              10u};

TEST_EXPORT const bms_firmware_info *bms_firmware_info_get(void) { return &future_info; }

TEST_EXPORT int bms_init(const bms_hal *hal) { return hal == NULL ? -1 : 0; }

TEST_EXPORT void bms_tick(void) {}
