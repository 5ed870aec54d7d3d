/*
 * hal_link_protocol.c: see hal_link_protocol.h and README.md beside it.
 *
 * Plain C11 for MCUs as well as hosts: no heap, no stdio, no state outside
 * the structs the caller owns. Every decoder checks each length against what
 * is left of the payload before it reads, so a hostile frame can at worst be
 * refused.
 */
#include "bms_under_test/hal/link/hal_link_protocol.h"

#include <string.h>

/* ---- Texts (no stdio) ---- */

/* Appends to a NUL-terminated buffer, cutting at its capacity. */
typedef struct text_builder {
  char *out;
  size_t capacity;
  size_t length;
} text_builder;

static text_builder text_start(char *out, size_t capacity) {
  text_builder text;
  text.out = out;
  text.capacity = capacity;
  text.length = 0u;
  if (capacity > 0u) {
    out[0] = '\0';
  }
  return text;
}

static void text_append(text_builder *text, const char *part) {
  if (part == NULL || text->capacity == 0u) {
    return;
  }
  while (*part != '\0' && text->length + 1u < text->capacity) {
    text->out[text->length++] = *part++;
  }
  text->out[text->length] = '\0';
}

static void text_append_u32(text_builder *text, uint32_t value) {
  char digits[11];
  size_t count = 0u;
  do {
    digits[count++] = (char)('0' + (int)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  char reversed[11];
  for (size_t i = 0u; i < count; ++i) {
    reversed[i] = digits[count - 1u - i];
  }
  reversed[count] = '\0';
  text_append(text, reversed);
}

/* "0x" and at least min_digits upper-case hex digits. */
static void text_append_hex(text_builder *text, uint32_t value, unsigned min_digits) {
  static const char hex_digits[] = "0123456789ABCDEF";
  char digits[11];
  size_t count = 0u;
  do {
    digits[count++] = hex_digits[value & 0xFu];
    value >>= 4;
  } while (value != 0u || count < min_digits);
  char reversed[13];
  reversed[0] = '0';
  reversed[1] = 'x';
  for (size_t i = 0u; i < count; ++i) {
    reversed[2u + i] = digits[count - 1u - i];
  }
  reversed[2u + count] = '\0';
  text_append(text, reversed);
}

const char *hal_link_error_code_name(hal_link_error_code code) {
  switch (code) {
    case HAL_LINK_ERROR_NONE:
      return "none";
    case HAL_LINK_ERROR_CRC:
      return "CRC";
    case HAL_LINK_ERROR_LENGTH:
      return "length";
    case HAL_LINK_ERROR_UNKNOWN_TYPE:
      return "unknown type";
    case HAL_LINK_ERROR_SEQUENCE:
      return "sequence";
    case HAL_LINK_ERROR_UNEXPECTED:
      return "unexpected";
    case HAL_LINK_ERROR_FIELD:
      return "field";
    case HAL_LINK_ERROR_VERSION:
      return "version";
    case HAL_LINK_ERROR_CLOSED:
      return "closed";
    case HAL_LINK_ERROR_PEER:
      return "peer";
  }
  return "unknown";
}

const char *hal_link_error_text(const hal_link_error *error, char *out, size_t capacity) {
  text_builder text = text_start(out, capacity);
  if (error == NULL) {
    return out;
  }
  const int has_field = error->field != NULL && error->field[0] != '\0';
  const int has_detail = error->detail[0] != '\0';
  if (has_field) {
    text_append(&text, error->field);
  }
  if (has_field && has_detail) {
    text_append(&text, ": ");
  }
  if (has_detail) {
    text_append(&text, error->detail);
  }
  if (!has_field && !has_detail) {
    text_append(&text, hal_link_error_code_name(error->code));
  }
  return out;
}

void hal_link_error_set(hal_link_error *error, hal_link_error_code code, const char *field, const char *text) {
  if (error == NULL) {
    return;
  }
  error->code = code;
  error->field = field != NULL ? field : "";
  text_builder detail = text_start(error->detail, sizeof error->detail);
  text_append(&detail, text);
}

void hal_link_error_set_values(hal_link_error *error, hal_link_error_code code, const char *field, uint32_t got,
                               const char *relation, uint32_t limit) {
  if (error == NULL) {
    return;
  }
  error->code = code;
  error->field = field != NULL ? field : "";
  text_builder detail = text_start(error->detail, sizeof error->detail);
  text_append(&detail, "got ");
  text_append_u32(&detail, got);
  text_append(&detail, ", ");
  text_append(&detail, relation);
  text_append(&detail, " ");
  text_append_u32(&detail, limit);
}

/* As hal_link_error_set_values, in hex (identifiers, CRCs, bytes read as flags). */
static void error_set_hex_values(hal_link_error *error, hal_link_error_code code, const char *field, uint32_t got,
                                 const char *relation, uint32_t limit, unsigned digits) {
  if (error == NULL) {
    return;
  }
  error->code = code;
  error->field = field;
  text_builder detail = text_start(error->detail, sizeof error->detail);
  text_append(&detail, "got ");
  text_append_hex(&detail, got, digits);
  text_append(&detail, ", ");
  text_append(&detail, relation);
  text_append(&detail, " ");
  text_append_hex(&detail, limit, digits);
}

static void report_unknown_type(hal_link_error *error, uint8_t type) {
  if (error == NULL) {
    return;
  }
  error->code = HAL_LINK_ERROR_UNKNOWN_TYPE;
  error->field = "type";
  text_builder detail = text_start(error->detail, sizeof error->detail);
  text_append(&detail, "got ");
  text_append_hex(&detail, type, 2u);
  text_append(&detail, ", not a type of protocol version 1");
}

/* ---- CRC-16/CCITT-FALSE ---- */

/* crc16_table[i] is the CRC register after shifting byte i through an empty one. */
static const uint16_t crc16_table[256] = {
    0x0000u, 0x1021u, 0x2042u, 0x3063u, 0x4084u, 0x50A5u, 0x60C6u, 0x70E7u,
    0x8108u, 0x9129u, 0xA14Au, 0xB16Bu, 0xC18Cu, 0xD1ADu, 0xE1CEu, 0xF1EFu,
    0x1231u, 0x0210u, 0x3273u, 0x2252u, 0x52B5u, 0x4294u, 0x72F7u, 0x62D6u,
    0x9339u, 0x8318u, 0xB37Bu, 0xA35Au, 0xD3BDu, 0xC39Cu, 0xF3FFu, 0xE3DEu,
    0x2462u, 0x3443u, 0x0420u, 0x1401u, 0x64E6u, 0x74C7u, 0x44A4u, 0x5485u,
    0xA56Au, 0xB54Bu, 0x8528u, 0x9509u, 0xE5EEu, 0xF5CFu, 0xC5ACu, 0xD58Du,
    0x3653u, 0x2672u, 0x1611u, 0x0630u, 0x76D7u, 0x66F6u, 0x5695u, 0x46B4u,
    0xB75Bu, 0xA77Au, 0x9719u, 0x8738u, 0xF7DFu, 0xE7FEu, 0xD79Du, 0xC7BCu,
    0x48C4u, 0x58E5u, 0x6886u, 0x78A7u, 0x0840u, 0x1861u, 0x2802u, 0x3823u,
    0xC9CCu, 0xD9EDu, 0xE98Eu, 0xF9AFu, 0x8948u, 0x9969u, 0xA90Au, 0xB92Bu,
    0x5AF5u, 0x4AD4u, 0x7AB7u, 0x6A96u, 0x1A71u, 0x0A50u, 0x3A33u, 0x2A12u,
    0xDBFDu, 0xCBDCu, 0xFBBFu, 0xEB9Eu, 0x9B79u, 0x8B58u, 0xBB3Bu, 0xAB1Au,
    0x6CA6u, 0x7C87u, 0x4CE4u, 0x5CC5u, 0x2C22u, 0x3C03u, 0x0C60u, 0x1C41u,
    0xEDAEu, 0xFD8Fu, 0xCDECu, 0xDDCDu, 0xAD2Au, 0xBD0Bu, 0x8D68u, 0x9D49u,
    0x7E97u, 0x6EB6u, 0x5ED5u, 0x4EF4u, 0x3E13u, 0x2E32u, 0x1E51u, 0x0E70u,
    0xFF9Fu, 0xEFBEu, 0xDFDDu, 0xCFFCu, 0xBF1Bu, 0xAF3Au, 0x9F59u, 0x8F78u,
    0x9188u, 0x81A9u, 0xB1CAu, 0xA1EBu, 0xD10Cu, 0xC12Du, 0xF14Eu, 0xE16Fu,
    0x1080u, 0x00A1u, 0x30C2u, 0x20E3u, 0x5004u, 0x4025u, 0x7046u, 0x6067u,
    0x83B9u, 0x9398u, 0xA3FBu, 0xB3DAu, 0xC33Du, 0xD31Cu, 0xE37Fu, 0xF35Eu,
    0x02B1u, 0x1290u, 0x22F3u, 0x32D2u, 0x4235u, 0x5214u, 0x6277u, 0x7256u,
    0xB5EAu, 0xA5CBu, 0x95A8u, 0x8589u, 0xF56Eu, 0xE54Fu, 0xD52Cu, 0xC50Du,
    0x34E2u, 0x24C3u, 0x14A0u, 0x0481u, 0x7466u, 0x6447u, 0x5424u, 0x4405u,
    0xA7DBu, 0xB7FAu, 0x8799u, 0x97B8u, 0xE75Fu, 0xF77Eu, 0xC71Du, 0xD73Cu,
    0x26D3u, 0x36F2u, 0x0691u, 0x16B0u, 0x6657u, 0x7676u, 0x4615u, 0x5634u,
    0xD94Cu, 0xC96Du, 0xF90Eu, 0xE92Fu, 0x99C8u, 0x89E9u, 0xB98Au, 0xA9ABu,
    0x5844u, 0x4865u, 0x7806u, 0x6827u, 0x18C0u, 0x08E1u, 0x3882u, 0x28A3u,
    0xCB7Du, 0xDB5Cu, 0xEB3Fu, 0xFB1Eu, 0x8BF9u, 0x9BD8u, 0xABBBu, 0xBB9Au,
    0x4A75u, 0x5A54u, 0x6A37u, 0x7A16u, 0x0AF1u, 0x1AD0u, 0x2AB3u, 0x3A92u,
    0xFD2Eu, 0xED0Fu, 0xDD6Cu, 0xCD4Du, 0xBDAAu, 0xAD8Bu, 0x9DE8u, 0x8DC9u,
    0x7C26u, 0x6C07u, 0x5C64u, 0x4C45u, 0x3CA2u, 0x2C83u, 0x1CE0u, 0x0CC1u,
    0xEF1Fu, 0xFF3Eu, 0xCF5Du, 0xDF7Cu, 0xAF9Bu, 0xBFBAu, 0x8FD9u, 0x9FF8u,
    0x6E17u, 0x7E36u, 0x4E55u, 0x5E74u, 0x2E93u, 0x3EB2u, 0x0ED1u, 0x1EF0u
};

uint16_t hal_link_crc16(uint16_t crc, const uint8_t *data, size_t length) {
  for (size_t i = 0u; i < length; ++i) {
    const uint8_t index = (uint8_t)((crc >> 8) ^ data[i]);
    crc = (uint16_t)((uint16_t)(crc << 8) ^ crc16_table[index]);
  }
  return crc;
}

/* ---- Frames ---- */

static uint16_t read_u16_le(const uint8_t *bytes) { return (uint16_t)(bytes[0] | (uint16_t)(bytes[1] << 8)); }

static uint32_t read_u32_le(const uint8_t *bytes) {
  return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24);
}

static void write_u16_le(uint8_t *bytes, uint16_t value) {
  bytes[0] = (uint8_t)(value & 0xFFu);
  bytes[1] = (uint8_t)(value >> 8);
}

static void write_u32_le(uint8_t *bytes, uint32_t value) {
  bytes[0] = (uint8_t)(value & 0xFFu);
  bytes[1] = (uint8_t)((value >> 8) & 0xFFu);
  bytes[2] = (uint8_t)((value >> 16) & 0xFFu);
  bytes[3] = (uint8_t)(value >> 24);
}

size_t hal_link_frame_write(uint8_t type, uint8_t sequence, const uint8_t *payload, uint16_t payload_length,
                            uint8_t *out, size_t capacity) {
  const size_t size = HAL_LINK_HEADER_SIZE + (size_t)payload_length + HAL_LINK_CRC_SIZE;
  if (out == NULL || payload_length > HAL_LINK_MAX_PAYLOAD || capacity < size ||
      (payload == NULL && payload_length > 0u)) {
    return 0u;
  }
  if (payload_length > 0u && payload != out + HAL_LINK_HEADER_SIZE) {
    memmove(out + HAL_LINK_HEADER_SIZE, payload, payload_length); /* memmove: the caller's payload may overlap */
  }
  out[0] = HAL_LINK_SYNC_0;
  out[1] = HAL_LINK_SYNC_1;
  out[2] = type;
  out[3] = sequence;
  write_u16_le(out + 4, payload_length);
  const uint16_t crc = hal_link_crc16(0xFFFFu, out + 2, 4u + (size_t)payload_length);
  write_u16_le(out + HAL_LINK_HEADER_SIZE + payload_length, crc);
  return size;
}

int hal_link_type_is_known(uint8_t type) {
  switch (type) {
    case HAL_LINK_HELLO:
    case HAL_LINK_DESCRIBE:
    case HAL_LINK_READ_OBSERVABLES:
    case HAL_LINK_INIT:
    case HAL_LINK_RUN:
    case HAL_LINK_REPLY:
    case HAL_LINK_HELLO_REPLY:
    case HAL_LINK_DESCRIPTION:
    case HAL_LINK_OBSERVABLE_VALUES:
    case HAL_LINK_INIT_DONE:
    case HAL_LINK_RUN_DONE:
    case HAL_LINK_I2C_WRITE:
    case HAL_LINK_I2C_READ:
    case HAL_LINK_I2C_WRITE_READ:
    case HAL_LINK_CAN_SEND:
    case HAL_LINK_UART_WRITE:
    case HAL_LINK_GPIO_WRITE:
    case HAL_LINK_LOG:
    case HAL_LINK_ERROR:
      return 1;
    default:
      return 0;
  }
}

const char *hal_link_type_name(uint8_t type) {
  switch (type) {
    case HAL_LINK_HELLO:
      return "HELLO";
    case HAL_LINK_DESCRIBE:
      return "DESCRIBE";
    case HAL_LINK_READ_OBSERVABLES:
      return "READ_OBSERVABLES";
    case HAL_LINK_INIT:
      return "INIT";
    case HAL_LINK_RUN:
      return "RUN";
    case HAL_LINK_REPLY:
      return "REPLY";
    case HAL_LINK_HELLO_REPLY:
      return "HELLO_REPLY";
    case HAL_LINK_DESCRIPTION:
      return "DESCRIPTION";
    case HAL_LINK_OBSERVABLE_VALUES:
      return "OBSERVABLE_VALUES";
    case HAL_LINK_INIT_DONE:
      return "INIT_DONE";
    case HAL_LINK_RUN_DONE:
      return "RUN_DONE";
    case HAL_LINK_I2C_WRITE:
      return "I2C_WRITE";
    case HAL_LINK_I2C_READ:
      return "I2C_READ";
    case HAL_LINK_I2C_WRITE_READ:
      return "I2C_WRITE_READ";
    case HAL_LINK_CAN_SEND:
      return "CAN_SEND";
    case HAL_LINK_UART_WRITE:
      return "UART_WRITE";
    case HAL_LINK_GPIO_WRITE:
      return "GPIO_WRITE";
    case HAL_LINK_LOG:
      return "LOG";
    case HAL_LINK_ERROR:
      return "ERROR";
    default:
      return "unknown";
  }
}

/* ---- Decoder ---- */

void hal_link_decoder_reset(hal_link_decoder *decoder) { memset(decoder, 0, sizeof *decoder); }

static size_t buffered_frame_size(const hal_link_decoder *decoder) {
  return HAL_LINK_HEADER_SIZE + (size_t)read_u16_le(decoder->buffer + 4) + HAL_LINK_CRC_SIZE;
}

/* Before the first good frame: the buffered header cannot be one (unknown type
 * or impossible length), so its first byte was noise. Drop it, and any bytes
 * after it that cannot start a frame, keeping the rest for another look. */
static void decoder_resync(hal_link_decoder *decoder) {
  size_t start = 1u;
  while (start < decoder->fill) {
    const int starts_frame = decoder->buffer[start] == HAL_LINK_SYNC_0 &&
                             (start + 1u >= decoder->fill || decoder->buffer[start + 1u] == HAL_LINK_SYNC_1);
    if (starts_frame) {
      break;
    }
    ++start;
  }
  decoder->bytes_skipped += (uint32_t)start;
  memmove(decoder->buffer, decoder->buffer + start, decoder->fill - start);
  decoder->fill -= start;
}

hal_link_decode_result hal_link_decoder_feed(hal_link_decoder *decoder, const uint8_t *data, size_t length,
                                             size_t *consumed, hal_link_frame *frame, hal_link_error *error) {
  size_t used = 0u;
  /* A whole frame still in the buffer was handed out by the previous call. */
  if (decoder->fill >= HAL_LINK_HEADER_SIZE && decoder->fill == buffered_frame_size(decoder)) {
    decoder->fill = 0u;
  }
  while (used < length) {
    const uint8_t byte = data[used];
    if (decoder->fill == 0u) {
      if (byte == HAL_LINK_SYNC_0) {
        decoder->buffer[decoder->fill++] = byte;
        ++used;
      } else if (!decoder->synchronised) {
        ++decoder->bytes_skipped;
        ++used;
      } else {
        /* One error for the whole run of stray bytes, up to the next possible frame start. */
        ++used;
        while (used < length && data[used] != HAL_LINK_SYNC_0) {
          ++used;
        }
        error_set_hex_values(error, HAL_LINK_ERROR_FIELD, "sync", byte, "expected", HAL_LINK_SYNC_0, 2u);
        *consumed = used;
        return HAL_LINK_DECODE_ERROR;
      }
    } else if (decoder->fill == 1u) {
      if (byte == HAL_LINK_SYNC_1) {
        decoder->buffer[decoder->fill++] = byte;
        ++used;
      } else if (!decoder->synchronised) {
        ++decoder->bytes_skipped; /* the 0xA5 was noise; look at this byte afresh */
        decoder->fill = 0u;
      } else {
        decoder->fill = 0u;
        if (byte != HAL_LINK_SYNC_0) {
          ++used; /* a 0xA5 may start the next frame: keep it */
        }
        error_set_hex_values(error, HAL_LINK_ERROR_FIELD, "sync", byte, "expected", HAL_LINK_SYNC_1, 2u);
        *consumed = used;
        return HAL_LINK_DECODE_ERROR;
      }
    } else if (decoder->fill < HAL_LINK_HEADER_SIZE) {
      decoder->buffer[decoder->fill++] = byte;
      ++used;
      if (decoder->fill == HAL_LINK_HEADER_SIZE) {
        const uint16_t payload_length = read_u16_le(decoder->buffer + 4);
        const int plausible = payload_length <= HAL_LINK_MAX_PAYLOAD && hal_link_type_is_known(decoder->buffer[2]);
        if (!decoder->synchronised && !plausible) {
          decoder_resync(decoder);
        } else if (payload_length > HAL_LINK_MAX_PAYLOAD) {
          decoder->fill = 0u;
          hal_link_error_set_values(error, HAL_LINK_ERROR_LENGTH, "length", payload_length, "at most",
                                    HAL_LINK_MAX_PAYLOAD);
          *consumed = used;
          return HAL_LINK_DECODE_ERROR;
        }
      }
    } else {
      const size_t frame_size = buffered_frame_size(decoder);
      size_t take = frame_size - decoder->fill;
      if (take > length - used) {
        take = length - used;
      }
      memcpy(decoder->buffer + decoder->fill, data + used, take);
      decoder->fill += take;
      used += take;
      if (decoder->fill == frame_size) {
        const uint16_t payload_length = read_u16_le(decoder->buffer + 4);
        const uint16_t expected = hal_link_crc16(0xFFFFu, decoder->buffer + 2, 4u + (size_t)payload_length);
        const uint16_t got = read_u16_le(decoder->buffer + HAL_LINK_HEADER_SIZE + payload_length);
        *consumed = used;
        if (got != expected) {
          decoder->fill = 0u;
          error_set_hex_values(error, HAL_LINK_ERROR_CRC, "crc", got, "expected", expected, 4u);
          return HAL_LINK_DECODE_ERROR;
        }
        if (!hal_link_type_is_known(decoder->buffer[2])) {
          decoder->fill = 0u;
          report_unknown_type(error, decoder->buffer[2]);
          return HAL_LINK_DECODE_ERROR;
        }
        decoder->synchronised = 1;
        frame->type = decoder->buffer[2];
        frame->sequence = decoder->buffer[3];
        frame->payload_length = payload_length;
        frame->payload = decoder->buffer + HAL_LINK_HEADER_SIZE;
        return HAL_LINK_DECODE_FRAME;
      }
    }
  }
  *consumed = used;
  return HAL_LINK_DECODE_NEED_MORE;
}

/* ---- Payload writing ---- */

/* Appends little-endian fields; any field that does not fit marks the whole payload failed. */
typedef struct payload_writer {
  uint8_t *out;
  size_t capacity;
  size_t length;
  int failed;
} payload_writer;

static payload_writer writer_start(uint8_t *out, size_t capacity) {
  payload_writer writer;
  writer.out = out;
  writer.capacity = capacity < HAL_LINK_MAX_PAYLOAD ? capacity : HAL_LINK_MAX_PAYLOAD;
  writer.length = 0u;
  writer.failed = out == NULL;
  return writer;
}

static void put_bytes(payload_writer *writer, const void *data, size_t length) {
  if (writer->failed || length > writer->capacity - writer->length || (data == NULL && length > 0u)) {
    writer->failed = 1;
    return;
  }
  if (length > 0u) {
    memmove(writer->out + writer->length, data, length);
  }
  writer->length += length;
}

static void put_u8(payload_writer *writer, uint8_t value) { put_bytes(writer, &value, 1u); }

static void put_u16(payload_writer *writer, uint16_t value) {
  uint8_t bytes[2];
  write_u16_le(bytes, value);
  put_bytes(writer, bytes, sizeof bytes);
}

static void put_u32(payload_writer *writer, uint32_t value) {
  uint8_t bytes[4];
  write_u32_le(bytes, value);
  put_bytes(writer, bytes, sizeof bytes);
}

static void put_string(payload_writer *writer, const hal_link_string *string) {
  put_u8(writer, string->length);
  put_bytes(writer, string->text, string->length);
}

/* A field out of range: the encoder refuses the whole payload. */
static void refuse(payload_writer *writer) { writer->failed = 1; }

static size_t writer_finish(const payload_writer *writer) { return writer->failed ? 0u : writer->length; }

/* ---- Payload reading ---- */

typedef struct payload_reader {
  const uint8_t *data;
  size_t length;
  size_t offset;
  hal_link_error *error;
} payload_reader;

static payload_reader reader_start(const hal_link_frame *frame, hal_link_error *error) {
  payload_reader reader;
  reader.data = frame->payload;
  reader.length = frame->payload != NULL ? frame->payload_length : 0u;
  reader.offset = 0u;
  reader.error = error;
  return reader;
}

static void field_error(hal_link_error *error, const char *field, const char *text) {
  hal_link_error_set(error, HAL_LINK_ERROR_FIELD, field, text);
}

static int missing(payload_reader *reader, const char *field) {
  if (reader->error != NULL) {
    reader->error->code = HAL_LINK_ERROR_FIELD;
    reader->error->field = field;
    text_builder detail = text_start(reader->error->detail, sizeof reader->error->detail);
    text_append(&detail, "missing: the payload ends at byte ");
    text_append_u32(&detail, (uint32_t)reader->length);
  }
  return -1;
}

/* Points *bytes at the next `size` bytes of the payload. */
static int take_bytes(payload_reader *reader, size_t size, const char *field, const uint8_t **bytes) {
  if (size > reader->length - reader->offset) {
    if (reader->offset == reader->length) {
      return missing(reader, field);
    }
    hal_link_error_set_values(reader->error, HAL_LINK_ERROR_FIELD, field, (uint32_t)size, "at most",
                              (uint32_t)(reader->length - reader->offset));
    return -1;
  }
  *bytes = reader->data + reader->offset;
  reader->offset += size;
  return 0;
}

static int get_u8(payload_reader *reader, const char *field, uint8_t *out) {
  if (reader->offset >= reader->length) {
    return missing(reader, field);
  }
  *out = reader->data[reader->offset++];
  return 0;
}

static int get_u16(payload_reader *reader, const char *field, uint16_t *out) {
  if (2u > reader->length - reader->offset) {
    return missing(reader, field);
  }
  *out = read_u16_le(reader->data + reader->offset);
  reader->offset += 2u;
  return 0;
}

static int get_u32(payload_reader *reader, const char *field, uint32_t *out) {
  if (4u > reader->length - reader->offset) {
    return missing(reader, field);
  }
  *out = read_u32_le(reader->data + reader->offset);
  reader->offset += 4u;
  return 0;
}

static int get_i32(payload_reader *reader, const char *field, int32_t *out) {
  uint32_t bits = 0u;
  if (get_u32(reader, field, &bits) != 0) {
    return -1;
  }
  memcpy(out, &bits, sizeof bits); /* two's complement on the wire, without an implementation-defined cast */
  return 0;
}

static int get_string(payload_reader *reader, const char *field, hal_link_string *out) {
  uint8_t length = 0u;
  if (get_u8(reader, field, &length) != 0) {
    return -1;
  }
  const uint8_t *bytes = NULL;
  if (length > reader->length - reader->offset) {
    hal_link_error_set_values(reader->error, HAL_LINK_ERROR_FIELD, field, length, "at most",
                              (uint32_t)(reader->length - reader->offset));
    return -1;
  }
  (void)take_bytes(reader, length, field, &bytes);
  out->length = length;
  if (length > 0u) {
    memcpy(out->text, bytes, length);
  }
  out->text[length] = '\0';
  return 0;
}

/* The payload must end exactly where the message does. */
static int reader_finish(payload_reader *reader, const char *field) {
  if (reader->offset != reader->length) {
    hal_link_error_set_values(reader->error, HAL_LINK_ERROR_FIELD, field, (uint32_t)reader->length, "expected",
                              (uint32_t)reader->offset);
    return -1;
  }
  return 0;
}

static void string_clear(hal_link_string *string) {
  string->length = 0u;
  string->text[0] = '\0';
}

/* ---- HELLO, HELLO_REPLY ---- */

size_t hal_link_encode_hello(const hal_link_hello *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u16(&writer, in->protocol_major);
  put_u16(&writer, in->protocol_minor);
  put_u32(&writer, in->host_hal_version);
  return writer_finish(&writer);
}

int hal_link_decode_hello(const hal_link_frame *frame, hal_link_hello *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "hello.protocol_major", &out->protocol_major) != 0 ||
      get_u16(&reader, "hello.protocol_minor", &out->protocol_minor) != 0 ||
      get_u32(&reader, "hello.host_hal_version", &out->host_hal_version) != 0) {
    return -1;
  }
  return reader_finish(&reader, "hello.payload_length");
}

