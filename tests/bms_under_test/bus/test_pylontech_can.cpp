// Pylontech-style inverter CAN: each message, the reference vector, the sign
// convention, clamping, the 1 Hz set and the receiving side.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "bms_under_test/bus/pylontech_can.h"

namespace {

using Bytes = std::vector<uint8_t>;

// Half an LSB, plus the float representation error of the value sent.
constexpr double kHalfDeci = 0.05 + 1e-4;
constexpr double kHalfCenti = 0.005 + 1e-5;

Bytes payload(const bms_can_frame& frame) { return Bytes(frame.data, frame.data + frame.dlc); }

bms_can_frame frame_of(uint32_t id, const Bytes& data) {
  bms_can_frame frame{};
  frame.id = id;
  frame.dlc = static_cast<uint8_t>(data.size());
  if (!data.empty()) {  // memcpy from an empty vector's null data() is undefined
    std::memcpy(frame.data, data.data(), data.size());
  }
  return frame;
}

pylon_status example_status() {
  pylon_status status{};
  status.limits = {56.8f, 100.0f, 150.0f, 44.8f};
  status.soc_soh = {63.0f, 97.0f};
  status.measurements = {51.23f, 12.3f, 24.5f};
  status.alarms.protection = PYLON_ALARM_UNDERVOLTAGE;
  status.alarms.protection_ext = PYLON_PROTECTION_EXT_INTERNAL_ERROR;
  status.alarms.warning = PYLON_ALARM_OVER_TEMPERATURE | PYLON_ALARM_DISCHARGE_OVERCURRENT;
  status.alarms.warning_ext = PYLON_WARNING_EXT_CHARGE_HIGH_CURRENT;
  status.alarms.module_count = 2;
  status.request_flags = PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE;
  std::strcpy(status.manufacturer, "PACKSIM");
  return status;
}

TEST(PylontechCan, ReferenceLimitsPayloadDecodesToThePublishedValues) {
  const bms_can_frame frame = frame_of(PYLON_ID_LIMITS, {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01});
  pylon_limits limits{};
  ASSERT_EQ(pylon_decode_limits(&frame, &limits), PYLON_OK);
  EXPECT_NEAR(limits.charge_voltage_limit_v, 53.2, 1e-5);
  EXPECT_NEAR(limits.charge_current_limit_a, 370.0, 1e-4);
  EXPECT_NEAR(limits.discharge_current_limit_a, 370.0, 1e-4);
  EXPECT_NEAR(limits.discharge_voltage_limit_v, 46.0, 1e-5);
}

TEST(PylontechCan, PublishedLimitsEncodeToTheReferencePayload) {
  const pylon_limits limits{53.2f, 370.0f, 370.0f, 46.0f};
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_limits(&limits, &frame), 0u);
  EXPECT_EQ(frame.id, PYLON_ID_LIMITS);
  EXPECT_FALSE(frame.extended);
  EXPECT_FALSE(frame.rtr);
  EXPECT_EQ(payload(frame), (Bytes{0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01}));
}

TEST(PylontechCan, LimitsRoundTripWithinHalfAnLsb) {
  const pylon_limits limits{57.64f, 123.45f, 0.04f, 41.96f};
  bms_can_frame frame{};
  pylon_encode_limits(&limits, &frame);
  pylon_limits decoded{};
  ASSERT_EQ(pylon_decode_limits(&frame, &decoded), PYLON_OK);
  EXPECT_NEAR(decoded.charge_voltage_limit_v, limits.charge_voltage_limit_v, kHalfDeci);
  EXPECT_NEAR(decoded.charge_current_limit_a, limits.charge_current_limit_a, kHalfDeci);
  EXPECT_NEAR(decoded.discharge_current_limit_a, limits.discharge_current_limit_a, kHalfDeci);
  EXPECT_NEAR(decoded.discharge_voltage_limit_v, limits.discharge_voltage_limit_v, kHalfDeci);
}

