/*
 * hal_link_client.c: see hal_link_client.h and README.md beside it.
 *
 * Single-threaded and blocking, as on an MCU main loop: the firmware's HAL
 * calls block inside the client until the host's REPLY arrives. Everything
 * lives in the hal_link_client the caller owns.
 */
#include "bms_under_test/hal/link/hal_link_client.h"

#include <string.h>

/* What receive_frame found in the stream. */
typedef enum stream_event {
  STREAM_FRAME = 0,
  STREAM_BAD_FRAME = 1, /* the decoder refused bytes: *error says why */
  STREAM_CLOSED = 2
} stream_event;

static hal_link_client *client_from(void *host) { return (hal_link_client *)host; }

static uint8_t *tx_payload(hal_link_client *client) { return client->tx_frame + HAL_LINK_HEADER_SIZE; }

/* ---- Errors ---- */

static void detail_append(hal_link_error *error, const char *part) {
  size_t length = strlen(error->detail);
  while (*part != '\0' && length + 1u < sizeof error->detail) {
    error->detail[length++] = *part++;
  }
  error->detail[length] = '\0';
}

static void error_set_unexpected(hal_link_error *error, uint8_t type, const char *expected) {
  hal_link_error_set(error, HAL_LINK_ERROR_UNEXPECTED, "type", "got ");
  detail_append(error, hal_link_type_name(type));
  detail_append(error, ", expected ");
  detail_append(error, expected);
}

/* Copies a C string into a wire string, cut to HAL_LINK_MAX_STRING. */
static void string_from_text(hal_link_string *out, const char *text) {
  size_t length = 0u;
  if (text != NULL) {
    while (length < HAL_LINK_MAX_STRING && text[length] != '\0') {
      out->text[length] = text[length];
      ++length;
    }
  }
  out->text[length] = '\0';
  out->length = (uint8_t)length;
}

/* ---- The byte stream ---- */

/* The stream is gone: nothing more can be sent in this session. The first
 * error of a session is the one reported. */
static void mark_closed(hal_link_client *client, const char *detail) {
  if (!client->failed) {
    hal_link_error_set(&client->last_error, HAL_LINK_ERROR_CLOSED, "stream", detail);
  }
  client->failed = 1;
}

static int stream_is_open(const hal_link_client *client) {
  return client->last_error.code != HAL_LINK_ERROR_CLOSED;
}

/* Frames the payload already in tx_frame and writes it. */
static int send_frame(hal_link_client *client, uint8_t type, size_t payload_length) {
  if (!stream_is_open(client) || payload_length > HAL_LINK_MAX_PAYLOAD) {
    return -1;
  }
  const size_t size = hal_link_frame_write(type, client->own_sequence, tx_payload(client), (uint16_t)payload_length,
                                           client->tx_frame, sizeof client->tx_frame);
  if (size == 0u) {
    return -1;
  }
  ++client->own_sequence;
  if (client->platform.write(client->platform.context, client->tx_frame, size) != 0) {
    mark_closed(client, "write failed");
    return -1;
  }
  return 0;
}

/* The session is broken: remember why, tell the host (if the stream still
 * works), and make the rest of the running tick fail fast. */
