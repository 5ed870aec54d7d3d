#include "bms_under_test/hal/link/firmware_process.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "bms_under_test/hal/link/linked_firmware.h"
#include "bms_under_test/hal/link/posix/fd_link_stream.h"
#include "bms_under_test/hal/link/posix/shm_link_stream.h"

extern char** environ;

namespace packsim::hal {
namespace {

// The runner's exit status when it cannot load the firmware it was given
// (firmware_link_main.c): the file is at fault, not the firmware's behaviour.
constexpr int kRunnerLoadFailedStatus{3};
// The fd the child finds its end of the link on (--link fd:3 / shm:3).
constexpr int kChildLinkFd{3};

std::string errno_text(const char* what) { return std::string{what} + ": " + std::strerror(errno); }

struct ExitStatus {
  bool signaled{false};
  int code{0};  // the exit status, or the signal number
};

// The child's end, without reaping it (WNOWAIT), or nullopt while it runs.
std::optional<ExitStatus> peek_exit(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) {
    return std::nullopt;
  }
  return ExitStatus{info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED, info.si_status};
}

std::string signal_text(int signal) {
  const char* name{sigabbrev_np(signal)};
  const char* description{sigdescr_np(signal)};
  return std::string{"SIG"} + (name != nullptr ? name : std::to_string(signal)) + " (" +
         (description != nullptr ? description : "unknown signal") + ")";
}

class ProcessRuntime final : public LinkedRuntime {
 public:
  struct Child {
    std::unique_ptr<LinkStream> stream;
    pid_t pid{-1};
    int stderr_fd{-1};
    std::string program;
  };

  ProcessRuntime(Child child, const LinkOptions& options, const std::string& origin)
      : LinkedRuntime{std::move(child.stream), options, "process:" + std::to_string(child.pid)},
        pid_{child.pid},
        stderr_fd_{child.stderr_fd},
        program_{std::move(child.program)} {
    try {
      open();
    } catch (const FirmwareFault&) {
      end_child();
      const bool load_failed{status_ && !status_->signaled && status_->code == kRunnerLoadFailedStatus};
      const std::string reason{load_failed ? stderr_tail() : std::string{}};
      if (stderr_fd_ >= 0) ::close(stderr_fd_);
      if (load_failed) {
        throw FirmwareLoadError(reason.empty() ? origin + ": the firmware runner could not load it" : reason);
      }
      throw;
    }
  }

  ~ProcessRuntime() override {
    end_child();
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
  }

 protected:
  FirmwareFault explain(const FirmwareFault& fault) override {
    if (fault.kind() == FirmwareFaultKind::kLinkLost) {
      // The stream ended: usually the process did. Give it a moment to be seen.
      const auto until{std::chrono::steady_clock::now() + std::chrono::seconds{2}};
      while (!status_ && std::chrono::steady_clock::now() < until) {
        status_ = peek_exit(pid_);
        if (!status_) std::this_thread::sleep_for(std::chrono::milliseconds{1});
      }
    }
    const std::optional<ExitStatus> ended{status_ ? status_ : peek_exit(pid_)};
    end_child();
    std::string tail{stderr_tail()};
    if (!tail.empty()) tail = "; its stderr ended with: " + tail;
    const std::string who{"its process (" + program_ + ", PID " + std::to_string(pid_) + ")"};
    if (fault.kind() == FirmwareFaultKind::kLinkLost && ended) {
      if (!ended->signaled && !sanitizer_report().empty()) {
        return FirmwareFault{FirmwareFaultKind::kCrashed, who + " was stopped by a sanitizer [" + fault.detail() + "]" +
                                                              tail};
      }
      if (ended->signaled) {
        return FirmwareFault{FirmwareFaultKind::kCrashed,
                             who + " was killed by " + signal_text(ended->code) + " [" + fault.detail() + "]" + tail};
      }
      return FirmwareFault{FirmwareFaultKind::kExited,
                           who + " exited with status " + std::to_string(ended->code) + " [" + fault.detail() + "]" +
                               tail};
    }
    if (fault.kind() == FirmwareFaultKind::kFlooded || fault.kind() == FirmwareFaultKind::kLinkError) {
      // Found by the host itself, at a definite call: the message says it all,
      // and is the same as for the firmware in this process (the child's
      // stderr would only echo the host's ERROR frame, when it got that far).
      return fault;
    }
    return FirmwareFault{fault.kind(), fault.detail() + tail};
  }

