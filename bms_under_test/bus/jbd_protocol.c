#include "bms_under_test/bus/jbd_protocol.h"

#include <string.h>

#include "bms_under_test/bus/bus_encoding.h"

// Byte positions shared by requests and responses.
#define JBD_POS_HEADER1 1u  // request: mode, response: command
#define JBD_POS_HEADER2 2u  // request: command, response: status
#define JBD_POS_LEN 3u
#define JBD_POS_DATA 4u

const char* jbd_result_name(enum jbd_result result) {
  switch (result) {
    case JBD_OK: return "ok";
    case JBD_ERR_TRUNCATED: return "truncated";
    case JBD_ERR_BAD_START: return "bad start byte";
    case JBD_ERR_BAD_HEADER: return "bad header";
    case JBD_ERR_OVERSIZE: return "oversize length";
    case JBD_ERR_BAD_LENGTH: return "bad length";
    case JBD_ERR_BAD_END: return "bad end byte";
    case JBD_ERR_BAD_CHECKSUM: return "bad checksum";
    case JBD_ERR_WRONG_COMMAND: return "wrong command";
    case JBD_ERR_BMS_REPORTED_ERROR: return "BMS reported error";
    case JBD_ERR_BAD_PAYLOAD: return "bad payload";
  }
  return "unknown";
}

uint16_t jbd_checksum(const uint8_t* bytes, size_t length) {
  uint32_t sum = 0;
  for (size_t i = 0; i < length; ++i) {
    sum += bytes[i];
  }
  return (uint16_t)(0x10000u - (sum & 0xFFFFu));
}

// ---- Frame validation, one byte at a time -------------------------------------
// The parser and the single-frame decoders share this, so both accept and
// reject exactly the same byte strings.

enum jbd_byte_verdict {
  JBD_BYTE_PREFIX_OK,
  JBD_BYTE_FRAME_COMPLETE,
  JBD_BYTE_NOT_START,
  JBD_BYTE_BAD_HEADER,
  JBD_BYTE_OVERSIZE,
  JBD_BYTE_BAD_END,
  JBD_BYTE_BAD_CHECKSUM
};

static bool is_request_mode(uint8_t byte) { return byte == JBD_MODE_READ || byte == JBD_MODE_WRITE; }

// Judges frame[index], given that frame[0 .. index) is a valid frame prefix.
static enum jbd_byte_verdict check_frame_byte(const uint8_t* frame, size_t index, bool expect_request) {
  const uint8_t byte = frame[index];
  switch (index) {
    case 0u: return byte == JBD_START_BYTE ? JBD_BYTE_PREFIX_OK : JBD_BYTE_NOT_START;
    case JBD_POS_HEADER1:
      // A response's command byte is never A5/5A; refusing it keeps the two directions apart.
      return is_request_mode(byte) == expect_request ? JBD_BYTE_PREFIX_OK : JBD_BYTE_BAD_HEADER;
    case JBD_POS_HEADER2:
      return expect_request || byte == JBD_STATUS_OK || byte == JBD_STATUS_ERROR ? JBD_BYTE_PREFIX_OK
                                                                                 : JBD_BYTE_BAD_HEADER;
    case JBD_POS_LEN: return byte <= JBD_MAX_DATA_LEN ? JBD_BYTE_PREFIX_OK : JBD_BYTE_OVERSIZE;
    default: break;
  }
  const size_t data_len = frame[JBD_POS_LEN];
  const size_t end_index = data_len + JBD_FRAME_OVERHEAD - 1u;
  if (index < end_index) {
    return JBD_BYTE_PREFIX_OK;  // data or checksum: judged once the frame is complete
  }
  // The end byte first: if framing is off, the checksum position is meaningless too.
  if (byte != JBD_END_BYTE) {
    return JBD_BYTE_BAD_END;
  }
  const uint16_t expected = jbd_checksum(frame + JBD_POS_HEADER2, data_len + 2u);
  const uint16_t received = bus_get_u16_be(frame + JBD_POS_DATA + data_len);
  return expected == received ? JBD_BYTE_FRAME_COMPLETE : JBD_BYTE_BAD_CHECKSUM;
}

