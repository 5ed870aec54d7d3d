// Helpers for the remote-HAL link tests: frames as byte vectors, every
// payload decoder behind one call, and a socketpair whose one end the test
// plays as the host while a hal_link_client serves the other in a thread.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/hal_link_client.h"
#include "bms_under_test/hal/link/hal_link_protocol.h"

namespace packsim::hal::link_test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes frame_bytes(std::uint8_t type, std::uint8_t sequence, const Bytes& payload) {
  Bytes out(HAL_LINK_MAX_FRAME + payload.size());
  const std::size_t size{hal_link_frame_write(type, sequence, payload.data(), static_cast<std::uint16_t>(payload.size()),
                                              out.data(), out.size())};
  if (size == 0) {
    throw std::invalid_argument{"frame_bytes: payload too long"};
  }
  out.resize(size);
  return out;
}

// Encodes with one of the hal_link_encode_* functions into a vector.
template <typename Encode>
Bytes encode(Encode encode_function) {
  Bytes out(HAL_LINK_MAX_PAYLOAD);
  const std::size_t size{encode_function(out.data(), out.size())};
  out.resize(size);
  return out;
}

inline hal_link_frame frame_view(std::uint8_t type, const Bytes& payload, std::uint8_t sequence = 0) {
  hal_link_frame frame{};
  frame.type = type;
  frame.sequence = sequence;
  frame.payload_length = static_cast<std::uint16_t>(payload.size());
  frame.payload = payload.data();
  return frame;
}

inline std::string error_text(const hal_link_error& error) {
  char text[256];
  return hal_link_error_text(&error, text, sizeof text);
}

inline hal_link_string link_string(const std::string& text) {
  hal_link_string out{};
  out.length = static_cast<std::uint8_t>(text.size());
  std::memcpy(out.text, text.data(), text.size());
  return out;
}

// Every payload decoder (the ones that take a frame), by name, so tests can
// run them all over one frame.
struct DecoderEntry {
  const char* name;
  int (*decode)(const hal_link_frame* frame, hal_link_error* error);
};

inline const std::vector<DecoderEntry>& all_payload_decoders() {
  static const std::vector<DecoderEntry> decoders{
      {"hello", [](const hal_link_frame* f, hal_link_error* e) { hal_link_hello o{}; return hal_link_decode_hello(f, &o, e); }},
      {"hello_reply", [](const hal_link_frame* f, hal_link_error* e) {
         auto o{std::make_unique<hal_link_hello_reply>()};
         return hal_link_decode_hello_reply(f, o.get(), e);
       }},
      {"describe", [](const hal_link_frame* f, hal_link_error* e) { hal_link_describe o{}; return hal_link_decode_describe(f, &o, e); }},
      {"description", [](const hal_link_frame* f, hal_link_error* e) {
         auto o{std::make_unique<hal_link_description>()};
         return hal_link_decode_description(f, o.get(), e);
       }},
      {"read_observables", [](const hal_link_frame* f, hal_link_error* e) {
         hal_link_read_observables o{};
         return hal_link_decode_read_observables(f, &o, e);
       }},
      {"observable_values", [](const hal_link_frame* f, hal_link_error* e) {
         auto o{std::make_unique<hal_link_observable_values>()};
         return hal_link_decode_observable_values(f, o.get(), e);
       }},
      {"run", [](const hal_link_frame* f, hal_link_error* e) {
         hal_link_run o{};
         const int result{hal_link_decode_run(f, &o, e)};
         if (result == 0) {
           for (std::size_t i = 0; i < o.can_frame_count; ++i) {  // what the client does with them
             bms_can_frame can{};
             if (hal_link_decode_can_frame(o.can_frames + i * HAL_LINK_CAN_FRAME_SIZE, &can, e) != 0) {
               return -1;
             }
           }
         }
         return result;
       }},
      {"done", [](const hal_link_frame* f, hal_link_error* e) { hal_link_done o{}; return hal_link_decode_done(f, &o, e); }},
      {"i2c", [](const hal_link_frame* f, hal_link_error* e) { hal_link_i2c o{}; return hal_link_decode_i2c(f, &o, e); }},
      {"can_send", [](const hal_link_frame* f, hal_link_error* e) { bms_can_frame o{}; return hal_link_decode_can_send(f, &o, e); }},
      {"uart_write", [](const hal_link_frame* f, hal_link_error* e) { hal_link_bytes o{}; return hal_link_decode_uart_write(f, &o, e); }},
      {"gpio_write", [](const hal_link_frame* f, hal_link_error* e) {
         hal_link_gpio_write o{};
         return hal_link_decode_gpio_write(f, &o, e);
       }},
      {"reply", [](const hal_link_frame* f, hal_link_error* e) { hal_link_reply o{}; return hal_link_decode_reply(f, &o, e); }},
      {"error", [](const hal_link_frame* f, hal_link_error* e) {
         hal_link_error_frame o{};
         return hal_link_decode_error_frame(f, &o, e);
       }},
      {"log", [](const hal_link_frame* f, hal_link_error* e) { hal_link_string o{}; return hal_link_decode_log(f, &o, e); }},
  };
  return decoders;
}

