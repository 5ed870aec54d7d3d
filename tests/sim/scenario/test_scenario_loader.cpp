// Scenario files end to end: every step kind into its struct, the pack,
// environment and firmware sections, each error at its file:line:col, the
// example library, and a seeded mutation test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "common/seeded_rng.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

namespace fs = std::filesystem;

const std::string kEveryStep{kDataDir + "/good/every_step.yaml"};

std::string bad(const std::string& name) { return kDataDir + "/bad/" + name + ".yaml"; }

template <class T>
const T& step_as(const Scenario& scenario, std::size_t index) {
  return std::get<T>(scenario.steps.at(index).action);
}

class EveryStepFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { scenario_ = new Scenario{load_scenario(kEveryStep)}; }
  static void TearDownTestSuite() {
    delete scenario_;
    scenario_ = nullptr;
  }
  static const Scenario& scenario() { return *scenario_; }

 private:
  static inline Scenario* scenario_{nullptr};
};

TEST_F(EveryStepFile, HeaderFields) {
  EXPECT_EQ(scenario().name, "every step");
  EXPECT_EQ(scenario().description, "One of each step kind and expectation form");
  EXPECT_EQ(scenario().seed, 12345U);
  EXPECT_EQ(scenario().file, kEveryStep);
}

TEST_F(EveryStepFile, PackFileWithOverridesAndTheScenarioSeed) {
  const PackSpec& pack{scenario().pack};
  EXPECT_EQ(pack.file, fs::path{kPackFile}.lexically_normal().string());
  EXPECT_EQ(pack.config.series, 16);
  EXPECT_DOUBLE_EQ(pack.config.initial_soc, 0.2);
  EXPECT_DOUBLE_EQ(pack.config.initial_temp_c, -10.0);
  EXPECT_DOUBLE_EQ(pack.config.variation.capacity_rel_sigma, 0.02);  // overridden
  EXPECT_DOUBLE_EQ(pack.config.variation.initial_soc_sigma, 0.01);   // overridden
  EXPECT_DOUBLE_EQ(pack.config.variation.r0_rel_sigma, 0.03);        // the pack file's
  ASSERT_EQ(pack.config.pre_aging.size(), 2U);
  EXPECT_DOUBLE_EQ(std::get<models::StorageProfile>(pack.config.pre_aging[0]).days, 365.0);
  const auto& cycles = std::get<models::CycleProfile>(pack.config.pre_aging[1]);
  EXPECT_DOUBLE_EQ(cycles.cycles, 800.0);
  EXPECT_DOUBLE_EQ(cycles.charge_c_rate, 0.5);
  EXPECT_DOUBLE_EQ(cycles.soc_max, 0.9);
  EXPECT_EQ(pack.config.seed, seed_for(12345, SeedStream::kPackVariation));
  EXPECT_DOUBLE_EQ(pack.nominal_capacity_ah, pack.config.cell.capacity_ah);
}

TEST_F(EveryStepFile, AmbientProfileInterpolatesLinearly) {
  const Environment& environment{scenario().environment};
  ASSERT_EQ(environment.ambient.size(), 2U);
  EXPECT_EQ(environment.ambient[1].at_ns, 2 * 3600 * sim::kNsPerS);
  EXPECT_DOUBLE_EQ(ambient_at(environment, 0), 25.0);
  EXPECT_DOUBLE_EQ(ambient_at(environment, 3600 * sim::kNsPerS), 32.5);
  EXPECT_DOUBLE_EQ(ambient_at(environment, 10 * 3600 * sim::kNsPerS), 40.0);
}

TEST_F(EveryStepFile, FirmwareConfigOverridesInTheFieldsUnits) {
  const FirmwareSpec& firmware{scenario().firmware};
  EXPECT_TRUE(firmware.image.is_reference());
  ASSERT_EQ(firmware.config.size(), 10U);
  EXPECT_EQ(firmware.config[0].name, "cell_undervoltage");
  EXPECT_EQ(firmware.config[0].value, 2500);
  EXPECT_EQ(firmware.config[2].value, 0);     // charge_min_temperature: 0 C
  EXPECT_EQ(firmware.config[6].value, 0x5);   // thermistor_pin_mask
  EXPECT_EQ(firmware.config[8].text, "ACME");
}