static enum jbd_result validate_frame(const uint8_t* frame, size_t frame_len, bool expect_request) {
  if (frame == NULL) {
    return JBD_ERR_TRUNCATED;
  }
  for (size_t i = 0; i < frame_len; ++i) {
    switch (check_frame_byte(frame, i, expect_request)) {
      case JBD_BYTE_PREFIX_OK: break;
      case JBD_BYTE_FRAME_COMPLETE: return i + 1u == frame_len ? JBD_OK : JBD_ERR_BAD_LENGTH;
      case JBD_BYTE_NOT_START: return JBD_ERR_BAD_START;
      case JBD_BYTE_BAD_HEADER: return JBD_ERR_BAD_HEADER;
      case JBD_BYTE_OVERSIZE: return JBD_ERR_OVERSIZE;
      case JBD_BYTE_BAD_END: return JBD_ERR_BAD_END;
      case JBD_BYTE_BAD_CHECKSUM: return JBD_ERR_BAD_CHECKSUM;
    }
  }
  return JBD_ERR_TRUNCATED;
}

static size_t write_frame(uint8_t header1, uint8_t header2, uint8_t data_len, const uint8_t* data, uint8_t* out,
                          size_t out_size) {
  const size_t frame_len = (size_t)data_len + JBD_FRAME_OVERHEAD;
  if (data_len > JBD_MAX_DATA_LEN || out == NULL || out_size < frame_len) {
    return 0;
  }
  out[0] = JBD_START_BYTE;
  out[JBD_POS_HEADER1] = header1;
  out[JBD_POS_HEADER2] = header2;
  out[JBD_POS_LEN] = data_len;
  if (data_len > 0u) {
    memcpy(out + JBD_POS_DATA, data, data_len);
  }
  bus_put_u16_be(out + JBD_POS_DATA + data_len, jbd_checksum(out + JBD_POS_HEADER2, (size_t)data_len + 2u));
  out[frame_len - 1u] = JBD_END_BYTE;
  return frame_len;
}

size_t jbd_encode_request_frame(const struct jbd_request* request, uint8_t* out, size_t out_size) {
  if (!is_request_mode(request->mode)) {
    return 0;
  }
  return write_frame(request->mode, request->command, request->data_len, request->data, out, out_size);
}

size_t jbd_encode_response_frame(const struct jbd_response* response, uint8_t* out, size_t out_size) {
  // Same rules the decoder applies, so every encoded frame decodes.
  if (is_request_mode(response->command) ||
      (response->status != JBD_STATUS_OK && response->status != JBD_STATUS_ERROR)) {
    return 0;
  }
  return write_frame(response->command, response->status, response->data_len, response->data, out, out_size);
}

enum jbd_result jbd_decode_request_frame(const uint8_t* frame, size_t frame_len, struct jbd_request* out) {
  const enum jbd_result result = validate_frame(frame, frame_len, true);
  if (result != JBD_OK) {
    return result;
  }
  memset(out, 0, sizeof *out);
  out->mode = frame[JBD_POS_HEADER1];
  out->command = frame[JBD_POS_HEADER2];
  out->data_len = frame[JBD_POS_LEN];
  memcpy(out->data, frame + JBD_POS_DATA, out->data_len);
  return JBD_OK;
}

enum jbd_result jbd_decode_response_frame(const uint8_t* frame, size_t frame_len, struct jbd_response* out) {
  const enum jbd_result result = validate_frame(frame, frame_len, false);
  if (result != JBD_OK) {
    return result;
  }
  memset(out, 0, sizeof *out);
  out->command = frame[JBD_POS_HEADER1];
  out->status = frame[JBD_POS_HEADER2];
  out->data_len = frame[JBD_POS_LEN];
  memcpy(out->data, frame + JBD_POS_DATA, out->data_len);
  return JBD_OK;
}

// ---- Requests -------------------------------------------------------------------

void jbd_encode_read_request(uint8_t command, struct jbd_request* out) {
  memset(out, 0, sizeof *out);
  out->mode = JBD_MODE_READ;
  out->command = command;
}

#define JBD_MOS_CHARGE_OFF_BIT 0x01u
#define JBD_MOS_DISCHARGE_OFF_BIT 0x02u

void jbd_encode_mos_control(const struct jbd_mos_control* control, struct jbd_request* out) {
  memset(out, 0, sizeof *out);
  out->mode = JBD_MODE_WRITE;
  out->command = JBD_CMD_MOS_CONTROL;
  out->data_len = 2u;
  out->data[0] = 0u;
  out->data[1] = (uint8_t)((control->charge_fet_off ? JBD_MOS_CHARGE_OFF_BIT : 0u) |
                           (control->discharge_fet_off ? JBD_MOS_DISCHARGE_OFF_BIT : 0u));
}