TEST(PylontechCan, SocSohRoundTripAsWholePercentLittleEndian) {
  const pylon_soc_soh soc_soh{26.4f, 99.6f};
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_soc_soh(&soc_soh, &frame), 0u);
  EXPECT_EQ(payload(frame), (Bytes{26, 0, 100, 0}));
  pylon_soc_soh decoded{};
  ASSERT_EQ(pylon_decode_soc_soh(&frame, &decoded), PYLON_OK);
  EXPECT_EQ(decoded.soc_percent, 26.0f);
  EXPECT_EQ(decoded.soh_percent, 100.0f);
}

TEST(PylontechCan, SocAndSohClampToZeroToHundredPercent) {
  const pylon_soc_soh soc_soh{104.0f, -3.0f};
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_soc_soh(&soc_soh, &frame), 2u);
  EXPECT_EQ(payload(frame), (Bytes{100, 0, 0, 0}));
}

TEST(PylontechCan, MeasurementsRoundTripWithinQuantisation) {
  const pylon_measurements measurements{53.47f, -87.6f, -12.3f};
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_measurements(&measurements, &frame), 0u);
  EXPECT_EQ(frame.dlc, PYLON_DLC_MEASUREMENTS);
  pylon_measurements decoded{};
  ASSERT_EQ(pylon_decode_measurements(&frame, &decoded), PYLON_OK);
  EXPECT_NEAR(decoded.pack_voltage_v, measurements.pack_voltage_v, kHalfCenti);
  EXPECT_NEAR(decoded.current_a, measurements.current_a, kHalfDeci);
  EXPECT_NEAR(decoded.temperature_c, measurements.temperature_c, kHalfDeci);
}

TEST(PylontechCan, PacksimDischargeCurrentIsNegativeDeciampsOnTheWire) {
  const pylon_measurements measurements{48.0f, 2.5f, 25.0f};  // +2.5 A = discharging, in packsim
  bms_can_frame frame{};
  pylon_encode_measurements(&measurements, &frame);
  const int16_t wire_da = static_cast<int16_t>(frame.data[2] | (frame.data[3] << 8));
  EXPECT_EQ(wire_da, -25);
  EXPECT_EQ(frame.data[2], 0xE7);
  EXPECT_EQ(frame.data[3], 0xFF);
  EXPECT_EQ(frame.data[0] | (frame.data[1] << 8), 4800);  // 0.01 V
  EXPECT_EQ(frame.data[4] | (frame.data[5] << 8), 250);   // 0.1 C

  pylon_measurements decoded{};
  ASSERT_EQ(pylon_decode_measurements(&frame, &decoded), PYLON_OK);
  EXPECT_NEAR(decoded.current_a, 2.5, 1e-6);  // back in packsim's convention
}

TEST(PylontechCan, OutOfRangeValuesClampAndAreCounted) {
  const pylon_measurements measurements{400.0f, -5000.0f, std::numeric_limits<float>::quiet_NaN()};
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_measurements(&measurements, &frame), 3u);
  EXPECT_EQ(payload(frame), (Bytes{0xFF, 0x7F, 0xFF, 0x7F, 0x00, 0x00}));  // 327.67 V, +3276.7 A charging, 0

  const pylon_limits limits{7000.0f, 4000.0f, -4000.0f, -1.0f};
  EXPECT_EQ(pylon_encode_limits(&limits, &frame), 4u);
  EXPECT_EQ(payload(frame), (Bytes{0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x80, 0x00, 0x00}));
}

TEST(PylontechCan, AlarmBitsLandWhereTheProtocolPutsThem) {
  pylon_alarms alarms{};
  alarms.protection = PYLON_ALARM_OVERVOLTAGE | PYLON_ALARM_DISCHARGE_OVERCURRENT;
  alarms.protection_ext = PYLON_PROTECTION_EXT_CHARGE_OVERCURRENT | PYLON_PROTECTION_EXT_INTERNAL_ERROR;
  alarms.warning = PYLON_ALARM_UNDER_TEMPERATURE;
  alarms.warning_ext = PYLON_WARNING_EXT_INTERNAL_COMMS_FAIL;
  alarms.module_count = 10;
  bms_can_frame frame{};
  pylon_encode_alarms(&alarms, &frame);
  EXPECT_EQ(frame.id, PYLON_ID_ALARMS);
  EXPECT_EQ(payload(frame), (Bytes{0x82, 0x09, 0x10, 0x08, 0x0A, 'P', 'N'}));
  pylon_alarms decoded{};
  ASSERT_EQ(pylon_decode_alarms(&frame, &decoded), PYLON_OK);
  EXPECT_EQ(std::memcmp(&decoded, &alarms, sizeof alarms), 0);
}

