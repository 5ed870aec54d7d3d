// JBD / "smart BMS" service protocol (UART or RS485, 9600 8N1): the protocol
// of the phone and PC apps that read cell data and switch the FETs.
//
//   request:  DD A5|5A CMD    LEN data... CHK_HI CHK_LO 77   (A5 read, 5A write)
//   response: DD CMD   STATUS LEN data... CHK_HI CHK_LO 77   (STATUS 00 ok, 80 error)
//
// The checksum is 0x10000 minus the 16-bit sum of bytes 2 .. 3+LEN (request:
// CMD, LEN, data; response: STATUS, LEN, data), sent big-endian. Payload
// fields are big-endian too.
//
// Layers: frame bytes <-> struct jbd_request / jbd_response (framing and
// checksum), and struct jbd_response/request <-> physical structs per command
// (scaling, clamping, sign convention). The stream parser finds frames in a
// byte stream. No heap, no globals: every state lives in caller-owned structs.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JBD_START_BYTE 0xDDu
#define JBD_END_BYTE 0x77u
#define JBD_MODE_READ 0xA5u
#define JBD_MODE_WRITE 0x5Au
#define JBD_STATUS_OK 0x00u
#define JBD_STATUS_ERROR 0x80u

#define JBD_CMD_BASIC_INFO 0x03u
#define JBD_CMD_CELL_VOLTAGES 0x04u
#define JBD_CMD_HARDWARE_VERSION 0x05u
#define JBD_CMD_MOS_CONTROL 0xE1u

#define JBD_MAX_CELLS 32u
#define JBD_MAX_NTC 8u
// Longest payload accepted: 32 cell voltages. Larger LEN fields are rejected
// as oversize, which also bounds every buffer below.
#define JBD_MAX_DATA_LEN 64u
#define JBD_FRAME_OVERHEAD 7u  // start, two header bytes, LEN, checksum (2), end
#define JBD_MAX_FRAME_LEN (JBD_MAX_DATA_LEN + JBD_FRAME_OVERHEAD)
#define JBD_BASIC_INFO_FIXED_LEN 23u  // 0x03 payload before the NTC readings
#define JBD_KELVIN_OFFSET_DK 2731     // NTCs are sent in 0.1 K

// 0x03 protection status bits.
#define JBD_PROTECT_CELL_OVERVOLTAGE (1u << 0)
#define JBD_PROTECT_CELL_UNDERVOLTAGE (1u << 1)
#define JBD_PROTECT_PACK_OVERVOLTAGE (1u << 2)
#define JBD_PROTECT_PACK_UNDERVOLTAGE (1u << 3)
#define JBD_PROTECT_CHARGE_OVERTEMP (1u << 4)
#define JBD_PROTECT_CHARGE_UNDERTEMP (1u << 5)
#define JBD_PROTECT_DISCHARGE_OVERTEMP (1u << 6)
#define JBD_PROTECT_DISCHARGE_UNDERTEMP (1u << 7)
#define JBD_PROTECT_CHARGE_OVERCURRENT (1u << 8)
#define JBD_PROTECT_DISCHARGE_OVERCURRENT (1u << 9)
#define JBD_PROTECT_SHORT_CIRCUIT (1u << 10)
#define JBD_PROTECT_AFE_ERROR (1u << 11)
#define JBD_PROTECT_SOFTWARE_MOS_LOCK (1u << 12)

// 0x03 FET status bits.
#define JBD_FET_CHARGE_ON (1u << 0)
#define JBD_FET_DISCHARGE_ON (1u << 1)

typedef enum jbd_result {
  JBD_OK = 0,
  JBD_ERR_TRUNCATED,   // fewer bytes than the frame announces
  JBD_ERR_BAD_START,   // first byte is not 0xDD
  JBD_ERR_BAD_HEADER,  // request mode not A5/5A, or response status not 00/80
  JBD_ERR_OVERSIZE,    // LEN above JBD_MAX_DATA_LEN
  JBD_ERR_BAD_LENGTH,  // bytes after the end byte, or a payload length the command does not allow
  JBD_ERR_BAD_END,     // the byte after the checksum is not 0x77
  JBD_ERR_BAD_CHECKSUM,
  JBD_ERR_WRONG_COMMAND,       // payload decoder given another command's frame
  JBD_ERR_BMS_REPORTED_ERROR,  // response STATUS 0x80 (a valid frame, but no payload to decode)
  JBD_ERR_BAD_PAYLOAD          // payload content outside what the command allows
} jbd_result;