TEST_F(EveryStepFile, DischargeStepsWithEachDrive) {
  const auto& by_current = step_as<Discharge>(scenario(), 0);
  EXPECT_EQ(by_current.drive.kind, DriveKind::kCurrent);
  EXPECT_DOUBLE_EQ(by_current.drive.value, 2.3);
  ASSERT_TRUE(by_current.until.has_value());
  EXPECT_EQ(by_current.until->any_of.size(), 2U);
  EXPECT_EQ(std::get<Elapsed>(by_current.until->any_of[1].all_of[0].predicate).duration_ns, 2 * 3600 * sim::kNsPerS);
  EXPECT_FALSE(by_current.duration_ns.has_value());
  const auto& by_rate = step_as<Discharge>(scenario(), 1);
  EXPECT_EQ(by_rate.drive.kind, DriveKind::kCRate);
  EXPECT_DOUBLE_EQ(by_rate.drive.value, 0.5);
  EXPECT_EQ(by_rate.duration_ns, 30 * 60 * sim::kNsPerS);
  EXPECT_EQ(step_as<Discharge>(scenario(), 2).drive.kind, DriveKind::kPower);
  EXPECT_EQ(step_as<Discharge>(scenario(), 3).drive.kind, DriveKind::kResistance);
  EXPECT_DOUBLE_EQ(step_as<Discharge>(scenario(), 3).drive.value, 10.0);
}

TEST_F(EveryStepFile, ChargeStepsCcCvAndCRate) {
  const Step& labelled{scenario().steps.at(4)};
  EXPECT_EQ(labelled.label, "cc-cv");
  EXPECT_EQ(labelled.kind, "charge");
  const auto& cc_cv = std::get<Charge>(labelled.action);
  EXPECT_DOUBLE_EQ(cc_cv.drive.value, 1.0);
  EXPECT_DOUBLE_EQ(*cc_cv.voltage_limit_cell_v, 3.6);
  EXPECT_EQ(cc_cv.duration_ns, 3 * 3600 * sim::kNsPerS);
  EXPECT_DOUBLE_EQ(std::get<Comparison>(cc_cv.until->any_of[0].all_of[0].predicate).value, 2.3 / 20.0);
  const auto& by_rate = step_as<Charge>(scenario(), 5);
  EXPECT_EQ(by_rate.drive.kind, DriveKind::kCRate);
  EXPECT_DOUBLE_EQ(by_rate.drive.value, 1.0);  // "1 C": a C-rate where a C-rate is expected
}

TEST_F(EveryStepFile, RestWaitAndSetAmbient) {
  EXPECT_EQ(step_as<Rest>(scenario(), 6).duration_ns, 6 * 3600 * sim::kNsPerS);
  EXPECT_EQ(step_as<Rest>(scenario(), 7).duration_ns, 3600 * sim::kNsPerS);
  EXPECT_TRUE(step_as<Rest>(scenario(), 8).until.has_value());
  EXPECT_EQ(step_as<Wait>(scenario(), 9).duration_ns, 10 * sim::kNsPerS);
  const auto& wait = step_as<Wait>(scenario(), 10);
  EXPECT_EQ(wait.until->any_of.size(), 2U);
  EXPECT_EQ(std::get<StateIs>(wait.until->any_of[1].all_of[0].predicate).signal.id, SignalId::kChgFet);
  EXPECT_DOUBLE_EQ(step_as<SetAmbient>(scenario(), 11).ambient_c, 40.0);
}

TEST_F(EveryStepFile, ConnectEachDeviceAndDisconnect) {
  const auto& charger = std::get<Charger>(step_as<Connect>(scenario(), 12).device);
  EXPECT_DOUBLE_EQ(charger.current_a, 10.0);
  EXPECT_DOUBLE_EQ(charger.voltage_v, 58.0);
  EXPECT_EQ(step_as<Disconnect>(scenario(), 13).device, DeviceKind::kCharger);
  const auto& supply = std::get<LabSupply>(step_as<Connect>(scenario(), 14).device);
  EXPECT_DOUBLE_EQ(supply.current_limit_a, 1.0);
  EXPECT_DOUBLE_EQ(supply.resistance_ohm, 0.05);
  const auto& load = std::get<Load>(step_as<Connect>(scenario(), 16).device);
  EXPECT_EQ(load.kind, LoadKind::kResistance);
  EXPECT_DOUBLE_EQ(load.value, 0.05);
  const auto& surge = std::get<InverterSurge>(step_as<Connect>(scenario(), 18).device);
  EXPECT_DOUBLE_EQ(surge.peak_a, 200.0);
  EXPECT_EQ(surge.duration_ns, 20 * sim::kNsPerMs);
  EXPECT_DOUBLE_EQ(surge.then_a, 10.0);
  EXPECT_FALSE(step_as<Disconnect>(scenario(), 19).device.has_value());  // all
}