TEST(PylontechCan, RequestFlagsRoundTripInATwoByteFrame) {
  for (unsigned flags = 0; flags < 256; ++flags) {
    bms_can_frame frame{};
    pylon_encode_request_flags(static_cast<uint8_t>(flags), &frame);
    ASSERT_EQ(frame.dlc, 2);
    uint8_t decoded = 0;
    ASSERT_EQ(pylon_decode_request_flags(&frame, &decoded), PYLON_OK);
    ASSERT_EQ(decoded, flags);
  }
  bms_can_frame frame{};
  pylon_encode_request_flags(PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE, &frame);
  EXPECT_EQ(payload(frame), (Bytes{0xC0, 0x00}));
  pylon_encode_request_flags(PYLON_REQUEST_FORCE_CHARGE_1 | PYLON_REQUEST_FORCE_CHARGE_2 | PYLON_REQUEST_FULL_CHARGE,
                             &frame);
  EXPECT_EQ(frame.data[0], 0x38);
}

TEST(PylontechCan, ManufacturerIsSpacePaddedAndRoundTrips) {
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_manufacturer("PYLON", &frame), 0u);
  EXPECT_EQ(payload(frame), (Bytes{'P', 'Y', 'L', 'O', 'N', ' ', ' ', ' '}));
  char name[PYLON_MANUFACTURER_LEN + 1];
  ASSERT_EQ(pylon_decode_manufacturer(&frame, name), PYLON_OK);
  EXPECT_STREQ(name, "PYLON");

  const bms_can_frame nul_padded = frame_of(PYLON_ID_MANUFACTURER, {'B', 'Y', 'D', 0, 0, 0, 0, 0});
  ASSERT_EQ(pylon_decode_manufacturer(&nul_padded, name), PYLON_OK);
  EXPECT_STREQ(name, "BYD");
  const bms_can_frame inner_space = frame_of(PYLON_ID_MANUFACTURER, {'A', ' ', 'B', ' ', ' ', ' ', ' ', ' '});
  ASSERT_EQ(pylon_decode_manufacturer(&inner_space, name), PYLON_OK);
  EXPECT_STREQ(name, "A B");
}

TEST(PylontechCan, ManufacturerEncoderCutsLongNamesAndReplacesControlCharacters) {
  bms_can_frame frame{};
  EXPECT_EQ(pylon_encode_manufacturer("PACKSIM-LONG", &frame), 1u);
  EXPECT_EQ(payload(frame), (Bytes{'P', 'A', 'C', 'K', 'S', 'I', 'M', '-'}));
  EXPECT_EQ(pylon_encode_manufacturer("A\tB", &frame), 1u);
  EXPECT_EQ(payload(frame), (Bytes{'A', '?', 'B', ' ', ' ', ' ', ' ', ' '}));
  EXPECT_EQ(pylon_encode_manufacturer(nullptr, &frame), 0u);
  EXPECT_EQ(payload(frame), Bytes(8, ' '));
}

TEST(PylontechCan, ManufacturerDecoderRejectsNonPrintableText) {
  char name[PYLON_MANUFACTURER_LEN + 1];
  const bms_can_frame control = frame_of(PYLON_ID_MANUFACTURER, {'A', 0x01, 'B', ' ', ' ', ' ', ' ', ' '});
  EXPECT_EQ(pylon_decode_manufacturer(&control, name), PYLON_ERR_BAD_TEXT);
  const bms_can_frame high = frame_of(PYLON_ID_MANUFACTURER, {'A', 0xC3, 0xA9, ' ', ' ', ' ', ' ', ' '});
  EXPECT_EQ(pylon_decode_manufacturer(&high, name), PYLON_ERR_BAD_TEXT);
  const bms_can_frame text_after_nul = frame_of(PYLON_ID_MANUFACTURER, {'A', 0, 'B', 0, 0, 0, 0, 0});
  EXPECT_EQ(pylon_decode_manufacturer(&text_after_nul, name), PYLON_ERR_BAD_TEXT);
}

