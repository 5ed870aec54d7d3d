#include "bms_under_test/hal/firmware_loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

namespace packsim::hal {
namespace {

std::string version_text(std::uint32_t version) {
  return std::to_string(version >> 16) + "." + std::to_string(version & 0xFFFFU);
}

std::string last_dl_error() {
  const char* message = dlerror();
  return message != nullptr ? message : "unknown dynamic loader error";
}

// dlsym returns a data pointer; POSIX guarantees it converts to a function pointer.
template <typename Function>
Function find_export(void* library, const char* name, const std::filesystem::path& path) {
  dlerror();
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    throw FirmwareLoadError(path.string() + ": not a packsim firmware: it does not export '" + name +
                            "' (bms_hal.h lists the three functions every firmware exports)");
  }
  return reinterpret_cast<Function>(symbol);
}

void check(const FirmwareEntryPoints& entry_points, const std::string& origin) {
  if (entry_points.firmware_info_get == nullptr || entry_points.init == nullptr || entry_points.tick == nullptr) {
    throw FirmwareLoadError(origin + ": an entry point is missing");
  }
  const std::string problem = hal_compatibility_problem(entry_points.firmware_info_get());
  if (!problem.empty()) {
    throw FirmwareLoadError(origin + ": " + problem);
  }
}

}  // namespace

std::string hal_compatibility_problem(const bms_firmware_info* info) {
  if (info == nullptr) {
    return "bms_firmware_info_get() returned no description";
  }
  if ((info->hal_version >> 16) != BMS_HAL_VERSION_MAJOR) {
    const std::string name = info->name != nullptr ? std::string{"'"} + info->name + "' " : std::string{};
    return "firmware " + name + "was built against bms_hal.h version " + version_text(info->hal_version) +
           ", but this host implements version " + version_text(BMS_HAL_VERSION) +
           "; the major versions must match (rebuild the firmware against this bms_hal.h)";
  }
  if (info->name == nullptr || std::string_view{info->name}.empty()) {
    return "firmware has no name in its bms_firmware_info";
  }
  if (info->tick_period_ms == 0) {
    return "firmware '" + std::string{info->name} + "' asks for a tick period of 0 ms";
  }
  return {};
}

Firmware::Firmware(std::shared_ptr<void> library, FirmwareEntryPoints entry_points, std::string origin)
    : library_{std::move(library)},
      entry_points_{entry_points},
      info_{entry_points.firmware_info_get()},
      origin_{std::move(origin)} {
  if (entry_points_.observables_get != nullptr) {
    std::size_t count{0};
    const bms_observable* table{entry_points_.observables_get(&count)};
    if (table != nullptr) observables_ = {table, count};
  }
}

std::string Firmware::instance_key() const {
  if (!library_) return origin_;
  std::ostringstream key;
  key << origin_ << '@' << library_.get();
  return key.str();
}

const bms_observable* Firmware::find_observable(std::string_view name) const {
  for (const bms_observable& observable : observables_) {
    if (observable.name != nullptr && name == observable.name) return &observable;
  }
  return nullptr;
}

double observable_value(const bms_observable& observable) {
  const volatile void* at{observable.address};
  if (at == nullptr) return 0.0;
  switch (observable.type) {
    case BMS_OBSERVABLE_U8: return *static_cast<const volatile std::uint8_t*>(at);
    case BMS_OBSERVABLE_U16: return *static_cast<const volatile std::uint16_t*>(at);
    case BMS_OBSERVABLE_U32: return *static_cast<const volatile std::uint32_t*>(at);
    case BMS_OBSERVABLE_I8: return *static_cast<const volatile std::int8_t*>(at);
    case BMS_OBSERVABLE_I16: return *static_cast<const volatile std::int16_t*>(at);
    case BMS_OBSERVABLE_I32: return *static_cast<const volatile std::int32_t*>(at);
    case BMS_OBSERVABLE_F32: return *static_cast<const volatile float*>(at);
    case BMS_OBSERVABLE_ENUM: return *static_cast<const volatile int*>(at);
    default: return 0.0;
  }
}

std::string_view observable_value_name(const bms_observable& observable) {
  if (observable.type != BMS_OBSERVABLE_ENUM || observable.value_names == nullptr) return {};
  const double value{observable_value(observable)};
  if (value < 0.0 || value >= static_cast<double>(observable.value_name_count)) return {};
  const char* name{observable.value_names[static_cast<std::size_t>(value)]};
  return name != nullptr ? std::string_view{name} : std::string_view{};
}

namespace {

// A copy of the shared object under a name no other load in this process has
// used (pid and a counter), unlinked as soon as it is loaded: the dynamic
// loader matches libraries by name and by inode, and both are new.
void* load_private_copy(const std::filesystem::path& path) {
  static std::atomic<unsigned> copies{0};
  const char* tmpdir{std::getenv("TMPDIR")};
  const std::filesystem::path dir{tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp"};
  std::string name{(dir / ("packsim-firmware-" + std::to_string(::getpid()) + "-" + std::to_string(copies++) +
                           "-XXXXXX.so"))
                       .string()};
  const int fd{::mkstemps(name.data(), 3)};
  if (fd < 0) {
    throw FirmwareLoadError(path.string() + ": cannot make a private copy in " + dir.string() + ": " +
                            std::strerror(errno));
  }
  std::ifstream in{path, std::ios::binary};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string data{bytes.str()};
  std::size_t written{0};
  while (in && written < data.size()) {
    const ssize_t n{::write(fd, data.data() + written, data.size() - written)};
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!in || written != data.size()) {
    ::unlink(name.c_str());
    throw FirmwareLoadError(path.string() + ": cannot make a private copy in " + dir.string());
  }
  dlerror();
  void* handle{dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)};
  ::unlink(name.c_str());
  return handle;
}

}  // namespace

Firmware load_firmware(const std::filesystem::path& path, const FirmwareLoadOptions& options) {
  if (!std::filesystem::exists(path)) {
    throw FirmwareLoadError(path.string() + ": no such firmware file");
  }
  dlerror();
  void* handle = options.private_copy ? load_private_copy(path) : dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw FirmwareLoadError(path.string() + ": cannot load the shared object: " + last_dl_error());
  }
  std::shared_ptr<void> library{handle, [](void* h) { dlclose(h); }};
  FirmwareEntryPoints entry_points;
  entry_points.firmware_info_get =
      find_export<const bms_firmware_info* (*)()>(library.get(), "bms_firmware_info_get", path);
  entry_points.init = find_export<int (*)(const bms_hal*)>(library.get(), "bms_init", path);
  entry_points.tick = find_export<void (*)()>(library.get(), "bms_tick", path);
  dlerror();
  entry_points.observables_get =
      reinterpret_cast<const bms_observable* (*)(std::size_t*)>(dlsym(library.get(), "bms_observables_get"));
  check(entry_points, path.string());
  return Firmware{std::move(library), entry_points, path.string()};
}

Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin) {
  check(entry_points, origin);
  return Firmware{nullptr, entry_points, std::move(origin)};
}

}  // namespace packsim::hal
