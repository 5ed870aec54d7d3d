/*
 * service_port.h: the JBD service protocol's transport on the HAL UART:
 * bytes in through the codec's stream parser (bms_under_test/bus/jbd_protocol.h),
 * one request out at a time, a response queued and written as fast as the
 * UART accepts it (uart_write never blocks).
 */
#ifndef SERVICE_PORT_H
#define SERVICE_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/hal/bms_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SERVICE_PORT_MAX_BYTES_PER_TICK 128u
/* A frame pause: at 9600 baud a byte takes about 1 ms; 20 ms of silence ends a partial frame. */
#define SERVICE_PORT_LINE_IDLE_MS 20u

typedef struct service_port {
  struct jbd_parser parser;
  uint8_t transmit[JBD_MAX_FRAME_LEN];
  size_t transmit_length;
  size_t transmit_sent;
  uint32_t last_byte_ms;
  uint8_t partial_frame; /* bytes arrived since the last complete frame */
  uint32_t requests;
  uint32_t rejected_requests; /* frames that were not valid requests */
} service_port;

void service_port_start(service_port *port);

/* Reads until a request is complete (returns 1 and fills *request) or the
 * UART is empty (returns 0). Nothing is read while a response is still
 * being written. */
int service_port_receive(service_port *port, const bms_hal *hal, uint32_t now_ms, struct jbd_request *request);

/* Queues the response frame and writes what the UART takes now. */
void service_port_send(service_port *port, const bms_hal *hal, const struct jbd_response *response);

/* Writes more of a queued response. */
void service_port_flush(service_port *port, const bms_hal *hal);

#ifdef __cplusplus
}
#endif

#endif /* SERVICE_PORT_H */