TEST(PylontechCan, DecodersRejectWrongIdExtendedRemoteAndShortFrames) {
  bms_can_frame frame = frame_of(PYLON_ID_LIMITS, {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01});
  pylon_limits limits{};
  bms_can_frame bad = frame;
  bad.id = PYLON_ID_SOC_SOH;
  EXPECT_EQ(pylon_decode_limits(&bad, &limits), PYLON_ERR_WRONG_ID);
  bad = frame;
  bad.extended = true;
  EXPECT_EQ(pylon_decode_limits(&bad, &limits), PYLON_ERR_WRONG_ID);
  bad = frame;
  bad.rtr = true;
  EXPECT_EQ(pylon_decode_limits(&bad, &limits), PYLON_ERR_BAD_FORMAT);
  bad = frame;
  bad.dlc = 9;
  EXPECT_EQ(pylon_decode_limits(&bad, &limits), PYLON_ERR_BAD_FORMAT);
  bad = frame;
  bad.dlc = 7;
  EXPECT_EQ(pylon_decode_limits(&bad, &limits), PYLON_ERR_SHORT_PAYLOAD);

  const bms_can_frame short_soc = frame_of(PYLON_ID_SOC_SOH, {50, 0, 100});
  pylon_soc_soh soc_soh{};
  EXPECT_EQ(pylon_decode_soc_soh(&short_soc, &soc_soh), PYLON_ERR_SHORT_PAYLOAD);
  const bms_can_frame short_measurements = frame_of(PYLON_ID_MEASUREMENTS, {0, 0, 0, 0, 0});
  pylon_measurements measurements{};
  EXPECT_EQ(pylon_decode_measurements(&short_measurements, &measurements), PYLON_ERR_SHORT_PAYLOAD);
  const bms_can_frame short_alarms = frame_of(PYLON_ID_ALARMS, {0, 0, 0, 0});
  pylon_alarms alarms{};
  EXPECT_EQ(pylon_decode_alarms(&short_alarms, &alarms), PYLON_ERR_SHORT_PAYLOAD);
  const bms_can_frame empty_flags = frame_of(PYLON_ID_REQUEST_FLAGS, {});
  uint8_t flags = 0;
  EXPECT_EQ(pylon_decode_request_flags(&empty_flags, &flags), PYLON_ERR_SHORT_PAYLOAD);
}

