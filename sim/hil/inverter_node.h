#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "bms_under_test/bus/pylontech_can.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/can_bus.h"
#include "sim/scheduler/component.h"

namespace packsim::hil {

// A value decoded from the BMS's frames and when it arrived.
template <class T>
struct Received {
  T value{};
  sim::TimeNs time_ns{sim::kNoEvent};  // kNoEvent: never received
  bool seen() const { return time_ns != sim::kNoEvent; }
};

struct TimedLimits {
  sim::TimeNs time_ns{0};
  pylon_limits limits{};
};

// A Pylontech-protocol inverter on the CAN bus: it sends the 0x305 heartbeat
// every heartbeat_period_ns on a fixed grid (dropping it skips sends without
// moving the grid, so restoring it is deterministic), and decodes the BMS's
// 0x351/0x355/0x356/0x359/0x35C/0x35E frames with the bus codec, keeping the
// latest of each with its arrival time and the history of 0x351.
class InverterNode final : public sim::Component, public CanNode {
 public:
  struct Options {
    sim::TimeNs heartbeat_period_ns{sim::kNsPerS};
    sim::TimeNs first_heartbeat_ns{500 * sim::kNsPerMs};
  };

  InverterNode(CanBus& bus, Options options);
  explicit InverterNode(CanBus& bus) : InverterNode{bus, Options{}} {}

  // sim::Component
  std::string_view name() const override { return "inverter"; }
  sim::TimeNs next_event_ns() const override { return next_heartbeat_ns_; }
  void advance_to(sim::TimeNs t) override;

  // CanNode
  std::string_view can_name() const override { return "inverter"; }
  void on_can_frame(const CanRecord& record) override;

  // Drops (false) or restores (true) the heartbeat, e.g. a cable pulled.
  void set_heartbeat_enabled(bool enabled) { heartbeat_enabled_ = enabled; }
  bool heartbeat_enabled() const { return heartbeat_enabled_; }
  std::uint64_t heartbeats_sent() const { return heartbeats_sent_; }
  std::optional<sim::TimeNs> last_heartbeat_ns() const { return last_heartbeat_ns_; }

  const Received<pylon_limits>& limits() const { return limits_; }
  const Received<pylon_soc_soh>& soc_soh() const { return soc_soh_; }
  const Received<pylon_measurements>& measurements() const { return measurements_; }
  const Received<pylon_alarms>& alarms() const { return alarms_; }
  const Received<std::uint8_t>& request_flags() const { return request_flags_; }
  const Received<pylon_status>& manufacturer() const { return manufacturer_; }  // .value.manufacturer
  const std::vector<TimedLimits>& limits_history() const { return limits_history_; }
  // The codec's receiver: counts of frames decoded, rejected and ignored.
  const pylon_receiver& receiver() const { return receiver_; }

 private:
  CanBus& bus_;
  Options options_;
  pylon_receiver receiver_{};
  sim::TimeNs next_heartbeat_ns_;
  bool heartbeat_enabled_{true};
  std::uint64_t heartbeats_sent_{0};
  std::optional<sim::TimeNs> last_heartbeat_ns_;

  Received<pylon_limits> limits_;
  Received<pylon_soc_soh> soc_soh_;
  Received<pylon_measurements> measurements_;
  Received<pylon_alarms> alarms_;
  Received<std::uint8_t> request_flags_;
  Received<pylon_status> manufacturer_;
  std::vector<TimedLimits> limits_history_;
};

}  // namespace packsim::hil
