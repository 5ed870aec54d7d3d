// The boot configuration of the bq76952: what is written, in which mode, with
// which checksum, how it is verified, and what happens when it cannot be.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "bms_under_test/firmware/afe_cell_map.h"
#include "bms_under_test/firmware/afe_configuration.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

bool setup_finished(const FirmwareBench& bench) {
  const auto phase = bench.context().afe_setup.phase;
  return phase == AFE_CONFIGURATION_DONE || phase == AFE_CONFIGURATION_FAILED;
}

TEST(AfeEncoding, CellThresholdsAreIn50Point6MillivoltSteps) {
  EXPECT_EQ(afe_encode_cell_threshold(2300, BQ76952_CUV_THRESHOLD_MIN, BQ76952_CUV_THRESHOLD_MAX), 45);  // 2277 mV
  EXPECT_EQ(afe_encode_cell_threshold(3750, BQ76952_COV_THRESHOLD_MIN, BQ76952_COV_THRESHOLD_MAX), 74);  // 3744 mV
  EXPECT_EQ(afe_encode_cell_threshold(500, BQ76952_CUV_THRESHOLD_MIN, BQ76952_CUV_THRESHOLD_MAX), 20);   // clamped
  EXPECT_EQ(afe_encode_cell_threshold(9000, BQ76952_COV_THRESHOLD_MIN, BQ76952_COV_THRESHOLD_MAX), 110);
}

TEST(AfeEncoding, DelaysFollowTheirUnits) {
  EXPECT_EQ(afe_encode_cell_delay(1000), 303);  // 3.3 ms units
  EXPECT_EQ(afe_encode_cell_delay(0), 1);
  EXPECT_EQ(afe_encode_cell_delay(100000), 2047);
  EXPECT_EQ(afe_encode_current_delay(10), 1);  // 6.6 ms + 1 x 3.3 ms
  EXPECT_EQ(afe_encode_current_delay(100), 28);  // 6.6 + 28 x 3.3 = 99 ms
  EXPECT_EQ(afe_encode_current_delay(5000), 127);
  EXPECT_EQ(afe_encode_short_circuit_delay(0), 1);    // no delay
  EXPECT_EQ(afe_encode_short_circuit_delay(60), 5);   // (5 - 1) x 15 us
  EXPECT_EQ(afe_encode_short_circuit_delay(10000), 31);
}

TEST(AfeEncoding, CurrentThresholdsScaleWithTheSenseResistor) {
  EXPECT_EQ(afe_encode_current_threshold(20000, 1000, BQ76952_OCC_THRESHOLD_MAX), 10);    // 20 mV / 2 mV
  EXPECT_EQ(afe_encode_current_threshold(20000, 500, BQ76952_OCC_THRESHOLD_MAX), 5);      // 10 mV
  EXPECT_EQ(afe_encode_current_threshold(500000, 1000, BQ76952_OCC_THRESHOLD_MAX), 62);   // clamped
  EXPECT_EQ(afe_encode_current_threshold(50000, 1000, BQ76952_OCD1_THRESHOLD_MAX), 25);
}

TEST(AfeEncoding, ShortCircuitPicksTheHighestStepNotAboveTheRequest) {
  EXPECT_EQ(afe_encode_short_circuit_threshold(100000, 1000), 5);  // 100 mV
  EXPECT_EQ(afe_encode_short_circuit_threshold(90000, 1000), 4);   // 80 mV, never looser
  EXPECT_EQ(afe_encode_short_circuit_threshold(1000, 1000), 0);    // below the first step: 10 mV
  EXPECT_EQ(afe_encode_short_circuit_threshold(1000000, 1000), 15);  // 500 mV
}

TEST(AfeCellMap, FewerCellsKeepTheTopCellOnVc16) {
  EXPECT_EQ(afe_vcell_mode(16), 0xFFFF);
  EXPECT_EQ(afe_vcell_mode(13), 0x8FFF);
  EXPECT_EQ(afe_cell_input(13, 12), 15U);
  EXPECT_EQ(afe_cell_input(13, 11), 11U);
}

