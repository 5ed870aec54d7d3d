#include "bms_under_test/hal/link/linked_firmware.h"

#include <bit>
#include <utility>

namespace packsim::hal {

LinkedRuntime::LinkedRuntime(std::unique_ptr<LinkStream> stream, const LinkOptions& options, std::string instance_key)
    : session_{std::move(stream), options}, instance_key_{std::move(instance_key)} {}

LinkedRuntime::~LinkedRuntime() = default;

template <typename Call>
decltype(auto) LinkedRuntime::guarded(Call&& call) {
  try {
    return call();
  } catch (const FirmwareFault& fault) {
    throw explain(fault);
  }
}

void LinkedRuntime::open() {
  const LinkedFirmwareDescription& d = guarded([&]() -> const LinkedFirmwareDescription& { return session_.open(); });
  info_.hal_version = d.hal_version;
  info_.name = d.name.c_str();
  info_.version = d.version.c_str();
  info_.tick_period_ms = d.tick_period_ms;

  const std::size_t count{d.observables.size()};
  observables_.resize(count);
  value_name_pointers_.resize(count);
  raw_values_.assign(count, 0);
  slots_.assign(count, ValueSlot{});
  for (std::size_t i = 0; i < count; ++i) {
    const LinkedFirmwareDescription::Observable& o{d.observables[i]};
    for (const std::string& name : o.value_names) value_name_pointers_[i].push_back(name.c_str());
    bms_observable& entry{observables_[i]};
    entry.name = o.name.c_str();
    entry.unit = o.unit.c_str();
    entry.type = o.type;
    entry.description = o.description.c_str();
    entry.value_names = value_name_pointers_[i].empty() ? nullptr : value_name_pointers_[i].data();
    entry.value_name_count = static_cast<std::uint32_t>(value_name_pointers_[i].size());
    ValueSlot& slot{slots_[i]};
    switch (o.type) {
      case BMS_OBSERVABLE_U8: entry.address = &slot.u8; break;
      case BMS_OBSERVABLE_U16: entry.address = &slot.u16; break;
      case BMS_OBSERVABLE_I8: entry.address = &slot.i8; break;
      case BMS_OBSERVABLE_I16: entry.address = &slot.i16; break;
      case BMS_OBSERVABLE_I32: entry.address = &slot.i32; break;
      case BMS_OBSERVABLE_F32: entry.address = &slot.f32; break;
      case BMS_OBSERVABLE_ENUM: entry.address = &slot.enumeration; break;
      default: entry.address = &slot.u32; break;
    }
    store(i, 0);
  }
}

void LinkedRuntime::store(std::size_t index, std::uint32_t raw) {
  ValueSlot& slot{slots_[index]};
  switch (observables_[index].type) {
    case BMS_OBSERVABLE_U8: slot.u8 = static_cast<std::uint8_t>(raw); break;
    case BMS_OBSERVABLE_U16: slot.u16 = static_cast<std::uint16_t>(raw); break;
    case BMS_OBSERVABLE_I8: slot.i8 = static_cast<std::int8_t>(raw); break;
    case BMS_OBSERVABLE_I16: slot.i16 = static_cast<std::int16_t>(raw); break;
    case BMS_OBSERVABLE_I32: slot.i32 = static_cast<std::int32_t>(raw); break;
    case BMS_OBSERVABLE_F32: slot.f32 = std::bit_cast<float>(raw); break;
    case BMS_OBSERVABLE_ENUM: slot.enumeration = static_cast<int>(static_cast<std::int32_t>(raw)); break;
    default: slot.u32 = raw; break;
  }
}

std::span<const bms_observable> LinkedRuntime::observables() {
  // Fetched once per run of the firmware, when someone looks (or brought by
  // the run itself); a faulted link keeps the last values it read.
  read_since_run_ = true;
  if (!observables_.empty() && observed_runs_ != runs_ && !session_.fault()) {
    try {
      session_.read_observables(raw_values_);
      for (std::size_t i = 0; i < raw_values_.size(); ++i) store(i, raw_values_[i]);
    } catch (const FirmwareFault&) {
      // The next init or tick reports it, explained.
    }
    observed_runs_ = runs_;
  }
  return observables_;
}

int LinkedRuntime::init(const bms_hal& hal) {
  hal_ = &hal;
  return run_firmware(true);
}

void LinkedRuntime::tick() {
  if (hal_ != nullptr) run_firmware(false);
}

int LinkedRuntime::run_firmware(bool init) {
  ++runs_;
  const bool bring_observables{read_since_run_ && !observables_.empty()};
  read_since_run_ = false;
  std::vector<std::uint32_t>* values{bring_observables ? &raw_values_ : nullptr};
  const int result{guarded([&] { return init ? session_.init(*hal_, values) : (session_.run(*hal_, values), 0); })};
  if (bring_observables) {
    for (std::size_t i = 0; i < raw_values_.size(); ++i) store(i, raw_values_[i]);
    observed_runs_ = runs_;
  }
  return result;
}

namespace {

class ConnectedRuntime final : public LinkedRuntime {
 public:
  ConnectedRuntime(std::unique_ptr<LinkStream> stream, const LinkOptions& options, std::string key)
      : LinkedRuntime{std::move(stream), options, std::move(key)} {
    open();
  }
};

}  // namespace

Firmware connect_linked_firmware(std::unique_ptr<LinkStream> stream, const LinkOptions& options, std::string origin) {
  return Firmware{std::make_unique<ConnectedRuntime>(std::move(stream), options, "link:" + origin), origin};
}

}  // namespace packsim::hal
