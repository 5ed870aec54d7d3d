#include "bms_under_test/bus/pylontech_can.h"

#include <string.h>

#include "bms_under_test/bus/bus_encoding.h"

const char* pylon_result_name(enum pylon_result result) {
  switch (result) {
    case PYLON_OK: return "ok";
    case PYLON_ERR_WRONG_ID: return "wrong id";
    case PYLON_ERR_BAD_FORMAT: return "bad format";
    case PYLON_ERR_SHORT_PAYLOAD: return "short payload";
    case PYLON_ERR_BAD_TEXT: return "bad text";
  }
  return "unknown";
}

static void start_frame(uint32_t id, uint8_t dlc, struct bms_can_frame* out) {
  memset(out, 0, sizeof *out);
  out->id = id;
  out->dlc = dlc;
}

static enum pylon_result check_frame(const struct bms_can_frame* frame, uint32_t id, uint8_t min_dlc) {
  if (frame->id != id || frame->extended) {
    return PYLON_ERR_WRONG_ID;
  }
  if (frame->rtr || frame->dlc > BMS_CAN_MAX_DLC) {
    return PYLON_ERR_BAD_FORMAT;
  }
  if (frame->dlc < min_dlc) {
    return PYLON_ERR_SHORT_PAYLOAD;
  }
  return PYLON_OK;
}

static void put_u16(uint8_t* out, float value, float counts_per_unit, unsigned* clamped) {
  bus_put_u16_le(out, (uint16_t)bus_quantise(value, counts_per_unit, 0, 0xFFFF, clamped));
}

static void put_i16(uint8_t* out, float value, float counts_per_unit, unsigned* clamped) {
  bus_put_u16_le(out, (uint16_t)bus_quantise(value, counts_per_unit, -32768, 32767, clamped));
}

static float get_u16(const uint8_t* in, float counts_per_unit) { return (float)bus_get_u16_le(in) / counts_per_unit; }

static float get_i16(const uint8_t* in, float counts_per_unit) {
  return (float)bus_i16_from_u16(bus_get_u16_le(in)) / counts_per_unit;
}

unsigned pylon_encode_limits(const struct pylon_limits* limits, struct bms_can_frame* out) {
  unsigned clamped = 0;
  start_frame(PYLON_ID_LIMITS, PYLON_DLC_LIMITS, out);
  put_u16(out->data + 0, limits->charge_voltage_limit_v, 10.0f, &clamped);
  put_i16(out->data + 2, limits->charge_current_limit_a, 10.0f, &clamped);
  put_i16(out->data + 4, limits->discharge_current_limit_a, 10.0f, &clamped);
  put_u16(out->data + 6, limits->discharge_voltage_limit_v, 10.0f, &clamped);
  return clamped;
}

enum pylon_result pylon_decode_limits(const struct bms_can_frame* frame, struct pylon_limits* out) {
  const enum pylon_result checked = check_frame(frame, PYLON_ID_LIMITS, PYLON_DLC_LIMITS);
  if (checked != PYLON_OK) {
    return checked;
  }
  out->charge_voltage_limit_v = get_u16(frame->data + 0, 10.0f);
  out->charge_current_limit_a = get_i16(frame->data + 2, 10.0f);
  out->discharge_current_limit_a = get_i16(frame->data + 4, 10.0f);
  out->discharge_voltage_limit_v = get_u16(frame->data + 6, 10.0f);
  return PYLON_OK;
}

unsigned pylon_encode_soc_soh(const struct pylon_soc_soh* soc_soh, struct bms_can_frame* out) {
  unsigned clamped = 0;
  start_frame(PYLON_ID_SOC_SOH, PYLON_DLC_SOC_SOH, out);
  bus_put_u16_le(out->data + 0, (uint16_t)bus_quantise(soc_soh->soc_percent, 1.0f, 0, 100, &clamped));
  bus_put_u16_le(out->data + 2, (uint16_t)bus_quantise(soc_soh->soh_percent, 1.0f, 0, 100, &clamped));
  return clamped;
}

