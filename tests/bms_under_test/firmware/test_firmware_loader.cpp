// Loading firmware: the reference firmware's shared object by path, the
// minimal example end to end, refusals with clear messages, and a statically
// linked firmware wrapped the same way.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bms_under_test/firmware/bms_context.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "tests/bms_under_test/firmware/fake_bq76952.h"
#include "tests/bms_under_test/firmware/fake_hal_host.h"

namespace packsim::firmware_test {
namespace {

using hal::Firmware;
using hal::FirmwareLoadError;

// Ticks a loaded firmware for duration_ms at its own tick period.
void run(const Firmware& firmware, FakeHalHost& host, std::uint32_t duration_ms) {
  for (std::uint32_t t = 0; t < duration_ms; t += firmware.tick_period_ms()) {
    firmware.tick();
    host.now_ms += firmware.tick_period_ms();
  }
}

std::string load_error(const std::string& path) {
  try {
    hal::load_firmware(path);
  } catch (const FirmwareLoadError& error) {
    return error.what();
  }
  return "";
}

TEST(FirmwareLoader, LoadsTheReferenceFirmwareAndRunsItAgainstTheFakeAfe) {
  const Firmware firmware = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO);
  EXPECT_STREQ(firmware.info().name, "packsim reference BMS");
  EXPECT_EQ(firmware.info().hal_version, BMS_HAL_VERSION);
  EXPECT_EQ(firmware.tick_period_ms(), 10U);
  EXPECT_EQ(firmware.origin(), PACKSIM_REFERENCE_FIRMWARE_SO);
  FakeBq76952 afe;
  FakeHalHost host{afe};
  ASSERT_EQ(firmware.init(*host.hal()), 0);
  run(firmware, host, 1000);
  EXPECT_EQ(afe.config_update_entries, 1);
  EXPECT_TRUE(afe.charge_fet_on());
  EXPECT_TRUE(afe.discharge_fet_on());
  EXPECT_FALSE(host.can_from_bms.empty());
}

TEST(FirmwareLoader, TheSharedObjectExportsOnlyTheEntryPointsAndItsObservables) {
  void* handle = dlopen(PACKSIM_REFERENCE_FIRMWARE_SO, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  EXPECT_NE(dlsym(handle, "bms_init"), nullptr);
  EXPECT_NE(dlsym(handle, "bms_tick"), nullptr);
  EXPECT_NE(dlsym(handle, "bms_firmware_info_get"), nullptr);
  EXPECT_NE(dlsym(handle, "bms_observables_get"), nullptr);  // optional, and exported
  EXPECT_EQ(dlsym(handle, "bms_firmware_context"), nullptr);       // the firmware's own internals
  EXPECT_EQ(dlsym(handle, "bq76952_transfer_checksum"), nullptr);
  EXPECT_EQ(dlsym(handle, "jbd_checksum"), nullptr);               // the codec linked in from packsim_bus
  dlclose(handle);
}

TEST(FirmwareLoader, RefusesAFirmwareBuiltAgainstAnotherHalMajorVersion) {
  const std::string message = load_error(PACKSIM_WRONG_HAL_VERSION_FIRMWARE_SO);
  EXPECT_NE(message.find(PACKSIM_WRONG_HAL_VERSION_FIRMWARE_SO), std::string::npos) << message;
  EXPECT_NE(message.find("'future firmware'"), std::string::npos) << message;
  EXPECT_NE(message.find("version 2.0"), std::string::npos) << message;
  EXPECT_NE(message.find("version 1.0"), std::string::npos) << message;
  EXPECT_NE(message.find("major versions must match"), std::string::npos) << message;
}

TEST(FirmwareLoader, NamesTheMissingExport) {
  const std::string message = load_error(PACKSIM_MISSING_TICK_FIRMWARE_SO);
  EXPECT_NE(message.find("'bms_tick'"), std::string::npos) << message;
}

TEST(FirmwareLoader, SaysWhenTheFileIsMissingOrNotASharedObject) {
  EXPECT_NE(load_error("/nonexistent/firmware.so").find("no such firmware file"), std::string::npos);
  const std::string not_elf = load_error(PACKSIM_TEST_DATA_DIR "/params/cell_minimal.yaml");
  EXPECT_NE(not_elf.find("cannot load the shared object"), std::string::npos) << not_elf;
}

TEST(FirmwareLoader, RunsTheMinimalExampleEndToEnd) {
  const Firmware firmware = hal::load_firmware(PACKSIM_MINIMAL_FIRMWARE_SO);
  EXPECT_STREQ(firmware.info().name, "packsim minimal firmware");
  FakeBq76952 afe;
  afe.set_uniform_cells(3301);
  afe.cell_mv[15] = 3316;
  FakeHalHost host{afe};
  ASSERT_EQ(firmware.init(*host.hal()), 0);
  run(firmware, host, 3000);
  ASSERT_EQ(host.log_lines.size(), 3U);
  EXPECT_EQ(host.log_lines[0],
            "t=0 ms cells mV: 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3301 3316");
  EXPECT_EQ(host.log_lines[1].rfind("t=1000 ms cells mV: 3301", 0), 0U);
  const std::string uart(host.uart_from_bms.begin(), host.uart_from_bms.end());
  EXPECT_EQ(uart, host.log_lines[0] + "\r\n" + host.log_lines[1] + "\r\n" + host.log_lines[2] + "\r\n");
  EXPECT_EQ(afe.transfer_writes.size(), 0U);  // it only reads
  afe.absent = true;
  run(firmware, host, 1000);
  EXPECT_EQ(host.log_lines.back(), "t=3000 ms cells: AFE read failed (-1)");
}

TEST(FirmwareLoader, PrivateCopiesGiveEachLoadItsOwnState) {
  const Firmware first = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO, {.private_copy = true});
  const Firmware second = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO, {.private_copy = true});
  EXPECT_NE(first.instance_key(), second.instance_key());
  EXPECT_EQ(first.origin(), second.origin());
  FakeBq76952 afe_a;
  FakeBq76952 afe_b;
  FakeHalHost host_a{afe_a};
  FakeHalHost host_b{afe_b};
  ASSERT_EQ(first.init(*host_a.hal()), 0);
  ASSERT_EQ(second.init(*host_b.hal()), 0);
  for (int i = 0; i < 100; ++i) {  // interleaved, as two simulations in one process
    first.tick();
    second.tick();
    host_a.now_ms += 10;
    host_b.now_ms += 10;
  }
  EXPECT_EQ(afe_a.config_update_entries, 1);
  EXPECT_EQ(afe_b.config_update_entries, 1);
  EXPECT_TRUE(afe_a.discharge_fet_on());
  EXPECT_TRUE(afe_b.discharge_fet_on());
  // Each copy's state moved on its own: one AFE disappears, only its firmware notices.
  afe_b.absent = true;
  for (int i = 0; i < 300; ++i) {
    first.tick();
    second.tick();
    host_a.now_ms += 10;
    host_b.now_ms += 10;
  }
  const bms_observable* state_a = first.find_observable("state");
  const bms_observable* state_b = second.find_observable("state");
  ASSERT_NE(state_a, nullptr);
  ASSERT_NE(state_b, nullptr);
  EXPECT_EQ(hal::observable_value_name(*state_a), "normal");
  EXPECT_EQ(hal::observable_value_name(*state_b), "fault_latched");
}