size_t hal_link_encode_hello_reply(const hal_link_hello_reply *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u16(&writer, in->protocol_major);
  put_u16(&writer, in->protocol_minor);
  put_u32(&writer, in->hal_version);
  put_u32(&writer, in->tick_period_ms);
  put_u16(&writer, in->observable_count);
  put_u16(&writer, in->can_rx_capacity);
  put_u16(&writer, in->uart_rx_capacity);
  put_u16(&writer, in->max_payload);
  put_string(&writer, &in->name);
  put_string(&writer, &in->version);
  return writer_finish(&writer);
}

int hal_link_decode_hello_reply(const hal_link_frame *frame, hal_link_hello_reply *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "hello_reply.protocol_major", &out->protocol_major) != 0 ||
      get_u16(&reader, "hello_reply.protocol_minor", &out->protocol_minor) != 0 ||
      get_u32(&reader, "hello_reply.hal_version", &out->hal_version) != 0 ||
      get_u32(&reader, "hello_reply.tick_period_ms", &out->tick_period_ms) != 0 ||
      get_u16(&reader, "hello_reply.observable_count", &out->observable_count) != 0 ||
      get_u16(&reader, "hello_reply.can_rx_capacity", &out->can_rx_capacity) != 0 ||
      get_u16(&reader, "hello_reply.uart_rx_capacity", &out->uart_rx_capacity) != 0 ||
      get_u16(&reader, "hello_reply.max_payload", &out->max_payload) != 0 ||
      get_string(&reader, "hello_reply.name", &out->name) != 0 ||
      get_string(&reader, "hello_reply.version", &out->version) != 0) {
    return -1;
  }
  return reader_finish(&reader, "hello_reply.payload_length");
}

