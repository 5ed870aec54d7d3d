/*
 * hal_link_protocol.h: the remote-HAL link's wire format (version 1.0).
 *
 * The link carries every call of bms_hal.h between a host (packsim: the plant,
 * the chip, the buses and the clock) and a firmware that runs somewhere else:
 * a child process, or an MCU on a serial port or a TCP connection. The full
 * specification, with a worked exchange, is bms_under_test/hal/link/README.md;
 * this header is its machine-readable half.
 *
 * Frame (all multi-byte fields little-endian):
 *
 *   offset  size  field
 *   0       2     sync: 0xA5 0x5A
 *   2       1     type (hal_link_type)
 *   3       1     sequence: the sender's frame counter, +1 per frame mod 256;
 *                 HELLO carries 0 and restarts both sides' counters at 0
 *   4       2     payload length N, at most HAL_LINK_MAX_PAYLOAD
 *   6       N     payload (per type, below)
 *   6+N     2     CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection,
 *                 no final xor) over bytes 2 .. 5+N: type, sequence, length, payload
 *
 * Lockstep. The host sends one of HELLO, DESCRIBE, READ_OBSERVABLES, INIT or
 * RUN and the firmware answers it with exactly one frame of the matching
 * *_DONE / reply type. While it runs bms_init or bms_tick (between INIT/RUN and
 * their DONE) the firmware may send calls; each call but LOG is answered by
 * one REPLY before the firmware sends anything else. Virtual time does not
 * pass inside a run: millis() is the RUN's value throughout.
 *
 * Which HAL calls cross the link, and which the client answers itself:
 *   i2c_write / i2c_read / i2c_write_read  -> I2C_* call, REPLY (result, read data)
 *   can_send                               -> CAN_SEND call, REPLY (result)
 *   uart_write                             -> UART_WRITE calls of up to HAL_LINK_MAX_TRANSFER
 *                                             bytes each, REPLY (bytes taken)
 *   gpio_write                             -> GPIO_WRITE call, REPLY
 *   log                                    -> LOG, posted (no reply)
 *   millis                                 -> local: the INIT/RUN's millis
 *   gpio_read                              -> local: the input levels of the latest
 *                                             INIT/RUN/REPLY (every REPLY refreshes them, so a
 *                                             level an I2C write changed reads back at once)
 *   can_receive / uart_read                -> local: the frames and bytes the INIT/RUN carried,
 *                                             queued in the client (CAN: drop-oldest FIFO of
 *                                             HAL_LINK_CAN_RX_CAPACITY frames, as a host queue)
 *
 * Errors. A frame that fails its CRC, is longer than HAL_LINK_MAX_PAYLOAD, has
 * an unknown type, the wrong sequence number, a type not expected now, or a
 * payload whose fields do not parse is an error: the receiver names the field
 * (hal_link_error) and, when it still can, sends ERROR before giving up the
 * session. Nothing is retried: in lockstep a lost frame has no safe repair.
 * Bytes before the first sync of a session (an MCU's boot banner) are skipped
 * and counted, not errors.
 */
#ifndef HAL_LINK_PROTOCOL_H
#define HAL_LINK_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/bus/can_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HAL_LINK_PROTOCOL_MAJOR 1u
#define HAL_LINK_PROTOCOL_MINOR 0u

#define HAL_LINK_SYNC_0 0xA5u
#define HAL_LINK_SYNC_1 0x5Au
#define HAL_LINK_HEADER_SIZE 6u
#define HAL_LINK_CRC_SIZE 2u
#define HAL_LINK_MAX_PAYLOAD 1024u
#define HAL_LINK_MAX_FRAME (HAL_LINK_HEADER_SIZE + HAL_LINK_MAX_PAYLOAD + HAL_LINK_CRC_SIZE)

/* The most data bytes one I2C transfer direction or one UART_WRITE frame carries.
 * A longer I2C transfer is refused by the client with BMS_HAL_BUS_ERROR (no
 * BMS register or EEPROM access comes near it); a longer uart_write is sent as
 * several UART_WRITE calls. */
