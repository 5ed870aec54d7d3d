// Byte order and fixed-point helpers shared by the bus codecs (internal: not
// part of any codec's API). The physical value, its encoding (LSB, clamp) and
// the protocol framing stay separate pieces; this file is the middle one.
#pragma once

#include <stdint.h>

static inline void bus_put_u16_be(uint8_t* out, uint16_t value) {
  out[0] = (uint8_t)(value >> 8);
  out[1] = (uint8_t)(value & 0xFFu);
}

static inline uint16_t bus_get_u16_be(const uint8_t* in) { return (uint16_t)(((uint16_t)in[0] << 8) | in[1]); }

static inline void bus_put_u16_le(uint8_t* out, uint16_t value) {
  out[0] = (uint8_t)(value & 0xFFu);
  out[1] = (uint8_t)(value >> 8);
}

static inline uint16_t bus_get_u16_le(const uint8_t* in) { return (uint16_t)(((uint16_t)in[1] << 8) | in[0]); }

// Two's complement reinterpretation without implementation-defined casts.
static inline int32_t bus_i16_from_u16(uint16_t raw) { return raw >= 0x8000u ? (int32_t)raw - 0x10000 : (int32_t)raw; }

// value * counts_per_unit rounded half away from zero, clamped to
// [raw_min, raw_max]. Clamping (and NaN, which encodes as 0) increments
// *clamped_count when it is not NULL. Clamping happens in float before the
// integer conversion, so an out-of-range float never reaches an undefined cast.
static inline int32_t bus_quantise(float value, float counts_per_unit, int32_t raw_min, int32_t raw_max,
                                   unsigned* clamped_count) {
  const float scaled = value * counts_per_unit;
  int32_t raw;
  int clamped = 0;
  if (scaled != scaled) {  // NaN
    raw = 0;
    clamped = 1;
  } else if (scaled <= (float)raw_min - 0.5f) {
    raw = raw_min;
    clamped = 1;
  } else if (scaled >= (float)raw_max + 0.5f) {
    raw = raw_max;
    clamped = 1;
  } else {
    raw = (int32_t)(scaled >= 0.0f ? scaled + 0.5f : scaled - 0.5f);
    // Float rounding at the very edge of the range can still land one past it.
    if (raw < raw_min) {
      raw = raw_min;
    } else if (raw > raw_max) {
      raw = raw_max;
    }
  }
  if (clamped && clamped_count != 0) {
    ++*clamped_count;
  }
  return raw;
}
