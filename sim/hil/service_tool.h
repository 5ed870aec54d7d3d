#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/firmware_host.h"

namespace packsim::hil {

enum class ServiceError : std::uint8_t {
  kNone,
  kNotSent,      // the UART queue to the firmware was full
  kTimeout,      // no answer within the poll budget
  kErrorStatus,  // the BMS answered with status 0x80 (refused or unknown command)
  kMalformed,    // an answer came but its payload did not decode
};

std::string_view describe(ServiceError error);

template <class T>
struct ServiceReply {
  ServiceError error{ServiceError::kNone};
  T value{};
  std::string detail;            // what went wrong, for assertion messages
  sim::TimeNs answered_ns{0};    // when the answer was complete
  bool ok() const { return error == ServiceError::kNone; }
};

// The reference firmware's 0xF2 status extension (service_protocol.h).
struct FirmwareStatus {
  std::uint8_t state{0};  // bms_state
  std::uint32_t active_flags{0};
  std::uint32_t latched_flags{0};
  std::uint16_t soc_permille{0};
  std::uint16_t soh_permille{0};
  double full_capacity_ah{0.0};
  std::uint16_t balancing_cells{0};
  std::uint16_t comm_loss_factor_permille{0};
  std::uint8_t afe_consecutive_failures{0};
  double charge_limit_a{0.0};
  double discharge_limit_a{0.0};
};

// One entry of the reference firmware's 0xF1 fault log extension.
struct FaultLogEntry {
  std::uint8_t code{0};
  std::uint8_t raised{0};
  std::uint8_t cell_number{0};
  std::uint32_t time_ms{0};
  std::int32_t value{0};
};

// A JBD service tool on the firmware's UART: writes a request, lets the
// simulation run one poll period at a time until the answer is complete (the
// codec's stream parser finds it), and decodes it. Stray bytes from before a
// request are discarded.
class ServiceTool {
 public:
  // Runs the simulation for the given duration (the rig's run_for).
  using Advance = std::function<void(sim::TimeNs)>;
  struct Options {
    sim::TimeNs poll_period_ns{10 * sim::kNsPerMs};
    int timeout_polls{50};
  };

  ServiceTool(FirmwareHost& host, Advance advance, Options options);
  ServiceTool(FirmwareHost& host, Advance advance) : ServiceTool{host, std::move(advance), Options{}} {}

  // Any request; an answer with status 0x80 is kErrorStatus (value still holds it).
  ServiceReply<jbd_response> transact(const jbd_request& request);

  ServiceReply<jbd_basic_info> read_basic_info();            // 0x03
  ServiceReply<jbd_cell_voltages> read_cell_voltages();      // 0x04
  ServiceReply<jbd_hardware_version> read_hardware_version();  // 0x05
  // 0xE1 MOS control; `00 00` (both false) is the reset of latched faults.
  ServiceReply<jbd_response> mos_control(bool charge_off, bool discharge_off);
  ServiceReply<jbd_response> reset_faults() { return mos_control(false, false); }
  ServiceReply<FirmwareStatus> read_status();                 // 0xF2
  ServiceReply<std::vector<FaultLogEntry>> read_fault_log();  // 0xF1, every page

  // Replaces how time passes during a transaction, e.g. a scenario runner
  // that keeps checking its expectations while the tool waits for an answer.
  void set_advance(Advance advance);

  const Options& options() const { return options_; }
  // A request is waiting for its answer: time passes inside it, and whoever
  // advances time must not start another on the same UART meanwhile.
  bool in_transaction() const { return in_transaction_; }

  // ---- A basic-info read in the background ----
  // For a logger that polls while the run goes on (the runner's service.*
  // signals): the request is sent now and its answer picked up by later
  // calls to collect_basic_info(), as time passes by other means; nothing
  // here advances time. A blocking request started meanwhile takes the UART
  // and abandons the background read.
  // False when it cannot be sent (UART full, a request pending).
  bool begin_basic_info();
  bool basic_info_pending() const { return background_.pending; }
  // The answer once complete, a timeout once the poll budget has passed
  // (timeout_polls x poll_period_ns after the request), or nullopt meanwhile.
  std::optional<ServiceReply<jbd_basic_info>> collect_basic_info();
  const jbd_parser_stats& parser_stats() const { return parser_.stats; }

 private:
  template <class T, class Decode>
  ServiceReply<T> read_decoded(std::uint8_t command, Decode decode);

  FirmwareHost& host_;
  Advance advance_;
  Options options_;
  jbd_parser parser_{};
  bool in_transaction_{false};
  struct Background {
    bool pending{false};
    sim::TimeNs deadline_ns{0};
    jbd_parser parser{};
  } background_;
};

}  // namespace packsim::hil
