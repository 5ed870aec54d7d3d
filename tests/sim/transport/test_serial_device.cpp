// The serial link on a pty standing in for an MCU's USB-serial port: raw 8N1
// at the asked rate, bytes unchanged both ways, an exclusive claim, stale
// input dropped, and the specs and paths it refuses.
#include <fcntl.h>
#include <poll.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/link_stream.h"
#include "sim/transport/serial_device.h"
#include "tests/sim/transport/pty_peer.h"

namespace packsim::transport {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using namespace std::string_literals;

// The MCU's end: the pty master; the follower device is the "USB-serial port".
class FakeDevice {
 public:
  FakeDevice() {
    char name[128]{};
    if (::openpty(&master_, &follower_, name, nullptr, nullptr) != 0) throw std::runtime_error{"openpty"};
    path_ = name;
  }
  FakeDevice(const FakeDevice&) = delete;
  FakeDevice& operator=(const FakeDevice&) = delete;
  ~FakeDevice() {
    close_master();
    ::close(follower_);
  }

  const std::string& path() const { return path_; }
  // An fd on the device kept by the test, to look at the port's settings.
  int follower() const { return follower_; }

  void write(const std::string& bytes) const {
    ASSERT_EQ(::write(master_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  std::string read(std::size_t expected) const {
    std::string text;
    char buffer[256];
    for (int attempt{0}; attempt < 100 && text.size() < expected; ++attempt) {
      pollfd ready{master_, POLLIN, 0};
      if (::poll(&ready, 1, 10) <= 0) continue;
      const ssize_t count{::read(master_, buffer, sizeof buffer)};
      if (count > 0) text.append(buffer, static_cast<std::size_t>(count));
    }
    return text;
  }
  void close_master() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }

 private:
  int master_{-1};
  int follower_{-1};
  std::string path_;
};

std::string read_from(hal::LinkStream& stream, std::size_t expected) {
  std::string text;
  std::uint8_t buffer[256];
  const auto deadline{Clock::now() + 2s};
  while (text.size() < expected && Clock::now() < deadline) {
    const std::size_t count{stream.read_some(buffer, deadline)};
    text.append(reinterpret_cast<const char*>(buffer), count);
  }
  return text;
}

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

TEST(SerialDevice, CarriesEveryByteValueUnchangedBothWays) {
  const FakeDevice device;
  const auto stream{open_serial_link(device.path())};
  // CR, LF, NUL, DEL, ^C, XON and XOFF would be translated or acted on by a cooked tty.
  const std::string binary{"\xA5\x5A\x03\x00\xFF\r\n\x00\x7F\x03\x04\x11\x13\x1A"s};
  device.write(binary);
  EXPECT_EQ(read_from(*stream, binary.size()), binary);
  stream->write_all(bytes_of(binary), Clock::now() + 1s);
  EXPECT_EQ(device.read(binary.size()), binary);
}

TEST(SerialDevice, SetsTheAskedRateRaw8N1WithoutFlowControl) {
  const FakeDevice device;
  const auto stream{open_serial_link(device.path() + "@57600")};
  termios settings{};
  ASSERT_EQ(::tcgetattr(device.follower(), &settings), 0);
  EXPECT_EQ(::cfgetospeed(&settings), B57600);
  EXPECT_EQ(::cfgetispeed(&settings), B57600);
  EXPECT_EQ(settings.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_EQ(settings.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0u);
  EXPECT_EQ(settings.c_lflag & (ICANON | ECHO | ISIG), 0u);
  EXPECT_EQ(settings.c_iflag & (IXON | IXOFF | ICRNL), 0u);
  EXPECT_EQ(settings.c_oflag & OPOST, 0u);
  EXPECT_EQ(stream->describe(), "serial " + device.path() + " at 57600 baud");
}

TEST(SerialDevice, DefaultsTo115200Baud) {
  const FakeDevice device;
  const auto stream{open_serial_link(device.path())};
  termios settings{};
  ASSERT_EQ(::tcgetattr(device.follower(), &settings), 0);
  EXPECT_EQ(::cfgetospeed(&settings), B115200);
  EXPECT_EQ(stream->describe(), "serial " + device.path() + " at 115200 baud");
}

TEST(SerialDevice, ClaimsTheDeviceExclusivelyUntilClosed) {
  const FakeDevice device;
  int exclusive{-1};
  {
    const auto stream{open_serial_link(device.path())};
    ASSERT_EQ(::ioctl(device.follower(), TIOCGEXCL, &exclusive), 0);
    EXPECT_EQ(exclusive, 1);
  }
  // Released, though the test still holds the device open (as the pty runner does).
  ASSERT_EQ(::ioctl(device.follower(), TIOCGEXCL, &exclusive), 0);
  EXPECT_EQ(exclusive, 0);
}

TEST(SerialDevice, DropsWhatTheDeviceSentBeforeItWasOpened) {
  const FakeDevice device;
  device.write("stale reply to an earlier host");
  std::this_thread::sleep_for(50ms);  // the pty hands bytes over asynchronously
  const auto stream{open_serial_link(device.path())};
  std::uint8_t buffer[64];
  EXPECT_EQ(stream->read_some(buffer, Clock::now() + 50ms), 0u);
  device.write("fresh");
  EXPECT_EQ(read_from(*stream, 5), "fresh");
}

TEST(SerialDevice, ReadThrowsLinkClosedWhenTheDeviceGoesAway) {
  FakeDevice device;
  const auto stream{open_serial_link(device.path())};
  device.close_master();  // the USB-serial adapter unplugged
  std::uint8_t buffer[16];
  EXPECT_THROW(
      {
        for (int attempt{0}; attempt < 10; ++attempt) (void)stream->read_some(buffer, Clock::now() + 100ms);
      },
      hal::LinkClosed);
}

TEST(SerialDevice, RefusesANonStandardBaudRateNamingIt) {
  const FakeDevice device;
  try {
    (void)open_serial_link(device.path() + "@123456");
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string{error.what()}.find("123456"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)open_serial_link(device.path() + "@fast"), std::invalid_argument);
  EXPECT_THROW((void)open_serial_link(device.path() + "@"), std::invalid_argument);
}

TEST(SerialDevice, RefusesAPathThatIsNotACharacterDevice) {
  const testing::TempDir dir;
  const std::string file{dir / "not-a-port"};
  { std::ofstream{file} << "x"; }
  try {
    (void)open_serial_link(file);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string{error.what()}.find(file + ": not a character device"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)open_serial_link(dir / "."), std::invalid_argument);
  EXPECT_THROW((void)open_serial_link(""), std::invalid_argument);
}

TEST(SerialDevice, NamesAMissingDevice) {
  const testing::TempDir dir;
  const std::string missing{dir / "ttyACM9"};
  try {
    (void)open_serial_link(missing + "@115200");
    FAIL() << "expected runtime_error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string{error.what()}.find(missing), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace packsim::transport