/* ---- DESCRIBE, DESCRIPTION ---- */

size_t hal_link_encode_describe(const hal_link_describe *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u16(&writer, in->observable_index);
  put_u16(&writer, in->item);
  return writer_finish(&writer);
}

int hal_link_decode_describe(const hal_link_frame *frame, hal_link_describe *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "describe.observable_index", &out->observable_index) != 0 ||
      get_u16(&reader, "describe.item", &out->item) != 0) {
    return -1;
  }
  return reader_finish(&reader, "describe.payload_length");
}

/* The last bms_observable_type (bms_hal.h). */
#define HAL_LINK_LAST_OBSERVABLE_TYPE 7u

size_t hal_link_encode_description(const hal_link_description *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u16(&writer, in->observable_index);
  put_u16(&writer, in->item);
  if (in->item == HAL_LINK_DESCRIBE_OBSERVABLE) {
    if (in->type > HAL_LINK_LAST_OBSERVABLE_TYPE) {
      refuse(&writer);
    }
    put_u8(&writer, in->type);
    put_u16(&writer, in->value_name_count);
    put_string(&writer, &in->name);
    put_string(&writer, &in->unit);
    put_string(&writer, &in->description);
  } else {
    put_string(&writer, &in->name);
  }
  return writer_finish(&writer);
}