#define HAL_LINK_MAX_TRANSFER 512u
/* A string field (names, log lines, error texts) holds at most this many bytes. */
#define HAL_LINK_MAX_STRING 255u
/* The client's receive queues (the MCU's CAN FIFO plus driver ring, its UART ring). */
#define HAL_LINK_CAN_RX_CAPACITY 64u
#define HAL_LINK_UART_RX_CAPACITY 512u
/* The GPIO input snapshot has one bit per pin 0..7 (bms_gpio_pin). */
#define HAL_LINK_GPIO_PINS 8u
/* RUN_DONE.next_wake_ms when the firmware gives no hint (HAL 1.0: its fixed tick). */
#define HAL_LINK_NO_WAKE_HINT 0xFFFFFFFFu
/* DESCRIBE.item asking for the observable itself rather than one of its value names. */
#define HAL_LINK_DESCRIBE_OBSERVABLE 0xFFFFu
/* A CAN frame on the wire: u32 id, u8 dlc, u8 flags, 8 data bytes. */
#define HAL_LINK_CAN_FRAME_SIZE 14u
#define HAL_LINK_CAN_FLAG_EXTENDED 0x01u
#define HAL_LINK_CAN_FLAG_RTR 0x02u

typedef enum hal_link_type {
  /* host -> firmware: requests, each answered by one frame */
  HAL_LINK_HELLO = 0x01,            /* -> HELLO_REPLY */
  HAL_LINK_DESCRIBE = 0x02,         /* -> DESCRIPTION */
  HAL_LINK_READ_OBSERVABLES = 0x03, /* -> OBSERVABLE_VALUES */
  HAL_LINK_INIT = 0x04,             /* -> calls..., INIT_DONE */
  HAL_LINK_RUN = 0x05,              /* -> calls..., RUN_DONE */
  /* host -> firmware: the answer to a call */
  HAL_LINK_REPLY = 0x10,
  /* firmware -> host: answers */
  HAL_LINK_HELLO_REPLY = 0x81,
  HAL_LINK_DESCRIPTION = 0x82,
  HAL_LINK_OBSERVABLE_VALUES = 0x83,
  HAL_LINK_INIT_DONE = 0x84,
  HAL_LINK_RUN_DONE = 0x85,
  /* firmware -> host: calls made while running */
  HAL_LINK_I2C_WRITE = 0x90,
  HAL_LINK_I2C_READ = 0x91,
  HAL_LINK_I2C_WRITE_READ = 0x92,
  HAL_LINK_CAN_SEND = 0x93,
  HAL_LINK_UART_WRITE = 0x94,
  HAL_LINK_GPIO_WRITE = 0x95,
  HAL_LINK_LOG = 0x96, /* posted: no REPLY */
  /* either way: the sender found the other side's frame wrong and ends the session */
  HAL_LINK_ERROR = 0xEE
} hal_link_type;

/* What went wrong, for hal_link_error and the ERROR frame. */
typedef enum hal_link_error_code {
  HAL_LINK_ERROR_NONE = 0,
  HAL_LINK_ERROR_CRC = 1,            /* the CRC does not match the frame */
  HAL_LINK_ERROR_LENGTH = 2,         /* payload length beyond HAL_LINK_MAX_PAYLOAD */
  HAL_LINK_ERROR_UNKNOWN_TYPE = 3,   /* a type this version does not define */
  HAL_LINK_ERROR_SEQUENCE = 4,       /* not the next sequence number */
  HAL_LINK_ERROR_UNEXPECTED = 5,     /* a defined type, but not one expected now */
  HAL_LINK_ERROR_FIELD = 6,          /* a payload field is missing, too long or out of range */
  HAL_LINK_ERROR_VERSION = 7,        /* another protocol major version */
  HAL_LINK_ERROR_CLOSED = 8,         /* the byte stream ended or failed */
  HAL_LINK_ERROR_PEER = 9            /* the other side sent ERROR (its text is kept) */
} hal_link_error_code;

/* An error with the field it is about, e.g. code FIELD, field "i2c_write.length",
 * detail "600 bytes, at most 512". Texts are static or copied into detail. */
typedef struct hal_link_error {
  hal_link_error_code code;
  const char *field; /* a static string naming the frame part or field; "" when none */
  char detail[96];   /* NUL-terminated */
} hal_link_error;

/* ---- Frames ---- */

/* A whole, CRC-checked frame. payload points into the decoder's buffer (or the
 * caller's) and is valid until the next call that refills it. */
typedef struct hal_link_frame {
  uint8_t type;
  uint8_t sequence;
  uint16_t payload_length;
  const uint8_t *payload;
} hal_link_frame;

/* CRC-16/CCITT-FALSE, continuing from crc (start with 0xFFFF). */
uint16_t hal_link_crc16(uint16_t crc, const uint8_t *data, size_t length);

/* Writes a frame (header, payload, CRC) to out; returns its size, or 0 when
 * payload_length exceeds HAL_LINK_MAX_PAYLOAD or capacity is too small. The
 * payload may already sit at out + HAL_LINK_HEADER_SIZE (it is then not copied). */
