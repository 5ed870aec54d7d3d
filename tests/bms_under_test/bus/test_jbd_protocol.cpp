// JBD service protocol: frames, payloads per command, the reference vectors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"

namespace {

using Bytes = std::vector<uint8_t>;

// Public captures quoted in shared/reference/bus-protocols.md.
const Bytes kReferenceRequest = {0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77};
const Bytes kReferenceBasicInfoResponse = {0xDD, 0x03, 0x00, 0x1B, 0x17, 0x00, 0x00, 0x00, 0x02, 0xD0, 0x03, 0xE8,
                                           0x00, 0x00, 0x20, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x48,
                                           0x03, 0x0F, 0x02, 0x0B, 0x76, 0x0B, 0x82, 0xFB, 0xFF, 0x77};

Bytes encode(const jbd_request& request) {
  Bytes out(JBD_MAX_FRAME_LEN);
  out.resize(jbd_encode_request_frame(&request, out.data(), out.size()));
  return out;
}

Bytes encode(const jbd_response& response) {
  Bytes out(JBD_MAX_FRAME_LEN);
  out.resize(jbd_encode_response_frame(&response, out.data(), out.size()));
  return out;
}

jbd_response decode_response(const Bytes& frame) {
  jbd_response response{};
  EXPECT_EQ(jbd_decode_response_frame(frame.data(), frame.size(), &response), JBD_OK);
  return response;
}

// Payload decoders straight from frame bytes.
template <typename Payload, typename Decoder>
jbd_result decode_payload(const Bytes& frame, Decoder decoder, Payload* out) {
  const jbd_response response = decode_response(frame);
  return decoder(&response, out);
}

jbd_basic_info reference_like_info() {
  jbd_basic_info info{};
  info.pack_voltage_v = 52.31f;
  info.current_a = 12.34f;
  info.remaining_capacity_ah = 87.65f;
  info.nominal_capacity_ah = 100.0f;
  info.cycle_count = 321;
  info.production_date = {2023, 11, 7};
  info.balance_status = 0x80010003u;
  info.protection_status = JBD_PROTECT_CELL_UNDERVOLTAGE | JBD_PROTECT_SOFTWARE_MOS_LOCK;
  info.software_version = 0x21;
  info.rsoc_percent = 88;
  info.fet_status = JBD_FET_CHARGE_ON;
  info.cell_count = 16;
  info.ntc_count = 3;
  info.ntc_temp_c[0] = -12.3f;
  info.ntc_temp_c[1] = 0.0f;
  info.ntc_temp_c[2] = 45.6f;
  return info;
}

TEST(JbdProtocol, ChecksumIsTwoComplementOfTheSixteenBitSum) {
  const uint8_t covered[] = {0x03, 0x00};
  EXPECT_EQ(jbd_checksum(covered, sizeof covered), 0xFFFDu);
  EXPECT_EQ(jbd_checksum(nullptr, 0), 0x0000u);  // 0x10000 - 0, truncated to 16 bits
}

TEST(JbdProtocol, ReadRequestEncodesToThePublishedBytes) {
  jbd_request request{};
  jbd_encode_read_request(JBD_CMD_BASIC_INFO, &request);
  EXPECT_EQ(encode(request), kReferenceRequest);
}

TEST(JbdProtocol, PublishedRequestDecodesAsABasicInfoRead) {
  jbd_request request{};
  ASSERT_EQ(jbd_decode_request_frame(kReferenceRequest.data(), kReferenceRequest.size(), &request), JBD_OK);
  EXPECT_EQ(request.mode, JBD_MODE_READ);
  EXPECT_EQ(request.command, JBD_CMD_BASIC_INFO);
  EXPECT_EQ(request.data_len, 0);
}

TEST(JbdProtocol, PublishedBasicInfoResponseDecodesToThePublishedValues) {
  jbd_basic_info info{};
  ASSERT_EQ(decode_payload(kReferenceBasicInfoResponse, jbd_decode_basic_info, &info), JBD_OK);
  EXPECT_NEAR(info.pack_voltage_v, 58.88, 1e-4);
  EXPECT_EQ(info.current_a, 0.0f);
  EXPECT_FALSE(std::signbit(info.current_a));
  EXPECT_NEAR(info.remaining_capacity_ah, 7.20, 1e-5);
  EXPECT_NEAR(info.nominal_capacity_ah, 10.00, 1e-5);
  EXPECT_EQ(info.cycle_count, 0);
  EXPECT_EQ(info.production_date.year, 2016);
  EXPECT_EQ(info.production_date.month, 3);
  EXPECT_EQ(info.production_date.day, 24);
  EXPECT_EQ(info.balance_status, 0u);
  EXPECT_EQ(info.protection_status, 0u);
  EXPECT_EQ(info.software_version, 0x10);
  EXPECT_EQ(info.rsoc_percent, 72);
  EXPECT_EQ(info.fet_status, JBD_FET_CHARGE_ON | JBD_FET_DISCHARGE_ON);
  EXPECT_EQ(info.cell_count, 15);
  ASSERT_EQ(info.ntc_count, 2);
  EXPECT_NEAR(info.ntc_temp_c[0], 20.3, 1e-5);
  EXPECT_NEAR(info.ntc_temp_c[1], 21.5, 1e-5);
}

TEST(JbdProtocol, ReencodingThePublishedBasicInfoReproducesItsBytesIncludingTheDate) {
  jbd_basic_info info{};
  ASSERT_EQ(decode_payload(kReferenceBasicInfoResponse, jbd_decode_basic_info, &info), JBD_OK);
  jbd_response response{};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  const Bytes frame = encode(response);
  EXPECT_EQ(frame, kReferenceBasicInfoResponse);
  ASSERT_GE(frame.size(), 16u);
  EXPECT_EQ(frame[14], 0x20);  // production date 0x2078 = 2016-03-24
  EXPECT_EQ(frame[15], 0x78);
}

TEST(JbdProtocol, ProductionDatePacksYearMonthDayIntoSevenFourFiveBits) {
  jbd_basic_info info{};
  info.production_date = {2127, 15, 31};
  jbd_response response{};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  EXPECT_EQ(response.data[10], 0xFF);
  EXPECT_EQ(response.data[11], 0xFF);

  info.production_date = {2024, 2, 29};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  EXPECT_EQ((response.data[10] << 8) | response.data[11], (24 << 9) | (2 << 5) | 29);
  jbd_basic_info decoded{};
  ASSERT_EQ(jbd_decode_basic_info(&response, &decoded), JBD_OK);
  EXPECT_EQ(decoded.production_date.year, 2024);
  EXPECT_EQ(decoded.production_date.month, 2);
  EXPECT_EQ(decoded.production_date.day, 29);

  info.production_date = {2300, 40, 99};  // beyond the bit fields: clamped, not wrapped into other fields
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  EXPECT_EQ((response.data[10] << 8) | response.data[11], 0xFFFF);
}

TEST(JbdProtocol, PacksimDischargeCurrentIsNegativeOnTheWire) {
  jbd_basic_info info{};
  info.current_a = 2.5f;  // packsim: + = discharge
  jbd_response response{};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  // Wire: i16 in 10 mA, + = charging: -250 = 0xFF06.
  EXPECT_EQ(response.data[2], 0xFF);
  EXPECT_EQ(response.data[3], 0x06);

  info.current_a = -1.23f;  // charging
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  EXPECT_EQ((response.data[2] << 8) | response.data[3], 123);
  jbd_basic_info decoded{};
  ASSERT_EQ(jbd_decode_basic_info(&response, &decoded), JBD_OK);
  EXPECT_NEAR(decoded.current_a, -1.23, 1e-5);
}

TEST(JbdProtocol, BasicInfoRoundTripsWithinQuantisation) {
  const jbd_basic_info info = reference_like_info();
  jbd_response response{};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  const Bytes frame = encode(response);
  ASSERT_EQ(frame.size(), JBD_FRAME_OVERHEAD + JBD_BASIC_INFO_FIXED_LEN + 2u * 3u);
  jbd_basic_info decoded{};
  ASSERT_EQ(decode_payload(frame, jbd_decode_basic_info, &decoded), JBD_OK);
  EXPECT_NEAR(decoded.pack_voltage_v, info.pack_voltage_v, 0.005);
  EXPECT_NEAR(decoded.current_a, info.current_a, 0.005);
  EXPECT_NEAR(decoded.remaining_capacity_ah, info.remaining_capacity_ah, 0.005);
  EXPECT_NEAR(decoded.nominal_capacity_ah, info.nominal_capacity_ah, 0.005);
  EXPECT_EQ(decoded.cycle_count, info.cycle_count);
  EXPECT_EQ(decoded.production_date.year, info.production_date.year);
  EXPECT_EQ(decoded.production_date.month, info.production_date.month);
  EXPECT_EQ(decoded.production_date.day, info.production_date.day);
  EXPECT_EQ(decoded.balance_status, info.balance_status);
  EXPECT_EQ(decoded.protection_status, info.protection_status);
  EXPECT_EQ(decoded.software_version, info.software_version);
  EXPECT_EQ(decoded.rsoc_percent, info.rsoc_percent);
  EXPECT_EQ(decoded.fet_status, info.fet_status);
  EXPECT_EQ(decoded.cell_count, info.cell_count);
  ASSERT_EQ(decoded.ntc_count, info.ntc_count);
  for (int i = 0; i < info.ntc_count; ++i) {
    EXPECT_NEAR(decoded.ntc_temp_c[i], info.ntc_temp_c[i], 0.05) << "NTC " << i;
  }
}

TEST(JbdProtocol, SeededRandomBasicInfoRoundTripsWithinHalfAnLsb) {
  std::mt19937 rng(20240611u);
  std::uniform_real_distribution<float> volts(0.0f, 650.0f);
  std::uniform_real_distribution<float> amps(-320.0f, 320.0f);
  std::uniform_real_distribution<float> amp_hours(0.0f, 650.0f);
  std::uniform_real_distribution<float> celsius(-40.0f, 120.0f);
  for (int trial = 0; trial < 2000; ++trial) {
    jbd_basic_info info = reference_like_info();
    info.pack_voltage_v = volts(rng);
    info.current_a = amps(rng);
    info.remaining_capacity_ah = amp_hours(rng);
    info.ntc_count = JBD_MAX_NTC;
    for (float& t : info.ntc_temp_c) {
      t = celsius(rng);
    }
    jbd_response response{};
    ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
    jbd_basic_info decoded{};
    ASSERT_EQ(decode_payload(encode(response), jbd_decode_basic_info, &decoded), JBD_OK);
    ASSERT_NEAR(decoded.pack_voltage_v, info.pack_voltage_v, 0.005 + 1e-4);
    ASSERT_NEAR(decoded.current_a, info.current_a, 0.005 + 1e-4);
    ASSERT_NEAR(decoded.remaining_capacity_ah, info.remaining_capacity_ah, 0.005 + 1e-4);
    for (unsigned i = 0; i < JBD_MAX_NTC; ++i) {
      ASSERT_NEAR(decoded.ntc_temp_c[i], info.ntc_temp_c[i], 0.05 + 1e-4);
    }
  }
}

TEST(JbdProtocol, OutOfRangeValuesClampToTheFieldInsteadOfWrapping) {
  jbd_basic_info info{};
  info.pack_voltage_v = 1000.0f;
  info.current_a = -400.0f;  // 400 A charging: above +327.67 A on the wire
  info.remaining_capacity_ah = -5.0f;
  info.nominal_capacity_ah = std::numeric_limits<float>::quiet_NaN();
  info.ntc_count = 2;
  info.ntc_temp_c[0] = -300.0f;  // below absolute zero
  info.ntc_temp_c[1] = 1e9f;
  jbd_response response{};
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  const auto u16_at = [&](int offset) { return (response.data[offset] << 8) | response.data[offset + 1]; };
  EXPECT_EQ(u16_at(0), 0xFFFF);
  EXPECT_EQ(u16_at(2), 0x7FFF);
  EXPECT_EQ(u16_at(4), 0);
  EXPECT_EQ(u16_at(6), 0);  // NaN encodes as 0
  EXPECT_EQ(u16_at(23), 0);
  EXPECT_EQ(u16_at(25), 0xFFFF);

  info.current_a = 400.0f;  // discharging beyond -327.68 A on the wire
  ASSERT_EQ(jbd_encode_basic_info(&info, &response), JBD_OK);
  EXPECT_EQ(u16_at(2), 0x8000);
}

TEST(JbdProtocol, BasicInfoEncoderRefusesMoreNtcsThanItCanHold) {
  jbd_basic_info info{};
  info.ntc_count = JBD_MAX_NTC + 1;
  jbd_response response{};
  EXPECT_EQ(jbd_encode_basic_info(&info, &response), JBD_ERR_BAD_PAYLOAD);
}

TEST(JbdProtocol, BasicInfoDecoderRejectsShortPayloadsAndIgnoresAppendedFields) {
  jbd_response response = decode_response(kReferenceBasicInfoResponse);
  jbd_basic_info info{};
  response.data_len = 26;  // second NTC cut short
  EXPECT_EQ(jbd_decode_basic_info(&response, &info), JBD_ERR_BAD_LENGTH);
  response.data_len = 22;
  EXPECT_EQ(jbd_decode_basic_info(&response, &info), JBD_ERR_BAD_LENGTH);
  response.data_len = 27 + 4;  // newer firmware appends fields after the NTCs
  EXPECT_EQ(jbd_decode_basic_info(&response, &info), JBD_OK);
  EXPECT_EQ(info.ntc_count, 2);
  response.data_len = 27;
  response.data[22] = JBD_MAX_NTC + 1;
  EXPECT_EQ(jbd_decode_basic_info(&response, &info), JBD_ERR_BAD_PAYLOAD);
}

TEST(JbdProtocol, PayloadDecodersRefuseErrorStatusAndOtherCommands) {
  jbd_response response{};
  jbd_encode_status_response(JBD_CMD_BASIC_INFO, JBD_STATUS_ERROR, &response);
  jbd_basic_info info{};
  EXPECT_EQ(jbd_decode_basic_info(&response, &info), JBD_ERR_BMS_REPORTED_ERROR);
  response = decode_response(kReferenceBasicInfoResponse);
  jbd_cell_voltages cells{};
  EXPECT_EQ(jbd_decode_cell_voltages(&response, &cells), JBD_ERR_WRONG_COMMAND);
  jbd_hardware_version version{};
  EXPECT_EQ(jbd_decode_hardware_version(&response, &version), JBD_ERR_WRONG_COMMAND);
}

TEST(JbdProtocol, CellVoltagesRoundTripForOneToThirtyTwoCells) {
  for (uint8_t count = 1; count <= JBD_MAX_CELLS; ++count) {
    jbd_cell_voltages cells{};
    cells.cell_count = count;
    for (int i = 0; i < count; ++i) {
      cells.cell_mv[i] = static_cast<uint16_t>(2500 + 37 * i);
    }
    jbd_response response{};
    ASSERT_EQ(jbd_encode_cell_voltages(&cells, &response), JBD_OK);
    const Bytes frame = encode(response);
    ASSERT_EQ(frame.size(), JBD_FRAME_OVERHEAD + 2u * count);
    EXPECT_EQ(frame[4], cells.cell_mv[0] >> 8);  // big-endian
    EXPECT_EQ(frame[5], cells.cell_mv[0] & 0xFF);
    jbd_cell_voltages decoded{};
    ASSERT_EQ(decode_payload(frame, jbd_decode_cell_voltages, &decoded), JBD_OK);
    ASSERT_EQ(decoded.cell_count, count);
    for (int i = 0; i < count; ++i) {
      EXPECT_EQ(decoded.cell_mv[i], cells.cell_mv[i]);
    }
  }
}

TEST(JbdProtocol, CellVoltagesRejectOddLengthAndTooManyCells) {
  jbd_cell_voltages cells{};
  cells.cell_count = 4;
  jbd_response response{};
  ASSERT_EQ(jbd_encode_cell_voltages(&cells, &response), JBD_OK);
  response.data_len = 7;
  EXPECT_EQ(jbd_decode_cell_voltages(&response, &cells), JBD_ERR_BAD_LENGTH);
  cells.cell_count = JBD_MAX_CELLS + 1;
  EXPECT_EQ(jbd_encode_cell_voltages(&cells, &response), JBD_ERR_BAD_PAYLOAD);
}

TEST(JbdProtocol, HardwareVersionRoundTripsAsAscii) {
  jbd_hardware_version version{};
  std::strcpy(version.text, "JBD-SP04S034-L4S-200A-B-U");
  jbd_response response{};
  ASSERT_EQ(jbd_encode_hardware_version(&version, &response), JBD_OK);
  EXPECT_EQ(response.data_len, std::strlen(version.text));
  jbd_hardware_version decoded{};
  ASSERT_EQ(decode_payload(encode(response), jbd_decode_hardware_version, &decoded), JBD_OK);
  EXPECT_STREQ(decoded.text, version.text);
}

TEST(JbdProtocol, HardwareVersionStripsNulPaddingAndRejectsControlBytes) {
  jbd_response response{};
  jbd_encode_status_response(JBD_CMD_HARDWARE_VERSION, JBD_STATUS_OK, &response);
  const char padded[] = {'A', 'B', 'C', 0, 0, 0};
  std::memcpy(response.data, padded, sizeof padded);
  response.data_len = sizeof padded;
  jbd_hardware_version decoded{};
  ASSERT_EQ(jbd_decode_hardware_version(&response, &decoded), JBD_OK);
  EXPECT_STREQ(decoded.text, "ABC");
  response.data[4] = 'X';  // text after padding
  EXPECT_EQ(jbd_decode_hardware_version(&response, &decoded), JBD_ERR_BAD_PAYLOAD);
  response.data[4] = 0;
  response.data[1] = 0x07;
  EXPECT_EQ(jbd_decode_hardware_version(&response, &decoded), JBD_ERR_BAD_PAYLOAD);

  jbd_hardware_version version{};
  std::strcpy(version.text, "tab\there");
  EXPECT_EQ(jbd_encode_hardware_version(&version, &response), JBD_ERR_BAD_PAYLOAD);
}

TEST(JbdProtocol, MosControlRequestsMatchTheCommonCapturesAndRoundTrip) {
  // `DD 5A E1 02 00 XX CHK 77`: XX bit0 = charge FET off, bit1 = discharge FET off.
  const struct {
    bool charge_off;
    bool discharge_off;
    Bytes frame;
  } cases[] = {
      {false, false, {0xDD, 0x5A, 0xE1, 0x02, 0x00, 0x00, 0xFF, 0x1D, 0x77}},
      {true, false, {0xDD, 0x5A, 0xE1, 0x02, 0x00, 0x01, 0xFF, 0x1C, 0x77}},
      {false, true, {0xDD, 0x5A, 0xE1, 0x02, 0x00, 0x02, 0xFF, 0x1B, 0x77}},
      {true, true, {0xDD, 0x5A, 0xE1, 0x02, 0x00, 0x03, 0xFF, 0x1A, 0x77}},
  };
  for (const auto& c : cases) {
    jbd_mos_control control{c.charge_off, c.discharge_off};
    jbd_request request{};
    jbd_encode_mos_control(&control, &request);
    EXPECT_EQ(encode(request), c.frame);
    jbd_request parsed{};
    ASSERT_EQ(jbd_decode_request_frame(c.frame.data(), c.frame.size(), &parsed), JBD_OK);
    jbd_mos_control decoded{};
    ASSERT_EQ(jbd_decode_mos_control(&parsed, &decoded), JBD_OK);
    EXPECT_EQ(decoded.charge_fet_off, c.charge_off);
    EXPECT_EQ(decoded.discharge_fet_off, c.discharge_off);
  }
}

TEST(JbdProtocol, MosControlDecoderIsStrictAboutModeLengthAndBits) {
  jbd_mos_control control{true, false};
  jbd_request request{};
  jbd_encode_mos_control(&control, &request);
  jbd_mos_control decoded{};

  jbd_request bad = request;
  bad.mode = JBD_MODE_READ;
  EXPECT_EQ(jbd_decode_mos_control(&bad, &decoded), JBD_ERR_BAD_HEADER);
  bad = request;
  bad.data_len = 1;
  EXPECT_EQ(jbd_decode_mos_control(&bad, &decoded), JBD_ERR_BAD_LENGTH);
  bad = request;
  bad.data[0] = 0x01;
  EXPECT_EQ(jbd_decode_mos_control(&bad, &decoded), JBD_ERR_BAD_PAYLOAD);
  bad = request;
  bad.data[1] = 0x04;
  EXPECT_EQ(jbd_decode_mos_control(&bad, &decoded), JBD_ERR_BAD_PAYLOAD);
  bad = request;
  bad.command = JBD_CMD_BASIC_INFO;
  EXPECT_EQ(jbd_decode_mos_control(&bad, &decoded), JBD_ERR_WRONG_COMMAND);
}

TEST(JbdProtocol, WriteAcknowledgementIsAnEmptyOkResponseWithZeroChecksum) {
  jbd_response response{};
  jbd_encode_status_response(JBD_CMD_MOS_CONTROL, JBD_STATUS_OK, &response);
  EXPECT_EQ(encode(response), (Bytes{0xDD, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x77}));
  jbd_encode_status_response(JBD_CMD_CELL_VOLTAGES, JBD_STATUS_ERROR, &response);
  EXPECT_EQ(encode(response), (Bytes{0xDD, 0x04, 0x80, 0x00, 0xFF, 0x80, 0x77}));
}

TEST(JbdProtocol, FrameDecoderNamesWhatIsWrongWithABadFrame) {
  jbd_request request{};
  const auto decode_request = [&](const Bytes& frame) {
    return jbd_decode_request_frame(frame.data(), frame.size(), &request);
  };
  EXPECT_EQ(decode_request({}), JBD_ERR_TRUNCATED);
  EXPECT_EQ(decode_request({0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD}), JBD_ERR_TRUNCATED);
  EXPECT_EQ(decode_request({0xDC, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77}), JBD_ERR_BAD_START);
  EXPECT_EQ(decode_request({0xDD, 0xA6, 0x03, 0x00, 0xFF, 0xFD, 0x77}), JBD_ERR_BAD_HEADER);
  EXPECT_EQ(decode_request({0xDD, 0xA5, 0x03, 0x41, 0xFF, 0xFD, 0x77}), JBD_ERR_OVERSIZE);
  EXPECT_EQ(decode_request({0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x76}), JBD_ERR_BAD_END);
  EXPECT_EQ(decode_request({0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFC, 0x77}), JBD_ERR_BAD_CHECKSUM);
  EXPECT_EQ(decode_request({0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77, 0x00}), JBD_ERR_BAD_LENGTH);
  EXPECT_EQ(jbd_decode_request_frame(nullptr, 7, &request), JBD_ERR_TRUNCATED);

  // A request is not a response, and a response needs status 00 or 80.
  jbd_response response{};
  EXPECT_EQ(jbd_decode_response_frame(kReferenceRequest.data(), kReferenceRequest.size(), &response),
            JBD_ERR_BAD_HEADER);
  Bytes bad_status = kReferenceBasicInfoResponse;
  bad_status[2] = 0x01;
  EXPECT_EQ(jbd_decode_response_frame(bad_status.data(), bad_status.size(), &response), JBD_ERR_BAD_HEADER);
}

TEST(JbdProtocol, FrameEncodersRefuseInvalidStructsAndSmallBuffers) {
  jbd_request request{};
  jbd_encode_read_request(JBD_CMD_BASIC_INFO, &request);
  uint8_t out[JBD_MAX_FRAME_LEN];
  EXPECT_EQ(jbd_encode_request_frame(&request, out, 6), 0u);
  EXPECT_EQ(jbd_encode_request_frame(&request, out, 7), 7u);
  request.mode = 0x00;
  EXPECT_EQ(jbd_encode_request_frame(&request, out, sizeof out), 0u);
  request.mode = JBD_MODE_WRITE;
  request.data_len = JBD_MAX_DATA_LEN + 1;
  EXPECT_EQ(jbd_encode_request_frame(&request, out, sizeof out), 0u);

  jbd_response response{};
  jbd_encode_status_response(JBD_CMD_BASIC_INFO, 0x42, &response);
  EXPECT_EQ(jbd_encode_response_frame(&response, out, sizeof out), 0u);
  jbd_encode_status_response(JBD_MODE_READ, JBD_STATUS_OK, &response);
  EXPECT_EQ(jbd_encode_response_frame(&response, out, sizeof out), 0u);
}

TEST(JbdProtocol, LongestFrameRoundTrips) {
  jbd_response response{};
  jbd_encode_status_response(0x42, JBD_STATUS_OK, &response);
  response.data_len = JBD_MAX_DATA_LEN;
  for (unsigned i = 0; i < JBD_MAX_DATA_LEN; ++i) {
    response.data[i] = static_cast<uint8_t>(0xFF - i);
  }
  const Bytes frame = encode(response);
  ASSERT_EQ(frame.size(), JBD_MAX_FRAME_LEN);
  const jbd_response decoded = decode_response(frame);
  EXPECT_EQ(std::memcmp(&decoded, &response, sizeof response), 0);
}

}  // namespace
