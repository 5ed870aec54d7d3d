#include "bms_under_test/bus/slcan.h"

#include <string.h>

#define SLCAN_STANDARD_ID_DIGITS 3u
#define SLCAN_EXTENDED_ID_DIGITS 8u

static const char slcan_hex_digits[] = "0123456789ABCDEF";

const char* slcan_result_name(enum slcan_result result) {
  switch (result) {
    case SLCAN_OK: return "ok";
    case SLCAN_ERR_EMPTY: return "empty line";
    case SLCAN_ERR_UNKNOWN_COMMAND: return "unknown command";
    case SLCAN_ERR_BAD_HEX: return "bad hex digit";
    case SLCAN_ERR_BAD_DLC: return "bad DLC";
    case SLCAN_ERR_BAD_LENGTH: return "bad length";
    case SLCAN_ERR_BAD_ID: return "identifier out of range";
    case SLCAN_ERR_BAD_ARGUMENT: return "bad argument";
  }
  return "unknown";
}

// A line may arrive with or without its '\r'.
static size_t without_terminator(const char* line, size_t length) {
  return length > 0u && line[length - 1u] == '\r' ? length - 1u : length;
}

static int hex_value(char character) {
  if (character >= '0' && character <= '9') {
    return character - '0';
  }
  if (character >= 'A' && character <= 'F') {
    return character - 'A' + 10;
  }
  if (character >= 'a' && character <= 'f') {
    return character - 'a' + 10;
  }
  return -1;
}

// At most 8 digits, so the value fits 32 bits.
static bool parse_hex(const char* text, size_t digits, uint32_t* value) {
  uint32_t result = 0;
  for (size_t i = 0; i < digits; ++i) {
    const int nibble = hex_value(text[i]);
    if (nibble < 0) {
      return false;
    }
    result = (result << 4) | (uint32_t)nibble;
  }
  *value = result;
  return true;
}

size_t slcan_encode_frame(const struct bms_can_frame* frame, char* out, size_t out_size) {
  if (!bms_can_frame_is_valid(frame)) {
    return 0;
  }
  const size_t id_digits = frame->extended ? SLCAN_EXTENDED_ID_DIGITS : SLCAN_STANDARD_ID_DIGITS;
  const size_t data_digits = frame->rtr ? 0u : 2u * frame->dlc;  // remote frames: a DLC, no data
  const size_t length = 1u + id_digits + 1u + data_digits + 1u;
  if (out == NULL || out_size < length + 1u) {
    return 0;
  }
  const char letter = frame->rtr ? 'r' : 't';
  out[0] = frame->extended ? (char)(letter - 'a' + 'A') : letter;
  for (size_t i = 0; i < id_digits; ++i) {
    const size_t shift = 4u * (id_digits - 1u - i);
    out[1u + i] = slcan_hex_digits[(frame->id >> shift) & 0xFu];
  }
  size_t position = 1u + id_digits;
  out[position++] = (char)('0' + frame->dlc);
  for (size_t i = 0; i < data_digits / 2u; ++i) {
    out[position++] = slcan_hex_digits[frame->data[i] >> 4];
    out[position++] = slcan_hex_digits[frame->data[i] & 0xFu];
  }
  out[position++] = '\r';
  out[position] = '\0';
  return length;
}

enum slcan_result slcan_decode_frame(const char* line, size_t length, struct bms_can_frame* out) {
  if (line == NULL) {
    return SLCAN_ERR_EMPTY;
  }
  length = without_terminator(line, length);
  if (length == 0u) {
    return SLCAN_ERR_EMPTY;
  }
  const char letter = line[0];
  if (letter != 't' && letter != 'T' && letter != 'r' && letter != 'R') {
    return SLCAN_ERR_UNKNOWN_COMMAND;
  }
  const bool extended = letter == 'T' || letter == 'R';  // upper case: 29-bit
  const bool rtr = letter == 'r' || letter == 'R';
  const size_t id_digits = extended ? SLCAN_EXTENDED_ID_DIGITS : SLCAN_STANDARD_ID_DIGITS;
  const size_t header_length = 1u + id_digits + 1u;
  if (length < header_length) {
    return SLCAN_ERR_BAD_LENGTH;
  }
  uint32_t id;
  if (!parse_hex(line + 1, id_digits, &id)) {
    return SLCAN_ERR_BAD_HEX;
  }
  if (id > (extended ? BMS_CAN_EXTENDED_ID_MAX : BMS_CAN_STANDARD_ID_MAX)) {
    return SLCAN_ERR_BAD_ID;
  }
  const char dlc_character = line[1u + id_digits];
  if (dlc_character < '0' || dlc_character > '8') {
    return SLCAN_ERR_BAD_DLC;
  }
  const uint8_t dlc = (uint8_t)(dlc_character - '0');
  const size_t data_digits = rtr ? 0u : 2u * dlc;
  if (length != header_length + data_digits) {
    return SLCAN_ERR_BAD_LENGTH;
  }
  uint8_t data[BMS_CAN_MAX_DLC] = {0};
  for (size_t i = 0; i < data_digits / 2u; ++i) {
    uint32_t byte;
    if (!parse_hex(line + header_length + 2u * i, 2u, &byte)) {
      return SLCAN_ERR_BAD_HEX;
    }
    data[i] = (uint8_t)byte;
  }
  memset(out, 0, sizeof *out);
  out->id = id;
  out->dlc = dlc;
  out->extended = extended;
  out->rtr = rtr;
  memcpy(out->data, data, sizeof data);
  return SLCAN_OK;
}