size_t hal_link_frame_write(uint8_t type, uint8_t sequence, const uint8_t *payload, uint16_t payload_length,
                            uint8_t *out, size_t capacity);

/* True for the types this version defines. */
int hal_link_type_is_known(uint8_t type);
/* "HELLO", "I2C_WRITE", ...; "unknown" for others. */
const char *hal_link_type_name(uint8_t type);

/* Splits a byte stream into frames. Feed it what arrives, in any pieces. */
typedef struct hal_link_decoder {
  uint8_t buffer[HAL_LINK_MAX_FRAME];
  size_t fill;
  int synchronised;         /* a good frame has been seen: garbage is an error from then on */
  uint32_t bytes_skipped;   /* bytes dropped while looking for the first sync */
} hal_link_decoder;

typedef enum hal_link_decode_result {
  HAL_LINK_DECODE_NEED_MORE = 0, /* every byte given was used; no whole frame yet */
  HAL_LINK_DECODE_FRAME = 1,     /* *frame holds a frame; feed the rest of the input again */
  HAL_LINK_DECODE_ERROR = -1     /* *error says what; the decoder has dropped the bad bytes */
} hal_link_decode_result;

void hal_link_decoder_reset(hal_link_decoder *decoder);
/* Consumes bytes from data[0..length) up to the end of the first whole frame
 * (or the first error) and reports how many it consumed in *consumed. Before
 * the decoder is synchronised, bytes that cannot start a frame are skipped and
 * counted; after, they are an error. A frame is checked for its length, CRC and
 * a known type; the sequence and whether the type is expected are the session's
 * business. */
hal_link_decode_result hal_link_decoder_feed(hal_link_decoder *decoder, const uint8_t *data, size_t length,
                                             size_t *consumed, hal_link_frame *frame, hal_link_error *error);

/* ---- Payloads ----
 * One struct per frame type; encode writes the payload (returns its length,
 * 0 when it does not fit capacity or a field is out of range), decode checks
 * and reads it (returns 0, or fills *error naming the field and returns -1).
 * Byte arrays point into the payload being decoded. Strings are a u8 length
 * and that many bytes (no NUL on the wire); decoded strings are copied into a
 * NUL-terminated buffer of HAL_LINK_MAX_STRING + 1. */

typedef struct hal_link_string {
  uint8_t length;
  char text[HAL_LINK_MAX_STRING + 1];
} hal_link_string;

/* HELLO: u16 protocol_major, u16 protocol_minor, u32 host_hal_version */
typedef struct hal_link_hello {
  uint16_t protocol_major;
  uint16_t protocol_minor;
  uint32_t host_hal_version;
} hal_link_hello;

/* HELLO_REPLY: u16 protocol_major, u16 protocol_minor, u32 hal_version (the
 * firmware's bms_firmware_info), u32 tick_period_ms, u16 observable_count,
 * u16 can_rx_capacity, u16 uart_rx_capacity, u16 max_payload, string name,
 * string version */
typedef struct hal_link_hello_reply {
  uint16_t protocol_major;
  uint16_t protocol_minor;
  uint32_t hal_version;
  uint32_t tick_period_ms;
  uint16_t observable_count;
  uint16_t can_rx_capacity;
  uint16_t uart_rx_capacity;
  uint16_t max_payload;
  hal_link_string name;
  hal_link_string version;
} hal_link_hello_reply;

/* DESCRIBE: u16 observable_index, u16 item (HAL_LINK_DESCRIBE_OBSERVABLE, or a value-name index) */
typedef struct hal_link_describe {
  uint16_t observable_index;
  uint16_t item;
} hal_link_describe;

/* DESCRIPTION: u16 observable_index, u16 item, then
 *   item == HAL_LINK_DESCRIBE_OBSERVABLE: u8 type (bms_observable_type),
 *     u16 value_name_count, string name, string unit, string description
 *   otherwise: string value_name (the name of value `item`) */
typedef struct hal_link_description {
  uint16_t observable_index;
  uint16_t item;
  uint8_t type;
  uint16_t value_name_count;
  hal_link_string name; /* the observable's name, or the value name */
  hal_link_string unit;
  hal_link_string description;
} hal_link_description;

/* READ_OBSERVABLES: u16 first, u16 count */
typedef struct hal_link_read_observables {
  uint16_t first;
  uint16_t count;
} hal_link_read_observables;

/* OBSERVABLE_VALUES: u16 first, u16 count, count x u32: each value's bits,
 * integers sign- or zero-extended to 32 bits, F32 as its IEEE-754 bits, an
 * enumeration as its int value. count is at most what was asked and what
 * fits HAL_LINK_MAX_PAYLOAD. */
