#include "tests/bms_under_test/firmware/firmware_bench.h"

#include "bms_under_test/bus/pylontech_can.h"

namespace packsim::firmware_test {

FirmwareBench::FirmwareBench() {
  afe.set_uniform_cells(3300);
  afe.set_temperature_c(25.0);
  jbd_parser_init(&response_parser_, JBD_PARSE_RESPONSES);
}

int FirmwareBench::init() { return bms_init(host.hal()); }

void FirmwareBench::tick() {
  bms_tick();
  host.now_ms += kTickMs;
}

void FirmwareBench::run_ms(std::uint32_t duration_ms) {
  for (std::uint32_t t = 0; t < duration_ms; t += kTickMs) {
    tick();
  }
}

bool FirmwareBench::run_until(const std::function<bool()>& condition, std::uint32_t timeout_ms) {
  for (std::uint32_t t = 0; t < timeout_ms; t += kTickMs) {
    tick();
    if (condition()) {
      return true;
    }
  }
  return false;
}

bool FirmwareBench::boot() {
  if (init() != 0) {
    return false;
  }
  return run_until([this] { return state() == BMS_STATE_NORMAL; }, 2000);
}

std::optional<jbd_response> FirmwareBench::request(const jbd_request& request, std::uint32_t timeout_ms) {
  std::uint8_t frame[JBD_MAX_FRAME_LEN];
  const std::size_t length = jbd_encode_request_frame(&request, frame, sizeof frame);
  host.uart_to_bms.insert(host.uart_to_bms.end(), frame, frame + length);
  std::optional<jbd_response> response;
  run_until(
      [&] {
        while (uart_consumed_ < host.uart_from_bms.size()) {
          std::size_t used = 0;
          const bool found = jbd_parser_feed(&response_parser_, host.uart_from_bms.data() + uart_consumed_,
                                             host.uart_from_bms.size() - uart_consumed_, &used);
          uart_consumed_ += used;
          if (found) {
            jbd_response decoded{};
            if (jbd_decode_response_frame(response_parser_.frame, response_parser_.frame_len, &decoded) == JBD_OK) {
              response = decoded;
              return true;
            }
          }
          if (used == 0) {
            break;
          }
        }
        return false;
      },
      timeout_ms);
  return response;
}

std::optional<jbd_response> FirmwareBench::read(std::uint8_t command, std::vector<std::uint8_t> data) {
  jbd_request request{};
  jbd_encode_read_request(command, &request);
  request.data_len = static_cast<std::uint8_t>(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    request.data[i] = data[i];
  }
  return this->request(request);
}

std::optional<jbd_response> FirmwareBench::mos_control(bool charge_off, bool discharge_off) {
  jbd_mos_control control{charge_off, discharge_off};
  jbd_request request{};
  jbd_encode_mos_control(&control, &request);
  return this->request(request);
}

std::vector<FakeHalHost::SentFrame> FirmwareBench::frames_with_id(std::uint32_t id) const {
  std::vector<FakeHalHost::SentFrame> frames;
  for (const auto& sent : host.can_from_bms) {
    if (sent.frame.id == id) {
      frames.push_back(sent);
    }
  }
  return frames;
}

void FirmwareBench::send_heartbeat() {
  bms_can_frame frame{};
  frame.id = PYLON_ID_INVERTER_HEARTBEAT;
  frame.dlc = 8;
  host.can_to_bms.push_back(frame);
}

}  // namespace packsim::firmware_test