static void protocol_error(hal_link_client *client, const hal_link_error *error) {
  if (client->failed) {
    return;
  }
  client->last_error = *error;
  client->failed = 1;
  hal_link_error_frame frame;
  frame.code = (uint8_t)error->code;
  (void)hal_link_error_text(error, frame.text.text, sizeof frame.text.text);
  frame.text.length = (uint8_t)strlen(frame.text.text);
  const size_t length = hal_link_encode_error_frame(&frame, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (length > 0u) {
    (void)send_frame(client, HAL_LINK_ERROR, length);
  }
}

/* Reads until the decoder has a whole frame (or refuses bytes, or the stream ends). */
static stream_event receive_frame(hal_link_client *client, hal_link_frame *frame, hal_link_error *error) {
  for (;;) {
    if (client->rx_used < client->rx_fill) {
      size_t consumed = 0u;
      const hal_link_decode_result result =
          hal_link_decoder_feed(&client->decoder, client->rx_buffer + client->rx_used,
                                client->rx_fill - client->rx_used, &consumed, frame, error);
      client->rx_used += consumed;
      if (result == HAL_LINK_DECODE_FRAME) {
        return STREAM_FRAME;
      }
      if (result == HAL_LINK_DECODE_ERROR) {
        return STREAM_BAD_FRAME;
      }
    }
    const long count = client->platform.read(client->platform.context, client->rx_buffer, sizeof client->rx_buffer);
    if (count <= 0) {
      hal_link_error_set(error, HAL_LINK_ERROR_CLOSED, "stream", count == 0 ? "end of stream" : "read failed");
      return STREAM_CLOSED;
    }
    client->rx_fill = (size_t)count > sizeof client->rx_buffer ? sizeof client->rx_buffer : (size_t)count;
    client->rx_used = 0u;
  }
}

/* ---- Host frames ---- */

static int check_hello(const hal_link_frame *frame, hal_link_error *error) {
  if (frame->sequence != 0u) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_SEQUENCE, "sequence", frame->sequence, "expected", 0u);
    return -1;
  }
  hal_link_hello hello;
  if (hal_link_decode_hello(frame, &hello, error) != 0) {
    return -1;
  }
  if (hello.protocol_major != HAL_LINK_PROTOCOL_MAJOR) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_VERSION, "hello.protocol_major", hello.protocol_major, "expected",
                              HAL_LINK_PROTOCOL_MAJOR);
    return -1;
  }
  /* The HAL calls' meaning is fixed by the HAL major version the client presents. */
  if ((hello.host_hal_version >> 16) != BMS_HAL_VERSION_MAJOR) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_VERSION, "hello.host_hal_version", hello.host_hal_version >> 16,
                              "expected major", BMS_HAL_VERSION_MAJOR);
    return -1;
  }
  return 0;
}

static void take_peer_error(hal_link_client *client, const hal_link_frame *frame) {
  hal_link_error_frame peer;
  hal_link_error decode_error;
  if (hal_link_decode_error_frame(frame, &peer, &decode_error) == 0) {
    hal_link_error_set(&client->last_error, HAL_LINK_ERROR_PEER, "peer", peer.text.text);
  } else {
    hal_link_error_set(&client->last_error, HAL_LINK_ERROR_PEER, "peer", "an ERROR frame that does not parse");
  }
  client->failed = 1;
}

/* The next host frame of the session, checked for its sequence and for being
 * a type expected now (REPLY while the firmware runs, a request otherwise).
 * Returns 1 with *frame to handle, or 0 when the session is over: the stream
 * ended, a protocol error was reported, the host sent ERROR, or a HELLO
 * restarts the session (pending_hello). */
static int next_host_frame(hal_link_client *client, hal_link_frame *frame) {
  hal_link_error error;
  const stream_event event = receive_frame(client, frame, &error);
  if (event == STREAM_CLOSED) {
    mark_closed(client, error.detail);
    return 0;
  }
  if (event == STREAM_BAD_FRAME) {
    protocol_error(client, &error);
    return 0;
  }
  if (frame->type == HAL_LINK_HELLO) {
    if (check_hello(frame, &error) != 0) {
      client->own_sequence = 0u; /* the host restarted its count: answer in the new numbering */
      protocol_error(client, &error);
      return 0;
    }
    /* Answered by the next serve, after the running tick (if any) returns;
     * until then the old session's calls must not reach the new one. */
    client->pending_hello = 1;
    client->failed = 1;
    return 0;
  }
  if (frame->type == HAL_LINK_ERROR) {
    take_peer_error(client, frame);
    return 0;
  }
  if (frame->sequence != client->host_sequence) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_SEQUENCE, "sequence", frame->sequence, "expected",
                              client->host_sequence);
    protocol_error(client, &error);
    return 0;
  }
  const int is_request = frame->type == HAL_LINK_DESCRIBE || frame->type == HAL_LINK_READ_OBSERVABLES ||
                         frame->type == HAL_LINK_INIT || frame->type == HAL_LINK_RUN;
  const int expected = client->running ? frame->type == HAL_LINK_REPLY : is_request;
  if (!expected) {
    error_set_unexpected(&error, frame->type, client->running ? "REPLY" : "DESCRIBE, READ_OBSERVABLES, INIT or RUN");
    protocol_error(client, &error);
    return 0;
  }
  ++client->host_sequence;
  return 1;
}

