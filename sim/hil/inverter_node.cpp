#include "sim/hil/inverter_node.h"

#include <stdexcept>

namespace packsim::hil {

InverterNode::InverterNode(CanBus& bus, Options options)
    : bus_{bus}, options_{options}, next_heartbeat_ns_{options.first_heartbeat_ns} {
  if (options_.heartbeat_period_ns <= 0) {
    throw std::invalid_argument{"InverterNode: the heartbeat period must be > 0"};
  }
  pylon_receiver_init(&receiver_);
  bus_.attach(*this);
}

void InverterNode::advance_to(sim::TimeNs t) {
  if (t < next_heartbeat_ns_) {
    return;
  }
  if (heartbeat_enabled_) {
    // What Pylontech-protocol inverters send: 0x305 with eight zero bytes.
    bms_can_frame frame{};
    frame.id = PYLON_ID_INVERTER_HEARTBEAT;
    frame.dlc = 8;
    if (bus_.send(*this, frame)) {
      ++heartbeats_sent_;
      last_heartbeat_ns_ = t;
    }
  }
  next_heartbeat_ns_ += options_.heartbeat_period_ns;
}

void InverterNode::on_can_frame(const CanRecord& record) {
  const bms_can_frame& frame{record.frame};
  if (pylon_receiver_feed(&receiver_, &frame) != PYLON_OK || pylon_is_inverter_heartbeat(&frame)) {
    return;
  }
  const pylon_status& status{receiver_.status};
  const sim::TimeNs t{record.time_ns};
  switch (frame.id) {
    case PYLON_ID_LIMITS:
      limits_ = {status.limits, t};
      limits_history_.push_back(TimedLimits{t, status.limits});
      break;
    case PYLON_ID_SOC_SOH: soc_soh_ = {status.soc_soh, t}; break;
    case PYLON_ID_MEASUREMENTS: measurements_ = {status.measurements, t}; break;
    case PYLON_ID_ALARMS: alarms_ = {status.alarms, t}; break;
    case PYLON_ID_REQUEST_FLAGS: request_flags_ = {status.request_flags, t}; break;
    case PYLON_ID_MANUFACTURER: manufacturer_ = {status, t}; break;
    default: break;
  }
}

}  // namespace packsim::hil