enum pylon_result pylon_decode_soc_soh(const struct bms_can_frame* frame, struct pylon_soc_soh* out) {
  const enum pylon_result checked = check_frame(frame, PYLON_ID_SOC_SOH, PYLON_DLC_SOC_SOH);
  if (checked != PYLON_OK) {
    return checked;
  }
  // Reported as sent, even above 100: judging the value is the receiver's business.
  out->soc_percent = get_u16(frame->data + 0, 1.0f);
  out->soh_percent = get_u16(frame->data + 2, 1.0f);
  return PYLON_OK;
}

unsigned pylon_encode_measurements(const struct pylon_measurements* measurements, struct bms_can_frame* out) {
  unsigned clamped = 0;
  start_frame(PYLON_ID_MEASUREMENTS, PYLON_DLC_MEASUREMENTS, out);
  put_i16(out->data + 0, measurements->pack_voltage_v, 100.0f, &clamped);
  // packsim + = discharge; the wire's + = charging.
  put_i16(out->data + 2, -measurements->current_a, 10.0f, &clamped);
  put_i16(out->data + 4, measurements->temperature_c, 10.0f, &clamped);
  return clamped;
}

enum pylon_result pylon_decode_measurements(const struct bms_can_frame* frame, struct pylon_measurements* out) {
  const enum pylon_result checked = check_frame(frame, PYLON_ID_MEASUREMENTS, PYLON_DLC_MEASUREMENTS);
  if (checked != PYLON_OK) {
    return checked;
  }
  out->pack_voltage_v = get_i16(frame->data + 0, 100.0f);
  // Negated as an integer, so a zero current decodes as +0.0, not -0.0.
  out->current_a = (float)(-bus_i16_from_u16(bus_get_u16_le(frame->data + 2))) / 10.0f;
  out->temperature_c = get_i16(frame->data + 4, 10.0f);
  return PYLON_OK;
}

void pylon_encode_alarms(const struct pylon_alarms* alarms, struct bms_can_frame* out) {
  start_frame(PYLON_ID_ALARMS, PYLON_DLC_ALARMS, out);
  out->data[0] = alarms->protection;
  out->data[1] = alarms->protection_ext;
  out->data[2] = alarms->warning;
  out->data[3] = alarms->warning_ext;
  out->data[4] = alarms->module_count;
  out->data[5] = (uint8_t)'P';
  out->data[6] = (uint8_t)'N';
}

enum pylon_result pylon_decode_alarms(const struct bms_can_frame* frame, struct pylon_alarms* out) {
  // Bytes 0-4 carry the values; the "PN" mark is not required.
  const enum pylon_result checked = check_frame(frame, PYLON_ID_ALARMS, 5u);
  if (checked != PYLON_OK) {
    return checked;
  }
  out->protection = frame->data[0];
  out->protection_ext = frame->data[1];
  out->warning = frame->data[2];
  out->warning_ext = frame->data[3];
  out->module_count = frame->data[4];
  return PYLON_OK;
}

void pylon_encode_request_flags(uint8_t request_flags, struct bms_can_frame* out) {
  start_frame(PYLON_ID_REQUEST_FLAGS, PYLON_DLC_REQUEST_FLAGS, out);
  out->data[0] = request_flags;
}

enum pylon_result pylon_decode_request_flags(const struct bms_can_frame* frame, uint8_t* request_flags) {
  const enum pylon_result checked = check_frame(frame, PYLON_ID_REQUEST_FLAGS, 1u);
  if (checked != PYLON_OK) {
    return checked;
  }
  *request_flags = frame->data[0];
  return PYLON_OK;
}

static bool is_printable_ascii(uint8_t byte) { return byte >= 0x20u && byte <= 0x7Eu; }

unsigned pylon_encode_manufacturer(const char* name, struct bms_can_frame* out) {
  unsigned clamped = 0;
  start_frame(PYLON_ID_MANUFACTURER, PYLON_DLC_MANUFACTURER, out);
  memset(out->data, ' ', PYLON_MANUFACTURER_LEN);
  size_t length = 0;
  while (name != NULL && name[length] != '\0') {
    if (length == PYLON_MANUFACTURER_LEN) {
      ++clamped;  // cut to 8 characters
      break;
    }
    const uint8_t character = (uint8_t)name[length];
    if (is_printable_ascii(character)) {
      out->data[length] = character;
    } else {
      out->data[length] = (uint8_t)'?';
      ++clamped;
    }
    ++length;
  }
  return clamped;
}

