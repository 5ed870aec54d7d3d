#include "sim/hil/config_eeprom.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bms_under_test/hal/bms_hal.h"

namespace packsim::hil {

void ConfigEeprom::erase() { memory_.fill(kBlankByte); }

void ConfigEeprom::program(std::span<const std::uint8_t> image) {
  if (image.size() > kSizeBytes) {
    throw std::length_error{"ConfigEeprom: an image of " + std::to_string(image.size()) +
                            " bytes does not fit in " + std::to_string(kSizeBytes)};
  }
  std::copy(image.begin(), image.end(), memory_.begin());
}

int ConfigEeprom::write(std::uint8_t /*address7*/, const std::uint8_t* data, std::size_t length) {
  if (length < 2) {
    return BMS_HAL_OK;  // an address probe, or a STOP before the address was complete: nothing changes
  }
  pointer_ = static_cast<std::uint16_t>(((data[0] << 8) | data[1]) & kAddressMask);
  // Page write: the low address bits roll over inside the page (24C32 datasheet).
  const std::uint16_t page_start{static_cast<std::uint16_t>(pointer_ & ~(kPageBytes - 1))};
  std::uint16_t offset{static_cast<std::uint16_t>(pointer_ - page_start)};
  for (std::size_t i = 2; i < length; ++i) {
    memory_[page_start + offset] = data[i];
    offset = static_cast<std::uint16_t>((offset + 1) % kPageBytes);
    ++bytes_written_;
  }
  pointer_ = static_cast<std::uint16_t>(page_start + offset);
  return BMS_HAL_OK;
}

int ConfigEeprom::read(std::uint8_t /*address7*/, std::uint8_t* data, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    data[i] = memory_[pointer_];
    pointer_ = static_cast<std::uint16_t>((pointer_ + 1) & kAddressMask);
  }
  bytes_read_ += length;
  return BMS_HAL_OK;
}

}  // namespace packsim::hil