int hal_link_decode_description(const hal_link_frame *frame, hal_link_description *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "description.observable_index", &out->observable_index) != 0 ||
      get_u16(&reader, "description.item", &out->item) != 0) {
    return -1;
  }
  if (out->item != HAL_LINK_DESCRIBE_OBSERVABLE) {
    out->type = 0u;
    out->value_name_count = 0u;
    string_clear(&out->unit);
    string_clear(&out->description);
    if (get_string(&reader, "description.value_name", &out->name) != 0) {
      return -1;
    }
    return reader_finish(&reader, "description.payload_length");
  }
  if (get_u8(&reader, "description.type", &out->type) != 0) {
    return -1;
  }
  if (out->type > HAL_LINK_LAST_OBSERVABLE_TYPE) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, "description.type", out->type, "at most",
                              HAL_LINK_LAST_OBSERVABLE_TYPE);
    return -1;
  }
  if (get_u16(&reader, "description.value_name_count", &out->value_name_count) != 0 ||
      get_string(&reader, "description.name", &out->name) != 0 ||
      get_string(&reader, "description.unit", &out->unit) != 0 ||
      get_string(&reader, "description.description", &out->description) != 0) {
    return -1;
  }
  return reader_finish(&reader, "description.payload_length");
}

/* ---- READ_OBSERVABLES, OBSERVABLE_VALUES ---- */

