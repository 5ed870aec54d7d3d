/*
 * bms_config_image.c: see bms_config_image.h. The payload is the struct's own
 * bytes: every field is 32-bit (or the 8-byte name), so there is no padding,
 * and both the MCU and the host are little-endian.
 */
#include "bms_under_test/firmware/bms_config_image.h"

#include <string.h>

_Static_assert(sizeof(bms_config) % 4u == 0u, "bms_config must stay a sequence of 32-bit fields");
_Static_assert(sizeof(bms_config) <= 0xFFFFu, "the image length field is 16-bit");

uint32_t bms_config_image_crc32(uint32_t crc, const uint8_t *data, size_t length) {
  crc = ~crc;
  for (size_t i = 0; i < length; ++i) {
    crc ^= data[i];
    for (uint32_t bit = 0; bit < 8u; ++bit) {
      const uint32_t mask = (uint32_t)(-(int32_t)(crc & 1u));
      crc = (crc >> 1) ^ (0xEDB88320u & mask);
    }
  }
  return ~crc;
}

static void put_u16_le(uint8_t *out, uint32_t value) {
  out[0] = (uint8_t)(value & 0xFFu);
  out[1] = (uint8_t)((value >> 8) & 0xFFu);
}

static void put_u32_le(uint8_t *out, uint32_t value) {
  put_u16_le(out, value & 0xFFFFu);
  put_u16_le(out + 2, value >> 16);
}

static uint32_t get_u32_le(const uint8_t *in) {
  return (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) | ((uint32_t)in[3] << 24);
}

size_t bms_config_image_encode(const bms_config *config, uint8_t *out, size_t capacity) {
  if (capacity < BMS_CONFIG_IMAGE_SIZE) {
    return 0u;
  }
  put_u32_le(out, BMS_CONFIG_IMAGE_MAGIC);
  put_u16_le(out + 4, BMS_CONFIG_LAYOUT_VERSION);
  put_u16_le(out + 6, (uint32_t)sizeof(bms_config));
  memcpy(out + BMS_CONFIG_IMAGE_HEADER_SIZE, config, sizeof(bms_config));
  const size_t crc_offset = BMS_CONFIG_IMAGE_HEADER_SIZE + sizeof(bms_config);
  put_u32_le(out + crc_offset, bms_config_image_crc32(0u, out, crc_offset));
  return BMS_CONFIG_IMAGE_SIZE;
}

bms_config_image_result bms_config_image_decode(const uint8_t *image, size_t length, bms_config *config) {
  if (length < BMS_CONFIG_IMAGE_HEADER_SIZE) {
    return BMS_CONFIG_IMAGE_ABSENT;
  }
  const uint32_t magic = get_u32_le(image);
  if (magic == 0xFFFFFFFFu) {
    return BMS_CONFIG_IMAGE_ABSENT; /* erased EEPROM */
  }
  const uint32_t layout_version = (uint32_t)image[4] | ((uint32_t)image[5] << 8);
  const uint32_t payload_length = (uint32_t)image[6] | ((uint32_t)image[7] << 8);
  if (magic != BMS_CONFIG_IMAGE_MAGIC || layout_version != BMS_CONFIG_LAYOUT_VERSION ||
      payload_length != sizeof(bms_config) || length < BMS_CONFIG_IMAGE_SIZE) {
    return BMS_CONFIG_IMAGE_BAD_HEADER;
  }
  const size_t crc_offset = BMS_CONFIG_IMAGE_HEADER_SIZE + sizeof(bms_config);
  if (bms_config_image_crc32(0u, image, crc_offset) != get_u32_le(image + crc_offset)) {
    return BMS_CONFIG_IMAGE_BAD_CRC;
  }
  bms_config candidate;
  memcpy(&candidate, image + BMS_CONFIG_IMAGE_HEADER_SIZE, sizeof candidate);
  if (bms_config_check(&candidate).rule != 0u) {
    return BMS_CONFIG_IMAGE_INVALID;
  }
  *config = candidate;
  return BMS_CONFIG_IMAGE_OK;
}