/* ---- Receive queues ---- */

static void queues_clear(hal_link_client *client) {
  client->can_rx_head = 0u;
  client->can_rx_count = 0u;
  client->uart_rx_head = 0u;
  client->uart_rx_count = 0u;
}

static uint16_t can_rx_room(const hal_link_client *client) {
  return (uint16_t)(HAL_LINK_CAN_RX_CAPACITY - client->can_rx_count);
}

static uint16_t uart_rx_room(const hal_link_client *client) {
  return (uint16_t)(HAL_LINK_UART_RX_CAPACITY - client->uart_rx_count);
}

/* A full FIFO loses its oldest frame, as an MCU's CAN ring (and the in-process host's queue) does. */
static void can_rx_push(hal_link_client *client, const bms_can_frame *frame) {
  if (client->can_rx_count == HAL_LINK_CAN_RX_CAPACITY) {
    client->can_rx_head = (uint16_t)((client->can_rx_head + 1u) % HAL_LINK_CAN_RX_CAPACITY);
    --client->can_rx_count;
    ++client->can_rx_overruns;
  }
  client->can_rx[(client->can_rx_head + client->can_rx_count) % HAL_LINK_CAN_RX_CAPACITY] = *frame;
  ++client->can_rx_count;
}

static void uart_rx_push(hal_link_client *client, uint8_t byte) {
  client->uart_rx[(client->uart_rx_head + client->uart_rx_count) % HAL_LINK_UART_RX_CAPACITY] = byte;
  ++client->uart_rx_count;
}

/* ---- The bms_hal given to the firmware ---- */

static int can_cross(const hal_link_client *client) { return client->running && !client->failed; }

/* Sends the call whose payload is in tx_frame and, except for LOG, waits for
 * its REPLY and keeps it in reply_*. 0 when the REPLY is there. */
static int call_host(hal_link_client *client, uint8_t type, size_t payload_length) {
  if (send_frame(client, type, payload_length) != 0) {
    return -1;
  }
  ++client->calls;
  if (type == HAL_LINK_LOG) {
    return 0;
  }
  hal_link_frame frame;
  if (!next_host_frame(client, &frame)) {
    return -1;
  }
  hal_link_reply reply;
  hal_link_error error;
  if (hal_link_decode_reply(&frame, &reply, &error) != 0) {
    protocol_error(client, &error);
    return -1;
  }
  client->gpio_inputs = reply.gpio_inputs; /* the host's levels after this call */
  client->reply_result = reply.result;
  client->reply_length = reply.data_length;
  if (reply.data_length > 0u) {
    memcpy(client->reply_data, reply.data, reply.data_length);
  }
  return 0;
}

/* Bus calls answer BMS_HAL_OK, _NACK or _BUS_ERROR and carry `data_length` bytes. */
static int check_bus_reply(hal_link_client *client, size_t read_length) {
  hal_link_error error;
  const int32_t result = client->reply_result;
  if (result != BMS_HAL_OK && result != BMS_HAL_NACK && result != BMS_HAL_BUS_ERROR) {
    hal_link_error_set(&error, HAL_LINK_ERROR_FIELD, "reply.result", "not BMS_HAL_OK, _NACK or _BUS_ERROR");
    protocol_error(client, &error);
    return -1;
  }
  const size_t expected_length = result == BMS_HAL_OK ? read_length : 0u;
  if (client->reply_length != expected_length) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "reply.data_length", client->reply_length, "expected",
                              (uint32_t)expected_length);
    protocol_error(client, &error);
    return -1;
  }
  return 0;
}