size_t hal_link_encode_read_observables(const hal_link_read_observables *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u16(&writer, in->first);
  put_u16(&writer, in->count);
  return writer_finish(&writer);
}

int hal_link_decode_read_observables(const hal_link_frame *frame, hal_link_read_observables *out,
                                     hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "read_observables.first", &out->first) != 0 ||
      get_u16(&reader, "read_observables.count", &out->count) != 0) {
    return -1;
  }
  return reader_finish(&reader, "read_observables.payload_length");
}

size_t hal_link_encode_observable_values(const hal_link_observable_values *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->count > HAL_LINK_MAX_VALUES_PER_FRAME) {
    return 0u;
  }
  put_u16(&writer, in->first);
  put_u16(&writer, in->count);
  for (size_t i = 0u; i < in->count; ++i) {
    put_u32(&writer, in->values[i]);
  }
  return writer_finish(&writer);
}

int hal_link_decode_observable_values(const hal_link_frame *frame, hal_link_observable_values *out,
                                      hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "observable_values.first", &out->first) != 0 ||
      get_u16(&reader, "observable_values.count", &out->count) != 0) {
    return -1;
  }
  if (out->count > HAL_LINK_MAX_VALUES_PER_FRAME) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, "observable_values.count", out->count, "at most",
                              HAL_LINK_MAX_VALUES_PER_FRAME);
    return -1;
  }
  for (size_t i = 0u; i < out->count; ++i) {
    if (get_u32(&reader, "observable_values.values", &out->values[i]) != 0) {
      return -1;
    }
  }
  return reader_finish(&reader, "observable_values.payload_length");
}