// Commands that are a single letter.
static enum slcan_result single_letter(size_t length, enum slcan_command_kind kind, struct slcan_command* out) {
  out->kind = kind;
  return length == 1u ? SLCAN_OK : SLCAN_ERR_BAD_LENGTH;
}

enum slcan_result slcan_parse_command(const char* line, size_t length, struct slcan_command* out) {
  memset(out, 0, sizeof *out);
  if (line == NULL) {
    return SLCAN_ERR_EMPTY;
  }
  length = without_terminator(line, length);
  if (length == 0u) {
    return SLCAN_ERR_EMPTY;
  }
  out->letter = line[0];
  switch (line[0]) {
    case 't':
    case 'T':
    case 'r':
    case 'R': out->kind = SLCAN_COMMAND_TRANSMIT; return slcan_decode_frame(line, length, &out->frame);
    case 'O': return single_letter(length, SLCAN_COMMAND_OPEN, out);
    case 'L': return single_letter(length, SLCAN_COMMAND_OPEN_LISTEN_ONLY, out);
    case 'C': return single_letter(length, SLCAN_COMMAND_CLOSE, out);
    case 'V':
    case 'v': return single_letter(length, SLCAN_COMMAND_VERSION, out);
    case 'N': return single_letter(length, SLCAN_COMMAND_SERIAL_NUMBER, out);
    case 'F': return single_letter(length, SLCAN_COMMAND_STATUS_FLAGS, out);
    case 'S':
      out->kind = SLCAN_COMMAND_SET_BITRATE;
      if (length != 2u) {
        return SLCAN_ERR_BAD_LENGTH;
      }
      if (line[1] < '0' || line[1] > '8') {
        return SLCAN_ERR_BAD_ARGUMENT;
      }
      out->bitrate_code = (uint8_t)(line[1] - '0');
      return SLCAN_OK;
    case 'Z':
      out->kind = SLCAN_COMMAND_TIMESTAMPS;
      if (length != 2u) {
        return SLCAN_ERR_BAD_LENGTH;
      }
      if (line[1] != '0' && line[1] != '1') {
        return SLCAN_ERR_BAD_ARGUMENT;
      }
      out->timestamps_on = line[1] == '1';
      return SLCAN_OK;
    default: return SLCAN_ERR_UNKNOWN_COMMAND;
  }
}

uint32_t slcan_bitrate_bps(uint8_t bitrate_code) {
  static const uint32_t bitrates_bps[] = {10000u,  20000u,  50000u,  100000u, 125000u,
                                          250000u, 500000u, 800000u, 1000000u};
  return bitrate_code < sizeof bitrates_bps / sizeof bitrates_bps[0] ? bitrates_bps[bitrate_code] : 0u;
}

// ---- The adapter's side ----------------------------------------------------------------

void slcan_channel_init(struct slcan_channel* channel) {
  memset(channel, 0, sizeof *channel);
  channel->bitrate_code = 6u;  // 500 kbit/s, the inverter bus rate
  channel->hardware_version = 1u;
  channel->software_version = 0u;
  memcpy(channel->serial_number, "PSIM", 5u);
}

static void reply_append(struct slcan_reply* reply, char character) {
  if (reply->length < SLCAN_MAX_REPLY_LEN) {
    reply->text[reply->length++] = character;
  }
}

static void reply_two_decimal_digits(struct slcan_reply* reply, uint8_t value) {
  const uint8_t clamped = value > 99u ? 99u : value;
  reply_append(reply, (char)('0' + clamped / 10u));
  reply_append(reply, (char)('0' + clamped % 10u));
}

