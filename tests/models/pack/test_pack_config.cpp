#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/input_error.h"
#include "models/pack/pack_config.h"

namespace packsim::models {
namespace {

const std::string kPacksDir = std::string(PACKSIM_PARAMS_DIR) + "/packs/";
const std::string kTestDir = std::string(PACKSIM_TEST_DATA_DIR) + "/params/";

// what() of the InputError loading the pack throws.
std::string load_error(const std::string& path) {
  try {
    load_pack_config(path);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(loaded without error)";
}

struct ShippedPack {
  const char* file;
  int series;
  int parallel;
  const char* chemistry;
};

TEST(ShippedPackFiles, EveryPackLoadsWithItsTopologyAndCell) {
  for (const ShippedPack& expected :
       {ShippedPack{"lfp_16s1p.yaml", 16, 1, "LFP"}, ShippedPack{"lfp_96s4p.yaml", 96, 4, "LFP"},
        ShippedPack{"lfp_192s1p.yaml", 192, 1, "LFP"}, ShippedPack{"nmc_14s4p.yaml", 14, 4, "NMC"}}) {
    const PackConfig pack = load_pack_config(kPacksDir + expected.file);
    EXPECT_EQ(pack.series, expected.series) << expected.file;
    EXPECT_EQ(pack.parallel, expected.parallel) << expected.file;
    EXPECT_EQ(pack.cell.chemistry, expected.chemistry) << expected.file;
    EXPECT_TRUE(std::filesystem::is_regular_file(pack.cell_params_path)) << expected.file;
  }
}

TEST(ShippedPackFiles, DemoPackHasTheDocumentedValues) {
  const PackConfig pack = load_pack_config(kPacksDir + "lfp_16s1p.yaml");
  EXPECT_EQ(pack.name, "16S1P LFP demo pack");
  EXPECT_EQ(pack.cell_params_path, std::string(PACKSIM_PARAMS_DIR) + "/lfp_a123_26650.yaml");
  EXPECT_DOUBLE_EQ(pack.cell.capacity_ah, 2.3);
  EXPECT_DOUBLE_EQ(pack.cell_interconnect_ohm, 0.0002);
  EXPECT_DOUBLE_EQ(pack.series_interconnect_ohm, 0.0003);
  EXPECT_DOUBLE_EQ(pack.neighbour_conductance_w_per_k, 0.3);
  EXPECT_DOUBLE_EQ(pack.variation.capacity_rel_sigma, 0.01);
  EXPECT_DOUBLE_EQ(pack.variation.r0_rel_sigma, 0.03);
  EXPECT_DOUBLE_EQ(pack.variation.self_discharge_rel_sigma, 0.2);
  EXPECT_DOUBLE_EQ(pack.variation.initial_soc_sigma, 0.005);
  EXPECT_EQ(pack.seed, 42U);
  EXPECT_DOUBLE_EQ(pack.initial_soc, 1.0);
  EXPECT_DOUBLE_EQ(pack.initial_temp_c, 25.0);
}

TEST(PackConfigMapping, CellPathResolvesAgainstThePackFilesDirectory) {
  const PackConfig pack = load_pack_config(kTestDir + "pack_minimal.yaml");
  EXPECT_EQ(pack.cell_params_path, kTestDir + "cell_minimal.yaml");
  EXPECT_EQ(pack.cell.name, "minimal test cell");
  EXPECT_EQ(pack.series, 4);
  EXPECT_EQ(pack.parallel, 2);
  EXPECT_EQ(pack.seed, 7U);
  EXPECT_DOUBLE_EQ(pack.initial_soc, 0.5);
  EXPECT_DOUBLE_EQ(pack.initial_temp_c, 10.0);
}

TEST(PackConfigMapping, WithoutAVariationBlockEveryCellIsIdentical) {
  const PackConfig pack = load_pack_config(kTestDir + "pack_minimal.yaml");
  EXPECT_EQ(pack.variation.capacity_rel_sigma, 0.0);
  EXPECT_EQ(pack.variation.r0_rel_sigma, 0.0);
  EXPECT_EQ(pack.variation.self_discharge_rel_sigma, 0.0);
  EXPECT_EQ(pack.variation.initial_soc_sigma, 0.0);
}

TEST(PackConfigRefusals, MissingCellFileIsReportedAtTheCellValue) {
  const std::string path = kTestDir + "pack_bad_missing_cell.yaml";
  EXPECT_EQ(load_error(path), path + ":3:7: 'cell': no cell parameter file at '" + kTestDir + "no_such_cell.yaml'");
}

TEST(PackConfigRefusals, ErrorInTheCellFileKeepsTheCellFilesPosition) {
  const std::string cell = kTestDir + "cell_bad_negative_capacity.yaml";
  EXPECT_EQ(load_error(kTestDir + "pack_bad_cell_file.yaml"),
            cell + ":5:14: 'capacity_ah': -2 is not physically possible; must be > 0");
}

TEST(PackConfigRefusals, RelativeSigmaOfOneHalfIsRefused) {
  const std::string path = kTestDir + "pack_bad_sigma.yaml";
  EXPECT_EQ(load_error(path), path + ":7:33: 'capacity_rel_sigma': 0.5 is out of range; must be < 0.5");
}

TEST(PackConfigRefusals, FractionalSeriesCountIsRefused) {
  const std::string path = kTestDir + "pack_bad_series.yaml";
  EXPECT_EQ(load_error(path), path + ":4:20: 'series': expected a whole number");
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

TEST(PackConfigMapping, PreAgingHistoryIsReadInOrder) {
  const PackConfig pack = load_pack_config(std::string(PACKSIM_TEST_DATA_DIR) + "/params/pack_pre_aged.yaml");
  ASSERT_EQ(pack.pre_aging.size(), 2u);
  const auto& storage = std::get<StorageProfile>(pack.pre_aging[0]);
  EXPECT_EQ(storage.days, 180.0);
  EXPECT_EQ(storage.temp_c, 30.0);
  const auto& cycles = std::get<CycleProfile>(pack.pre_aging[1]);
  EXPECT_EQ(cycles.cycles, 200.0);
  EXPECT_EQ(cycles.soc_max, 0.9);
}

TEST(PackConfigRefusals, PreAgingEntryWithTwoKindsIsRefusedAtTheEntry) {
  const std::string path = std::string(PACKSIM_TEST_DATA_DIR) + "/params/pack_bad_pre_aging.yaml";
  try {
    load_pack_config(path);
    FAIL() << "loaded a pre-aging entry naming two kinds";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), path + ":9:5: expected exactly one of 'storage' or 'cycles'");
  }
}

}  // namespace
}  // namespace packsim::models

