#include "sim/hil/can_bus.h"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace packsim::hil {

std::size_t CanBus::attach(CanNode& node) {
  if (std::find(nodes_.begin(), nodes_.end(), &node) != nodes_.end()) {
    throw std::logic_error{"CanBus: node '" + std::string{node.can_name()} + "' attached twice"};
  }
  nodes_.push_back(&node);
  return nodes_.size() - 1;
}

bool CanBus::send(const CanNode& sender, const bms_can_frame& frame) {
  const auto it{std::find(nodes_.begin(), nodes_.end(), &sender)};
  if (it == nodes_.end() || !bms_can_frame_is_valid(&frame)) {
    return false;
  }
  const std::size_t index{static_cast<std::size_t>(it - nodes_.begin())};
  if (record_limit_ > 0 && records_.size() >= record_limit_) {
    const std::size_t dropped{records_.size() / 2};
    records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(dropped));
    records_dropped_ += dropped;
  }
  records_.push_back(CanRecord{clock_.now(), index, frame});
  // Copy: a receiver may send in turn, which may grow records_.
  const CanRecord record{records_.back()};
  if (listener_) listener_(record);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (i != index) {
      nodes_[i]->on_can_frame(record);
    }
  }
  return true;
}

std::string_view CanBus::node_name(std::size_t index) const {
  return index < nodes_.size() ? nodes_[index]->can_name() : std::string_view{"?"};
}

std::vector<CanRecord> CanBus::records_with_id(std::uint32_t id, std::size_t first) const {
  std::vector<CanRecord> out;
  for (std::size_t i = first; i < records_.size(); ++i) {
    if (records_[i].frame.id == id) {
      out.push_back(records_[i]);
    }
  }
  return out;
}

std::string CanBus::candump_line(const CanRecord& record, std::string_view interface) {
  const sim::TimeNs us{record.time_ns / sim::kNsPerUs};
  char head[64];
  std::snprintf(head, sizeof head, "(%lld.%06lld) ", static_cast<long long>(us / 1'000'000),
                static_cast<long long>(us % 1'000'000));
  std::string line{head};
  line.append(interface);
  char id[16];
  if (record.frame.extended) {
    std::snprintf(id, sizeof id, " %08X#", static_cast<unsigned>(record.frame.id));
  } else {
    std::snprintf(id, sizeof id, " %03X#", static_cast<unsigned>(record.frame.id));
  }
  line += id;
  if (record.frame.rtr) {
    line += 'R';
    if (record.frame.dlc > 0) {
      line += static_cast<char>('0' + record.frame.dlc);
    }
    return line;
  }
  for (std::size_t i = 0; i < record.frame.dlc && i < BMS_CAN_MAX_DLC; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%02X", record.frame.data[i]);
    line += byte;
  }
  return line;
}

void CanBus::write_candump(std::ostream& out, std::string_view interface) const {
  for (const CanRecord& record : records_) {
    out << candump_line(record, interface) << '\n';
  }
}

}  // namespace packsim::hil