// The decoder meant for a frame type (nullptr for none).
inline const DecoderEntry* decoder_for(std::uint8_t type) {
  const char* name{nullptr};
  switch (type) {
    case HAL_LINK_HELLO: name = "hello"; break;
    case HAL_LINK_HELLO_REPLY: name = "hello_reply"; break;
    case HAL_LINK_DESCRIBE: name = "describe"; break;
    case HAL_LINK_DESCRIPTION: name = "description"; break;
    case HAL_LINK_READ_OBSERVABLES: name = "read_observables"; break;
    case HAL_LINK_OBSERVABLE_VALUES: name = "observable_values"; break;
    case HAL_LINK_INIT:
    case HAL_LINK_RUN: name = "run"; break;
    case HAL_LINK_INIT_DONE:
    case HAL_LINK_RUN_DONE: name = "done"; break;
    case HAL_LINK_I2C_WRITE:
    case HAL_LINK_I2C_READ:
    case HAL_LINK_I2C_WRITE_READ: name = "i2c"; break;
    case HAL_LINK_CAN_SEND: name = "can_send"; break;
    case HAL_LINK_UART_WRITE: name = "uart_write"; break;
    case HAL_LINK_GPIO_WRITE: name = "gpio_write"; break;
    case HAL_LINK_REPLY: name = "reply"; break;
    case HAL_LINK_ERROR: name = "error"; break;
    case HAL_LINK_LOG: name = "log"; break;
    default: return nullptr;
  }
  for (const DecoderEntry& entry : all_payload_decoders()) {
    if (std::string{entry.name} == name) {
      return &entry;
    }
  }
  return nullptr;
}

// A CAN frame in wire format (HAL_LINK_CAN_FRAME_SIZE bytes), data zero.
inline Bytes can_wire(std::uint32_t id, std::uint8_t dlc, std::uint8_t flags) {
  Bytes wire(HAL_LINK_CAN_FRAME_SIZE, 0);
  wire[0] = static_cast<std::uint8_t>(id);
  wire[1] = static_cast<std::uint8_t>(id >> 8);
  wire[2] = static_cast<std::uint8_t>(id >> 16);
  wire[3] = static_cast<std::uint8_t>(id >> 24);
  wire[4] = dlc;
  wire[5] = flags;
  return wire;
}

// A valid payload per decoder, with the prefix its field names carry.
struct Sample {
  std::uint8_t type;
  Bytes payload;
  std::string prefix;
};

