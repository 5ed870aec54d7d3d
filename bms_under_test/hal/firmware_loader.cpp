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
#include <memory>
#include <span>
#include <utility>

namespace packsim::hal {
namespace {

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
  if (entry_points.firmware_info_get() == nullptr) {
    throw FirmwareLoadError(origin + ": " + hal_compatibility_problem(nullptr));
  }
}

// The firmware's code in this process: its entry points called directly.
class InProcessRuntime final : public FirmwareRuntime {
 public:
  InProcessRuntime(std::shared_ptr<void> library, FirmwareEntryPoints entry_points, std::string origin)
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

  const bms_firmware_info& info() const override { return *info_; }
  std::string instance_key() const override {
    if (!library_) return origin_;
    std::ostringstream key;
    key << origin_ << '@' << library_.get();
    return key.str();
  }
  std::span<const bms_observable> observables() override { return observables_; }
  int init(const bms_hal& hal) override { return entry_points_.init(&hal); }
  void tick() override { entry_points_.tick(); }

 private:
  std::shared_ptr<void> library_;  // the dlopen handle; dlclose when the last owner goes
  FirmwareEntryPoints entry_points_;
  const bms_firmware_info* info_{nullptr};
  std::string origin_;
  std::span<const bms_observable> observables_;
};

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
  return Firmware{std::make_unique<InProcessRuntime>(std::move(library), entry_points, path.string()), path.string()};
}

Firmware wrap_firmware(const FirmwareEntryPoints& entry_points, std::string origin) {
  check(entry_points, origin);
  return Firmware{std::make_unique<InProcessRuntime>(nullptr, entry_points, origin), origin};
}

}  // namespace packsim::hal
