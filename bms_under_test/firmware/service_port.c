/*
 * service_port.c: see service_port.h.
 */
#include "bms_under_test/firmware/service_port.h"

void service_port_start(service_port *port) {
  *port = (service_port){0};
  jbd_parser_init(&port->parser, JBD_PARSE_REQUESTS);
}

void service_port_flush(service_port *port, const bms_hal *hal) {
  if (port->transmit_sent >= port->transmit_length) {
    return;
  }
  const size_t written = hal->uart_write(hal->host, port->transmit + port->transmit_sent,
                                         port->transmit_length - port->transmit_sent);
  port->transmit_sent += written <= port->transmit_length - port->transmit_sent ? written : 0u;
}

static int frame_to_request(service_port *port, struct jbd_request *request) {
  port->partial_frame = 0u;
  if (jbd_decode_request_frame(port->parser.frame, port->parser.frame_len, request) != JBD_OK) {
    ++port->rejected_requests;
    return 0;
  }
  ++port->requests;
  return 1;
}

int service_port_receive(service_port *port, const bms_hal *hal, uint32_t now_ms, struct jbd_request *request) {
  service_port_flush(port, hal);
  if (port->transmit_sent < port->transmit_length) {
    return 0; /* half-duplex: answer first */
  }
  uint8_t byte = 0u;
  size_t consumed = 0u;
  /* A frame found in bytes the parser already holds (its rescans) comes first. */
  if (jbd_parser_feed(&port->parser, &byte, 0u, &consumed) && frame_to_request(port, request)) {
    return 1;
  }
  for (uint32_t i = 0; i < SERVICE_PORT_MAX_BYTES_PER_TICK; ++i) {
    if (hal->uart_read(hal->host, &byte, 1u) != 1u) {
      break;
    }
    port->last_byte_ms = now_ms;
    port->partial_frame = 1u;
    if (jbd_parser_feed(&port->parser, &byte, 1u, &consumed) && frame_to_request(port, request)) {
      return 1;
    }
  }
  if (port->partial_frame && (uint32_t)(now_ms - port->last_byte_ms) >= SERVICE_PORT_LINE_IDLE_MS) {
    port->partial_frame = 0u;
    while (jbd_parser_line_idle(&port->parser)) {
      if (frame_to_request(port, request)) {
        return 1;
      }
    }
  }
  return 0;
}

void service_port_send(service_port *port, const bms_hal *hal, const struct jbd_response *response) {
  port->transmit_length = jbd_encode_response_frame(response, port->transmit, sizeof port->transmit);
  port->transmit_sent = 0u;
  service_port_flush(port, hal);
}