TEST_F(EveryStepFile, InjectEachPlantAndAfeFault) {
  const auto& short_circuit = std::get<models::InternalShort>(step_as<Inject>(scenario(), 20).fault);
  EXPECT_EQ(short_circuit.cell, 2);
  EXPECT_DOUBLE_EQ(short_circuit.resistance_ohm, 1e-3);
  const auto& open_tab = step_as<Inject>(scenario(), 21);
  EXPECT_EQ(std::get<models::OpenTab>(open_tab.fault).cell, 4);
  EXPECT_EQ(open_tab.at_ns, 30 * 60 * sim::kNsPerS);
  const auto& weak = std::get<models::WeakCell>(step_as<Inject>(scenario(), 22).fault);
  EXPECT_DOUBLE_EQ(weak.capacity_factor, 0.8);
  EXPECT_DOUBLE_EQ(weak.self_discharge_factor, 3.0);
  EXPECT_EQ(std::get<OpenWire>(step_as<Inject>(scenario(), 23).fault).tap, 4);
  EXPECT_EQ(std::get<StuckAdc>(step_as<Inject>(scenario(), 24).fault).source, AdcSource::kCurrent);
  EXPECT_EQ(std::get<NtcOpen>(step_as<Inject>(scenario(), 25).fault).ts, 1);
  EXPECT_EQ(std::get<NtcShort>(step_as<Inject>(scenario(), 26).fault).ts, 3);
  EXPECT_DOUBLE_EQ(std::get<I2cErrors>(step_as<Inject>(scenario(), 27).fault).nack_probability, 0.01);
  EXPECT_EQ(std::get<Brownout>(step_as<Inject>(scenario(), 28).fault).duration_ns, 5 * sim::kNsPerMs);
}

TEST_F(EveryStepFile, ClearByCellOrByKind) {
  const auto& one_cell = step_as<Clear>(scenario(), 29);
  EXPECT_EQ(one_cell.kind, FaultKind::kInternalShort);
  EXPECT_EQ(one_cell.cell_indices, std::vector<int>{2});
  const auto& by_kind = step_as<Clear>(scenario(), 30);
  EXPECT_EQ(by_kind.kind, FaultKind::kOpenTab);
  EXPECT_EQ(by_kind.cell_indices, std::vector<int>{4});  // every open tab injected before
  EXPECT_EQ(step_as<Clear>(scenario(), 31).kind, FaultKind::kOpenWire);
}

TEST_F(EveryStepFile, BusDropRestoreAndSend) {
  EXPECT_TRUE(std::holds_alternative<BusDrop>(step_as<Bus>(scenario(), 32).action));
  EXPECT_TRUE(std::holds_alternative<BusRestore>(step_as<Bus>(scenario(), 33).action));
  const auto& send = std::get<BusSend>(step_as<Bus>(scenario(), 34).action);
  EXPECT_EQ(send.frame.id, 0x305U);
  EXPECT_FALSE(send.frame.extended);
  EXPECT_EQ(send.frame.data, (std::vector<std::uint8_t>{0x00, 0x01, 0xFF}));
}

TEST_F(EveryStepFile, ServiceRequestsAndExpectedRefusal) {
  const auto& read = step_as<Service>(scenario(), 35);
  EXPECT_EQ(std::get<ServiceReadRequest>(read.action).what, ServiceRead::kFaultLog);
  EXPECT_FALSE(read.expect_refused);
  const auto& reset = step_as<Service>(scenario(), 36);
  EXPECT_TRUE(std::holds_alternative<ServiceReset>(reset.action));
  EXPECT_TRUE(reset.expect_refused);
  const auto& fets = std::get<ServiceFetControl>(step_as<Service>(scenario(), 37).action);
  EXPECT_TRUE(fets.charge_off);
  EXPECT_FALSE(fets.discharge_off);
}

TEST_F(EveryStepFile, ReflashWithAFirmwareOrTheSame) {
  const auto& reference = step_as<Reflash>(scenario(), 38);
  ASSERT_TRUE(reference.firmware.has_value());
  EXPECT_TRUE(reference.firmware->is_reference());
  EXPECT_FALSE(step_as<Reflash>(scenario(), 39).firmware.has_value());
  EXPECT_EQ(scenario().steps.size(), 40U);
}