inline std::vector<Sample> valid_samples() {
  std::vector<Sample> samples;
  const hal_link_hello hello{1, 0, BMS_HAL_VERSION};
  samples.push_back({HAL_LINK_HELLO, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello(&hello, o, c); }), "hello."});
  auto reply{std::make_unique<hal_link_hello_reply>()};
  reply->name = link_string("fw");
  reply->version = link_string("1.0");
  samples.push_back({HAL_LINK_HELLO_REPLY,
                     encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello_reply(reply.get(), o, c); }),
                     "hello_reply."});
  const hal_link_describe describe{1, 2};
  samples.push_back({HAL_LINK_DESCRIBE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_describe(&describe, o, c); }), "describe."});
  auto description{std::make_unique<hal_link_description>()};
  description->item = HAL_LINK_DESCRIBE_OBSERVABLE;
  description->type = BMS_OBSERVABLE_I16;
  description->name = link_string("current_ma");
  description->unit = link_string("mA");
  description->description = link_string("pack current");
  samples.push_back({HAL_LINK_DESCRIPTION,
                     encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_description(description.get(), o, c); }),
                     "description."});
  const hal_link_read_observables read{0, 4};
  samples.push_back({HAL_LINK_READ_OBSERVABLES,
                     encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_read_observables(&read, o, c); }),
                     "read_observables."});
  auto values{std::make_unique<hal_link_observable_values>()};
  values->count = 3;
  samples.push_back({HAL_LINK_OBSERVABLE_VALUES,
                     encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_observable_values(values.get(), o, c); }),
                     "observable_values."});
  const Bytes can{can_wire(0x123, 2, 0)};
  const Bytes uart{1, 2, 3};
  const hal_link_run run{100, 1, 0, 1, 3, can.data(), uart.data()};
  samples.push_back({HAL_LINK_RUN, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_run(&run, o, c); }), "run."});
  samples.push_back({HAL_LINK_INIT, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_run(&run, o, c); }), "init."});
  const hal_link_done done{0, 64, 512, 0, HAL_LINK_NO_WAKE_HINT};
  samples.push_back({HAL_LINK_RUN_DONE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_done(&done, o, c); }), "run_done."});
  samples.push_back({HAL_LINK_INIT_DONE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_done(&done, o, c); }), "init_done."});
  const Bytes data{0x10, 0x20};
  const hal_link_i2c i2c{0x08, 2, 2, data.data()};
  samples.push_back({HAL_LINK_I2C_WRITE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_i2c(HAL_LINK_I2C_WRITE, &i2c, o, c); }), "i2c_write."});
  samples.push_back({HAL_LINK_I2C_READ, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_i2c(HAL_LINK_I2C_READ, &i2c, o, c); }), "i2c_read."});
  samples.push_back({HAL_LINK_I2C_WRITE_READ,
                     encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_i2c(HAL_LINK_I2C_WRITE_READ, &i2c, o, c); }),
                     "i2c_write_read."});
  samples.push_back({HAL_LINK_CAN_SEND, can, "can_send."});
  const hal_link_bytes uart_write{3, uart.data()};
  samples.push_back({HAL_LINK_UART_WRITE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_uart_write(&uart_write, o, c); }), "uart_write."});
  const hal_link_gpio_write gpio{2, 1};
  samples.push_back({HAL_LINK_GPIO_WRITE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_gpio_write(&gpio, o, c); }), "gpio_write."});
  const hal_link_reply reply_call{0, 0, 2, data.data()};
  samples.push_back({HAL_LINK_REPLY, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_reply(&reply_call, o, c); }), "reply."});
  hal_link_error_frame error_frame{};
  error_frame.code = HAL_LINK_ERROR_FIELD;
  error_frame.text = link_string("x: y");
  samples.push_back({HAL_LINK_ERROR, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_error_frame(&error_frame, o, c); }), "error."});
  return samples;
}

// ---- A socketpair: the test's host end and the client's end ----

class SocketPair {
 public:
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
      throw std::runtime_error{"socketpair failed"};
    }
    host_fd = fds[0];
    client_fd = fds[1];
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  ~SocketPair() {
    close_host();
    if (client_fd >= 0) {
      ::close(client_fd);
    }
  }
  void close_host() {
    if (host_fd >= 0) {
      ::close(host_fd);
      host_fd = -1;
    }
  }

  int host_fd{-1};
  int client_fd{-1};
};

inline int fd_write_all(void* context, const std::uint8_t* data, std::size_t length) {
  const int fd{*static_cast<int*>(context)};
  while (length > 0) {
    const ssize_t n{::send(fd, data, length, MSG_NOSIGNAL)};
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    data += n;
    length -= static_cast<std::size_t>(n);
  }
  return 0;
}

inline long fd_read_some(void* context, std::uint8_t* data, std::size_t capacity) {
  const int fd{*static_cast<int*>(context)};
  for (;;) {
    const ssize_t n{::recv(fd, data, capacity, 0)};
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 ? -1 : static_cast<long>(n);
  }
}

// How one serve() ended, with the client's last_error at that moment.
struct SessionEnd {
  hal_link_session_end end{HAL_LINK_SESSION_CLOSED};
  hal_link_error error{};
};

// A hal_link_client serving the client end of a socketpair in its own thread,
// calling serve() again after each session until the stream closes.
class ClientThread {
 public:
  ClientThread(int client_fd, const hal_link_firmware& firmware)
      : fd_{client_fd}, client_{std::make_unique<hal_link_client>()} {
    hal_link_platform platform{};
    platform.context = &fd_;
    platform.write = fd_write_all;
    platform.read = fd_read_some;
    hal_link_client_init(client_.get(), &platform, &firmware);
    thread_ = std::thread{[this] { serve_until_closed(); }};
  }
  ClientThread(const ClientThread&) = delete;
  ClientThread& operator=(const ClientThread&) = delete;
  ~ClientThread() {
    if (thread_.joinable()) {
      ::shutdown(fd_, SHUT_RDWR);  // unblocks a client still waiting for the host
      thread_.join();
    }
  }