static int i2c_transfer(hal_link_client *client, uint8_t type, uint8_t address7, const uint8_t *write_data,
                        size_t write_length, uint8_t *read_data, size_t read_length) {
  /* Refused here, without crossing: the wire cannot carry it. */
  if (address7 > 0x7Fu || write_length > HAL_LINK_MAX_TRANSFER || read_length > HAL_LINK_MAX_TRANSFER ||
      (write_data == NULL && write_length > 0u) || (read_data == NULL && read_length > 0u)) {
    return BMS_HAL_BUS_ERROR;
  }
  if (!can_cross(client)) {
    return BMS_HAL_BUS_ERROR;
  }
  hal_link_i2c call;
  call.address7 = address7;
  call.write_length = (uint16_t)write_length;
  call.read_length = (uint16_t)read_length;
  call.write_data = write_data;
  const size_t payload_length = hal_link_encode_i2c(type, &call, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (payload_length == 0u || call_host(client, type, payload_length) != 0 ||
      check_bus_reply(client, read_length) != 0) {
    return BMS_HAL_BUS_ERROR;
  }
  if (client->reply_result == BMS_HAL_OK && read_length > 0u) {
    memcpy(read_data, client->reply_data, read_length);
  }
  return (int)client->reply_result;
}

static int link_i2c_write(void *host, uint8_t address7, const uint8_t *data, size_t length) {
  return i2c_transfer(client_from(host), HAL_LINK_I2C_WRITE, address7, data, length, NULL, 0u);
}

static int link_i2c_read(void *host, uint8_t address7, uint8_t *data, size_t length) {
  return i2c_transfer(client_from(host), HAL_LINK_I2C_READ, address7, NULL, 0u, data, length);
}

static int link_i2c_write_read(void *host, uint8_t address7, const uint8_t *write_data, size_t write_length,
                               uint8_t *read_data, size_t read_length) {
  return i2c_transfer(client_from(host), HAL_LINK_I2C_WRITE_READ, address7, write_data, write_length, read_data,
                      read_length);
}

static int link_can_send(void *host, const bms_can_frame *frame) {
  hal_link_client *client = client_from(host);
  if (frame == NULL || !bms_can_frame_is_valid(frame) || !can_cross(client)) {
    return BMS_HAL_BUS_ERROR;
  }
  const size_t payload_length = hal_link_encode_can_frame(frame, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (payload_length == 0u || call_host(client, HAL_LINK_CAN_SEND, payload_length) != 0 ||
      check_bus_reply(client, 0u) != 0) {
    return BMS_HAL_BUS_ERROR;
  }
  return (int)client->reply_result;
}

static int link_can_receive(void *host, bms_can_frame *frame) {
  hal_link_client *client = client_from(host);
  if (frame == NULL || client->failed || client->can_rx_count == 0u) {
    return 0;
  }
  *frame = client->can_rx[client->can_rx_head];
  client->can_rx_head = (uint16_t)((client->can_rx_head + 1u) % HAL_LINK_CAN_RX_CAPACITY);
  --client->can_rx_count;
  return 1;
}

/* One UART_WRITE of 1..HAL_LINK_MAX_TRANSFER bytes: the count the host took, or -1. */
static long uart_write_chunk(hal_link_client *client, const uint8_t *data, size_t length) {
  hal_link_bytes chunk;
  chunk.length = (uint16_t)length;
  chunk.data = data;
  const size_t payload_length = hal_link_encode_uart_write(&chunk, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (payload_length == 0u || call_host(client, HAL_LINK_UART_WRITE, payload_length) != 0) {
    return -1;
  }
  hal_link_error error;
  if (client->reply_result < 0) {
    hal_link_error_set(&error, HAL_LINK_ERROR_FIELD, "reply.result", "negative for a UART_WRITE");
    protocol_error(client, &error);
    return -1;
  }
  if ((uint32_t)client->reply_result > length) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "reply.result", (uint32_t)client->reply_result, "at most",
                              (uint32_t)length);
    protocol_error(client, &error);
    return -1;
  }
  if (client->reply_length != 0u) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "reply.data_length", client->reply_length, "expected", 0u);
    protocol_error(client, &error);
    return -1;
  }
  return (long)client->reply_result;
}