 private:
  // Kills the child if it still runs and reaps it; keeps its exit status.
  void end_child() {
    if (pid_ <= 0 || reaped_) return;
    if (!status_) status_ = peek_exit(pid_);
    if (!status_) ::kill(pid_, SIGKILL);
    int raw{0};
    while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    if (!status_) status_ = ExitStatus{WIFSIGNALED(raw), WIFSIGNALED(raw) ? WTERMSIG(raw) : WEXITSTATUS(raw)};
    reaped_ = true;
  }

  // The child's stderr, its last 4 KiB as lines.
  std::vector<std::string> stderr_lines() const {
    std::vector<std::string> lines;
    if (stderr_fd_ < 0) return lines;
    constexpr off_t kTailBytes{4096};
    const off_t size{::lseek(stderr_fd_, 0, SEEK_END)};
    if (size <= 0) return lines;
    const off_t from{size > kTailBytes ? size - kTailBytes : 0};
    std::string text(static_cast<std::size_t>(size - from), '\0');
    const ssize_t n{::pread(stderr_fd_, text.data(), text.size(), from)};
    if (n <= 0) return lines;
    text.resize(static_cast<std::size_t>(n));
    std::size_t start{0};
    while (start < text.size()) {
      std::size_t end{text.find('\n', start)};
      if (end == std::string::npos) end = text.size();
      if (end > start) lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

  // A sanitizer's report in the child's stderr: its ERROR and SUMMARY lines
  // (the process then exits with status 1 instead of dying by the signal).
  std::string sanitizer_report() const {
    std::string report;
    for (const std::string& line : stderr_lines()) {
      const bool headline{line.find("ERROR: AddressSanitizer") != std::string::npos ||
                          line.find("runtime error:") != std::string::npos ||
                          line.rfind("SUMMARY: ", 0) == 0};
      if (!headline || line.find("LeakSanitizer") != std::string::npos) continue;
      if (!report.empty()) report += " | ";
      report += line;
    }
    return report;
  }

  // The last lines the child wrote to stderr, joined: a loader's complaint,
  // the firmware's own last words; a sanitizer's report by its headlines.
  std::string stderr_tail() const {
    const std::string report{sanitizer_report()};
    if (!report.empty()) return report;
    const std::vector<std::string> lines{stderr_lines()};
    std::string joined;
    const std::size_t first{lines.size() > 4 ? lines.size() - 4 : 0};
    for (std::size_t i = first; i < lines.size(); ++i) {
      if (!joined.empty()) joined += " | ";
      joined += lines[i];
    }
    return joined;
  }

  pid_t pid_;
  int stderr_fd_;
  std::string program_;
  std::optional<ExitStatus> status_;
  bool reaped_{false};
};

// Starts `program args... --link SPEC` with its end of the link at fd 3 and
// its stderr in a memory file the host reads when something goes wrong.
ProcessRuntime::Child spawn_child(const std::filesystem::path& program, const std::vector<std::string>& args,
                                  ProcessOptions::Channel channel) {
  ProcessRuntime::Child child;
  child.program = program.filename().string();
  const int stderr_fd{::memfd_create("packsim-firmware-stderr", MFD_CLOEXEC)};
  if (stderr_fd < 0) throw FirmwareLoadError(errno_text("cannot make the firmware's stderr file"));

  int child_end{-1};
  int host_end{-1};
  std::string spec;
  std::unique_ptr<ShmLinkStream> shm;
  if (channel == ProcessOptions::Channel::kSharedMemory) {
    shm = std::make_unique<ShmLinkStream>(ShmLinkStream::create());
    child_end = shm->child_fd();
    spec = "shm:" + std::to_string(kChildLinkFd);
  } else {
    int ends[2]{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
      ::close(stderr_fd);
      throw FirmwareLoadError(errno_text("cannot make a socketpair for the firmware"));
    }
    host_end = ends[0];
    child_end = ends[1];
    spec = "fd:" + std::to_string(kChildLinkFd);
  }
  // The child's ends go to fds 3 (link) and 2 (stderr) by dup2, in order:
  // a source that already sits at 2 or 3 would be overwritten by the other's
  // dup2 first (the stderr memfd at 3 became the link's, and a sanitizer's
  // report was written over the shared-memory rings). Copies above both
  // cannot collide; they are close-on-exec, and dup2 clears that on the copy
  // it makes.
  constexpr int kAboveChildFds{10};
  const int child_fd{::fcntl(child_end, F_DUPFD_CLOEXEC, kAboveChildFds)};
  const int child_stderr_fd{::fcntl(stderr_fd, F_DUPFD_CLOEXEC, kAboveChildFds)};
  if (child_fd < 0 || child_stderr_fd < 0) {
    const std::string reason{errno_text("cannot pass the link to the firmware's process")};
    for (const int fd : {child_fd, child_stderr_fd, stderr_fd, host_end}) {
      if (fd >= 0) ::close(fd);
    }
    if (channel == ProcessOptions::Channel::kSocketPair) ::close(child_end);
    throw FirmwareLoadError(reason);
  }

  std::vector<std::string> argv_text{program.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  argv_text.emplace_back("--link");
  argv_text.push_back(spec);
  argv_text.emplace_back("--parent-pid");
  argv_text.push_back(std::to_string(::getpid()));
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_fd, kChildLinkFd);
  posix_spawn_file_actions_adddup2(&actions, child_stderr_fd, STDERR_FILENO);
  pid_t pid{-1};
  const int spawned{::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ)};
  posix_spawn_file_actions_destroy(&actions);
  ::close(child_fd);
  ::close(child_stderr_fd);
  if (channel == ProcessOptions::Channel::kSocketPair) ::close(child_end);
  if (spawned != 0) {
    ::close(stderr_fd);
    if (host_end >= 0) ::close(host_end);
    throw FirmwareLoadError("cannot start " + program.string() + ": " + std::strerror(spawned));
  }
  child.pid = pid;
  child.stderr_fd = stderr_fd;
  const std::string with{child.program + " (PID " + std::to_string(pid) + ")"};
  if (shm) {
    shm->set_peer_alive([pid] { return !peek_exit(pid).has_value(); });
    shm->set_description("shared memory with " + with);
    child.stream = std::move(shm);
  } else {
    child.stream = std::make_unique<FdLinkStream>(host_end, "socketpair with " + with);
  }
  return child;
}

std::vector<std::filesystem::path> program_directories() {
  std::vector<std::filesystem::path> dirs;
  if (const char* dir{std::getenv("PACKSIM_LINK_PROGRAM_DIR")}; dir != nullptr && *dir != '\0') dirs.emplace_back(dir);
  std::error_code error;
  const std::filesystem::path self{std::filesystem::read_symlink("/proc/self/exe", error)};
  if (!error) {
    dirs.push_back(self.parent_path());
    dirs.push_back(self.parent_path() / ".." / "libexec" / "packsim");
  }
  // The shared object this code is in, when it is one (the Python extension).
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&find_link_program), &info) != 0 && info.dli_fname != nullptr &&
      info.dli_fname[0] == '/') {
    const std::filesystem::path holder{info.dli_fname};
    dirs.push_back(holder.parent_path());
    dirs.push_back(holder.parent_path() / ".." / "libexec" / "packsim");
  }
