// The pty: a symlink at the user's path to a raw follower device, bytes both
// ways unchanged and without blocking, tools coming and going, and the links
// it refuses to make.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "sim/transport/pty_port.h"
#include "tests/sim/transport/pty_peer.h"

namespace packsim::transport {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using testing::PtyPeer;
using testing::TempDir;

// Up to `expected` bytes, polling every 5 ms for at most `attempts` polls.
std::string read_from(PtyPort& port, std::size_t expected, int attempts = 200) {
  std::string text;
  std::uint8_t buffer[256];
  for (int attempt = 0; attempt < attempts && text.size() < expected; ++attempt) {
    const std::size_t n{port.read_some(buffer)};
    text.append(reinterpret_cast<const char*>(buffer), n);
    if (n == 0) ::usleep(5000);  // the line discipline hands bytes over asynchronously
  }
  return text;
}

std::size_t write_text(PtyPort& port, const std::string& text) {
  return port.write_some({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

TEST(PtyPort, LinksTheUsersPathToTheFollowerDeviceAndRemovesTheLinkWhenDone) {
  const TempDir dir;
  const std::string link{dir / "bms-uart"};
  std::string device;
  {
    const PtyPort port{link};
    device = port.device_path();
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link).string(), device);
    EXPECT_EQ(device.rfind("/dev/pts/", 0), 0u) << device;
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
}

TEST(PtyPort, CarriesEveryByteValueUnchangedBothWays) {
  const TempDir dir;
  PtyPort port{dir / "link"};
  PtyPeer peer{port.link_path()};
  // CR, LF, NUL, DEL and ^C would be translated or act as signals on a cooked tty.
  const std::string binary{"\xDD\xA5\x03\x00\xFF\xFD\x77\r\n\x00\x7F\x03\x04\x11\x13"s};
  peer.write(binary);
  EXPECT_EQ(read_from(port, binary.size()), binary);

  ASSERT_EQ(write_text(port, binary), binary.size());
  std::string received;
  for (int attempt = 0; attempt < 20 && received.size() < binary.size(); ++attempt) received += peer.read_text(100);
  EXPECT_EQ(received, binary);  // and nothing echoed back to the port:
  EXPECT_EQ(read_from(port, 1, 20), "");
}

TEST(PtyPort, ReadsNothingWithoutBlockingWhileNoToolHasTheDeviceOpen) {
  const TempDir dir;
  PtyPort port{dir / "link"};
  std::uint8_t buffer[16];
  EXPECT_EQ(port.read_some(buffer), 0u);
  EXPECT_GT(write_text(port, "t3518\r"), 0u);  // buffered for whoever opens it next
}

TEST(PtyPort, ServesAToolThatClosesAndReopensTheDevice) {
  const TempDir dir;
  PtyPort port{dir / "link"};
  std::optional<PtyPeer> first{std::in_place, port.link_path()};
  first->write(std::string{"first\r"});
  EXPECT_EQ(read_from(port, 6), "first\r");
  first.reset();
  std::uint8_t buffer[16];
  EXPECT_EQ(port.read_some(buffer), 0u);  // no EIO surfaces

  PtyPeer second{port.link_path()};
  second.write(std::string{"second\r"});
  EXPECT_EQ(read_from(port, 7), "second\r");
  ASSERT_EQ(write_text(port, "back\r"), 5u);
  EXPECT_EQ(second.read_text(1000), "back\r");
}

TEST(PtyPort, RefusesToReplaceARegularFileAndLeavesItAlone) {
  const TempDir dir;
  const std::string path{dir / "precious.txt"};
  std::ofstream{path} << "keep me";
  EXPECT_THROW(PtyPort{path}, PtyError);
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(path)));
  EXPECT_EQ(fs::file_size(path), 7u);
}

TEST(PtyPort, AProblemWithTheLinkPathIsALinkErrorTheUsersToFix) {
  const TempDir dir;
  const std::string path{dir / "occupied"};
  std::ofstream{path} << "x";
  EXPECT_THROW(PtyPort{path}, PtyLinkError);
  EXPECT_THROW(PtyPort{dir / "missing/link"}, PtyLinkError);
}

TEST(SameLinkPath, SeesThroughEverySpellingOfOnePlace) {
  const TempDir dir;
  fs::create_directory(dir / "sub");
  fs::create_directory_symlink(dir / "sub", dir / "alias");
  fs::create_symlink("link", dir / "sub/other");  // relative: names sub/link
  EXPECT_TRUE(same_link_path(dir / "sub/link", dir / "sub/link"));
  EXPECT_TRUE(same_link_path(dir / "sub/link", dir / "sub/./link"));
  EXPECT_TRUE(same_link_path(dir / "sub/link", dir / "sub/../sub/link"));
  EXPECT_TRUE(same_link_path(dir / "sub/link", dir / "alias/link"));
  EXPECT_TRUE(same_link_path(dir / "sub/other", dir / "sub/link"));
  EXPECT_FALSE(same_link_path(dir / "sub/link", dir / "sub/can"));
  EXPECT_FALSE(same_link_path(dir / "sub/link", dir / "link"));
}

TEST(PtyPort, RefusesALinkWhoseDirectoryDoesNotExist) {
  const TempDir dir;
  try {
    const PtyPort port{dir / "missing/link"};
    FAIL() << "a link in a missing directory was made";
  } catch (const PtyError& error) {
    EXPECT_NE(std::string{error.what()}.find("does not exist"), std::string::npos) << error.what();
  }
}

TEST(PtyPort, RefusesToRepointASymlinkToSomethingOtherThanAPty) {
  const TempDir dir;
  const std::string target{dir / "file"};
  std::ofstream{target} << "x";
  const std::string link{dir / "link"};
  fs::create_symlink(target, link);
  EXPECT_THROW(PtyPort{link}, PtyError);
  EXPECT_EQ(fs::read_symlink(link).string(), target);
}

TEST(PtyPort, ReplacesAStaleSymlinkLeftByAnEarlierRun) {
  const TempDir dir;
  const std::string link{dir / "link"};
  fs::create_symlink("/dev/pts/packsim-gone", link);
  const PtyPort port{link};
  EXPECT_EQ(fs::read_symlink(link).string(), port.device_path());
}

}  // namespace
}  // namespace packsim::transport