/* ---- CAN frames ---- */

/* Field names for one CAN frame, per the message it sits in. */
typedef struct can_field_names {
  const char *id;
  const char *dlc;
  const char *flags;
} can_field_names;

static const can_field_names plain_can_names = {"can_frame.id", "can_frame.dlc", "can_frame.flags"};
static const can_field_names can_send_names = {"can_send.id", "can_send.dlc", "can_send.flags"};
static const can_field_names init_can_names = {"init.can_frame.id", "init.can_frame.dlc", "init.can_frame.flags"};
static const can_field_names run_can_names = {"run.can_frame.id", "run.can_frame.dlc", "run.can_frame.flags"};

static int decode_can_wire(const uint8_t *wire, bms_can_frame *out, hal_link_error *error,
                           const can_field_names *names) {
  const uint32_t id = read_u32_le(wire);
  const uint8_t dlc = wire[4];
  const uint8_t flags = wire[5];
  if ((flags & (uint8_t)~(HAL_LINK_CAN_FLAG_EXTENDED | HAL_LINK_CAN_FLAG_RTR)) != 0u) {
    error_set_hex_values(error, HAL_LINK_ERROR_FIELD, names->flags, flags, "defined bits",
                         HAL_LINK_CAN_FLAG_EXTENDED | HAL_LINK_CAN_FLAG_RTR, 2u);
    return -1;
  }
  if (dlc > BMS_CAN_MAX_DLC) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, names->dlc, dlc, "at most", BMS_CAN_MAX_DLC);
    return -1;
  }
  const int extended = (flags & HAL_LINK_CAN_FLAG_EXTENDED) != 0u;
  const uint32_t id_max = extended ? BMS_CAN_EXTENDED_ID_MAX : BMS_CAN_STANDARD_ID_MAX;
  if (id > id_max) {
    error_set_hex_values(error, HAL_LINK_ERROR_FIELD, names->id, id, "at most", id_max, 3u);
    return -1;
  }
  if (out != NULL) {
    out->id = id;
    out->dlc = dlc;
    out->extended = extended != 0;
    out->rtr = (flags & HAL_LINK_CAN_FLAG_RTR) != 0u;
    memset(out->data, 0, sizeof out->data); /* bytes past dlc are don't-care: make them zero */
    memcpy(out->data, wire + 6, dlc);
  }
  return 0;
}

size_t hal_link_encode_can_frame(const bms_can_frame *in, uint8_t *out, size_t capacity) {
  if (in == NULL || out == NULL || capacity < HAL_LINK_CAN_FRAME_SIZE || !bms_can_frame_is_valid(in)) {
    return 0u;
  }
  uint8_t flags = 0u;
  if (in->extended) {
    flags = (uint8_t)(flags | HAL_LINK_CAN_FLAG_EXTENDED);
  }
  if (in->rtr) {
    flags = (uint8_t)(flags | HAL_LINK_CAN_FLAG_RTR);
  }
  write_u32_le(out, in->id);
  out[4] = in->dlc;
  out[5] = flags;
  memset(out + 6, 0, BMS_CAN_MAX_DLC);
  memcpy(out + 6, in->data, in->dlc);
  return HAL_LINK_CAN_FRAME_SIZE;
}

int hal_link_decode_can_frame(const uint8_t *wire, bms_can_frame *out, hal_link_error *error) {
  return decode_can_wire(wire, out, error, &plain_can_names);
}

int hal_link_decode_can_send(const hal_link_frame *frame, bms_can_frame *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  const uint8_t *wire = NULL;
  if (take_bytes(&reader, HAL_LINK_CAN_FRAME_SIZE, "can_send.frame", &wire) != 0 ||
      decode_can_wire(wire, out, error, &can_send_names) != 0) {
    return -1;
  }
  return reader_finish(&reader, "can_send.payload_length");
}

/* ---- INIT / RUN ---- */

