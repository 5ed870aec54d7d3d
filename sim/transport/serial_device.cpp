#include "sim/transport/serial_device.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "bms_under_test/hal/link/posix/fd_link_stream.h"

namespace packsim::transport {

namespace {

constexpr int kDefaultBaud{115200};

struct BaudRate {
  int rate;
  speed_t code;
};

constexpr std::array kStandardRates{
    BaudRate{50, B50},           BaudRate{75, B75},           BaudRate{110, B110},         BaudRate{134, B134},
    BaudRate{150, B150},         BaudRate{200, B200},         BaudRate{300, B300},         BaudRate{600, B600},
    BaudRate{1200, B1200},       BaudRate{1800, B1800},       BaudRate{2400, B2400},       BaudRate{4800, B4800},
    BaudRate{9600, B9600},       BaudRate{19200, B19200},     BaudRate{38400, B38400},     BaudRate{57600, B57600},
    BaudRate{115200, B115200},   BaudRate{230400, B230400},   BaudRate{460800, B460800},   BaudRate{500000, B500000},
    BaudRate{576000, B576000},   BaudRate{921600, B921600},   BaudRate{1000000, B1000000}, BaudRate{1152000, B1152000},
    BaudRate{1500000, B1500000}, BaudRate{2000000, B2000000}, BaudRate{2500000, B2500000}, BaudRate{3000000, B3000000},
    BaudRate{3500000, B3500000}, BaudRate{4000000, B4000000},
};

speed_t baud_code(const std::string& path, const std::string& text) {
  int rate{0};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), rate);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    throw std::invalid_argument{"serial " + path + ": \"" + text + "\" is not a baud rate"};
  }
  for (const BaudRate& standard : kStandardRates) {
    if (standard.rate == rate) return standard.code;
  }
  throw std::invalid_argument{"serial " + path + ": " + text +
                              " baud is not a standard rate (9600, 19200, 38400, 57600, 115200, 230400, 460800, "
                              "921600, 1000000, ...)"};
}

std::string errno_text() { return std::strerror(errno); }

// The serial port's stream; gives up its exclusive claim before closing so
// that the next host can open the device even while another process (the
// pty runner) keeps it open.
class SerialLinkStream final : public hal::LinkStream {
 public:
  SerialLinkStream(int fd, std::string description) : stream_{fd, std::move(description)} {}
  ~SerialLinkStream() override { (void)::ioctl(stream_.fd(), TIOCNXCL); }

  void write_all(std::span<const std::uint8_t> bytes, Deadline deadline) override {
    stream_.write_all(bytes, deadline);
  }
  std::size_t read_some(std::span<std::uint8_t> buffer, Deadline deadline) override {
    return stream_.read_some(buffer, deadline);
  }
  std::string describe() const override { return stream_.describe(); }

 private:
  hal::FdLinkStream stream_;
};

}  // namespace

std::unique_ptr<hal::LinkStream> open_serial_link(const std::string& spec) {
  const std::size_t at{spec.rfind('@')};
  const std::string path{at == std::string::npos ? spec : spec.substr(0, at)};
  if (path.empty()) throw std::invalid_argument{"serial link \"" + spec + "\": no device path"};
  const std::string baud_text{at == std::string::npos ? std::to_string(kDefaultBaud) : spec.substr(at + 1)};
  const speed_t speed{baud_code(path, baud_text)};

  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) throw std::runtime_error{"serial " + path + ": " + errno_text()};
  if (!S_ISCHR(status.st_mode)) throw std::invalid_argument{"serial " + path + ": not a character device"};

  const int fd{::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)};
  if (fd < 0) throw std::runtime_error{"serial " + path + ": cannot open: " + errno_text()};
  // The stream owns the fd from here: it is closed on every throw below.
  auto stream{std::make_unique<SerialLinkStream>(fd, "serial " + path + " at " + baud_text + " baud")};

  if (::ioctl(fd, TIOCEXCL) != 0) throw std::runtime_error{"serial " + path + ": TIOCEXCL: " + errno_text()};
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0) {
    throw std::runtime_error{"serial " + path + ": not a terminal device: " + errno_text()};
  }
  // Raw 8N1: bytes pass unchanged (no echo, no line editing, no CR/LF or
  // XON/XOFF handling), no hardware flow control, modem lines ignored.
  ::cfmakeraw(&settings);
  settings.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  settings.c_cflag |= CS8 | CLOCAL | CREAD;
  settings.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // VMIN 1: with VMIN 0 a tty read returns 0 when no byte is there, which
  // reads like the end of the stream; this way it is EAGAIN (O_NONBLOCK).
  settings.c_cc[VMIN] = 1;
  settings.c_cc[VTIME] = 0;
  if (::cfsetispeed(&settings, speed) != 0 || ::cfsetospeed(&settings, speed) != 0 ||
      ::tcsetattr(fd, TCSANOW, &settings) != 0) {
    throw std::runtime_error{"serial " + path + ": cannot set " + baud_text + " baud raw 8N1: " + errno_text()};
  }
  // Whatever the device sent before we opened it (a reply to an earlier host)
  // is not for this session.
  (void)::tcflush(fd, TCIFLUSH);
  return stream;
}

}  // namespace packsim::transport