enum pylon_result pylon_decode_manufacturer(const struct bms_can_frame* frame, char name[PYLON_MANUFACTURER_LEN + 1u]) {
  const enum pylon_result checked = check_frame(frame, PYLON_ID_MANUFACTURER, 0u);
  if (checked != PYLON_OK) {
    return checked;
  }
  // Printable text, then only padding (spaces or NULs).
  size_t text_end = 0;
  bool in_padding = false;
  for (size_t i = 0; i < frame->dlc; ++i) {
    const uint8_t byte = frame->data[i];
    if (byte == 0u) {
      in_padding = true;
    } else if (!is_printable_ascii(byte) || in_padding) {
      return PYLON_ERR_BAD_TEXT;
    } else if (byte != (uint8_t)' ') {
      text_end = i + 1u;
    }
  }
  memset(name, 0, PYLON_MANUFACTURER_LEN + 1u);
  memcpy(name, frame->data, text_end);
  return PYLON_OK;
}

bool pylon_is_inverter_heartbeat(const struct bms_can_frame* frame) {
  return frame->id == PYLON_ID_INVERTER_HEARTBEAT && !frame->extended;
}

unsigned pylon_encode_frame_set(const struct pylon_status* status, struct bms_can_frame out[PYLON_FRAME_SET_SIZE]) {
  unsigned clamped = 0;
  clamped += pylon_encode_limits(&status->limits, &out[0]);
  clamped += pylon_encode_soc_soh(&status->soc_soh, &out[1]);
  clamped += pylon_encode_measurements(&status->measurements, &out[2]);
  pylon_encode_alarms(&status->alarms, &out[3]);
  pylon_encode_request_flags(status->request_flags, &out[4]);
  clamped += pylon_encode_manufacturer(status->manufacturer, &out[5]);
  return clamped;
}

void pylon_receiver_init(struct pylon_receiver* receiver) { memset(receiver, 0, sizeof *receiver); }

static enum pylon_result decode_known(const struct bms_can_frame* frame, struct pylon_status* status,
                                      uint32_t* seen_bit) {
  switch (frame->id) {
    case PYLON_ID_LIMITS: *seen_bit = PYLON_SEEN_LIMITS; return pylon_decode_limits(frame, &status->limits);
    case PYLON_ID_SOC_SOH: *seen_bit = PYLON_SEEN_SOC_SOH; return pylon_decode_soc_soh(frame, &status->soc_soh);
    case PYLON_ID_MEASUREMENTS:
      *seen_bit = PYLON_SEEN_MEASUREMENTS;
      return pylon_decode_measurements(frame, &status->measurements);
    case PYLON_ID_ALARMS: *seen_bit = PYLON_SEEN_ALARMS; return pylon_decode_alarms(frame, &status->alarms);
    case PYLON_ID_REQUEST_FLAGS:
      *seen_bit = PYLON_SEEN_REQUEST_FLAGS;
      return pylon_decode_request_flags(frame, &status->request_flags);
    case PYLON_ID_MANUFACTURER:
      *seen_bit = PYLON_SEEN_MANUFACTURER;
      return pylon_decode_manufacturer(frame, status->manufacturer);
    default: return PYLON_ERR_WRONG_ID;
  }
}

enum pylon_result pylon_receiver_feed(struct pylon_receiver* receiver, const struct bms_can_frame* frame) {
  if (pylon_is_inverter_heartbeat(frame)) {
    ++receiver->heartbeats;
    return PYLON_OK;
  }
  if (frame->extended) {
    ++receiver->ignored;
    return PYLON_ERR_WRONG_ID;
  }
  // Decode into a copy so a rejected frame leaves the last good values intact.
  struct pylon_status decoded = receiver->status;
  uint32_t seen_bit = 0;
  const enum pylon_result result = decode_known(frame, &decoded, &seen_bit);
  if (result == PYLON_ERR_WRONG_ID) {
    ++receiver->ignored;
  } else if (result != PYLON_OK) {
    ++receiver->rejected;
  } else {
    receiver->status = decoded;
    receiver->seen |= seen_bit;
    ++receiver->frames_decoded;
  }
  return result;
}