size_t hal_link_encode_run(const hal_link_run *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  for (size_t i = 0u; i < in->can_frame_count; ++i) {
    if (in->can_frames == NULL ||
        decode_can_wire(in->can_frames + i * HAL_LINK_CAN_FRAME_SIZE, NULL, NULL, &plain_can_names) != 0) {
      refuse(&writer);
    }
  }
  if ((in->flags & (uint8_t)~HAL_LINK_RUN_SEND_OBSERVABLES) != 0u) {
    refuse(&writer);
  }
  put_u32(&writer, in->millis);
  put_u8(&writer, in->gpio_inputs);
  put_u8(&writer, in->flags);
  put_u8(&writer, in->can_frame_count);
  put_u16(&writer, in->uart_byte_count);
  put_bytes(&writer, in->can_frames, (size_t)in->can_frame_count * HAL_LINK_CAN_FRAME_SIZE);
  put_bytes(&writer, in->uart_bytes, in->uart_byte_count);
  return writer_finish(&writer);
}

int hal_link_decode_run(const hal_link_frame *frame, hal_link_run *out, hal_link_error *error) {
  const int is_init = frame->type == HAL_LINK_INIT;
  payload_reader reader = reader_start(frame, error);
  if (get_u32(&reader, is_init ? "init.millis" : "run.millis", &out->millis) != 0 ||
      get_u8(&reader, is_init ? "init.gpio_inputs" : "run.gpio_inputs", &out->gpio_inputs) != 0 ||
      get_u8(&reader, is_init ? "init.flags" : "run.flags", &out->flags) != 0 ||
      get_u8(&reader, is_init ? "init.can_frame_count" : "run.can_frame_count", &out->can_frame_count) != 0 ||
      get_u16(&reader, is_init ? "init.uart_byte_count" : "run.uart_byte_count", &out->uart_byte_count) != 0 ||
      take_bytes(&reader, (size_t)out->can_frame_count * HAL_LINK_CAN_FRAME_SIZE,
                 is_init ? "init.can_frames" : "run.can_frames", &out->can_frames) != 0) {
    return -1;
  }
  if ((out->flags & (uint8_t)~HAL_LINK_RUN_SEND_OBSERVABLES) != 0u) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, is_init ? "init.flags" : "run.flags", out->flags,
                              "known bits", HAL_LINK_RUN_SEND_OBSERVABLES);
    return -1;
  }
  for (size_t i = 0u; i < out->can_frame_count; ++i) {
    if (decode_can_wire(out->can_frames + i * HAL_LINK_CAN_FRAME_SIZE, NULL, error,
                        is_init ? &init_can_names : &run_can_names) != 0) {
      return -1;
    }
  }
  if (take_bytes(&reader, out->uart_byte_count, is_init ? "init.uart_bytes" : "run.uart_bytes", &out->uart_bytes) !=
      0) {
    return -1;
  }
  return reader_finish(&reader, is_init ? "init.payload_length" : "run.payload_length");
}

/* ---- INIT_DONE / RUN_DONE ---- */

static uint32_t i32_bits(int32_t value) {
  uint32_t bits = 0u;
  memcpy(&bits, &value, sizeof bits);
  return bits;
}

size_t hal_link_encode_done(const hal_link_done *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  put_u32(&writer, i32_bits(in->result));
  put_u16(&writer, in->can_rx_room);
  put_u16(&writer, in->uart_rx_room);
  put_u32(&writer, in->can_rx_overruns);
  put_u32(&writer, in->next_wake_ms);
  return writer_finish(&writer);
}

int hal_link_decode_done(const hal_link_frame *frame, hal_link_done *out, hal_link_error *error) {
  const int is_init = frame->type == HAL_LINK_INIT_DONE;
  payload_reader reader = reader_start(frame, error);
  if (get_i32(&reader, is_init ? "init_done.result" : "run_done.result", &out->result) != 0 ||
      get_u16(&reader, is_init ? "init_done.can_rx_room" : "run_done.can_rx_room", &out->can_rx_room) != 0 ||
      get_u16(&reader, is_init ? "init_done.uart_rx_room" : "run_done.uart_rx_room", &out->uart_rx_room) != 0 ||
      get_u32(&reader, is_init ? "init_done.can_rx_overruns" : "run_done.can_rx_overruns", &out->can_rx_overruns) !=
          0 ||
      get_u32(&reader, is_init ? "init_done.next_wake_ms" : "run_done.next_wake_ms", &out->next_wake_ms) != 0) {
    return -1;
  }
  return reader_finish(&reader, is_init ? "init_done.payload_length" : "run_done.payload_length");
}

/* ---- I2C ---- */

size_t hal_link_encode_i2c(uint8_t type, const hal_link_i2c *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->address7 > 0x7Fu || in->write_length > HAL_LINK_MAX_TRANSFER || in->read_length > HAL_LINK_MAX_TRANSFER) {
    return 0u;
  }
  put_u8(&writer, in->address7);
  switch (type) {
    case HAL_LINK_I2C_WRITE:
      put_u16(&writer, in->write_length);
      put_bytes(&writer, in->write_data, in->write_length);
      break;
    case HAL_LINK_I2C_READ:
      put_u16(&writer, in->read_length);
      break;
    case HAL_LINK_I2C_WRITE_READ:
      put_u16(&writer, in->write_length);
      put_u16(&writer, in->read_length);
      put_bytes(&writer, in->write_data, in->write_length);
      break;
    default:
      refuse(&writer);
      break;
  }
  return writer_finish(&writer);
}

/* Field names for one of the three I2C messages. */
typedef struct i2c_field_names {
  const char *address7;
  const char *write_length;
  const char *read_length;
  const char *write_data;
  const char *payload_length;
} i2c_field_names;

static int check_transfer_length(hal_link_error *error, const char *field, uint16_t length) {
  if (length > HAL_LINK_MAX_TRANSFER) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, field, length, "at most", HAL_LINK_MAX_TRANSFER);
    return -1;
  }
  return 0;
}