TEST(AfeConfiguration, EveryWriteIsChecksummedInConfigUpdateAndVerified) {
  FirmwareBench bench;
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return setup_finished(bench); }, 1000));
  const afe_configuration& setup = bench.context().afe_setup;
  ASSERT_EQ(setup.phase, AFE_CONFIGURATION_DONE);
  EXPECT_EQ(setup.verify_rounds_failed, 0U);
  ASSERT_GE(setup.setting_count, 30U);

  std::set<std::uint16_t> written;
  for (const auto& write : bench.afe.transfer_writes) {
    EXPECT_TRUE(write.checksum_ok) << "address 0x" << std::hex << write.address;
    EXPECT_TRUE(write.length_ok);
    if (write.address >= BQ76952_DM_FIRST_ADDRESS && write.address <= BQ76952_DM_LAST_ADDRESS) {
      EXPECT_TRUE(write.in_config_update) << "address 0x" << std::hex << write.address;
      written.insert(write.address);
    }
  }
  for (std::uint32_t i = 0; i < setup.setting_count; ++i) {
    const afe_setting& setting = setup.settings[i];
    EXPECT_EQ(written.count(setting.address), 1U) << "address 0x" << std::hex << setting.address;
    EXPECT_EQ(bench.afe.dm_value(setting.address, setting.size), setting.value)
        << "address 0x" << std::hex << setting.address;
  }
  EXPECT_EQ(written.size(), setup.setting_count);
  EXPECT_EQ(bench.afe.config_update_entries, 1);
  EXPECT_FALSE(bench.afe.config_update());
}

TEST(AfeConfiguration, TheDefaultsAsTheChipHoldsThem) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  const FakeBq76952& afe = bench.afe;
  EXPECT_EQ(afe.dm_value(BQ76952_DM_VCELL_MODE, 2), 0xFFFFU);  // 16 cells
  EXPECT_EQ(afe.dm_value(BQ76952_DM_DA_CONFIGURATION, 1), 0x05U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_ENABLED_PROTECTIONS_A, 1), 0xBCU);  // SCD OCD1 OCC COV CUV
  EXPECT_EQ(afe.dm_value(BQ76952_DM_ENABLED_PROTECTIONS_B, 1), 0x33U);  // OTD OTC UTD UTC
  EXPECT_EQ(afe.dm_value(BQ76952_DM_CUV_THRESHOLD, 1), 45U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_CUV_DELAY, 2), 303U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_COV_THRESHOLD, 1), 74U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_OCC_THRESHOLD, 1), 10U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_OCD1_THRESHOLD, 1), 25U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_SCD_THRESHOLD, 1), 5U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_SCD_DELAY, 1), 5U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_OTC_THRESHOLD, 1), 55U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_OTC_RECOVERY, 1), 50U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_UTC_THRESHOLD, 1), 0xFBU);  // -5 C as I1
  EXPECT_EQ(afe.dm_value(BQ76952_DM_UTD_THRESHOLD, 1), 0xE7U);  // -25 C
  EXPECT_EQ(afe.dm_value(BQ76952_DM_FET_OPTIONS, 1), 0x0FU);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_CELL_BALANCE_MAX_CELLS, 1), 4U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_TS1_CONFIG, 1), 0x07U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_TS2_CONFIG, 1), 0x00U);
  EXPECT_EQ(afe.dm_value(BQ76952_DM_TS3_CONFIG, 1), 0x07U);
}

TEST(AfeConfiguration, SequenceKeepsTheFetsOffUntilTheChipIsConfigured) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  const auto& commands = bench.afe.command_only_subcommands;
  auto position = [&](std::uint16_t code) {
    return std::find(commands.begin(), commands.end(), code) - commands.begin();
  };
  ASSERT_FALSE(commands.empty());
  EXPECT_EQ(commands.front(), BQ76952_SUBCMD_ALL_FETS_OFF);
  EXPECT_LT(position(BQ76952_SUBCMD_SET_CFGUPDATE), position(BQ76952_SUBCMD_EXIT_CFGUPDATE));
  EXPECT_LT(position(BQ76952_SUBCMD_EXIT_CFGUPDATE), position(BQ76952_SUBCMD_FET_ENABLE));
  EXPECT_LT(position(BQ76952_SUBCMD_FET_ENABLE), position(BQ76952_SUBCMD_SLEEP_DISABLE));
  EXPECT_LT(position(BQ76952_SUBCMD_SLEEP_DISABLE), position(BQ76952_SUBCMD_ALL_FETS_ON));
  EXPECT_EQ(std::count(commands.begin(), commands.end(), BQ76952_SUBCMD_FET_ENABLE), 1);
  EXPECT_TRUE(bench.afe.fet_enabled());
  EXPECT_TRUE(bench.afe.charge_fet_on());
  EXPECT_TRUE(bench.afe.discharge_fet_on());
}