enum jbd_result jbd_decode_mos_control(const struct jbd_request* request, struct jbd_mos_control* out) {
  if (request->command != JBD_CMD_MOS_CONTROL) {
    return JBD_ERR_WRONG_COMMAND;
  }
  if (request->mode != JBD_MODE_WRITE) {
    return JBD_ERR_BAD_HEADER;
  }
  if (request->data_len != 2u) {
    return JBD_ERR_BAD_LENGTH;
  }
  const uint8_t known_bits = JBD_MOS_CHARGE_OFF_BIT | JBD_MOS_DISCHARGE_OFF_BIT;
  if (request->data[0] != 0u || (request->data[1] & (uint8_t)~known_bits) != 0u) {
    return JBD_ERR_BAD_PAYLOAD;
  }
  out->charge_fet_off = (request->data[1] & JBD_MOS_CHARGE_OFF_BIT) != 0u;
  out->discharge_fet_off = (request->data[1] & JBD_MOS_DISCHARGE_OFF_BIT) != 0u;
  return JBD_OK;
}

// ---- Responses -----------------------------------------------------------------

void jbd_encode_status_response(uint8_t command, uint8_t status, struct jbd_response* out) {
  memset(out, 0, sizeof *out);
  out->command = command;
  out->status = status;
}

// Checks a response handed to a payload decoder.
static enum jbd_result check_response(const struct jbd_response* response, uint8_t command) {
  if (response->command != command) {
    return JBD_ERR_WRONG_COMMAND;
  }
  if (response->status != JBD_STATUS_OK) {
    return JBD_ERR_BMS_REPORTED_ERROR;
  }
  if (response->data_len > JBD_MAX_DATA_LEN) {
    return JBD_ERR_OVERSIZE;
  }
  return JBD_OK;
}

static void start_response(uint8_t command, struct jbd_response* out) {
  jbd_encode_status_response(command, JBD_STATUS_OK, out);
}

static uint16_t pack_date(const struct jbd_date* date) {
  uint32_t years_since_2000 = date->year < 2000u ? 0u : (uint32_t)date->year - 2000u;
  if (years_since_2000 > 127u) {
    years_since_2000 = 127u;
  }
  const uint32_t month = date->month > 15u ? 15u : date->month;
  const uint32_t day = date->day > 31u ? 31u : date->day;
  return (uint16_t)((years_since_2000 << 9) | (month << 5) | day);
}

static struct jbd_date unpack_date(uint16_t packed) {
  struct jbd_date date;
  date.year = (uint16_t)(2000u + (packed >> 9));
  date.month = (uint8_t)((packed >> 5) & 0x0Fu);
  date.day = (uint8_t)(packed & 0x1Fu);
  return date;
}

static uint16_t to_u16(float value, float counts_per_unit) {
  return (uint16_t)bus_quantise(value, counts_per_unit, 0, 0xFFFF, NULL);
}

static uint16_t to_i16_bits(float value, float counts_per_unit) {
  return (uint16_t)bus_quantise(value, counts_per_unit, -32768, 32767, NULL);
}

enum jbd_result jbd_encode_basic_info(const struct jbd_basic_info* info, struct jbd_response* out) {
  if (info->ntc_count > JBD_MAX_NTC) {
    return JBD_ERR_BAD_PAYLOAD;
  }
  start_response(JBD_CMD_BASIC_INFO, out);
  uint8_t* d = out->data;
  bus_put_u16_be(d + 0, to_u16(info->pack_voltage_v, 100.0f));
  // packsim + = discharge; the wire's + = charging.
  bus_put_u16_be(d + 2, to_i16_bits(-info->current_a, 100.0f));
  bus_put_u16_be(d + 4, to_u16(info->remaining_capacity_ah, 100.0f));
  bus_put_u16_be(d + 6, to_u16(info->nominal_capacity_ah, 100.0f));
  bus_put_u16_be(d + 8, info->cycle_count);
  bus_put_u16_be(d + 10, pack_date(&info->production_date));
  bus_put_u16_be(d + 12, (uint16_t)(info->balance_status & 0xFFFFu));
  bus_put_u16_be(d + 14, (uint16_t)(info->balance_status >> 16));
  bus_put_u16_be(d + 16, info->protection_status);
  d[18] = info->software_version;
  d[19] = info->rsoc_percent;
  d[20] = info->fet_status;
  d[21] = info->cell_count;
  d[22] = info->ntc_count;
  for (size_t i = 0; i < info->ntc_count; ++i) {
    // The 2731 offset is added in integers so it adds no rounding of its own.
    const int32_t deci_c =
        bus_quantise(info->ntc_temp_c[i], 10.0f, -JBD_KELVIN_OFFSET_DK, 0xFFFF - JBD_KELVIN_OFFSET_DK, NULL);
    bus_put_u16_be(d + JBD_BASIC_INFO_FIXED_LEN + 2u * i, (uint16_t)(deci_c + JBD_KELVIN_OFFSET_DK));
  }
  out->data_len = (uint8_t)(JBD_BASIC_INFO_FIXED_LEN + 2u * info->ntc_count);
  return JBD_OK;
}