static size_t link_uart_write(void *host, const uint8_t *data, size_t length) {
  hal_link_client *client = client_from(host);
  if (data == NULL) {
    return 0u;
  }
  size_t written = 0u;
  while (written < length && can_cross(client)) {
    const size_t remaining = length - written;
    const size_t chunk = remaining < HAL_LINK_MAX_TRANSFER ? remaining : HAL_LINK_MAX_TRANSFER;
    const long taken = uart_write_chunk(client, data + written, chunk);
    if (taken < 0) {
      break;
    }
    written += (size_t)taken;
    if ((size_t)taken < chunk) {
      break; /* the host's buffer is full: the rest would be refused too */
    }
  }
  return written;
}

static size_t link_uart_read(void *host, uint8_t *data, size_t capacity) {
  hal_link_client *client = client_from(host);
  if (data == NULL || client->failed) {
    return 0u;
  }
  size_t count = 0u;
  while (count < capacity && client->uart_rx_count > 0u) {
    data[count++] = client->uart_rx[client->uart_rx_head];
    client->uart_rx_head = (uint16_t)((client->uart_rx_head + 1u) % HAL_LINK_UART_RX_CAPACITY);
    --client->uart_rx_count;
  }
  return count;
}

static int link_gpio_read(void *host, uint32_t pin) {
  const hal_link_client *client = client_from(host);
  if (client->failed || pin >= HAL_LINK_GPIO_PINS) {
    return 0; /* a pin the snapshot does not have reads low, as on the in-process host */
  }
  return (client->gpio_inputs >> pin) & 1u ? 1 : 0;
}