#ifdef PACKSIM_LINK_PROGRAM_BUILD_DIR
  dirs.emplace_back(PACKSIM_LINK_PROGRAM_BUILD_DIR);
#endif
  return dirs;
}

}  // namespace

std::filesystem::path find_link_program(const std::string& name) {
  std::string looked;
  for (const std::filesystem::path& dir : program_directories()) {
    const std::filesystem::path candidate{dir / name};
    if (::access(candidate.c_str(), X_OK) == 0) return std::filesystem::weakly_canonical(candidate);
    looked += (looked.empty() ? "" : ", ") + dir.string();
  }
  throw FirmwareLoadError("cannot find " + name + " (looked in " + looked +
                          "; set PACKSIM_LINK_PROGRAM_DIR to the directory that holds it)");
}

Firmware spawn_firmware_process(const std::filesystem::path& shared_object, const ProcessOptions& options) {
  if (!std::filesystem::exists(shared_object)) {
    throw FirmwareLoadError(shared_object.string() + ": no such firmware file");
  }
  const std::filesystem::path program{options.program.empty() ? find_link_program(kFirmwareRunnerProgram)
                                                              : options.program};
  const std::string origin{std::filesystem::absolute(shared_object).string()};
  ProcessRuntime::Child child{spawn_child(program, {"--firmware", origin}, options.channel)};
  return Firmware{std::make_unique<ProcessRuntime>(std::move(child), options.link, origin), origin};
}

Firmware spawn_reference_firmware_process(const ProcessOptions& options) {
  const std::filesystem::path program{options.program.empty() ? find_link_program(kReferenceFirmwareLinkProgram)
                                                              : options.program};
  ProcessRuntime::Child child{spawn_child(program, {}, options.channel)};
  return Firmware{std::make_unique<ProcessRuntime>(std::move(child), options.link, "reference"), "reference"};
}

}  // namespace packsim::hal
