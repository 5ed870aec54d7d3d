#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <unistd.h>

#include "common/input_error.h"
#include "models/cell/cell_params.h"

namespace packsim::models {
namespace {

const std::string kParamsDir = std::string(PACKSIM_PARAMS_DIR) + "/";
const std::string kTestDir = std::string(PACKSIM_TEST_DATA_DIR) + "/params/";

// what() of the InputError loading the file throws.
std::string load_error(const std::string& path) {
  try {
    load_cell_params(path);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(loaded without error)";
}

void expect_tables_consistent(const CellParams& cell) {
  const std::size_t points = cell.ocv.ocv_v.x.size();
  EXPECT_EQ(cell.ocv.ocv_v.y.size(), points);
  EXPECT_EQ(cell.ocv.entropic_v_per_k.x.size(), points);
  EXPECT_EQ(cell.ocv.entropic_v_per_k.y.size(), points);
  EXPECT_EQ(cell.ocv.hysteresis_v.y.size(), points);
  for (const Table2d* table : {&cell.impedance.r0_ohm, &cell.impedance.r1_ohm, &cell.impedance.c1_f,
                               &cell.impedance.r2_ohm, &cell.impedance.c2_f}) {
    EXPECT_EQ(table->soc.size(), 7U);
    EXPECT_EQ(table->temp_c.size(), 6U);
    EXPECT_EQ(table->values.size(), 42U);
  }
}

void expect_ocv_never_falls(const Table1d& ocv) {
  for (std::size_t i = 1; i < ocv.y.size(); ++i) {
    EXPECT_GE(ocv.y[i], ocv.y[i - 1]) << "at SOC " << ocv.x[i];
  }
}

TEST(ShippedCellFiles, LfpLoadsWithDatasheetCapacityAndWindow) {
  const CellParams cell = load_cell_params(kParamsDir + "lfp_a123_26650.yaml");
  EXPECT_EQ(cell.chemistry, "LFP");
  EXPECT_DOUBLE_EQ(cell.capacity_ah, 2.3);
  EXPECT_DOUBLE_EQ(cell.voltage.max_v, 3.6);
  EXPECT_DOUBLE_EQ(cell.voltage.min_v, 2.0);
  EXPECT_DOUBLE_EQ(cell.voltage.nominal_v, 3.3);
  EXPECT_EQ(cell.ocv.ocv_v.x.size(), 41U);
  expect_tables_consistent(cell);
  EXPECT_DOUBLE_EQ(cell.aging.cycle.prefactor_b, 30330.0);
}

TEST(ShippedCellFiles, LfpOcvHasKneesAndAFlatPlateau) {
  const CellParams cell = load_cell_params(kParamsDir + "lfp_a123_26650.yaml");
  expect_ocv_never_falls(cell.ocv.ocv_v);
  // SOC 0 sits at the foot of the knee, near the 2.0 V cut-off the capacity is rated to.
  EXPECT_GT(cell.ocv.ocv_v(0.0), cell.voltage.min_v);
  EXPECT_LT(cell.ocv.ocv_v(0.0), cell.voltage.min_v + 0.1);
  EXPECT_GT(cell.ocv.ocv_v(0.05) - cell.ocv.ocv_v(0.0), 0.5);
  EXPECT_GT(cell.ocv.ocv_v(1.0), 3.45);
  EXPECT_LT(cell.ocv.ocv_v(1.0), 3.55);
  for (double soc = 0.2; soc <= 0.9; soc += 0.1) {
    EXPECT_GT(cell.ocv.ocv_v(soc), 3.17) << "SOC " << soc;
    EXPECT_LT(cell.ocv.ocv_v(soc), 3.35) << "SOC " << soc;
  }
}

TEST(ShippedCellFiles, NmcLoadsWithDatasheetCapacityAndWindow) {
  const CellParams cell = load_cell_params(kParamsDir + "nmc_18650.yaml");
  EXPECT_EQ(cell.chemistry, "NMC");
  EXPECT_DOUBLE_EQ(cell.capacity_ah, 2.5);
  EXPECT_DOUBLE_EQ(cell.voltage.max_v, 4.2);
  EXPECT_DOUBLE_EQ(cell.voltage.min_v, 2.5);
  EXPECT_DOUBLE_EQ(cell.voltage.nominal_v, 3.6);
  expect_tables_consistent(cell);
  expect_ocv_never_falls(cell.ocv.ocv_v);
  EXPECT_GE(cell.ocv.ocv_v(0.0), cell.voltage.min_v);
  EXPECT_NEAR(cell.ocv.ocv_v(1.0), 4.2, 0.02);
  EXPECT_LE(cell.ocv.ocv_v(1.0), cell.voltage.max_v);
}

TEST(ShippedCellFiles, ResistanceRisesInTheColdAboutFiveFoldAtMinus10C) {
  for (const char* file : {"lfp_a123_26650.yaml", "nmc_18650.yaml"}) {
    const CellParams cell = load_cell_params(kParamsDir + file);
    const double ea = cell.impedance.activation_energy_j_per_mol;
    const double warm = cell.impedance.r0_ohm(0.5, 25.0, ea);
    const double cold = cell.impedance.r0_ohm(0.5, -10.0, ea);
    EXPECT_GT(cold, warm) << file;
    EXPECT_NEAR(cold / warm, 5.0, 0.3) << file;
  }
}

TEST(ShippedCellFiles, MidSocResistanceAt25CMatchesTheDesignValue) {
  const CellParams lfp = load_cell_params(kParamsDir + "lfp_a123_26650.yaml");
  EXPECT_NEAR(lfp.impedance.r0_ohm(0.5, 25.0, 0.0), 0.008, 1e-9);
  const CellParams nmc = load_cell_params(kParamsDir + "nmc_18650.yaml");
  EXPECT_NEAR(nmc.impedance.r0_ohm(0.5, 25.0, 0.0), 0.020, 1e-9);
}

TEST(CellParamsMapping, EveryFieldOfTheMinimalFileLandsInTheStruct) {
  const CellParams cell = load_cell_params(kTestDir + "cell_minimal.yaml");
  EXPECT_EQ(cell.name, "minimal test cell");
  EXPECT_DOUBLE_EQ(cell.capacity_ah, 2.0);
  EXPECT_EQ(cell.ocv.ocv_v.x, (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_EQ(cell.ocv.hysteresis_v.x, cell.ocv.ocv_v.x);
  EXPECT_DOUBLE_EQ(cell.ocv.ocv_v(0.5), 3.3);
  EXPECT_DOUBLE_EQ(cell.ocv.hysteresis_rate, 50.0);
  // Row-major, one row per SOC point: row 2 (SOC 1) at 0 C.
  EXPECT_DOUBLE_EQ(cell.impedance.r0_ohm.at(1, 0), 0.03);
  EXPECT_DOUBLE_EQ(cell.impedance.r0_ohm.at(0, 1), 0.01);
  EXPECT_DOUBLE_EQ(cell.impedance.c2_f.at(1, 1), 20000.0);
  EXPECT_DOUBLE_EQ(cell.impedance.activation_energy_j_per_mol, 30000.0);
  EXPECT_DOUBLE_EQ(cell.thermal.ambient_conductance_w_per_k, 0.1);
  EXPECT_DOUBLE_EQ(cell.self_discharge.fraction_per_day, 0.0005);
  EXPECT_DOUBLE_EQ(cell.aging.calendar.soc_stress, 1.0);
  EXPECT_DOUBLE_EQ(cell.aging.cycle.reference_capacity_ah, 2.2);
  EXPECT_DOUBLE_EQ(cell.aging.resistance.per_capacity_loss, 2.0);
  EXPECT_DOUBLE_EQ(cell.aging.plating.irreversible_fraction, 0.3);
}

TEST(CellParamsRefusals, UnknownKeyIsReportedAtTheKey) {
  const std::string path = kTestDir + "cell_bad_unknown_key.yaml";
  EXPECT_EQ(load_error(path), path + ":25:3: unknown key 'r3_ohm'");
}

TEST(CellParamsRefusals, MissingFieldIsReportedAtTheMappingThatLacksIt) {
  const std::string path = kTestDir + "cell_bad_missing_field.yaml";
  EXPECT_EQ(load_error(path), path + ":25:10: missing required field 'ambient_conductance_w_per_k'");
}

TEST(CellParamsRefusals, NonMonotonicSocAxisIsReportedAtTheOffendingElement) {
  const std::string path = kTestDir + "cell_bad_soc_order.yaml";
  EXPECT_EQ(load_error(path), path +
                                  ":9:17: 'soc' element 3: 0.5 is not above the previous value 0.6; "
                                  "the axis must be strictly increasing");
}

TEST(CellParamsRefusals, NegativeCapacityIsReportedAtItsValue) {
  const std::string path = kTestDir + "cell_bad_negative_capacity.yaml";
  EXPECT_EQ(load_error(path), path + ":5:14: 'capacity_ah': -2 is not physically possible; must be > 0");
}

TEST(CellParamsRefusals, RowOfTheWrongLengthIsReportedAtThatRow) {
  const std::string path = kTestDir + "cell_bad_row_length.yaml";
  EXPECT_EQ(load_error(path), path + ":20:7: 'r0_ohm': row has 3 values, the first row has 2");
}

TEST(CellParamsRefusals, RowsWiderThanTheTemperatureAxisAreReportedAtTheFirstRow) {
  const std::string path = kTestDir + "cell_bad_table_width.yaml";
  EXPECT_EQ(load_error(path),
            path + ":19:7: 'r0_ohm' element 1: row has 3 values, expected 2 (one per 'temp_c' point)");
}

TEST(CellParamsRefusals, BadYamlSyntaxIsReportedWithItsPosition) {
  const std::string path = kTestDir + "cell_bad_syntax.yaml";
  EXPECT_EQ(load_error(path),
            path + ":4:12: end of map flow not found");  // yaml-cpp notices at the next key's colon
}

TEST(CellParamsRefusals, TextWhereANumberBelongsIsReportedAtTheValue) {
  const std::string path = kTestDir + "cell_bad_not_a_number.yaml";
  EXPECT_EQ(load_error(path), path + ":13:20: 'hysteresis_rate': expected a number");
}

TEST(CellParamsRefusals, EmptySourcesListIsRefused) {
  const std::string path = kTestDir + "cell_bad_no_sources.yaml";
  EXPECT_EQ(load_error(path), path + ":4:10: 'sources': expected a list of at least 1 text entry");
}

TEST(CellParamsRefusals, MissingFileIsAnInputError) {
  const std::string path = kTestDir + "no_such_cell.yaml";
  EXPECT_EQ(load_error(path), path + ": cannot open file");
}

// A copy of cell_minimal.yaml with `from` replaced by `to`, in a fresh temporary file.
std::string minimal_cell_with(const std::string& from, const std::string& to, const std::string& name) {
  std::ifstream in{kTestDir + "cell_minimal.yaml"};
  std::ostringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::size_t at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  yaml.replace(at, from.size(), to);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("packsim_cell_" + name + "_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream{path} << yaml;
  return path.string();
}

// `loss_per_sqrt_day: 1e308` took every cell's capacity to the 5 % floor in a
// second and a discharge to SOC -3,900 %; each aging and leakage law now has a
// physical limit, reported at the field with the value and the limit.
TEST(CellParamsRefusals, AgingParametersBeyondPhysicalLimitsAreBadInputAtTheirLine) {
  struct Case {
    std::string from, to, name, expected;  // expected: after "path:"
  };
  const std::vector<Case> cases{
      {"loss_per_sqrt_day: 0.0015", "loss_per_sqrt_day: 1e308", "calendar",
       "28:33: 'loss_per_sqrt_day': 1e+308 is out of range; must be <= 0.1"},
      {"fraction_per_day: 0.0005", "fraction_per_day: 0.5", "leak",
       "26:36: 'fraction_per_day': 0.5 is out of range; must be <= 0.05"},
      {"activation_energy_j_per_mol: 30000", "activation_energy_j_per_mol: 30000000", "impedance_ea",
       "15:32: 'activation_energy_j_per_mol': 3e+07 is out of range; must be <= 200000"},
      {"rate_per_excess_ah: 0.05", "rate_per_excess_ah: 5", "plating",
       "31:143: 'rate_per_excess_ah': 5 is out of range; must be <= 1"},
  };
  for (const Case& c : cases) {
    const std::string path = minimal_cell_with(c.from, c.to, c.name);
    EXPECT_EQ(load_error(path), path + ":" + c.expected);
    std::filesystem::remove(path);
  }
  // The shipped cells are well inside.
  EXPECT_NO_THROW(load_cell_params(kParamsDir + "lfp_a123_26650.yaml"));
  EXPECT_NO_THROW(load_cell_params(kParamsDir + "nmc_18650.yaml"));
}

}  // namespace
}  // namespace packsim::models
