#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bms_under_test/bus/can_frame.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::hil {

class CanBus;

// A frame as it crossed the bus: when (virtual time) and who sent it.
struct CanRecord {
  sim::TimeNs time_ns{0};
  std::size_t sender{0};  // index of the sending node (CanBus::node_name)
  bms_can_frame frame{};
};

// Anything attached to the bus: the BMS's controller (FirmwareHost), an
// inverter model, a sniffer.
class CanNode {
 public:
  virtual ~CanNode() = default;
  virtual std::string_view can_name() const = 0;
  // A frame another node sent, delivered at the instant it was sent.
  virtual void on_can_frame(const CanRecord& record) = 0;

 protected:
  CanNode() = default;
  CanNode(const CanNode&) = default;
  CanNode& operator=(const CanNode&) = default;
};

// One classic CAN bus in virtual time. A frame is delivered to every other
// node the instant it is sent (the ~0.25 ms an 8-byte frame takes at
// 500 kbit/s, arbitration and error frames are not modelled) and every frame
// is recorded with its timestamp, for traces and candump logs.
class CanBus {
 public:
  explicit CanBus(const sim::VirtualClock& clock) : clock_{clock} {}
  CanBus(const CanBus&) = delete;
  CanBus& operator=(const CanBus&) = delete;

  // Nodes are not owned and must outlive the bus's use. Returns the node's index.
  std::size_t attach(CanNode& node);
  // Records the frame and delivers it to every other node. False (nothing
  // sent) for a malformed frame (identifier beyond its format, DLC > 8) or a
  // sender that is not attached.
  bool send(const CanNode& sender, const bms_can_frame& frame);

  const std::vector<CanRecord>& records() const { return records_; }
  // Called with every frame as it is sent (e.g. to write can.log as it grows).
  void set_record_listener(std::function<void(const CanRecord&)> listener) { listener_ = std::move(listener); }
  // Frames kept in records() at most (0: all); beyond it the older half goes.
  void set_record_limit(std::size_t frames) { record_limit_ = frames; }
  std::uint64_t records_dropped() const { return records_dropped_; }
  std::string_view node_name(std::size_t index) const;
  std::size_t node_count() const { return nodes_.size(); }
  // Records from `first` on with the given identifier.
  std::vector<CanRecord> records_with_id(std::uint32_t id, std::size_t first = 0) const;

  // candump -l format: "(seconds.micros) interface ID#DATA", one frame a line.
  static std::string candump_line(const CanRecord& record, std::string_view interface);
  void write_candump(std::ostream& out, std::string_view interface = "can0") const;

 private:
  const sim::VirtualClock& clock_;
  std::vector<CanNode*> nodes_;  // not owned
  std::vector<CanRecord> records_;
  std::function<void(const CanRecord&)> listener_;
  std::size_t record_limit_{0};
  std::uint64_t records_dropped_{0};
};

}  // namespace packsim::hil