TEST_F(EveryStepFile, StepsKeepWhereTheyWereWritten) {
  EXPECT_EQ(scenario().steps[0].where.line, 36);
  EXPECT_EQ(scenario().steps[0].where.column, 5);
}

TEST_F(EveryStepFile, EveryExpectationForm) {
  const std::vector<Expectation>& e{scenario().expectations};
  ASSERT_EQ(e.size(), 9U);
  EXPECT_EQ(e[0].name, "dsg opens at cutoff");
  EXPECT_EQ(e[0].kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(e[1].kind, ExpectationKind::kNever);
  EXPECT_EQ(e[1].text, "never: max_cell_v > 3.65 V");
  EXPECT_EQ(e[2].kind, ExpectationKind::kAlways);
  EXPECT_TRUE(e[2].while_condition.has_value());
  EXPECT_EQ(e[3].kind, ExpectationKind::kEventually);
  EXPECT_EQ(e[4].kind, ExpectationKind::kAtEnd);
  EXPECT_EQ(e[5].kind, ExpectationKind::kAfter);
  EXPECT_EQ(e[5].time_ns, 6 * 3600 * sim::kNsPerS);
  EXPECT_EQ(e[6].kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(e[7].kind, ExpectationKind::kEventually);
  EXPECT_EQ(e[7].time_ns, 2 * 3600 * sim::kNsPerS);
  EXPECT_EQ(e[8].kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(std::get<EventHappens>(e[8].trigger->any_of[0].all_of[0].predicate).event.index, 4);  // cc-cv
  EXPECT_EQ(e[8].condition.any_of[0].all_of.size(), 2U);
}

// ---- Each error at its file:line:col ----

TEST(ScenarioErrors, UnknownKeyAtTheKey) {
  EXPECT_EQ(error_of([] { load_scenario(bad("unknown_key")); }),
            bad("unknown_key") + ":9:1: unknown key 'expectations' in a scenario; expected name, description, seed, "
                                 "pack, environment, firmware, board, steps or expect");
}

TEST(ScenarioErrors, MissingKeyAtItsMapping) {
  EXPECT_EQ(error_of([] { load_scenario(bad("missing_key")); }),
            bad("missing_key") + ":7:24: missing required field 'voltage'");
}

TEST(ScenarioErrors, WrongUnitQuantityAtTheUnit) {
  EXPECT_EQ(error_of([] { load_scenario(bad("wrong_unit_quantity")); }),
            bad("wrong_unit_quantity") + ":7:30: 'current': expected a current (A, mA), got a voltage '2.3 V'");
}

TEST(ScenarioErrors, BadNumberAtTheNumber) {
  EXPECT_EQ(error_of([] { load_scenario(bad("bad_number")); }),
            bad("bad_number") + ":7:17: 'for': '1.2.3' is not a number (digits with one decimal point)");
}

TEST(ScenarioErrors, UnknownSignalAtTheSignalInsideTheCondition) {
  EXPECT_EQ(error_of([] { load_scenario(bad("unknown_signal")); }),
            bad("unknown_signal") + ":7:36: unknown signal 'min_cell_volt'; did you mean 'min_cell_v'?");
}

TEST(ScenarioErrors, UnknownFirmwareConfigFieldAtTheKey) {
  EXPECT_EQ(error_of([] { load_scenario(bad("unknown_config_field")); }),
            bad("unknown_config_field") +
                ":9:5: unknown firmware configuration field 'cell_under_voltage_delay'; did you mean "
                "'cell_undervoltage_delay'? (the fields of bms_config.h without their unit suffix)");
}

TEST(ScenarioErrors, ConditionComparingWithTheWrongUnitAtTheUnit) {
  EXPECT_EQ(error_of([] { load_scenario(bad("condition_wrong_unit")); }),
            bad("condition_wrong_unit") +
                ":10:28: 'max_cell_v': expected a voltage (V, mV), got '50 C' (a temperature or a C-rate)");
}

TEST(ScenarioErrors, FaultOnACellBeyondThePackAtTheCellNumber) {
  EXPECT_EQ(error_of([] { load_scenario(bad("fault_cell_beyond_pack")); }),
            bad("fault_cell_beyond_pack") + ":7:37: 'cell': the pack has 16 cells (1..16), not 17");
}

TEST(ScenarioErrors, EmptyStepsListAtTheList) {
  EXPECT_EQ(error_of([] { load_scenario(bad("empty_steps")); }),
            bad("empty_steps") + ":6:8: 'steps': expected at least one step");
}

TEST(ScenarioErrors, YamlSyntaxErrorAtTheParsersPosition) {
  EXPECT_EQ(error_of([] { load_scenario(bad("yaml_syntax")); }),
            bad("yaml_syntax") + ":8:9: end of map flow not found");
}

TEST(ScenarioErrors, PackFileErrorKeepsThePackFilesPosition) {
  const std::string pack{fs::path{kDataDir + "/bad/../../experiment/pack_bad_series.yaml"}.lexically_normal().string()};
  EXPECT_EQ(error_of([] { load_scenario(bad("pack_file_error")); }),
            pack + ":4:20: 'series': 0 is out of range; must be 1..1000");
}

TEST(ScenarioErrors, MissingFileSaysSo) {
  EXPECT_EQ(error_of([] { load_scenario(kDataDir + "/no_such_file.yaml"); }),
            kDataDir + "/no_such_file.yaml: cannot open file");
}

// Errors that need a variation of a valid file: written to a temporary directory.
class ScenarioVariants : public ::testing::Test {
 protected:
  static std::string base() {
    return "name: t\ndescription: d\nseed: 1\npack:\n  file: " + kPackFile +
           "\nsteps:\n  - discharge: {c_rate: 1C, until: min_cell_v < 2.5 V}\n";
  }
  void write(const std::string& text) { dir_.write("s.yaml", text); }
  std::string load_error(const std::string& text) {
    write(text);
    return error_of([&] { load_scenario(path_); });
  }
  std::string validate_error(const std::string& text) {
    write(text);
    return error_of([&] { validate_scenario(path_); });
  }
  TempDir dir_{"packsim_scenario_variants"};
  const std::string path_{(dir_.path() / "s.yaml").string()};
};

TEST_F(ScenarioVariants, DuplicateKeyIsRefused) {
  EXPECT_EQ(load_error(base() + "seed: 2\n"), path_ + ":8:1: duplicate key 'seed'");
}

TEST_F(ScenarioVariants, InlinePackLoadsItsCellFile) {
  write("name: t\ndescription: d\nseed: 7\npack:\n  cell: " + kRepoDir + "/models/params/lfp_a123_26650.yaml\n" +
        "  series: 4\n  parallel: 2\n  interconnect: {cell: 0.2 mohm, series: 0.3 mohm}\n"
        "  neighbour_conductance: 0.3 W/K\n  initial_soc: 50 %\n  initial_temp: 15 degC\nsteps:\n  - rest: 1 h\n");
  const Scenario scenario{load_scenario(path_)};
  EXPECT_TRUE(scenario.pack.file.empty());
  EXPECT_EQ(scenario.pack.config.series, 4);
  EXPECT_EQ(scenario.pack.config.parallel, 2);
  EXPECT_DOUBLE_EQ(scenario.pack.config.series_interconnect_ohm, 3e-4);
  EXPECT_DOUBLE_EQ(scenario.pack.config.neighbour_conductance_w_per_k, 0.3);
  EXPECT_DOUBLE_EQ(scenario.pack.config.initial_temp_c, 15.0);
  EXPECT_DOUBLE_EQ(scenario.pack.nominal_capacity_ah, 2.0 * scenario.pack.config.cell.capacity_ah);
  EXPECT_DOUBLE_EQ(scenario.pack.config.variation.capacity_rel_sigma, 0.0);
}

TEST_F(ScenarioVariants, InlineFieldWithAPackFileIsRefusedAtTheKey) {
  EXPECT_EQ(load_error("name: t\ndescription: d\nseed: 1\npack:\n  file: " + kPackFile +
                       "\n  series: 12\nsteps:\n  - rest: 1 h\n"),
            path_ + ":6:3: 'series' belongs to an inline pack; with 'file' only initial_soc, initial_temp, variation "
                    "and pre_aging may be given");
}

TEST_F(ScenarioVariants, TimelineRefusesADriveStepWhileADeviceIsConnected) {
  EXPECT_EQ(load_error(base() + "  - connect: {load: {current: 1 A}}\n  - rest: 1 h\n"),
            path_ + ":9:5: 'rest' drives the terminals itself, but the load connected at line 8 is still on them; "
                    "disconnect it first");
}

TEST_F(ScenarioVariants, TimelineRefusesClearingAFaultNeverInjected) {
  EXPECT_EQ(load_error(base() + "  - clear: open_wire\n"),
            path_ + ":8:12: 'clear': no 'open_wire' was injected before this step");
}

TEST_F(ScenarioVariants, OneStepPerEntry) {
  EXPECT_EQ(load_error(base() + "  - rest: 1 h\n    wait: 1 s\n"),
            path_ + ":9:5: one step per entry: 'rest' and 'wait' here; start another entry with '- wait:'");
}

TEST_F(ScenarioVariants, StepMustEnd) {
  EXPECT_EQ(load_error(base() + "  - discharge: {current: 1 A}\n"),
            path_ + ":8:16: a 'discharge' step must end: give 'for', 'until' or both");
}

TEST_F(ScenarioVariants, ExclusiveDrives) {
  EXPECT_EQ(load_error(base() + "  - discharge: {current: 1 A, power: 5 W, for: 1 h}\n"),
            path_ + ":8:31: 'current' and 'power' exclude each other; give one drive for 'discharge'");
}

TEST_F(ScenarioVariants, UntilWrittenAsAMappingIsExplained) {
  EXPECT_EQ(load_error(base() + "  - wait:\n      until: {dsg_fet: off}\n"),
            path_ + ":9:14: 'until': expected a condition as text, e.g. until: min_cell_v < 2.5 V or 2 h (YAML reads "
                    "'dsg_fet: off' as a mapping: write 'dsg_fet off' or quote it)");
}

TEST_F(ScenarioVariants, FirmwareFaultStepsInTheirShortAndLongForms) {
  write(base() + "  - firmware_fault: hang\n  - firmware_fault: {kind: crash, persistent: true}\n");
  const Scenario scenario{load_scenario(path_)};
  const auto& hang{std::get<FirmwareFailure>(scenario.steps[1].action)};
  EXPECT_EQ(hang.kind, FirmwareFailure::Kind::kHang);
  EXPECT_FALSE(hang.persistent);
  const auto& crash{std::get<FirmwareFailure>(scenario.steps[2].action)};
  EXPECT_EQ(crash.kind, FirmwareFailure::Kind::kCrash);
  EXPECT_TRUE(crash.persistent);
}

TEST_F(ScenarioVariants, AFirmwareFaultOfAnUnknownKindIsRefusedAtTheValue) {
  EXPECT_EQ(load_error(base() + "  - firmware_fault: freeze\n"),
            path_ + ":8:21: 'firmware_fault': expected hang or crash, or {kind: hang|crash, persistent: true|false}, "
                    "got 'freeze'");
  EXPECT_EQ(load_error(base() + "  - firmware_fault: {kind: hang, forever: true}\n"),
            path_ + ":8:34: unknown key 'forever' in 'firmware_fault'; expected kind or persistent");
}

TEST_F(ScenarioVariants, ABoardWatchdogIsADurationOrNone) {
  write(base() + "board: {watchdog: 250 ms}\n");
  EXPECT_EQ(load_scenario(path_).board.watchdog_ns, 250 * sim::kNsPerMs);
  write(base() + "board: {watchdog: none}\n");
  EXPECT_FALSE(load_scenario(path_).board.watchdog_ns.has_value());
  write(base());
  EXPECT_FALSE(load_scenario(path_).board.watchdog_ns.has_value());  // the reference board has none
  EXPECT_EQ(load_error(base() + "board: {watchdog: 0.1 ms}\n"),
            path_ + ":8:19: 'watchdog': 0.0001 s is not possible here; must be >= 0.001 s");
  EXPECT_EQ(load_error(base() + "board: {whatchdog: 1 s}\n"),
            path_ + ":8:9: unknown key 'whatchdog' in 'board'; expected watchdog; did you mean 'watchdog'?");
}

TEST_F(ScenarioVariants, FirmwareIsolationIsTheFirmwaresChoice) {
  write("name: t\ndescription: d\nseed: 1\npack:\n  file: " + kPackFile +
        "\nfirmware: {isolate: true}\nsteps:\n  - rest: 1 s\n");
  EXPECT_EQ(load_scenario(path_).firmware.isolate, std::optional<bool>{true});
  write(base());
  EXPECT_FALSE(load_scenario(path_).firmware.isolate.has_value());
}

TEST_F(ScenarioVariants, DuplicateExpectationName) {
  EXPECT_EQ(load_error(base() + "expect:\n  - {name: a, never: dsg_fet off}\n  - {name: a, never: chg_fet off}\n"),
            path_ + ":10:12: 'name': another expectation is already named 'a'");
}

TEST_F(ScenarioVariants, AfterKeyWithABadDuration) {
  EXPECT_EQ(load_error(base() + "expect:\n  - name: a\n    after 6 V: soc < 5 %\n"),
            path_ + ":10:13: 'after': expected a duration (ms, s, min, h, d), got a voltage '6 V'");
}

TEST_F(ScenarioVariants, AmbientProfileMustStartAtZero) {
  EXPECT_EQ(load_error(base() + "environment:\n  ambient:\n    - {at: 1 s, ambient: 25 degC}\n"),
            path_ + ":10:12: 'at': the profile starts at 0 s");
}

TEST_F(ScenarioVariants, ValidateRefusesAMissingFirmwareObject) {
  EXPECT_EQ(validate_error(base() + "firmware: {path: nowhere.so}\n"),
            path_ + ":8:11: no firmware shared object at '" + (dir_.path() / "nowhere.so").string() + "'");
}

TEST_F(ScenarioVariants, ValidateRefusesAPackTooLongForTheAfe) {
  std::string text{base()};
  text.replace(text.find("lfp_16s1p"), 9, "lfp_96s4p");
  EXPECT_EQ(validate_error(text), path_ + ":5:3: the bq76952 measures at most 16 series cells; this pack has 96");
}

TEST_F(ScenarioVariants, ValidateRefusesAFirmwareCellCountThatIsNotThePacksAtTheCellCount) {
  EXPECT_EQ(validate_error(base() + "firmware:\n  config: {cell_count: 15}\n"),
            path_ + ":9:24: the reference firmware is configured for 15 cells but the pack has 16 in series; set "
                    "firmware: config: cell_count: 16");
}

TEST_F(ScenarioVariants, ABrokenConfigRuleIsReportedAtTheOverridesLineNamingTheFieldsValuesAndLimit) {
  EXPECT_EQ(validate_error(base() + "firmware:\n  config:\n    cell_overvoltage_delay: 2 s\n"
                                    "    cell_overvoltage_hysteresis: 3.7 V\n"),
            path_ + ":11:34: 'cell_overvoltage_hysteresis' = 3.7 V must be below cell_overvoltage (3.65 V) "
                    "(rule 21 of the firmware's bms_config_check)");
}

TEST_F(ScenarioVariants, ABrokenConfigRuleOverSumsNamesEveryFieldAndValue) {
  EXPECT_EQ(validate_error(base() + "firmware:\n  config: {cell_undervoltage: 3.6 V}\n"),
            path_ + ":9:31: 'cell_undervoltage' = 3.6 V: cell_undervoltage + cell_undervoltage_hysteresis "
                    "(3.6 V + 0.3 V = 3.9 V) must be below cell_overvoltage - cell_overvoltage_hysteresis "
                    "(3.65 V - 0.15 V = 3.5 V) (rule 23 of the firmware's bms_config_check)");
}

// ---- A file of another kind where a pack or cell file belongs ----

TEST_F(ScenarioVariants, ACellParameterFileAsThePackFileIsRefusedAtThePackFileLineNamingTheScenario) {
  const std::string cell_file{kRepoDir + "/models/params/lfp_a123_26650.yaml"};
  std::string text{base()};
  text.replace(text.find(kPackFile), kPackFile.size(), cell_file);
  const std::string message{load_error(text)};
  EXPECT_EQ(message.rfind(path_ + ":5:9: 'file': the scenario " + path_ + " names '" + cell_file +
                              "' as its pack file, but that is a cell parameter file (it has chemistry, sources, "
                              "capacity_ah, ...), not a pack file; ",
                          0),
            0U)
      << message;
  EXPECT_NE(message.find("pack: {cell: " + cell_file), std::string::npos) << message;
}

TEST_F(ScenarioVariants, AScenarioAsThePackFileIsRefusedAtThePackFileLineNamingTheScenario) {
  dir_.write("other.yaml", base());
  std::string text{base()};
  text.replace(text.find(kPackFile), kPackFile.size(), "other.yaml");
  const std::string message{load_error(text)};
  EXPECT_EQ(message.rfind(path_ + ":5:9: 'file': the scenario " + path_ +
                              " names 'other.yaml' as its pack file, but that is a scenario (it has description, "
                              "pack, steps), not a pack file; ",
                          0),
            0U)
      << message;
}

TEST_F(ScenarioVariants, APackFileAsAnInlinePacksCellFileIsRefusedAtTheCellLine) {
  const std::string message{load_error("name: t\ndescription: d\nseed: 7\npack:\n  cell: " + kPackFile +
                                       "\n  series: 4\n  initial_soc: 50 %\n  initial_temp: 15 degC\n"
                                       "steps:\n  - rest: 1 h\n")};
  EXPECT_EQ(message.rfind(path_ + ":5:9: 'cell': the scenario " + path_ + " names '" + kPackFile +
                              "' as its cell parameter file, but that is a pack file (it has cell, topology, "
                              "interconnect, ...), not a cell parameter file; for that pack write pack: {file: " +
                              kPackFile + "}",
                          0),
            0U)
      << message;
}

TEST_F(ScenarioVariants, APackFileThatIsAPackFileStillReportsItsOwnErrorsInsideIt) {
  const std::string broken{dir_.write("broken_pack.yaml", "name: p\ncell: ../nowhere.yaml\n")};
  std::string text{base()};
  text.replace(text.find(kPackFile), kPackFile.size(), "broken_pack.yaml");
  EXPECT_EQ(load_error(text).rfind(broken + ":2:", 0), 0U) << load_error(text);
}

// ---- The scenario library ----

TEST(ScenarioLibrary, EveryExampleScenarioValidates) {
  int count{0};
  bool has_deep_discharge{false};
  for (const auto& entry : fs::directory_iterator{kRepoDir + "/scenarios"}) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    has_deep_discharge = has_deep_discharge || entry.path().filename() == "deep_discharge.yaml";
    EXPECT_EQ(error_of([&] { validate_scenario(entry.path().string()); }), "(no error)") << entry.path();
  }
  EXPECT_GE(count, 3);
  EXPECT_TRUE(has_deep_discharge);
}

TEST(ScenarioLibrary, EveryStepTestFileValidates) {
  EXPECT_EQ(error_of([] { validate_scenario(kEveryStep); }), "(no error)");
}

// ---- Robustness ----

// Random edits of a valid file (a character changed, deleted or duplicated,
// a line duplicated): the loader must load or throw InputError, never crash
// or throw anything else. Seeded, so a failure reproduces.
TEST(ScenarioMutation, LoaderNeverCrashesAndOnlyThrowsInputError) {
  std::string original{read_text(kEveryStep)};
  const std::string relative{"../../../../models/params/packs/lfp_16s1p.yaml"};
  original.replace(original.find(relative), relative.size(), kPackFile);  // the copy lives elsewhere
  const TempDir dir{"packsim_scenario_mutation"};
  const std::string alphabet{" \n\t:-{}[],#\"'&*!|>%@`0123456789.eCVAhs_xz\xc2\xb0"};
  SeededRng rng{20240601};
  const auto below = [&rng](std::size_t n) {
    return static_cast<std::size_t>(rng.uniform01() * static_cast<double>(n));
  };
  int loaded{0};
  int refused{0};
  constexpr int kMutants{1500};
  for (int i = 0; i < kMutants; ++i) {
    std::string text{original};
    const std::size_t edits{1 + below(3)};
    for (std::size_t e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at{below(text.size())};
      switch (below(4)) {
        case 0: text[at] = alphabet[below(alphabet.size())]; break;
        case 1: text.erase(at, 1); break;
        case 2: text.insert(at, 1, text[at]); break;
        default: {
          const std::size_t start{text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1};
          const std::size_t end{text.find('\n', at)};
          const std::string line{text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1)};
          text.insert(start, line);
        }
      }
    }
    const std::string path{dir.write("mutant.yaml", text)};
    try {
      load_scenario(path);
      ++loaded;
    } catch (const InputError& error) {
      ++refused;
      EXPECT_FALSE(error.message().empty());
    } catch (const std::exception& error) {
      ADD_FAILURE() << "mutant " << i << " threw " << typeid(error).name() << ": " << error.what() << "\n" << text;
    }
  }
  EXPECT_EQ(loaded + refused, kMutants);
  EXPECT_GT(refused, 0);
  EXPECT_GT(loaded, 0);  // some edits are harmless (a comment, a digit of a value)
}

}  // namespace
}  // namespace packsim::scenario::testing