bool slcan_channel_handle_line(struct slcan_channel* channel, const char* line, size_t length,
                               struct slcan_reply* reply, struct bms_can_frame* frame_to_send) {
  memset(reply, 0, sizeof *reply);
  struct slcan_command command;
  const enum slcan_result parsed = slcan_parse_command(line, length, &command);
  if (parsed == SLCAN_ERR_EMPTY) {
    return false;  // python-can sends a blank line as an empty FD-bitrate command; nothing to answer
  }
  bool accepted = parsed == SLCAN_OK;
  bool transmit = false;
  if (accepted) {
    switch (command.kind) {
      case SLCAN_COMMAND_OPEN:
      case SLCAN_COMMAND_OPEN_LISTEN_ONLY:
        // Re-opening is ok: python-can given a bitrate sends O twice.
        channel->open = true;
        channel->listen_only = command.kind == SLCAN_COMMAND_OPEN_LISTEN_ONLY;
        break;
      case SLCAN_COMMAND_CLOSE:
        channel->open = false;
        channel->listen_only = false;
        break;
      case SLCAN_COMMAND_SET_BITRATE:
        accepted = !channel->open;  // Lawicel: only while closed
        if (accepted) {
          channel->bitrate_code = command.bitrate_code;
        }
        break;
      case SLCAN_COMMAND_VERSION:
        reply_append(reply, command.letter);
        reply_two_decimal_digits(reply, channel->hardware_version);
        reply_two_decimal_digits(reply, channel->software_version);
        break;
      case SLCAN_COMMAND_SERIAL_NUMBER:
        reply_append(reply, 'N');
        for (size_t i = 0; i < 4u; ++i) {
          const char character = channel->serial_number[i];
          reply_append(reply, character == '\0' ? '0' : character);
        }
        break;
      case SLCAN_COMMAND_STATUS_FLAGS:
        reply_append(reply, 'F');
        reply_append(reply, slcan_hex_digits[channel->status_flags >> 4]);
        reply_append(reply, slcan_hex_digits[channel->status_flags & 0xFu]);
        break;
      case SLCAN_COMMAND_TIMESTAMPS: break;  // accepted, ignored: frames carry no time stamp
      case SLCAN_COMMAND_TRANSMIT:
        accepted = channel->open && !channel->listen_only;
        if (accepted) {
          if (frame_to_send != NULL) {
            *frame_to_send = command.frame;
          }
          transmit = true;
          reply_append(reply, command.frame.extended ? 'Z' : 'z');
        }
        break;
    }
  }
  if (accepted) {
    ++channel->commands_accepted;
    reply_append(reply, SLCAN_REPLY_OK);
  } else {
    ++channel->commands_rejected;
    reply->length = 0;
    reply_append(reply, SLCAN_REPLY_ERROR);
  }
  return transmit;
}

// ---- Line assembly ------------------------------------------------------------------------

void slcan_line_init(struct slcan_line_assembler* assembler) {
  memset(assembler, 0, sizeof *assembler);
  assembler->after_terminator = true;  // a leading '\n' is skipped too
}

bool slcan_line_feed(struct slcan_line_assembler* assembler, const uint8_t* bytes, size_t length, size_t* consumed) {
  if (assembler->line_delivered) {
    assembler->line_delivered = false;
    assembler->length = 0;
    assembler->line[0] = '\0';
  }
  if (bytes == NULL) {
    length = 0;
  }
  size_t used = 0;
  bool line_ready = false;
  while (used < length && !line_ready) {
    const uint8_t byte = bytes[used++];
    const bool follows_terminator = assembler->after_terminator;
    assembler->after_terminator = false;
    if (byte == (uint8_t)'\n' && follows_terminator) {
      continue;
    }
    if (byte == (uint8_t)'\r' || byte == (uint8_t)'\a') {
      assembler->after_terminator = true;
      if (assembler->dropping) {
        assembler->dropping = false;
        assembler->length = 0;
        ++assembler->overlong_lines;
        continue;
      }
      assembler->line[assembler->length] = '\0';
      assembler->terminator = (char)byte;
      assembler->line_delivered = true;
      ++assembler->lines;
      line_ready = true;
    } else if (!assembler->dropping) {
      if (assembler->length == SLCAN_MAX_LINE_LEN) {
        assembler->dropping = true;
      } else {
        assembler->line[assembler->length++] = (char)byte;
      }
    }
  }
  if (consumed != NULL) {
    *consumed = used;
  }
  return line_ready;
}