enum jbd_result jbd_decode_basic_info(const struct jbd_response* response, struct jbd_basic_info* out) {
  const enum jbd_result checked = check_response(response, JBD_CMD_BASIC_INFO);
  if (checked != JBD_OK) {
    return checked;
  }
  if (response->data_len < JBD_BASIC_INFO_FIXED_LEN) {
    return JBD_ERR_BAD_LENGTH;
  }
  const uint8_t* d = response->data;
  const uint8_t ntc_count = d[22];
  if (ntc_count > JBD_MAX_NTC) {
    return JBD_ERR_BAD_PAYLOAD;
  }
  if (response->data_len < JBD_BASIC_INFO_FIXED_LEN + 2u * ntc_count) {
    return JBD_ERR_BAD_LENGTH;
  }
  memset(out, 0, sizeof *out);
  out->pack_voltage_v = (float)bus_get_u16_be(d + 0) / 100.0f;
  // Negated as an integer, so a zero current decodes as +0.0, not -0.0.
  out->current_a = (float)(-bus_i16_from_u16(bus_get_u16_be(d + 2))) / 100.0f;
  out->remaining_capacity_ah = (float)bus_get_u16_be(d + 4) / 100.0f;
  out->nominal_capacity_ah = (float)bus_get_u16_be(d + 6) / 100.0f;
  out->cycle_count = bus_get_u16_be(d + 8);
  out->production_date = unpack_date(bus_get_u16_be(d + 10));
  out->balance_status = (uint32_t)bus_get_u16_be(d + 12) | ((uint32_t)bus_get_u16_be(d + 14) << 16);
  out->protection_status = bus_get_u16_be(d + 16);
  out->software_version = d[18];
  out->rsoc_percent = d[19];
  out->fet_status = d[20];
  out->cell_count = d[21];
  out->ntc_count = ntc_count;
  for (size_t i = 0; i < ntc_count; ++i) {
    const int32_t deci_kelvin = (int32_t)bus_get_u16_be(d + JBD_BASIC_INFO_FIXED_LEN + 2u * i);
    out->ntc_temp_c[i] = (float)(deci_kelvin - JBD_KELVIN_OFFSET_DK) / 10.0f;
  }
  return JBD_OK;
}

enum jbd_result jbd_encode_cell_voltages(const struct jbd_cell_voltages* cells, struct jbd_response* out) {
  if (cells->cell_count > JBD_MAX_CELLS) {
    return JBD_ERR_BAD_PAYLOAD;
  }
  start_response(JBD_CMD_CELL_VOLTAGES, out);
  for (size_t i = 0; i < cells->cell_count; ++i) {
    bus_put_u16_be(out->data + 2u * i, cells->cell_mv[i]);
  }
  out->data_len = (uint8_t)(2u * cells->cell_count);
  return JBD_OK;
}

enum jbd_result jbd_decode_cell_voltages(const struct jbd_response* response, struct jbd_cell_voltages* out) {
  const enum jbd_result checked = check_response(response, JBD_CMD_CELL_VOLTAGES);
  if (checked != JBD_OK) {
    return checked;
  }
  if (response->data_len % 2u != 0u) {
    return JBD_ERR_BAD_LENGTH;
  }
  memset(out, 0, sizeof *out);
  out->cell_count = (uint8_t)(response->data_len / 2u);  // <= JBD_MAX_CELLS, since data_len <= JBD_MAX_DATA_LEN
  for (size_t i = 0; i < out->cell_count; ++i) {
    out->cell_mv[i] = bus_get_u16_be(response->data + 2u * i);
  }
  return JBD_OK;
}

static bool is_printable_ascii(uint8_t byte) { return byte >= 0x20u && byte <= 0x7Eu; }

enum jbd_result jbd_encode_hardware_version(const struct jbd_hardware_version* version, struct jbd_response* out) {
  size_t length = 0;
  while (length < sizeof version->text && version->text[length] != '\0') {
    if (!is_printable_ascii((uint8_t)version->text[length])) {
      return JBD_ERR_BAD_PAYLOAD;
    }
    ++length;
  }
  if (length > JBD_MAX_DATA_LEN) {  // no NUL within the buffer
    return JBD_ERR_BAD_PAYLOAD;
  }
  start_response(JBD_CMD_HARDWARE_VERSION, out);
  memcpy(out->data, version->text, length);
  out->data_len = (uint8_t)length;
  return JBD_OK;
}