  // The next serve() result, or nullopt when none came within `timeout`.
  std::optional<SessionEnd> next_end(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    std::unique_lock lock{mutex_};
    if (!changed_.wait_for(lock, timeout, [this] { return !ends_.empty(); })) {
      return std::nullopt;
    }
    SessionEnd end{ends_.front()};
    ends_.pop_front();
    return end;
  }

  // Waits for the thread to finish (the stream must be closed by then); true
  // when it did within `timeout`. The client may be inspected afterwards.
  bool join(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    std::unique_lock lock{mutex_};
    const bool finished{changed_.wait_for(lock, timeout, [this] { return finished_; })};
    lock.unlock();
    if (finished && thread_.joinable()) {
      thread_.join();
    }
    return finished;
  }

  const hal_link_client& client() const { return *client_; }

 private:
  void serve_until_closed() {
    for (;;) {
      const hal_link_session_end end{hal_link_client_serve(client_.get())};
      std::lock_guard lock{mutex_};
      ends_.push_back(SessionEnd{end, client_->last_error});
      if (end == HAL_LINK_SESSION_CLOSED) {
        finished_ = true;
      }
      changed_.notify_all();
      if (finished_) {
        return;
      }
    }
  }

  int fd_;
  std::unique_ptr<hal_link_client> client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<SessionEnd> ends_;
  bool finished_{false};
  std::thread thread_;
};

// A frame the test's host end received.
struct ReceivedFrame {
  std::uint8_t type{0};
  std::uint8_t sequence{0};
  Bytes payload;

  hal_link_frame view() const { return frame_view(type, payload, sequence); }
};

// The test's end of the link: writes host frames (numbering them), reads the
// client's frames through the codec.
class HostEnd {
 public:
  explicit HostEnd(int fd) : fd_{fd} { hal_link_decoder_reset(decoder_.get()); }

  void send_raw(const Bytes& bytes) {
    int fd{fd_};
    if (fd_write_all(&fd, bytes.data(), bytes.size()) != 0) {
      throw std::runtime_error{"host write failed"};
    }
  }
  // A frame with the next host sequence number (HELLO: 0, restarting the count).
  void send(std::uint8_t type, const Bytes& payload) {
    if (type == HAL_LINK_HELLO) {
      next_sequence = 0;
    }
    send_raw(frame_bytes(type, next_sequence, payload));
    ++next_sequence;
  }

  // The next frame from the client; nullopt at the end of the stream. Throws
  // on a timeout or a frame the codec refuses.
  std::optional<ReceivedFrame> receive(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    const auto deadline{std::chrono::steady_clock::now() + timeout};
    for (;;) {
      if (!pending_.empty()) {
        std::size_t consumed{0};
        hal_link_frame frame{};
        hal_link_error error{};
        const hal_link_decode_result result{
            hal_link_decoder_feed(decoder_.get(), pending_.data(), pending_.size(), &consumed, &frame, &error)};
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(consumed));
        if (result == HAL_LINK_DECODE_ERROR) {
          throw std::runtime_error{"host: the client sent a bad frame: " + error_text(error)};
        }
        if (result == HAL_LINK_DECODE_FRAME) {
          ReceivedFrame received{frame.type, frame.sequence, Bytes(frame.payload, frame.payload + frame.payload_length)};
          return received;
        }
      }
      const auto left{std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())};
      if (left.count() <= 0) {
        throw std::runtime_error{"host: no frame from the client in time"};
      }
      pollfd poll_fd{fd_, POLLIN, 0};
      if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) {
        continue;
      }
      std::uint8_t buffer[4096];
      const ssize_t n{::recv(fd_, buffer, sizeof buffer, 0)};
      if (n <= 0) {
        return std::nullopt;
      }
      pending_.insert(pending_.end(), buffer, buffer + n);
    }
  }

  std::uint8_t next_sequence{0};

 private:
  int fd_;
  std::unique_ptr<hal_link_decoder> decoder_{std::make_unique<hal_link_decoder>()};
  Bytes pending_;
};

}  // namespace packsim::hal::link_test
