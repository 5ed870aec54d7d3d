#include "sim/hil/service_tool.h"

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "bms_under_test/firmware/service_protocol.h"

namespace packsim::hil {

std::string_view describe(ServiceError error) {
  switch (error) {
    case ServiceError::kNone: return "ok";
    case ServiceError::kNotSent: return "request not sent (UART full)";
    case ServiceError::kTimeout: return "no answer (timeout)";
    case ServiceError::kErrorStatus: return "BMS answered with error status 0x80";
    case ServiceError::kMalformed: return "malformed answer";
  }
  return "?";
}

namespace {

std::uint16_t get_u16(const std::uint8_t* in) { return static_cast<std::uint16_t>((in[0] << 8) | in[1]); }

std::string hex(std::uint8_t command) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", command);
  return text;
}

std::uint32_t get_u32(const std::uint8_t* in) {
  return (static_cast<std::uint32_t>(get_u16(in)) << 16) | get_u16(in + 2);
}

template <class T, class U>
ServiceReply<T> carry_error(const ServiceReply<U>& from) {
  ServiceReply<T> out;
  out.error = from.error;
  out.detail = from.detail;
  out.answered_ns = from.answered_ns;
  return out;
}

}  // namespace

void ServiceTool::set_advance(Advance advance) {
  if (!advance) {
    throw std::invalid_argument{"ServiceTool::set_advance: needs a way to advance time"};
  }
  advance_ = std::move(advance);
}

ServiceTool::ServiceTool(FirmwareHost& host, Advance advance, Options options)
    : host_{host}, advance_{std::move(advance)}, options_{options} {
  if (!advance_ || options_.poll_period_ns <= 0 || options_.timeout_polls <= 0) {
    throw std::invalid_argument{"ServiceTool: needs a way to advance time, a poll period and a poll budget"};
  }
  jbd_parser_init(&parser_, JBD_PARSE_RESPONSES);
}

ServiceReply<jbd_response> ServiceTool::transact(const jbd_request& request) {
  if (in_transaction_) {
    throw std::logic_error{"ServiceTool: a request was started while another waits for its answer"};
  }
  // Cleared however the wait ends (an answer, a timeout, an interrupted run).
  struct Busy {
    bool& flag;
    explicit Busy(bool& f) : flag{f} { flag = true; }
    ~Busy() { flag = false; }
  } busy{in_transaction_};
  background_.pending = false;  // its answer would be taken with the stray bytes
  ServiceReply<jbd_response> reply;
  (void)host_.uart_take_from_firmware();  // nothing from before this request is its answer
  jbd_parser_init(&parser_, JBD_PARSE_RESPONSES);
  std::uint8_t frame[JBD_MAX_FRAME_LEN];
  const std::size_t frame_len{jbd_encode_request_frame(&request, frame, sizeof frame)};
  if (frame_len == 0) {
    throw std::invalid_argument{"ServiceTool: the request does not encode"};
  }
  if (host_.uart_send_to_firmware({frame, frame_len}) != frame_len) {
    reply.error = ServiceError::kNotSent;
    reply.detail = "the UART to the firmware is full";
    return reply;
  }
  for (int poll = 0; poll < options_.timeout_polls; ++poll) {
    advance_(options_.poll_period_ns);
    const std::vector<std::uint8_t> bytes{host_.uart_take_from_firmware()};
    std::size_t offset{0};
    std::size_t used{0};
    while (jbd_parser_feed(&parser_, bytes.data() + offset, bytes.size() - offset, &used)) {
      offset += used;
      jbd_response response{};
      const jbd_result decoded{jbd_decode_response_frame(parser_.frame, parser_.frame_len, &response)};
      if (decoded != JBD_OK || response.command != request.command) {
        continue;  // not the answer to this request
      }
      reply.value = response;
      reply.answered_ns = host_.now_ns();
      if (response.status == JBD_STATUS_ERROR) {
        reply.error = ServiceError::kErrorStatus;
        reply.detail = "command " + hex(request.command) + " answered with status 0x80";
      }
      return reply;
    }
  }
  reply.error = ServiceError::kTimeout;
  reply.detail = "no answer to command " + hex(request.command) + " within " +
                 std::to_string(options_.timeout_polls) + " polls of " +
                 std::to_string(options_.poll_period_ns / sim::kNsPerMs) + " ms";
  return reply;
}

bool ServiceTool::begin_basic_info() {
  if (in_transaction_ || background_.pending) return false;
  jbd_request request{};
  jbd_encode_read_request(JBD_CMD_BASIC_INFO, &request);
  std::uint8_t frame[JBD_MAX_FRAME_LEN];
  const std::size_t frame_len{jbd_encode_request_frame(&request, frame, sizeof frame)};
  (void)host_.uart_take_from_firmware();  // nothing from before this request is its answer
  if (frame_len == 0 || host_.uart_send_to_firmware({frame, frame_len}) != frame_len) return false;
  jbd_parser_init(&background_.parser, JBD_PARSE_RESPONSES);
  background_.pending = true;
  background_.deadline_ns = host_.now_ns() + options_.timeout_polls * options_.poll_period_ns;
  return true;
}