TEST(AfeConfiguration, MeasurementsAreTrustedOnlyAfterAFullScanWithTheNewSettings) {
  FirmwareBench bench;
  bench.afe.scan_after_status_reads = 5;  // the chip needs a few ticks for its first scan
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.context().afe_setup.phase == AFE_CONFIGURATION_WAIT_FOR_SCAN; },
                              1000));
  EXPECT_NE(bench.afe.alarm_enable() & BQ76952_ALARM_FULLSCAN, 0);
  bench.run_ms(30);
  EXPECT_EQ(bench.context().afe_setup.phase, AFE_CONFIGURATION_WAIT_FOR_SCAN);
  EXPECT_FALSE(bench.context().measured_once);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 1000));
  EXPECT_EQ(bench.context().afe_setup.scan_polls, 4U);
}

TEST(AfeConfiguration, AChipThatNeverScansFailsTheBoot) {
  FirmwareBench bench;
  bench.afe.scans_stalled = true;
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 3000));
  EXPECT_EQ(bench.context().afe_setup.failure, AFE_CONFIGURATION_FAILURE_NO_SCAN);
  EXPECT_FALSE(bench.afe.discharge_fet_on());
}

TEST(AfeConfiguration, FetEnableIsNotToggledWhenAlreadyOn) {
  FirmwareBench bench;
  bench.afe.set_manufacturing_status(0x0010);  // FET_EN already 1
  ASSERT_TRUE(bench.boot());
  const auto& commands = bench.afe.command_only_subcommands;
  EXPECT_EQ(std::count(commands.begin(), commands.end(), BQ76952_SUBCMD_FET_ENABLE), 0);
  EXPECT_TRUE(bench.afe.fet_enabled());
}

TEST(AfeConfiguration, AReadBackMismatchRewritesThenSucceeds) {
  FirmwareBench bench;
  bench.afe.corrupt_dm_addresses.insert(BQ76952_DM_COV_THRESHOLD);
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.context().afe_setup.verify_rounds_failed == 1; }, 1000));
  EXPECT_EQ(bench.context().afe_setup.last_mismatch_address, BQ76952_DM_COV_THRESHOLD);
  bench.afe.corrupt_dm_addresses.clear();  // a glitch that went away
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 2000));
  EXPECT_EQ(bench.afe.dm_value(BQ76952_DM_COV_THRESHOLD, 1), 74U);
}

TEST(AfeConfiguration, APersistentMismatchLatchesAConfigurationFault) {
  FirmwareBench bench;
  bench.afe.corrupt_dm_addresses.insert(BQ76952_DM_COV_THRESHOLD);
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 3000));
  EXPECT_EQ(bench.context().afe_setup.failure, AFE_CONFIGURATION_FAILURE_VERIFY);
  EXPECT_EQ(bench.context().afe_setup.verify_rounds_failed, bms_config_default()->afe_configuration_attempts);
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_AFE_CONFIGURATION));
  const auto writes = std::count_if(bench.afe.transfer_writes.begin(), bench.afe.transfer_writes.end(),
                                    [](const auto& w) { return w.address == BQ76952_DM_COV_THRESHOLD; });
  EXPECT_EQ(writes, 3);
  bench.run_ms(500);
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
}

TEST(AfeConfiguration, AnAbsentChipFailsTheBootWithACommunicationFault) {
  FirmwareBench bench;
  bench.afe.absent = true;
  ASSERT_EQ(bench.init(), 0);
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_FAULT_LATCHED; }, 1000));
  EXPECT_EQ(bench.context().afe_setup.failure, AFE_CONFIGURATION_FAILURE_COMMUNICATION);
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_AFE_CONFIGURATION));
}

TEST(AfeConfiguration, TransientNacksAreRetriedOnLaterTicks) {
  FirmwareBench bench;
  bench.afe.nack_next_transactions = 3;  // fewer than the failure limit
  ASSERT_TRUE(bench.boot());
  EXPECT_EQ(bench.context().latched_flags, 0U);
}

TEST(AfeConfiguration, SubcommandLatencyIsPolledThrough) {
  FirmwareBench bench;
  bench.afe.busy_polls_per_subcommand = 3;
  ASSERT_TRUE(bench.boot());
}

TEST(AfeConfiguration, TheTrafficIsSpreadOverTicks) {
  FirmwareBench bench;
  ASSERT_EQ(bench.init(), 0);
  bench.tick();
  // One tick: FETs off, CONFIG_UPDATE, and at most one share of the settings.
  EXPECT_LE(bench.afe.transfer_writes.size(), AFE_CONFIGURATION_SETTINGS_PER_TICK);
  EXPECT_NE(bench.context().afe_setup.phase, AFE_CONFIGURATION_DONE);
}

}  // namespace
}  // namespace packsim::firmware_test