TEST(FirmwareLoader, LoadingTheSameFileTwiceSharesOneInstance) {
  const Firmware first = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO);
  const Firmware second = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO);
  EXPECT_EQ(first.instance_key(), second.instance_key());
}

TEST(FirmwareLoader, ReadsTheReferenceFirmwaresObservables) {
  const Firmware firmware = hal::load_firmware(PACKSIM_REFERENCE_FIRMWARE_SO, {.private_copy = true});
  ASSERT_FALSE(firmware.observables().empty());
  const bms_observable* state = firmware.find_observable("state");
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->type, static_cast<std::uint32_t>(BMS_OBSERVABLE_ENUM));
  ASSERT_EQ(state->value_name_count, 7U);
  EXPECT_STREQ(state->value_names[BMS_STATE_FAULT_LATCHED], "fault_latched");
  EXPECT_EQ(firmware.find_observable("no_such_variable"), nullptr);
  FakeBq76952 afe;
  afe.set_uniform_cells(3300);
  FakeHalHost host{afe};
  ASSERT_EQ(firmware.init(*host.hal()), 0);
  EXPECT_EQ(hal::observable_value_name(*state), "startup");
  run(firmware, host, 1000);
  EXPECT_EQ(hal::observable_value_name(*state), "normal");
  const bms_observable* min_cell = firmware.find_observable("min_cell_mv");
  ASSERT_NE(min_cell, nullptr);
  EXPECT_EQ(hal::observable_value(*min_cell), 3300.0);
  // Names are unique and lower_snake_case.
  std::set<std::string> names;
  for (const bms_observable& o : firmware.observables()) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_EQ(std::string{o.name}.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos);
  }
}

