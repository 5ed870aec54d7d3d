// The rig itself with the reference firmware: the same inputs give the same
// trace, a re-flash keeps the pack, millis() may wrap, the EEPROM image and
// the chip's faults reach the firmware, the bus log is a candump log.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bms_state_machine.h"
#include "bms_under_test/firmware/fault_log.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"

namespace packsim::hil {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::TimeNs;

constexpr double kOneC{2.3};

RigOptions at_soc(double soc) {
  RigOptions options;
  options.initial_soc = soc;
  return options;
}

bool both_fets_on(const HilRig& rig) { return rig.charge_fet_on() && rig.discharge_fet_on(); }

// Everything observable about a run, compared field by field.
struct Trace {
  std::vector<std::string> can;  // candump lines (time, id, data)
  std::vector<std::string> fet_edges;
  std::vector<std::string> log;
  std::vector<std::uint8_t> service_bytes;
  std::vector<double> final_soc;
  double final_charge_out_as{0.0};
};

Trace run_scenario(std::uint64_t afe_seed) {
  RigOptions options{at_soc(0.5)};
  options.afe_seed = afe_seed;
  HilRig rig{options, reference_firmware()};
  rig.run_for(kNsPerS);
  rig.set_load(models::ConstantCurrent{kOneC});
  rig.run_for(5 * kNsPerS);
  rig.set_load(models::ResistiveLoad{0.05});
  rig.run_for(kNsPerS);
  rig.set_load(models::OpenCircuit{});
  rig.run_for(6 * kNsPerS);
  Trace trace;
  const ServiceReply<jbd_response> reset{rig.service().reset_faults()};
  const ServiceReply<jbd_cell_voltages> cells{rig.service().read_cell_voltages()};
  trace.service_bytes.push_back(static_cast<std::uint8_t>(reset.error));
  for (std::size_t k = 0; k < cells.value.cell_count; ++k) {
    trace.service_bytes.push_back(static_cast<std::uint8_t>(cells.value.cell_mv[k] & 0xFF));
  }
  rig.set_load(models::CcCvCharger{kOneC, 16 * 3.6});
  rig.run_for(3 * kNsPerS);
  for (const CanRecord& r : rig.can_bus().records()) {
    trace.can.push_back(CanBus::candump_line(r, "can0"));
  }
  for (const FetEdge& e : rig.monitor().fet_edges()) {
    trace.fet_edges.push_back(std::to_string(e.time_ns) + (e.charge_on ? " C" : " c") + (e.discharge_on ? "D" : "d"));
  }
  for (const HostLogLine& line : rig.host().log_lines()) {
    trace.log.push_back(std::to_string(line.time_ns) + " " + line.text);
  }
  const Eigen::ArrayXd& soc{rig.pack_state().soc};
  trace.final_soc.assign(soc.data(), soc.data() + soc.size());
  trace.final_charge_out_as = rig.plant().state().charge_out_as;
  return trace;
}

TEST(HilRig, SameInputsGiveTheSameTrace) {
  const Trace first{run_scenario(42)};
  const Trace second{run_scenario(42)};
  ASSERT_GT(first.can.size(), 50U);
  ASSERT_GE(first.fet_edges.size(), 4U) << "boot, the short, the reset";
  EXPECT_EQ(first.can, second.can);
  EXPECT_EQ(first.fet_edges, second.fet_edges);
  EXPECT_EQ(first.log, second.log);
  EXPECT_EQ(first.service_bytes, second.service_bytes);
  EXPECT_EQ(first.final_soc, second.final_soc);  // bit for bit
  EXPECT_EQ(first.final_charge_out_as, second.final_charge_out_as);
  // The comparison has teeth: another chip (seed) reads the cells differently.
  const Trace other_chip{run_scenario(43)};
  EXPECT_NE(first.can, other_chip.can);
}

TEST(HilRig, ASecondRigWithTheSameFirmwareIsRefused) {
  const HilRig rig{at_soc(0.5), reference_firmware()};
  EXPECT_THROW(HilRig(at_soc(0.5), reference_firmware()), std::logic_error);
}

TEST(HilRig, RestartRebootsTheFirmwareWhileThePackKeepsItsState) {
  HilRig rig{at_soc(0.5), reference_firmware()};
  ASSERT_TRUE(rig.run_until([&] { return both_fets_on(rig); }, kNsPerS));
  rig.set_load(models::ConstantCurrent{kOneC});
  rig.run_for(5 * kNsPerS);
  const double charge_before_as{rig.plant().state().charge_out_as};
  const Eigen::ArrayXd soc_before{rig.pack_state().soc};
  const TimeNs restarted{rig.now_ns()};
  rig.restart_firmware();
  EXPECT_EQ(rig.firmware().boots(), 2U);
  // The new boot configures the chip with the FETs off, then closes them again.
  ASSERT_TRUE(rig.run_until([&] { return !both_fets_on(rig); }, 100 * kNsPerMs));
  const std::optional<TimeNs> closed{rig.run_until([&] { return both_fets_on(rig); }, kNsPerS)};
  ASSERT_TRUE(closed);
  std::cout << "re-flash: FETs open for " << sim::to_seconds(*closed - restarted) << " s\n";
  EXPECT_LT(*closed - restarted, 500 * kNsPerMs);
  // The pack went on: its charge books continue, and no cell jumped.
  EXPECT_GT(rig.plant().state().charge_out_as, charge_before_as);
  EXPECT_LT((rig.pack_state().soc - soc_before).abs().maxCoeff(), 1e-3);
  const ServiceReply<std::vector<FaultLogEntry>> log{rig.service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  ASSERT_FALSE(log.value.empty());
  EXPECT_EQ(log.value[0].code, FAULT_LOG_CODE_BOOT);
  EXPECT_LT(log.value[0].time_ms, 10U) << "millis() counts from the new boot";
}

TEST(HilRig, MillisWrapDoesNotDisturbTheFirmware) {
  RigOptions options{at_soc(0.5)};
  options.host.millis_offset_ms = 0xFFFFFFFFU - 4'000U;  // wraps 4 s after boot
  HilRig rig{options, reference_firmware()};
  ASSERT_TRUE(rig.run_until([&] { return both_fets_on(rig); }, kNsPerS));
  const std::size_t edges{rig.monitor().fet_edges().size()};
  rig.run_for(25 * kNsPerS);  // past the wrap, and past the heartbeat timeout had it misfired
  EXPECT_EQ(rig.monitor().fet_edges().size(), edges) << rig.report();
  const ServiceReply<FirmwareStatus> status{rig.service().read_status()};
  ASSERT_TRUE(status.ok()) << status.detail;
  EXPECT_EQ(status.value.state, BMS_STATE_NORMAL);
  EXPECT_EQ(status.value.active_flags, 0U);
  EXPECT_EQ(status.value.comm_loss_factor_permille, 1000U);
}

TEST(HilRig, CorruptEepromImageFallsBackToTheDefaults) {
  RigOptions options{at_soc(0.5)};
  bms_config config{reference_default_config()};
  config.cell_undervoltage_mv = 3300;  // would lock the pack out if it were taken
  config.cell_undervoltage_hysteresis_mv = 100;
  options.config_image = config_eeprom_image(config);
  options.config_image[20] ^= 0x01;  // one bit flipped in the payload
  HilRig rig{options, reference_firmware()};
  ASSERT_TRUE(rig.run_until([&] { return both_fets_on(rig); }, kNsPerS)) << rig.report();
  const ServiceReply<std::vector<FaultLogEntry>> log{rig.service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  ASSERT_FALSE(log.value.empty());
  EXPECT_EQ(log.value[0].code, FAULT_LOG_CODE_BOOT);
  EXPECT_EQ(log.value[0].value, BMS_CONFIG_IMAGE_BAD_CRC);
  EXPECT_GT(rig.eeprom().bytes_read(), sizeof(bms_config)) << "the firmware read the image through the HAL";
}

TEST(HilRig, MissingEepromIsANackAndTheDefaultsApply) {
  RigOptions options{at_soc(0.5)};
  options.config_eeprom_fitted = false;
  HilRig rig{options, reference_firmware()};
  ASSERT_TRUE(rig.run_until([&] { return both_fets_on(rig); }, kNsPerS)) << rig.report();
  EXPECT_GE(rig.host().i2c_nacks(), 1U);
  const ServiceReply<std::vector<FaultLogEntry>> log{rig.service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  ASSERT_FALSE(log.value.empty());
  EXPECT_EQ(log.value[0].value, BMS_CONFIG_IMAGE_ABSENT);
}

TEST(HilRig, AfeBrownOutMakesTheFirmwareReconfigureTheChip) {
  HilRig rig{at_soc(0.5), reference_firmware()};
  ASSERT_TRUE(rig.run_until([&] { return both_fets_on(rig); }, kNsPerS));
  rig.run_for(kNsPerS);
  rig.inject(afe::BrownOut{20 * kNsPerMs});
  EXPECT_FALSE(rig.charge_fet_on() || rig.discharge_fet_on()) << "an unpowered chip drives no FET";
  const std::optional<TimeNs> back{rig.run_until([&] { return both_fets_on(rig); }, 2 * kNsPerS)};
  ASSERT_TRUE(back) << rig.report();
  const ServiceReply<std::vector<FaultLogEntry>> log{rig.service().read_fault_log()};
  ASSERT_TRUE(log.ok()) << log.detail;
  bool reset_seen{false};
  for (const FaultLogEntry& e : log.value) {
    reset_seen = reset_seen || e.code == FAULT_LOG_CODE_AFE_RESET_DETECTED;
  }
  EXPECT_TRUE(reset_seen) << rig.report();
  const ServiceReply<FirmwareStatus> status{rig.service().read_status()};
  ASSERT_TRUE(status.ok()) << status.detail;
  EXPECT_EQ(status.value.state, BMS_STATE_NORMAL);
}

TEST(HilRig, CanLogHoldsTheBmsSetOnceASecondAndTheHeartbeats) {
  HilRig rig{at_soc(0.5), reference_firmware()};
  rig.run_for(10 * kNsPerS + 100 * kNsPerMs);
  const CanBus& bus{rig.can_bus()};
  for (const std::uint32_t id : {PYLON_ID_LIMITS, PYLON_ID_SOC_SOH, PYLON_ID_MEASUREMENTS, PYLON_ID_ALARMS,
                                 PYLON_ID_REQUEST_FLAGS, PYLON_ID_MANUFACTURER}) {
    const std::vector<CanRecord> frames{bus.records_with_id(id)};
    EXPECT_GE(frames.size(), 9U) << std::hex << id;
    EXPECT_LE(frames.size(), 11U) << std::hex << id;
    for (std::size_t i = 1; i < frames.size(); ++i) {
      EXPECT_EQ(frames[i].time_ns - frames[i - 1].time_ns, kNsPerS) << std::hex << id;
      EXPECT_EQ(bus.node_name(frames[i].sender), "bms");
    }
  }
  EXPECT_EQ(bus.records_with_id(PYLON_ID_INVERTER_HEARTBEAT).size(), 10U);
  std::ostringstream candump;
  bus.write_candump(candump);
  const std::string text{candump.str()};
  EXPECT_NE(text.find(") can0 305#0000000000000000\n"), std::string::npos);
  EXPECT_NE(text.find(") can0 35E#5041434B53494D20\n"), std::string::npos);  // "PACKSIM "
}

}  // namespace
}  // namespace packsim::hil