static void link_gpio_write(void *host, uint32_t pin, int level) {
  hal_link_client *client = client_from(host);
  if (!can_cross(client)) {
    return;
  }
  hal_link_gpio_write call;
  call.pin = pin;
  call.level = level != 0 ? 1u : 0u;
  const size_t payload_length = hal_link_encode_gpio_write(&call, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (payload_length > 0u && call_host(client, HAL_LINK_GPIO_WRITE, payload_length) == 0) {
    (void)check_bus_reply(client, 0u);
  }
}

static uint32_t link_millis(void *host) { return client_from(host)->millis; }

static void link_log(void *host, const char *line) {
  hal_link_client *client = client_from(host);
  if (line == NULL || !can_cross(client)) {
    return;
  }
  size_t length = 0u;
  while (length < HAL_LINK_MAX_STRING && line[length] != '\0') {
    ++length; /* longer lines are cut, as the protocol says */
  }
  memcpy(tx_payload(client), line, length);
  (void)call_host(client, HAL_LINK_LOG, length);
}

/* ---- Requests ---- */

static const bms_observable *observables(const hal_link_client *client, size_t *count) {
  *count = 0u;
  if (client->firmware.observables_get == NULL) {
    return NULL;
  }
  const bms_observable *table = client->firmware.observables_get(count);
  if (table == NULL) {
    *count = 0u;
  }
  return table;
}

static void answer_hello(hal_link_client *client) {
  /* HELLO restarts both counters: its own sequence was 0, our reply carries 0. */
  client->host_sequence = 1u;
  client->own_sequence = 0u;
  client->in_session = 1;
  client->millis = 0u;
  client->gpio_inputs = 0u;
  client->can_rx_overruns = 0u;
  queues_clear(client);

  const bms_firmware_info *info =
      client->firmware.firmware_info_get != NULL ? client->firmware.firmware_info_get() : NULL;
  size_t observable_count = 0u;
  (void)observables(client, &observable_count);
  hal_link_hello_reply reply;
  reply.protocol_major = HAL_LINK_PROTOCOL_MAJOR;
  reply.protocol_minor = HAL_LINK_PROTOCOL_MINOR;
  reply.hal_version = info != NULL ? info->hal_version : 0u;
  reply.tick_period_ms = info != NULL ? info->tick_period_ms : 0u;
  reply.observable_count = (uint16_t)(observable_count > 0xFFFFu ? 0xFFFFu : observable_count);
  reply.can_rx_capacity = HAL_LINK_CAN_RX_CAPACITY;
  reply.uart_rx_capacity = HAL_LINK_UART_RX_CAPACITY;
  reply.max_payload = HAL_LINK_MAX_PAYLOAD;
  string_from_text(&reply.name, info != NULL ? info->name : NULL);
  string_from_text(&reply.version, info != NULL ? info->version : NULL);
  const size_t length = hal_link_encode_hello_reply(&reply, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  (void)send_frame(client, HAL_LINK_HELLO_REPLY, length);
}

static void answer_describe(hal_link_client *client, const hal_link_frame *frame) {
  hal_link_describe request;
  hal_link_error error;
  if (hal_link_decode_describe(frame, &request, &error) != 0) {
    protocol_error(client, &error);
    return;
  }
  size_t count = 0u;
  const bms_observable *table = observables(client, &count);
  if (request.observable_index >= count) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "describe.observable_index", request.observable_index,
                              "expected less than", (uint32_t)count);
    protocol_error(client, &error);
    return;
  }
  const bms_observable *observable = &table[request.observable_index];
  hal_link_description description;
  description.observable_index = request.observable_index;
  description.item = request.item;
  description.type = 0u;
  description.value_name_count = 0u;
  string_from_text(&description.unit, NULL);
  string_from_text(&description.description, NULL);
  if (request.item == HAL_LINK_DESCRIBE_OBSERVABLE) {
    description.type = (uint8_t)(observable->type > 0xFFu ? 0xFFu : observable->type);
    description.value_name_count =
        (uint16_t)(observable->value_name_count > 0xFFFFu ? 0xFFFFu : observable->value_name_count);
    string_from_text(&description.name, observable->name);
    string_from_text(&description.unit, observable->unit);
    string_from_text(&description.description, observable->description);
  } else {
    const uint32_t name_count = observable->value_names != NULL ? observable->value_name_count : 0u;
    if (request.item >= name_count) {
      hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "describe.item", request.item, "expected less than",
                                name_count);
      protocol_error(client, &error);
      return;
    }
    string_from_text(&description.name, observable->value_names[request.item]);
  }
  const size_t length = hal_link_encode_description(&description, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  if (length == 0u) {
    /* The firmware's own table is wrong (a type bms_hal.h does not define). */
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "observable.type", observable->type, "at most",
                              BMS_OBSERVABLE_ENUM);
    protocol_error(client, &error);
    return;
  }
  (void)send_frame(client, HAL_LINK_DESCRIPTION, length);
}

/* An observable's current value as the wire's u32. */
static uint32_t observable_bits(const bms_observable *observable) {
  const volatile void *address = observable->address;
  if (address == NULL) {
    return 0u;
  }
  switch (observable->type) {
    case BMS_OBSERVABLE_U8:
      return *(const volatile uint8_t *)address;
    case BMS_OBSERVABLE_U16:
      return *(const volatile uint16_t *)address;
    case BMS_OBSERVABLE_U32:
      return *(const volatile uint32_t *)address;
    case BMS_OBSERVABLE_I8:
      return (uint32_t)(int32_t)(*(const volatile int8_t *)address); /* sign-extended */
    case BMS_OBSERVABLE_I16:
      return (uint32_t)(int32_t)(*(const volatile int16_t *)address);
    case BMS_OBSERVABLE_I32:
      return (uint32_t)(*(const volatile int32_t *)address);
    case BMS_OBSERVABLE_F32: {
      const float value = *(const volatile float *)address;
      uint32_t bits = 0u;
      memcpy(&bits, &value, sizeof bits);
      return bits;
    }
    case BMS_OBSERVABLE_ENUM:
      return (uint32_t)(int32_t)(*(const volatile int *)address);
    default:
      return 0u;
  }
}

static void put_u16_at(uint8_t *out, uint16_t value) {
  out[0] = (uint8_t)(value & 0xFFu);
  out[1] = (uint8_t)(value >> 8);
}

