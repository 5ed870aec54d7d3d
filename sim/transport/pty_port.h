#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace packsim::transport {

// A pty could not be set up or used: the message names the path and the reason.
class PtyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The link path is the problem (something else is there, no such directory,
// no permission to make it): the user's input, not the machine's.
class PtyLinkError : public PtyError {
 public:
  using PtyError::PtyError;
};

// Whether two link paths name the same place, however spelled: `P`, `./P`,
// `dir/../P`, a path through a symlinked directory, or a symlink at one path
// pointing at the other. Two links of one run there would replace each other.
bool same_link_path(const std::string& a, const std::string& b);

// A pseudo-terminal that external tools open like a USB-serial adapter, at a
// path the user chose (a symlink to the follower device, e.g. /dev/pts/7).
//
// The follower side is put in raw mode (no echo, no line editing, no CR/LF
// translation), so bytes pass unchanged; a tool that reconfigures the port
// (pyserial, slcand) gets its own settings. We keep a follower fd open
// ourselves for the port's whole life: without it the master reads EIO each
// time no tool has the device open, and the line discipline is reset between
// tools. The cost: bytes written while no tool reads wait in the pty's buffer
// (a few KiB; beyond it writes are refused) and the next tool reads them.
//
// The link: refused over a regular file, a directory or a symlink pointing
// elsewhere than a pty; a dangling symlink or one to a /dev/pts device (left
// by an earlier run) is replaced. Removed on destruction when it still points
// at our device. Not copyable or movable: it owns fds and the link.
class PtyPort {
 public:
  explicit PtyPort(std::string link_path);  // throws PtyLinkError (the path), PtyError (the pty)
  PtyPort(const PtyPort&) = delete;
  PtyPort& operator=(const PtyPort&) = delete;
  ~PtyPort();

  const std::string& link_path() const { return link_path_; }
  const std::string& device_path() const { return device_path_; }

  // Never blocks. Bytes the tool wrote, up to buffer.size(); 0 when there are
  // none (including while no tool has the device open).
  std::size_t read_some(std::span<std::uint8_t> buffer);
  // Never blocks. How many of the bytes the pty took now (fewer, or 0, when
  // its buffer is full because no one reads).
  std::size_t write_some(std::span<const std::uint8_t> bytes);

 private:
  void remove_link_if_ours() const;

  std::string link_path_;
  std::string device_path_;
  int master_fd_{-1};
  int follower_fd_{-1};  // held open: see the class comment
};

}  // namespace packsim::transport