#define HAL_LINK_MAX_VALUES_PER_FRAME ((HAL_LINK_MAX_PAYLOAD - 4u) / 4u)
typedef struct hal_link_observable_values {
  uint16_t first;
  uint16_t count;
  uint32_t values[HAL_LINK_MAX_VALUES_PER_FRAME];
} hal_link_observable_values;

/* INIT and RUN: what the host's side holds for the firmware at that instant.
 *   u32 millis, u8 gpio_inputs, u8 flags, u8 can_frame_count, u16 uart_byte_count,
 *   can_frame_count CAN frames (HAL_LINK_CAN_FRAME_SIZE each), uart_byte_count bytes
 * flags: HAL_LINK_RUN_SEND_OBSERVABLES asks the client to send every
 * observable's value (OBSERVABLE_VALUES frames from 0 up, as READ_OBSERVABLES
 * would answer them) after the firmware ran and before INIT_DONE/RUN_DONE: a
 * host that reads them after every tick saves a round trip each. Other bits
 * must be 0.
 * RUN asks for one bms_tick at millis (INIT for bms_init, which empties the
 * client's queues first, as a boot does); the frames and bytes join the
 * client's receive queues before the firmware runs. The host never sends more
 * UART bytes than the room the client last reported. CAN frames beyond the
 * room push the oldest out of the client's FIFO (counted in can_rx_overruns),
 * as an MCU's FIFO and the in-process host's queue do, so the host forwards
 * every frame that arrived (at most the newest HAL_LINK_CAN_RX_CAPACITY). */
#define HAL_LINK_RUN_SEND_OBSERVABLES 0x01u
typedef struct hal_link_run {
  uint32_t millis;
  uint8_t gpio_inputs;
  uint8_t flags;
  uint8_t can_frame_count;
  uint16_t uart_byte_count;
  const uint8_t *can_frames; /* can_frame_count x HAL_LINK_CAN_FRAME_SIZE, wire format */
  const uint8_t *uart_bytes;
} hal_link_run;

/* INIT_DONE and RUN_DONE: i32 result (bms_init's; 0 for a run), u16
 * can_rx_room, u16 uart_rx_room (free space in the client's queues now),
 * u32 can_rx_overruns (frames the client's CAN FIFO dropped, cumulative),
 * u32 next_wake_ms (HAL_LINK_NO_WAKE_HINT: none) */
typedef struct hal_link_done {
  int32_t result;
  uint16_t can_rx_room;
  uint16_t uart_rx_room;
  uint32_t can_rx_overruns;
  uint32_t next_wake_ms;
} hal_link_done;

/* I2C_WRITE: u8 address7, u16 length, data
 * I2C_READ: u8 address7, u16 read_length
 * I2C_WRITE_READ: u8 address7, u16 write_length, u16 read_length, write data
 * One struct for the three; lengths at most HAL_LINK_MAX_TRANSFER, address7 at most 0x7F. */
typedef struct hal_link_i2c {
  uint8_t address7;
  uint16_t write_length;
  uint16_t read_length;
  const uint8_t *write_data;
} hal_link_i2c;

/* CAN_SEND: one CAN frame (wire format) */
/* UART_WRITE: u16 length (1..HAL_LINK_MAX_TRANSFER), data */
typedef struct hal_link_bytes {
  uint16_t length;
  const uint8_t *data;
} hal_link_bytes;

/* GPIO_WRITE: u32 pin, u8 level (0 or 1) */
typedef struct hal_link_gpio_write {
  uint32_t pin;
  uint8_t level;
} hal_link_gpio_write;

/* LOG: the line's bytes (the whole payload, at most HAL_LINK_MAX_STRING; longer lines are cut) */

/* REPLY: i32 result (the HAL call's return value: BMS_HAL_OK / _NACK /
 * _BUS_ERROR, or the bytes a UART_WRITE took), u8 gpio_inputs, u16
 * data_length, data (an I2C read's bytes: exactly the length asked when the
 * result is BMS_HAL_OK, none otherwise) */
typedef struct hal_link_reply {
  int32_t result;
  uint8_t gpio_inputs;
  uint16_t data_length;
  const uint8_t *data;
} hal_link_reply;

/* ERROR: u8 code (hal_link_error_code), string text */
typedef struct hal_link_error_frame {
  uint8_t code;
  hal_link_string text;
} hal_link_error_frame;