const char* jbd_result_name(enum jbd_result result);

// ---- Frames ---------------------------------------------------------------

typedef struct jbd_request {
  uint8_t mode;  // JBD_MODE_READ or JBD_MODE_WRITE
  uint8_t command;
  uint8_t data_len;
  uint8_t data[JBD_MAX_DATA_LEN];
} jbd_request;

typedef struct jbd_response {
  uint8_t command;
  uint8_t status;  // JBD_STATUS_OK or JBD_STATUS_ERROR
  uint8_t data_len;
  uint8_t data[JBD_MAX_DATA_LEN];
} jbd_response;

// 0x10000 minus the 16-bit sum of `length` bytes (0 when the sum is 0).
uint16_t jbd_checksum(const uint8_t* bytes, size_t length);

// Encoders return the frame size written to `out`, or 0 when it does not fit
// (JBD_MAX_FRAME_LEN always does) or the struct is invalid (bad mode/status,
// data_len above JBD_MAX_DATA_LEN).
size_t jbd_encode_request_frame(const struct jbd_request* request, uint8_t* out, size_t out_size);
size_t jbd_encode_response_frame(const struct jbd_response* response, uint8_t* out, size_t out_size);

// Decoders take exactly one frame (no leading or trailing bytes).
enum jbd_result jbd_decode_request_frame(const uint8_t* frame, size_t frame_len, struct jbd_request* out);
enum jbd_result jbd_decode_response_frame(const uint8_t* frame, size_t frame_len, struct jbd_response* out);

// ---- Requests (tool side encodes, BMS side decodes) -------------------------

void jbd_encode_read_request(uint8_t command, struct jbd_request* out);

// 0xE1 MOS control, data `00 XX`: XX bit0 = turn the charge FET off, bit1 =
// turn the discharge FET off (00 = both allowed).
typedef struct jbd_mos_control {
  bool charge_fet_off;
  bool discharge_fet_off;
} jbd_mos_control;
void jbd_encode_mos_control(const struct jbd_mos_control* control, struct jbd_request* out);
// Strict: a write of exactly `00 XX` with no bits besides 0 and 1.
enum jbd_result jbd_decode_mos_control(const struct jbd_request* request, struct jbd_mos_control* out);

// ---- Responses (BMS side encodes, tool side decodes) ------------------------

// A response with no payload: the acknowledgement of a write (status OK), or
// the BMS's refusal of a command (JBD_STATUS_ERROR).
void jbd_encode_status_response(uint8_t command, uint8_t status, struct jbd_response* out);

typedef struct jbd_date {
  uint16_t year;  // 2000..2127 on the wire
  uint8_t month;  // 4 bits on the wire
  uint8_t day;    // 5 bits on the wire
} jbd_date;

// 0x03 basic info in physical units. Current uses packsim's sign (+ =
// discharge); the wire's + = charging is converted here and nowhere else.
typedef struct jbd_basic_info {
  float pack_voltage_v;         // wire: u16, 10 mV
  float current_a;              // wire: i16, 10 mA, + = charging
  float remaining_capacity_ah;  // wire: u16, 10 mAh
  float nominal_capacity_ah;    // wire: u16, 10 mAh
  uint16_t cycle_count;
  struct jbd_date production_date;  // wire: (year-2000)<<9 | month<<5 | day
  uint32_t balance_status;          // bit n: cell n+1 balancing (wire: low u16, then high u16)
  uint16_t protection_status;       // JBD_PROTECT_* bits
  uint8_t software_version;         // 0x10 = 1.0
  uint8_t rsoc_percent;
  uint8_t fet_status;  // JBD_FET_* bits
  uint8_t cell_count;
  uint8_t ntc_count;              // entries used in ntc_temp_c, at most JBD_MAX_NTC
  float ntc_temp_c[JBD_MAX_NTC];  // wire: u16, 0.1 K with the 2731 offset
} jbd_basic_info;