int hal_link_decode_i2c(const hal_link_frame *frame, hal_link_i2c *out, hal_link_error *error) {
  static const i2c_field_names write_names = {"i2c_write.address7", "i2c_write.length", "", "i2c_write.data",
                                              "i2c_write.payload_length"};
  static const i2c_field_names read_names = {"i2c_read.address7", "", "i2c_read.read_length", "",
                                             "i2c_read.payload_length"};
  static const i2c_field_names write_read_names = {"i2c_write_read.address7", "i2c_write_read.write_length",
                                                   "i2c_write_read.read_length", "i2c_write_read.write_data",
                                                   "i2c_write_read.payload_length"};
  const i2c_field_names *names = NULL;
  switch (frame->type) {
    case HAL_LINK_I2C_WRITE:
      names = &write_names;
      break;
    case HAL_LINK_I2C_READ:
      names = &read_names;
      break;
    case HAL_LINK_I2C_WRITE_READ:
      names = &write_read_names;
      break;
    default:
      hal_link_error_set(error, HAL_LINK_ERROR_UNEXPECTED, "type", hal_link_type_name(frame->type));
      return -1;
  }
  payload_reader reader = reader_start(frame, error);
  out->write_length = 0u;
  out->read_length = 0u;
  out->write_data = NULL;
  if (get_u8(&reader, names->address7, &out->address7) != 0) {
    return -1;
  }
  if (out->address7 > 0x7Fu) {
    error_set_hex_values(error, HAL_LINK_ERROR_FIELD, names->address7, out->address7, "at most", 0x7Fu, 2u);
    return -1;
  }
  if (frame->type != HAL_LINK_I2C_READ) {
    if (get_u16(&reader, names->write_length, &out->write_length) != 0 ||
        check_transfer_length(error, names->write_length, out->write_length) != 0) {
      return -1;
    }
  }
  if (frame->type != HAL_LINK_I2C_WRITE) {
    if (get_u16(&reader, names->read_length, &out->read_length) != 0 ||
        check_transfer_length(error, names->read_length, out->read_length) != 0) {
      return -1;
    }
  }
  if (frame->type != HAL_LINK_I2C_READ &&
      take_bytes(&reader, out->write_length, names->write_data, &out->write_data) != 0) {
    return -1;
  }
  return reader_finish(&reader, names->payload_length);
}

/* ---- UART_WRITE, GPIO_WRITE ---- */

size_t hal_link_encode_uart_write(const hal_link_bytes *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->length == 0u || in->length > HAL_LINK_MAX_TRANSFER) {
    return 0u;
  }
  put_u16(&writer, in->length);
  put_bytes(&writer, in->data, in->length);
  return writer_finish(&writer);
}

int hal_link_decode_uart_write(const hal_link_frame *frame, hal_link_bytes *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u16(&reader, "uart_write.length", &out->length) != 0) {
    return -1;
  }
  if (out->length == 0u) {
    field_error(error, "uart_write.length", "got 0, at least 1");
    return -1;
  }
  if (check_transfer_length(error, "uart_write.length", out->length) != 0 ||
      take_bytes(&reader, out->length, "uart_write.data", &out->data) != 0) {
    return -1;
  }
  return reader_finish(&reader, "uart_write.payload_length");
}

size_t hal_link_encode_gpio_write(const hal_link_gpio_write *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->level > 1u) {
    return 0u;
  }
  put_u32(&writer, in->pin);
  put_u8(&writer, in->level);
  return writer_finish(&writer);
}

int hal_link_decode_gpio_write(const hal_link_frame *frame, hal_link_gpio_write *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u32(&reader, "gpio_write.pin", &out->pin) != 0 || get_u8(&reader, "gpio_write.level", &out->level) != 0) {
    return -1;
  }
  if (out->level > 1u) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, "gpio_write.level", out->level, "at most", 1u);
    return -1;
  }
  return reader_finish(&reader, "gpio_write.payload_length");
}

/* ---- REPLY, ERROR, LOG ---- */

size_t hal_link_encode_reply(const hal_link_reply *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->data_length > HAL_LINK_MAX_TRANSFER) {
    return 0u;
  }
  put_u32(&writer, i32_bits(in->result));
  put_u8(&writer, in->gpio_inputs);
  put_u16(&writer, in->data_length);
  put_bytes(&writer, in->data, in->data_length);
  return writer_finish(&writer);
}

int hal_link_decode_reply(const hal_link_frame *frame, hal_link_reply *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_i32(&reader, "reply.result", &out->result) != 0 ||
      get_u8(&reader, "reply.gpio_inputs", &out->gpio_inputs) != 0 ||
      get_u16(&reader, "reply.data_length", &out->data_length) != 0 ||
      check_transfer_length(error, "reply.data_length", out->data_length) != 0 ||
      take_bytes(&reader, out->data_length, "reply.data", &out->data) != 0) {
    return -1;
  }
  return reader_finish(&reader, "reply.payload_length");
}

size_t hal_link_encode_error_frame(const hal_link_error_frame *in, uint8_t *out, size_t capacity) {
  payload_writer writer = writer_start(out, capacity);
  if (in->code < HAL_LINK_ERROR_CRC || in->code > HAL_LINK_ERROR_PEER) {
    return 0u;
  }
  put_u8(&writer, in->code);
  put_string(&writer, &in->text);
  return writer_finish(&writer);
}

int hal_link_decode_error_frame(const hal_link_frame *frame, hal_link_error_frame *out, hal_link_error *error) {
  payload_reader reader = reader_start(frame, error);
  if (get_u8(&reader, "error.code", &out->code) != 0) {
    return -1;
  }
  if (out->code < HAL_LINK_ERROR_CRC || out->code > HAL_LINK_ERROR_PEER) {
    hal_link_error_set_values(error, HAL_LINK_ERROR_FIELD, "error.code", out->code, "expected 1 to",
                              HAL_LINK_ERROR_PEER);
    return -1;
  }
  if (get_string(&reader, "error.text", &out->text) != 0) {
    return -1;
  }
  return reader_finish(&reader, "error.payload_length");
}

int hal_link_decode_log(const hal_link_frame *frame, hal_link_string *out, hal_link_error *error) {
  (void)error; /* every payload is a valid line: a longer one is cut, not refused */
  const size_t length = frame->payload == NULL          ? 0u
                        : frame->payload_length > HAL_LINK_MAX_STRING ? HAL_LINK_MAX_STRING
                                                                      : frame->payload_length;
  out->length = (uint8_t)length;
  if (length > 0u) {
    memcpy(out->text, frame->payload, length);
  }
  out->text[length] = '\0';
  return 0;
}