/* OBSERVABLE_VALUES for [first, first + count) of the table, cut to what one frame holds: the count sent. */
static size_t send_observable_values(hal_link_client *client, const bms_observable *table, size_t first, size_t count) {
  if (count > HAL_LINK_MAX_VALUES_PER_FRAME) {
    count = HAL_LINK_MAX_VALUES_PER_FRAME;
  }
  /* Written straight into the frame (the OBSERVABLE_VALUES layout) rather than
   * through hal_link_observable_values: that struct would put 1 KiB on an MCU's stack. */
  uint8_t *payload = tx_payload(client);
  put_u16_at(payload, (uint16_t)first);
  put_u16_at(payload + 2, (uint16_t)count);
  for (size_t i = 0u; i < count; ++i) {
    const uint32_t bits = observable_bits(&table[first + i]);
    uint8_t *value = payload + 4u + 4u * i;
    value[0] = (uint8_t)(bits & 0xFFu);
    value[1] = (uint8_t)((bits >> 8) & 0xFFu);
    value[2] = (uint8_t)((bits >> 16) & 0xFFu);
    value[3] = (uint8_t)(bits >> 24);
  }
  (void)send_frame(client, HAL_LINK_OBSERVABLE_VALUES, 4u + 4u * count);
  return count;
}

static void answer_read_observables(hal_link_client *client, const hal_link_frame *frame) {
  hal_link_read_observables request;
  hal_link_error error;
  if (hal_link_decode_read_observables(frame, &request, &error) != 0) {
    protocol_error(client, &error);
    return;
  }
  size_t total = 0u;
  const bms_observable *table = observables(client, &total);
  if (request.first > total) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "read_observables.first", request.first, "at most",
                              (uint32_t)total);
    protocol_error(client, &error);
    return;
  }
  size_t count = request.count;
  if (count > total - request.first) {
    count = total - request.first;
  }
  (void)send_observable_values(client, table, request.first, count);
}

/* Every observable's value, as many OBSERVABLE_VALUES frames as it takes (RUN's SEND_OBSERVABLES). */
static void send_all_observable_values(hal_link_client *client) {
  size_t total = 0u;
  const bms_observable *table = observables(client, &total);
  size_t first = 0u;
  while (first < total && !client->failed) {
    first += send_observable_values(client, table, first, total - first);
  }
}

/* INIT runs bms_init, RUN one bms_tick; the frame's state becomes what the local calls answer. */
static void run_firmware(hal_link_client *client, const hal_link_frame *frame) {
  const int is_init = frame->type == HAL_LINK_INIT;
  hal_link_run run;
  hal_link_error error;
  if (hal_link_decode_run(frame, &run, &error) != 0) {
    protocol_error(client, &error);
    return;
  }
  if (is_init) {
    queues_clear(client); /* bms_init is a boot: the MCU's queues start empty */
  }
  /* CAN frames beyond the room push the oldest out (counted); UART bytes have no such rule. */
  if (run.uart_byte_count > uart_rx_room(client)) {
    hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, is_init ? "init.uart_byte_count" : "run.uart_byte_count",
                              run.uart_byte_count, "at most the room", uart_rx_room(client));
    protocol_error(client, &error);
    return;
  }
  client->millis = run.millis;
  client->gpio_inputs = run.gpio_inputs;
  for (size_t i = 0u; i < run.can_frame_count; ++i) {
    bms_can_frame can_frame;
    if (hal_link_decode_can_frame(run.can_frames + i * HAL_LINK_CAN_FRAME_SIZE, &can_frame, &error) == 0) {
      can_rx_push(client, &can_frame);
    }
  }
  for (size_t i = 0u; i < run.uart_byte_count; ++i) {
    uart_rx_push(client, run.uart_bytes[i]);
  }

  client->running = 1;
  int32_t result = 0;
  if (is_init) {
    if (client->firmware.init != NULL) {
      result = client->firmware.init(&client->hal);
    }
  } else {
    if (client->firmware.tick != NULL) {
      client->firmware.tick();
    }
    ++client->runs;
  }
  client->running = 0;
  if (client->failed || client->pending_hello) {
    return; /* the session ended during the run: no DONE */
  }
  if ((run.flags & HAL_LINK_RUN_SEND_OBSERVABLES) != 0u) {
    send_all_observable_values(client);
  }

  hal_link_done done;
  done.result = result;
  done.can_rx_room = can_rx_room(client);
  done.uart_rx_room = uart_rx_room(client);
  done.can_rx_overruns = client->can_rx_overruns;
  done.next_wake_ms = HAL_LINK_NO_WAKE_HINT;
  const size_t length = hal_link_encode_done(&done, tx_payload(client), HAL_LINK_MAX_PAYLOAD);
  (void)send_frame(client, is_init ? HAL_LINK_INIT_DONE : HAL_LINK_RUN_DONE, length);
}