enum jbd_result jbd_decode_hardware_version(const struct jbd_response* response, struct jbd_hardware_version* out) {
  const enum jbd_result checked = check_response(response, JBD_CMD_HARDWARE_VERSION);
  if (checked != JBD_OK) {
    return checked;
  }
  size_t length = 0;
  while (length < response->data_len && response->data[length] != 0u) {
    if (!is_printable_ascii(response->data[length])) {
      return JBD_ERR_BAD_PAYLOAD;
    }
    ++length;
  }
  for (size_t i = length; i < response->data_len; ++i) {
    if (response->data[i] != 0u) {
      return JBD_ERR_BAD_PAYLOAD;  // text after NUL padding
    }
  }
  memset(out, 0, sizeof *out);
  memcpy(out->text, response->data, length);
  return JBD_OK;
}

// ---- Stream parser -----------------------------------------------------------------
// `pending` holds a candidate frame starting at pending[0]; its first
// `checked_len` bytes are a valid prefix. After a frame is delivered, bytes
// that followed it stay in `pending` unexamined (checked_len < pending_len)
// and are examined on the next call. Invariant between calls: pending_len <
// JBD_MAX_FRAME_LEN or unexamined bytes remain, so appending one byte fits.

void jbd_parser_init(struct jbd_parser* parser, enum jbd_direction direction) {
  memset(parser, 0, sizeof *parser);
  parser->direction = direction;
}

static void drop_front(struct jbd_parser* parser, size_t count) {
  memmove(parser->pending, parser->pending + count, parser->pending_len - count);
  parser->pending_len -= count;
  parser->checked_len = 0;
}

// A candidate ending at pending[last] was rejected: resume at the next start
// byte within it (pending[last] itself may be the next frame's 0xDD).
static void resync_after(struct jbd_parser* parser, size_t last) {
  size_t next = 1;
  while (next <= last && parser->pending[next] != JBD_START_BYTE) {
    ++next;
  }
  drop_front(parser, next);
}

// Examines unexamined pending bytes; true when a frame was delivered.
static bool examine_pending(struct jbd_parser* parser) {
  const bool expect_request = parser->direction == JBD_PARSE_REQUESTS;
  while (parser->checked_len < parser->pending_len) {
    const size_t index = parser->checked_len;
    switch (check_frame_byte(parser->pending, index, expect_request)) {
      case JBD_BYTE_PREFIX_OK: ++parser->checked_len; continue;
      case JBD_BYTE_FRAME_COMPLETE:
        memcpy(parser->frame, parser->pending, index + 1u);
        parser->frame_len = index + 1u;
        ++parser->stats.frames;
        drop_front(parser, index + 1u);
        return true;
      case JBD_BYTE_NOT_START:
        ++parser->stats.garbage_bytes;
        drop_front(parser, 1u);
        continue;
      case JBD_BYTE_BAD_HEADER: ++parser->stats.bad_header; break;
      case JBD_BYTE_OVERSIZE: ++parser->stats.oversize_length; break;
      case JBD_BYTE_BAD_END: ++parser->stats.bad_end_byte; break;
      case JBD_BYTE_BAD_CHECKSUM: ++parser->stats.bad_checksum; break;
    }
    resync_after(parser, index);
  }
  return false;
}

bool jbd_parser_feed(struct jbd_parser* parser, const uint8_t* bytes, size_t length, size_t* consumed) {
  size_t used = 0;
  bool frame_ready = false;
  if (bytes == NULL) {
    length = 0;
  }
  for (;;) {
    if (examine_pending(parser)) {
      frame_ready = true;
      break;
    }
    // Everything pending is now a valid, incomplete prefix: shorter than a frame, so there is room.
    if (used >= length) {
      break;
    }
    parser->pending[parser->pending_len++] = bytes[used++];
  }
  if (consumed != NULL) {
    *consumed = used;
  }
  return frame_ready;
}

bool jbd_parser_line_idle(struct jbd_parser* parser) {
  while (parser->pending_len > 0u) {
    if (examine_pending(parser)) {
      return true;
    }
    if (parser->pending_len == 0u) {
      break;  // the rest was garbage or rejected candidates, already counted
    }
    ++parser->stats.truncated;
    resync_after(parser, parser->pending_len - 1u);
  }
  return false;
}