TEST(PylontechCan, AnyStandardFrameWithTheHeartbeatIdMeansTheInverterIsAlive) {
  bms_can_frame heartbeat = frame_of(PYLON_ID_INVERTER_HEARTBEAT, {});
  EXPECT_TRUE(pylon_is_inverter_heartbeat(&heartbeat));
  heartbeat = frame_of(PYLON_ID_INVERTER_HEARTBEAT, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_TRUE(pylon_is_inverter_heartbeat(&heartbeat));
  heartbeat.rtr = true;
  EXPECT_TRUE(pylon_is_inverter_heartbeat(&heartbeat));
  heartbeat.extended = true;  // 0x00000305 in 29-bit space is someone else
  EXPECT_FALSE(pylon_is_inverter_heartbeat(&heartbeat));
  const bms_can_frame other = frame_of(0x306, {});
  EXPECT_FALSE(pylon_is_inverter_heartbeat(&other));
}

TEST(PylontechCan, FrameSetHoldsTheSixMessagesInIdOrder) {
  const pylon_status status = example_status();
  bms_can_frame frames[PYLON_FRAME_SET_SIZE];
  EXPECT_EQ(pylon_encode_frame_set(&status, frames), 0u);
  const uint32_t ids[] = {PYLON_ID_LIMITS, PYLON_ID_SOC_SOH,       PYLON_ID_MEASUREMENTS,
                          PYLON_ID_ALARMS, PYLON_ID_REQUEST_FLAGS, PYLON_ID_MANUFACTURER};
  const uint8_t dlcs[] = {8, 4, 6, 7, 2, 8};
  for (size_t i = 0; i < PYLON_FRAME_SET_SIZE; ++i) {
    EXPECT_EQ(frames[i].id, ids[i]);
    EXPECT_EQ(frames[i].dlc, dlcs[i]);
    EXPECT_FALSE(frames[i].extended);
    EXPECT_TRUE(bms_can_frame_is_valid(&frames[i]));
  }
}

TEST(PylontechCan, ReceiverRebuildsTheStatusFromAFrameSet) {
  const pylon_status status = example_status();
  bms_can_frame frames[PYLON_FRAME_SET_SIZE];
  pylon_encode_frame_set(&status, frames);
  pylon_receiver receiver;
  pylon_receiver_init(&receiver);
  for (const bms_can_frame& frame : frames) {
    EXPECT_EQ(pylon_receiver_feed(&receiver, &frame), PYLON_OK);
  }
  EXPECT_EQ(receiver.seen, PYLON_SEEN_FULL_SET);
  EXPECT_EQ(receiver.frames_decoded, PYLON_FRAME_SET_SIZE);
  const pylon_status& got = receiver.status;
  EXPECT_NEAR(got.limits.charge_voltage_limit_v, status.limits.charge_voltage_limit_v, kHalfDeci);
  EXPECT_NEAR(got.limits.discharge_current_limit_a, status.limits.discharge_current_limit_a, kHalfDeci);
  EXPECT_EQ(got.soc_soh.soc_percent, 63.0f);
  EXPECT_EQ(got.soc_soh.soh_percent, 97.0f);
  EXPECT_NEAR(got.measurements.pack_voltage_v, status.measurements.pack_voltage_v, kHalfCenti);
  EXPECT_NEAR(got.measurements.current_a, status.measurements.current_a, kHalfDeci);
  EXPECT_NEAR(got.measurements.temperature_c, status.measurements.temperature_c, kHalfDeci);
  EXPECT_EQ(std::memcmp(&got.alarms, &status.alarms, sizeof status.alarms), 0);
  EXPECT_EQ(got.request_flags, status.request_flags);
  EXPECT_STREQ(got.manufacturer, "PACKSIM");
}

TEST(PylontechCan, ReceiverCountsHeartbeatsRejectsAndUnknownIdsAndKeepsLastGoodValues) {
  pylon_receiver receiver;
  pylon_receiver_init(&receiver);
  const bms_can_frame soc = frame_of(PYLON_ID_SOC_SOH, {42, 0, 99, 0});
  ASSERT_EQ(pylon_receiver_feed(&receiver, &soc), PYLON_OK);
  const bms_can_frame short_soc = frame_of(PYLON_ID_SOC_SOH, {7});
  EXPECT_EQ(pylon_receiver_feed(&receiver, &short_soc), PYLON_ERR_SHORT_PAYLOAD);
  EXPECT_EQ(receiver.status.soc_soh.soc_percent, 42.0f);
  const bms_can_frame heartbeat = frame_of(PYLON_ID_INVERTER_HEARTBEAT, {0, 0});
  EXPECT_EQ(pylon_receiver_feed(&receiver, &heartbeat), PYLON_OK);
  const bms_can_frame unknown = frame_of(0x35A, {0});
  EXPECT_EQ(pylon_receiver_feed(&receiver, &unknown), PYLON_ERR_WRONG_ID);
  bms_can_frame extended = soc;
  extended.extended = true;
  EXPECT_EQ(pylon_receiver_feed(&receiver, &extended), PYLON_ERR_WRONG_ID);
  EXPECT_EQ(receiver.frames_decoded, 1u);
  EXPECT_EQ(receiver.rejected, 1u);
  EXPECT_EQ(receiver.heartbeats, 1u);
  EXPECT_EQ(receiver.ignored, 2u);
  EXPECT_EQ(receiver.seen, PYLON_SEEN_SOC_SOH);
}

}  // namespace