namespace packsim::models {
namespace {

// pack_pre_aged.yaml with `from` replaced by `to` (and its cell path made
// absolute), in a fresh temporary file.
std::string pre_aged_pack_with(const std::string& from, const std::string& to, const std::string& name) {
  std::ifstream in{std::string(PACKSIM_TEST_DATA_DIR) + "/params/pack_pre_aged.yaml"};
  std::ostringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  for (const auto& [old_text, new_text] :
       std::vector<std::pair<std::string, std::string>>{
           {"../../../models/params/lfp_a123_26650.yaml", std::string(PACKSIM_PARAMS_DIR) + "/lfp_a123_26650.yaml"},
           {from, to}}) {
    const std::size_t at = yaml.find(old_text);
    EXPECT_NE(at, std::string::npos) << old_text;
    yaml.replace(at, old_text.size(), new_text);
  }
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("packsim_pack_" + name + "_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream{path} << yaml;
  return path.string();
}

// 1e12 days of storage faded every cell past 100 % of its capacity; the history
// a pack file gives is now bounded by what a battery can have been through.
TEST(PackConfigRefusals, PreAgingBeyondPhysicalLimitsIsBadInputAtItsLine) {
  const std::string days = pre_aged_pack_with("days: 180", "days: 1e12", "days");
  EXPECT_EQ(load_error(days), days + ":9:21: 'days': 1e+12 is out of range; must be <= 36525");
  std::filesystem::remove(days);
  const std::string cycles = pre_aged_pack_with("count: 200", "count: 1e9", "cycles");
  EXPECT_EQ(load_error(cycles), cycles + ":10:21: 'count': 1e+09 is out of range; must be <= 100000");
  std::filesystem::remove(cycles);
  const std::string c_rate = pre_aged_pack_with("discharge_c_rate: 1", "discharge_c_rate: 1000", "c_rate");
  EXPECT_EQ(load_error(c_rate), c_rate + ":10:44: 'discharge_c_rate': 1000 is out of range; must be <= 100");
  std::filesystem::remove(c_rate);
}

}  // namespace
}  // namespace packsim::models