/* ---- Sessions ---- */

/* Skips everything (noise, frames of an old session, bad frames) up to a HELLO. 0 when one came. */
static int wait_for_hello(hal_link_client *client) {
  client->decoder.synchronised = 0;
  for (;;) {
    hal_link_frame frame;
    hal_link_error error;
    const stream_event event = receive_frame(client, &frame, &error);
    if (event == STREAM_CLOSED) {
      mark_closed(client, error.detail);
      return -1;
    }
    if (event == STREAM_BAD_FRAME) {
      continue;
    }
    if (frame.type != HAL_LINK_HELLO) {
      client->decoder.synchronised = 0; /* not a session yet: keep skipping */
      continue;
    }
    if (check_hello(&frame, &error) != 0) {
      client->own_sequence = 0u;
      protocol_error(client, &error);
      return -1;
    }
    return 0;
  }
}

static hal_link_session_end end_of_session(hal_link_client *client) {
  client->in_session = 0;
  client->running = 0;
  if (client->pending_hello) {
    return HAL_LINK_SESSION_RESTART;
  }
  return client->last_error.code == HAL_LINK_ERROR_CLOSED ? HAL_LINK_SESSION_CLOSED : HAL_LINK_SESSION_ERROR;
}

void hal_link_client_init(hal_link_client *client, const hal_link_platform *platform,
                          const hal_link_firmware *firmware) {
  memset(client, 0, sizeof *client);
  client->platform = *platform;
  client->firmware = *firmware;
  hal_link_decoder_reset(&client->decoder);
  hal_link_error_set(&client->last_error, HAL_LINK_ERROR_NONE, "", "");

  bms_hal *hal = &client->hal;
  hal->version = BMS_HAL_VERSION;
  hal->host = client;
  hal->i2c_write = link_i2c_write;
  hal->i2c_read = link_i2c_read;
  hal->i2c_write_read = link_i2c_write_read;
  hal->can_send = link_can_send;
  hal->can_receive = link_can_receive;
  hal->uart_write = link_uart_write;
  hal->uart_read = link_uart_read;
  hal->gpio_read = link_gpio_read;
  hal->gpio_write = link_gpio_write;
  hal->millis = link_millis;
  hal->log = link_log;
}

hal_link_session_end hal_link_client_serve(hal_link_client *client) {
  hal_link_error_set(&client->last_error, HAL_LINK_ERROR_NONE, "", "");
  client->failed = 0;
  client->running = 0;
  if (!client->pending_hello) {
    client->in_session = 0;
    if (wait_for_hello(client) != 0) {
      return end_of_session(client);
    }
  }
  client->pending_hello = 0;
  answer_hello(client);
  while (!client->failed) {
    hal_link_frame frame;
    if (!next_host_frame(client, &frame)) {
      break;
    }
    switch (frame.type) {
      case HAL_LINK_DESCRIBE:
        answer_describe(client, &frame);
        break;
      case HAL_LINK_READ_OBSERVABLES:
        answer_read_observables(client, &frame);
        break;
      default: /* INIT or RUN: next_host_frame let nothing else through */
        run_firmware(client, &frame);
        break;
    }
  }
  return end_of_session(client);
}

const bms_hal *hal_link_client_hal(const hal_link_client *client) { return &client->hal; }