std::optional<ServiceReply<jbd_basic_info>> ServiceTool::collect_basic_info() {
  if (!background_.pending) return std::nullopt;
  const std::vector<std::uint8_t> bytes{host_.uart_take_from_firmware()};
  std::size_t offset{0};
  std::size_t used{0};
  while (jbd_parser_feed(&background_.parser, bytes.data() + offset, bytes.size() - offset, &used)) {
    offset += used;
    jbd_response response{};
    const jbd_result decoded{
        jbd_decode_response_frame(background_.parser.frame, background_.parser.frame_len, &response)};
    if (decoded != JBD_OK || response.command != JBD_CMD_BASIC_INFO) continue;
    background_.pending = false;
    ServiceReply<jbd_basic_info> reply;
    reply.answered_ns = host_.now_ns();
    if (response.status == JBD_STATUS_ERROR) {
      reply.error = ServiceError::kErrorStatus;
      reply.detail = "command 0x03 answered with status 0x80";
    } else if (const jbd_result result{jbd_decode_basic_info(&response, &reply.value)}; result != JBD_OK) {
      reply.error = ServiceError::kMalformed;
      reply.detail = jbd_result_name(result);
    }
    return reply;
  }
  if (host_.now_ns() < background_.deadline_ns) return std::nullopt;
  background_.pending = false;
  ServiceReply<jbd_basic_info> reply;
  reply.error = ServiceError::kTimeout;
  reply.detail = "no answer to command 0x03 in the background";
  return reply;
}

template <class T, class Decode>
ServiceReply<T> ServiceTool::read_decoded(std::uint8_t command, Decode decode) {
  jbd_request request{};
  jbd_encode_read_request(command, &request);
  const ServiceReply<jbd_response> raw{transact(request)};
  ServiceReply<T> reply{carry_error<T>(raw)};
  if (!raw.ok()) {
    return reply;
  }
  const jbd_result result{decode(&raw.value, &reply.value)};
  if (result != JBD_OK) {
    reply.error = ServiceError::kMalformed;
    reply.detail = jbd_result_name(result);
  }
  return reply;
}

ServiceReply<jbd_basic_info> ServiceTool::read_basic_info() {
  return read_decoded<jbd_basic_info>(JBD_CMD_BASIC_INFO, jbd_decode_basic_info);
}

ServiceReply<jbd_cell_voltages> ServiceTool::read_cell_voltages() {
  return read_decoded<jbd_cell_voltages>(JBD_CMD_CELL_VOLTAGES, jbd_decode_cell_voltages);
}

ServiceReply<jbd_hardware_version> ServiceTool::read_hardware_version() {
  return read_decoded<jbd_hardware_version>(JBD_CMD_HARDWARE_VERSION, jbd_decode_hardware_version);
}

ServiceReply<jbd_response> ServiceTool::mos_control(bool charge_off, bool discharge_off) {
  const jbd_mos_control control{charge_off, discharge_off};
  jbd_request request{};
  jbd_encode_mos_control(&control, &request);
  return transact(request);
}

ServiceReply<FirmwareStatus> ServiceTool::read_status() {
  return read_decoded<FirmwareStatus>(SERVICE_CMD_STATUS, [](const jbd_response* r, FirmwareStatus* s) {
    if (r->data_len < SERVICE_STATUS_SIZE) {
      return JBD_ERR_BAD_LENGTH;
    }
    const std::uint8_t* d{r->data};
    s->state = d[0];
    s->active_flags = get_u32(d + 1);
    s->latched_flags = get_u32(d + 5);
    s->soc_permille = get_u16(d + 9);
    s->soh_permille = get_u16(d + 11);
    s->full_capacity_ah = get_u16(d + 13) * 0.01;
    s->balancing_cells = get_u16(d + 15);
    s->comm_loss_factor_permille = get_u16(d + 17);
    s->afe_consecutive_failures = d[19];
    s->charge_limit_a = get_u16(d + 20) * 0.1;
    s->discharge_limit_a = get_u16(d + 22) * 0.1;
    return JBD_OK;
  });
}

ServiceReply<std::vector<FaultLogEntry>> ServiceTool::read_fault_log() {
  ServiceReply<std::vector<FaultLogEntry>> reply;
  std::size_t first{0};
  for (;;) {
    jbd_request request{};
    jbd_encode_read_request(SERVICE_CMD_FAULT_LOG, &request);
    request.data_len = 1;
    request.data[0] = static_cast<std::uint8_t>(first);
    const ServiceReply<jbd_response> page{transact(request)};
    if (!page.ok()) {
      return carry_error<std::vector<FaultLogEntry>>(page);
    }
    const jbd_response& r{page.value};
    reply.answered_ns = page.answered_ns;
    if (r.data_len < SERVICE_FAULT_LOG_HEADER_SIZE) {
      reply.error = ServiceError::kMalformed;
      reply.detail = "fault log page shorter than its header";
      return reply;
    }
    const std::size_t held{r.data[4]};
    const std::size_t count{r.data[6]};
    if (r.data_len < SERVICE_FAULT_LOG_HEADER_SIZE + count * SERVICE_FAULT_LOG_ENTRY_SIZE) {
      reply.error = ServiceError::kMalformed;
      reply.detail = "fault log page shorter than its entries";
      return reply;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint8_t* e{r.data + SERVICE_FAULT_LOG_HEADER_SIZE + i * SERVICE_FAULT_LOG_ENTRY_SIZE};
      reply.value.push_back(FaultLogEntry{e[0], e[1], e[2], get_u32(e + 3), static_cast<std::int32_t>(get_u32(e + 7))});
    }
    first += count;
    if (count == 0 || first >= held) {
      return reply;
    }
  }
}

}  // namespace packsim::hil