// Values outside a field's range are clamped to it (never wrapped): voltage
// 0..655.35 V, current -327.68..327.67 A, capacities 0..655.35 Ah, NTCs
// -273.1..6280.4 C, date year 2000..2127, month <= 15, day <= 31.
// Fails (JBD_ERR_BAD_PAYLOAD) only when ntc_count > JBD_MAX_NTC.
enum jbd_result jbd_encode_basic_info(const struct jbd_basic_info* info, struct jbd_response* out);
// Accepts trailing bytes after the NTCs (newer firmware appends fields) and
// ignores them.
enum jbd_result jbd_decode_basic_info(const struct jbd_response* response, struct jbd_basic_info* out);

// 0x04 cell voltages: one u16 (mV) per cell, count = LEN / 2.
typedef struct jbd_cell_voltages {
  uint8_t cell_count;
  uint16_t cell_mv[JBD_MAX_CELLS];
} jbd_cell_voltages;
enum jbd_result jbd_encode_cell_voltages(const struct jbd_cell_voltages* cells, struct jbd_response* out);
enum jbd_result jbd_decode_cell_voltages(const struct jbd_response* response, struct jbd_cell_voltages* out);

// 0x05 hardware version: printable ASCII, NUL-terminated here, not on the wire.
typedef struct jbd_hardware_version {
  char text[JBD_MAX_DATA_LEN + 1u];
} jbd_hardware_version;
enum jbd_result jbd_encode_hardware_version(const struct jbd_hardware_version* version, struct jbd_response* out);
// Trailing NUL padding is accepted and stripped; other non-printable bytes are rejected.
enum jbd_result jbd_decode_hardware_version(const struct jbd_response* response, struct jbd_hardware_version* out);

// ---- Stream parser ------------------------------------------------------------

// Which frames a parser looks for: the BMS reads requests, a tool reads responses.
typedef enum jbd_direction { JBD_PARSE_REQUESTS, JBD_PARSE_RESPONSES } jbd_direction;

typedef struct jbd_parser_stats {
  uint32_t frames;           // valid frames delivered
  uint32_t garbage_bytes;    // bytes skipped while looking for 0xDD
  uint32_t bad_header;       // candidates rejected at the mode/status byte
  uint32_t oversize_length;  // candidates rejected for LEN > JBD_MAX_DATA_LEN
  uint32_t bad_end_byte;     // candidates whose byte after the checksum is not 0x77
  uint32_t bad_checksum;     // candidates with the right shape but the wrong checksum
  uint32_t truncated;        // candidates still incomplete when the line went idle
} jbd_parser_stats;

// A rejected candidate is not lost wholesale: its bytes after the start byte
// are searched again for 0xDD, so a good frame swallowed by a truncated one is
// still found. `pending`, `pending_len` and `checked_len` are internal.
typedef struct jbd_parser {
  enum jbd_direction direction;
  struct jbd_parser_stats stats;
  uint8_t frame[JBD_MAX_FRAME_LEN];  // the last accepted frame (valid after feed/idle returned true)
  size_t frame_len;
  uint8_t pending[JBD_MAX_FRAME_LEN];  // candidate frame, then bytes not yet examined
  size_t pending_len;
  size_t checked_len;  // leading pending bytes known to be a valid frame prefix
} jbd_parser;

void jbd_parser_init(struct jbd_parser* parser, enum jbd_direction direction);

// Consumes bytes until a frame is complete or the input runs out. Returns true
// when a frame is ready in parser->frame / frame_len; *consumed (may be NULL)
// tells how many input bytes were used. Call again with the remaining bytes
// (possibly none) until it returns false; then every byte has been consumed:
//   size_t used; while (jbd_parser_feed(&p, in + off, n - off, &used)) { off += used; handle(&p); }
// Work per byte is bounded: a rescan never reaches back more than one frame length.
bool jbd_parser_feed(struct jbd_parser* parser, const uint8_t* bytes, size_t length, size_t* consumed);

// The line went quiet (e.g. no byte for a few character times): a partial
// frame will not complete. Counts it as truncated, rescans what it swallowed,
// and returns true when that rescan yields a frame; call until false.
bool jbd_parser_line_idle(struct jbd_parser* parser);

#ifdef __cplusplus
}
#endif
