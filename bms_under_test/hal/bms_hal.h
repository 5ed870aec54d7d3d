/*
 * bms_hal.h: the C ABI between a BMS firmware and the world it runs in.
 *
 * A firmware is a library (static, or a shared object loaded with
 * `packsim run --firmware PATH.so`) exporting the three functions at the end of
 * this file. It talks to the world only through the bms_hal it is given: I2C
 * to the analog front-end, CAN, a UART, GPIO and a millisecond clock. In
 * packsim the clock is virtual time (the firmware never reads the wall clock);
 * on a HIL rig the same calls reach real buses. The same firmware source builds
 * for the simulator and for the MCU. In a child process (isolation) or on an
 * MCU (processor in the loop), link/hal_link_client.h hands the firmware this
 * same struct and carries each call over the remote-HAL link to packsim.
 *
 * Versioning: the major number changes when a field's meaning or position
 * changes; the minor number when fields are appended. A host refuses a
 * firmware built against another major version.
 */
#ifndef BMS_HAL_H
#define BMS_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/bus/can_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BMS_HAL_VERSION_MAJOR 1u
#define BMS_HAL_VERSION_MINOR 0u
#define BMS_HAL_VERSION ((BMS_HAL_VERSION_MAJOR << 16) | BMS_HAL_VERSION_MINOR)

/* Results of bus calls. */
#define BMS_HAL_OK 0
#define BMS_HAL_NACK (-1)      /* the target did not acknowledge (absent, asleep, refused) */
#define BMS_HAL_BUS_ERROR (-2) /* arbitration lost, timeout, malformed transfer */

/* GPIO pins a BMS board typically has; a host may support a subset. */
enum bms_gpio_pin {
  BMS_GPIO_AFE_ALERT = 0,      /* input: the AFE's ALERT pin (active high) */
  BMS_GPIO_AFE_RESET = 1,      /* output: hold the AFE in reset */
  BMS_GPIO_STATUS_LED = 2,     /* output */
  BMS_GPIO_CHARGER_DETECT = 3, /* input: a charger is connected */
  BMS_GPIO_COUNT = 4
};

typedef struct bms_hal {
  uint32_t version; /* BMS_HAL_VERSION the host implements */
  void *host;       /* handed back unchanged to every call */

  /* I2C controller. Addresses are 7-bit. A write is one transaction
   * (START, address+W, data..., STOP). write_read writes then reads with a
   * repeated START in between, as register reads need. */
  int (*i2c_write)(void *host, uint8_t address7, const uint8_t *data, size_t length);
  int (*i2c_read)(void *host, uint8_t address7, uint8_t *data, size_t length);
  int (*i2c_write_read)(void *host, uint8_t address7, const uint8_t *write_data, size_t write_length,
                        uint8_t *read_data, size_t read_length);

  /* CAN: send queues one frame (BMS_HAL_OK, or BMS_HAL_BUS_ERROR when the
   * queue is full); receive returns 1 and fills *frame when a frame was
   * waiting, 0 when none. */
  int (*can_send)(void *host, const bms_can_frame *frame);
  int (*can_receive)(void *host, bms_can_frame *frame);

  /* UART (the service port): byte streams, never blocking. Return the number
   * of bytes written / read. */
  size_t (*uart_write)(void *host, const uint8_t *data, size_t length);
  size_t (*uart_read)(void *host, uint8_t *data, size_t capacity);

  /* GPIO: levels are 0 or 1. */
  int (*gpio_read)(void *host, uint32_t pin);
  void (*gpio_write)(void *host, uint32_t pin, int level);

  /* Milliseconds since the firmware started; wraps after 49.7 days. */
  uint32_t (*millis)(void *host);

  /* Optional (may be NULL): a line of text for the host's log. */
  void (*log)(void *host, const char *line);
} bms_hal;

/* What a firmware says about itself. */
typedef struct bms_firmware_info {
  uint32_t hal_version;    /* BMS_HAL_VERSION it was built against */
  const char *name;        /* e.g. "packsim reference BMS" */
  const char *version;     /* e.g. "1.0.0" */
  uint32_t tick_period_ms; /* how often the host calls bms_tick */
} bms_firmware_info;

/* Exported by every firmware. bms_init is called once (and again after a
 * simulated power cycle or re-flash) with a hal that stays valid until the next
 * bms_init; it returns 0 on success. bms_tick is called every tick_period_ms of
 * (virtual) time. */
const bms_firmware_info *bms_firmware_info_get(void);
int bms_init(const bms_hal *hal);
void bms_tick(void);

/*
 * Optional export: variables the firmware lets a host observe, the way an
 * ECU's measurement variables are read by a calibration tool. A host looks
 * bms_observables_get up by name (a firmware without it keeps its state
 * private; no HAL version depends on it) and reads the variables between
 * ticks, never during one. The table and the variables stay where they are
 * for as long as the firmware is loaded. Names are lower_snake_case and
 * unique; the scenario signal `firmware_state` reads an enumeration named
 * "state" whose value names are the states of bms_state_machine.h
 * (startup, standby, normal, ...).
 */
typedef enum bms_observable_type {
  BMS_OBSERVABLE_U8 = 0,
  BMS_OBSERVABLE_U16 = 1,
  BMS_OBSERVABLE_U32 = 2,
  BMS_OBSERVABLE_I8 = 3,
  BMS_OBSERVABLE_I16 = 4,
  BMS_OBSERVABLE_I32 = 5,
  BMS_OBSERVABLE_F32 = 6,
  BMS_OBSERVABLE_ENUM = 7 /* an int-sized C enum: value k is named value_names[k] */
} bms_observable_type;

typedef struct bms_observable {
  const char *name;              /* e.g. "soc_permille" */
  const char *unit;              /* e.g. "mV", "permille"; "" for none */
  uint32_t type;                 /* a bms_observable_type */
  const volatile void *address;  /* the variable */
  const char *const *value_names; /* BMS_OBSERVABLE_ENUM: one name per value; otherwise NULL */
  uint32_t value_name_count;
  const char *description;       /* one line, for tools; may be NULL */
} bms_observable;

const bms_observable *bms_observables_get(size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* BMS_HAL_H */