size_t hal_link_encode_hello(const hal_link_hello *in, uint8_t *out, size_t capacity);
int hal_link_decode_hello(const hal_link_frame *frame, hal_link_hello *out, hal_link_error *error);
size_t hal_link_encode_hello_reply(const hal_link_hello_reply *in, uint8_t *out, size_t capacity);
int hal_link_decode_hello_reply(const hal_link_frame *frame, hal_link_hello_reply *out, hal_link_error *error);
size_t hal_link_encode_describe(const hal_link_describe *in, uint8_t *out, size_t capacity);
int hal_link_decode_describe(const hal_link_frame *frame, hal_link_describe *out, hal_link_error *error);
size_t hal_link_encode_description(const hal_link_description *in, uint8_t *out, size_t capacity);
int hal_link_decode_description(const hal_link_frame *frame, hal_link_description *out, hal_link_error *error);
size_t hal_link_encode_read_observables(const hal_link_read_observables *in, uint8_t *out, size_t capacity);
int hal_link_decode_read_observables(const hal_link_frame *frame, hal_link_read_observables *out,
                                     hal_link_error *error);
size_t hal_link_encode_observable_values(const hal_link_observable_values *in, uint8_t *out, size_t capacity);
int hal_link_decode_observable_values(const hal_link_frame *frame, hal_link_observable_values *out,
                                      hal_link_error *error);
/* INIT and RUN share a payload. */
size_t hal_link_encode_run(const hal_link_run *in, uint8_t *out, size_t capacity);
int hal_link_decode_run(const hal_link_frame *frame, hal_link_run *out, hal_link_error *error);
/* INIT_DONE and RUN_DONE share a payload. */
size_t hal_link_encode_done(const hal_link_done *in, uint8_t *out, size_t capacity);
int hal_link_decode_done(const hal_link_frame *frame, hal_link_done *out, hal_link_error *error);
/* I2C_WRITE, I2C_READ and I2C_WRITE_READ: the type decides which fields are on the wire. */
size_t hal_link_encode_i2c(uint8_t type, const hal_link_i2c *in, uint8_t *out, size_t capacity);
int hal_link_decode_i2c(const hal_link_frame *frame, hal_link_i2c *out, hal_link_error *error);
size_t hal_link_encode_can_frame(const bms_can_frame *in, uint8_t *out, size_t capacity);
/* Also checks the frame (bms_can_frame_is_valid, flags, dlc). Used for CAN_SEND and for RUN's frames. */
int hal_link_decode_can_frame(const uint8_t *wire, bms_can_frame *out, hal_link_error *error);
int hal_link_decode_can_send(const hal_link_frame *frame, bms_can_frame *out, hal_link_error *error);
size_t hal_link_encode_uart_write(const hal_link_bytes *in, uint8_t *out, size_t capacity);
int hal_link_decode_uart_write(const hal_link_frame *frame, hal_link_bytes *out, hal_link_error *error);
size_t hal_link_encode_gpio_write(const hal_link_gpio_write *in, uint8_t *out, size_t capacity);
int hal_link_decode_gpio_write(const hal_link_frame *frame, hal_link_gpio_write *out, hal_link_error *error);
size_t hal_link_encode_reply(const hal_link_reply *in, uint8_t *out, size_t capacity);
int hal_link_decode_reply(const hal_link_frame *frame, hal_link_reply *out, hal_link_error *error);
size_t hal_link_encode_error_frame(const hal_link_error_frame *in, uint8_t *out, size_t capacity);
int hal_link_decode_error_frame(const hal_link_frame *frame, hal_link_error_frame *out, hal_link_error *error);
/* LOG's payload is the text itself: decode copies it (cut to HAL_LINK_MAX_STRING, control bytes kept). */
int hal_link_decode_log(const hal_link_frame *frame, hal_link_string *out, hal_link_error *error);

/* "CRC", "field", "sequence"... for a code. */
const char *hal_link_error_code_name(hal_link_error_code code);
/* Formats "field: detail" (or the parts present; the code's name when both are
 * empty) into out, NUL-terminated and cut to capacity; returns out. No stdio:
 * the client runs on MCUs. */
const char *hal_link_error_text(const hal_link_error *error, char *out, size_t capacity);
/* Fills *error with detail = text (cut to fit). */
void hal_link_error_set(hal_link_error *error, hal_link_error_code code, const char *field, const char *text);
/* Fills *error with detail = "got <got>, <relation> <limit>", e.g. field
 * "i2c_write.length", "got 600, at most 512"; field "sequence", "got 14, expected 12". */
void hal_link_error_set_values(hal_link_error *error, hal_link_error_code code, const char *field, uint32_t got,
                               const char *relation, uint32_t limit);

#ifdef __cplusplus
}
#endif

#endif /* HAL_LINK_PROTOCOL_H */
