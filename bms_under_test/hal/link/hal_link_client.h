/*
 * hal_link_client.h: the firmware's end of the remote-HAL link.
 *
 * Portable C11 for the same MCUs the firmware runs on: no heap, no stdio, no
 * OS calls; one context struct holds everything (4728 bytes measured on
 * x86-64, a little less with 32-bit pointers; README.md has the breakdown). The
 * client hands an unchanged firmware an ordinary bms_hal whose calls cross the
 * link to the host (hal_link_protocol.h), and runs the firmware's bms_init and
 * bms_tick when the host says so. The platform gives it a byte stream: two
 * callbacks, typically over a USB-CDC/UART driver on an MCU, or a file
 * descriptor / shared-memory ring in a child process.
 *
 * An MCU's main() is:
 *
 *   static hal_link_client client;
 *   hal_link_client_init(&client, &platform, &firmware);
 *   for (;;) {
 *     hal_link_client_serve(&client);   // returns when the host's session ends
 *   }
 *
 * Every HAL call the firmware makes while it runs blocks until the host
 * answers (lockstep). A session ends when the host closes the stream, on any
 * protocol error (the client sends ERROR naming the field first, then makes
 * every HAL call of the running tick fail with BMS_HAL_BUS_ERROR until the
 * tick returns), or when a new HELLO restarts it.
 */
#ifndef HAL_LINK_CLIENT_H
#define HAL_LINK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/hal/bms_hal.h"
#include "bms_under_test/hal/link/hal_link_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The byte stream to the host. */
typedef struct hal_link_platform {
  void *context; /* handed back to both callbacks */
  /* Writes all `length` bytes, blocking as needed. 0 on success, -1 when the stream is gone. */
  int (*write)(void *context, const uint8_t *data, size_t length);
  /* Reads at least one and at most `capacity` bytes, blocking until some are
   * there. The count, 0 at the end of the stream, -1 on an error. */
  long (*read)(void *context, uint8_t *data, size_t capacity);
} hal_link_platform;

/* The firmware's exports (bms_hal.h). observables_get may be NULL. */
typedef struct hal_link_firmware {
  const bms_firmware_info *(*firmware_info_get)(void);
  int (*init)(const bms_hal *hal);
  void (*tick)(void);
  const bms_observable *(*observables_get)(size_t *count);
} hal_link_firmware;

/* Why hal_link_client_serve returned. */
typedef enum hal_link_session_end {
  HAL_LINK_SESSION_CLOSED = 0, /* the host closed the stream (or it failed) */
  HAL_LINK_SESSION_ERROR = 1,  /* a protocol error: last_error says which field */
  HAL_LINK_SESSION_RESTART = 2 /* a new HELLO arrived mid-session; call serve again */
} hal_link_session_end;

/* Everything the client holds. Treat as opaque; the fields are here so that
 * it can be allocated statically. */
typedef struct hal_link_client {
  hal_link_platform platform;
  hal_link_firmware firmware;
  bms_hal hal; /* what the firmware is given */

  hal_link_decoder decoder;
  uint8_t rx_buffer[256]; /* bytes read from the stream, not yet decoded */
  size_t rx_fill;
  size_t rx_used;
  uint8_t tx_frame[HAL_LINK_MAX_FRAME];
  uint8_t host_sequence; /* expected in the host's next frame */
  uint8_t own_sequence;  /* for the client's next frame */
  int in_session;
  int running; /* inside bms_init / bms_tick */
  int failed;  /* the session broke while running: HAL calls fail fast */
  int pending_hello; /* a HELLO arrived while running: answered after the tick */

  /* The host's side, as the latest INIT / RUN / REPLY gave it. */
  uint32_t millis;
  uint8_t gpio_inputs;

  /* Receive queues (ring buffers). */
  bms_can_frame can_rx[HAL_LINK_CAN_RX_CAPACITY];
  uint16_t can_rx_head;
  uint16_t can_rx_count;
  uint32_t can_rx_overruns;
  uint8_t uart_rx[HAL_LINK_UART_RX_CAPACITY];
  uint16_t uart_rx_head;
  uint16_t uart_rx_count;

  /* The latest REPLY, copied out of the decoder's buffer. */
  int32_t reply_result;
  uint16_t reply_length;
  uint8_t reply_data[HAL_LINK_MAX_TRANSFER];

  hal_link_error last_error;
  uint32_t runs;  /* RUN frames served */
  uint32_t calls; /* calls sent to the host */
} hal_link_client;

/* Sets the client up (no I/O). */
void hal_link_client_init(hal_link_client *client, const hal_link_platform *platform,
                          const hal_link_firmware *firmware);

/* Serves one session: waits for HELLO (skipping anything before it), answers
 * DESCRIBE / READ_OBSERVABLES, runs bms_init on INIT and bms_tick on RUN, until
 * the session ends. */
hal_link_session_end hal_link_client_serve(hal_link_client *client);

/* The bms_hal the firmware is given (valid as long as the client). */
const bms_hal *hal_link_client_hal(const hal_link_client *client);

#ifdef __cplusplus
}
#endif

#endif /* HAL_LINK_CLIENT_H */
