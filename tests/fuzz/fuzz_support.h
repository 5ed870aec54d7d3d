// Shared by the libFuzzer targets: reading the input as a stream of choices
// (FuzzInput), and the one way a target reports a finding (fuzz_finding:
// abort with a message, which libFuzzer records as a crash with its input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace packsim::fuzz {

[[noreturn]] inline void fuzz_finding(std::string_view what) {
  std::fprintf(stderr, "FUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// PACKSIM_FUZZ_VERBOSE=1 in the environment: targets print how each input
// ended (the InputError, the fault), to check that a seed gets as far as meant.
inline bool verbose() {
  static const bool on{std::getenv("PACKSIM_FUZZ_VERBOSE") != nullptr};
  return on;
}

inline void note(std::string_view what) {
  if (verbose()) std::fprintf(stderr, "fuzz: %.*s\n", static_cast<int>(what.size()), what.data());
}

#define PACKSIM_FUZZ_CHECK(condition)                                                       \
  do {                                                                                      \
    if (!(condition)) ::packsim::fuzz::fuzz_finding("check failed: " #condition);         \
  } while (false)

// Consumes the input front to back; past its end every read gives 0 / empty,
// so a target never reads out of bounds and short inputs still run.
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_{data}, size_{size} {}

  bool empty() const { return offset_ >= size_; }
  std::size_t remaining() const { return size_ - offset_; }
  std::uint8_t u8() { return empty() ? 0 : data_[offset_++]; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) | (static_cast<std::uint32_t>(u16()) << 16); }
  // Up to `count` bytes (fewer at the end); the pointer stays valid for the input's life.
  const std::uint8_t* bytes(std::size_t count, std::size_t& got) {
    got = count < remaining() ? count : remaining();
    const std::uint8_t* at{data_ + offset_};
    offset_ += got;
    return at;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_{0};
};

}  // namespace packsim::fuzz
