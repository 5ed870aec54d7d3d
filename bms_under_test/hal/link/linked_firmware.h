// A firmware whose code runs at the far end of a remote-HAL link: in a child
// process (firmware_process.h), or on a real MCU over its serial port or a
// TCP connection (processor-in-the-loop). The host drives it exactly as an
// in-process firmware: hal::Firmware, bms_init, bms_tick, observables.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bms_under_test/hal/firmware.h"
#include "bms_under_test/hal/link/link_session.h"
#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::hal {

class LinkedRuntime : public FirmwareRuntime {
 public:
  // The session is not open yet: the derived class calls open() once it can
  // explain faults (explain() is virtual).
  LinkedRuntime(std::unique_ptr<LinkStream> stream, const LinkOptions& options, std::string instance_key);
  ~LinkedRuntime() override;

  const bms_firmware_info& info() const override { return info_; }
  std::string instance_key() const override { return instance_key_; }
  std::span<const bms_observable> observables() override;
  int init(const bms_hal& hal) override;
  void tick() override;
  std::optional<LinkStatistics> link_statistics() const override { return session_.statistics(); }

  LinkSession& session() { return session_; }

 protected:
  // A fault the link saw, as the owner of the far side explains it (a child
  // process's exit status turns "the stream ended" into a crash).
  virtual FirmwareFault explain(const FirmwareFault& fault) { return fault; }
  // HELLO and the descriptions; throws FirmwareFault (explained) when the far
  // side does not answer as a link client.
  void open();

 private:
  template <typename Call>
  decltype(auto) guarded(Call&& call);

  LinkSession session_;
  std::string instance_key_;
  bms_firmware_info info_{};
  const bms_hal* hal_{nullptr};
  std::uint64_t runs_{0};
  std::uint64_t observed_runs_{~std::uint64_t{0}};  // the run whose values the slots hold
  // Someone read the observables since the last run: the next run brings
  // them back with its DONE (a host that samples every tick pays no round trip).
  bool read_since_run_{false};
  // One variable per observable, of its declared type, that its table entry
  // points at: the host reads it as it would read the firmware's own.
  union ValueSlot {
    std::uint8_t u8;
    std::uint16_t u16;
    std::uint32_t u32;
    std::int8_t i8;
    std::int16_t i16;
    std::int32_t i32;
    float f32;
    int enumeration;
  };
  void store(std::size_t index, std::uint32_t raw);
  int run_firmware(bool init);

  // The observable table the host reads: names point into the session's
  // description, addresses into slots_.
  std::vector<bms_observable> observables_;
  std::vector<std::vector<const char*>> value_name_pointers_;
  std::vector<std::uint32_t> raw_values_;
  std::vector<ValueSlot> slots_;
};

// A firmware over a link the caller opened (a serial device, a TCP
// connection): origin names it in messages ("tcp:127.0.0.1:5555").
Firmware connect_linked_firmware(std::unique_ptr<LinkStream> stream, const LinkOptions& options, std::string origin);

}  // namespace packsim::hal