TEST(FirmwareLoader, AFirmwareWithoutObservablesKeepsItsStatePrivate) {
  const Firmware firmware = hal::load_firmware(PACKSIM_MINIMAL_FIRMWARE_SO);
  EXPECT_TRUE(firmware.observables().empty());
  EXPECT_EQ(firmware.find_observable("state"), nullptr);
}

TEST(FirmwareLoader, WrapsAStaticallyLinkedFirmwareTheSameWay) {
  const Firmware firmware = hal::wrap_firmware({&bms_firmware_info_get, &bms_init, &bms_tick}, "linked-in");
  EXPECT_EQ(firmware.origin(), "linked-in");
  FakeBq76952 afe;
  FakeHalHost host{afe};
  ASSERT_EQ(firmware.init(*host.hal()), 0);
  run(firmware, host, 1000);
  EXPECT_EQ(bms_firmware_context()->state, BMS_STATE_NORMAL);
}

const bms_firmware_info* old_firmware_info() {
  static const bms_firmware_info info{0x00000003U, "old firmware", "0.3", 10};  // HAL 0.3
  return &info;
}
int no_init(const bms_hal*) { return 0; }
void no_tick() {}

TEST(FirmwareLoader, WrappingChecksTheVersionToo) {
  try {
    hal::wrap_firmware({&old_firmware_info, &no_init, &no_tick}, "old");
    FAIL() << "an old firmware was accepted";
  } catch (const FirmwareLoadError& error) {
    EXPECT_NE(std::string{error.what()}.find("version 0.3"), std::string::npos) << error.what();
  }
  EXPECT_THROW(hal::wrap_firmware({&old_firmware_info, nullptr, &no_tick}, "broken"), FirmwareLoadError);
}

TEST(HalCompatibility, AcceptsThisHostsVersion) {
  const bms_firmware_info same{BMS_HAL_VERSION, "same", "1", 10};
  EXPECT_EQ(hal::hal_compatibility_problem(&same), "");
  const bms_firmware_info newer_minor{BMS_HAL_VERSION + 1U, "newer minor", "1", 10};
  EXPECT_EQ(hal::hal_compatibility_problem(&newer_minor), "");
  const bms_firmware_info no_tick_period{BMS_HAL_VERSION, "lazy", "1", 0};
  EXPECT_NE(hal::hal_compatibility_problem(&no_tick_period), "");
  EXPECT_NE(hal::hal_compatibility_problem(nullptr), "");
}

}  // namespace
}  // namespace packsim::firmware_test
