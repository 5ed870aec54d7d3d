#include "sim/scenario/pack_reader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "models/cell/cell_params.h"
#include "sim/scenario/key_rules.h"
#include "sim/scenario/quantity.h"

namespace packsim::scenario {

namespace {

constexpr std::array<std::string_view, 6> kInlineOnly{"name", "series", "parallel", "interconnect",
                                                      "neighbour_conductance", "cell"};
// Spreads this wide are a typo or another cell type (as the pack file loader says).
constexpr double kMaxRelativeSigma{0.5};
constexpr double kMaxInitialSocSigma{0.2};
const NumberRange kCellTemperature{NumberRange::closed(-60.0, 120.0)};

std::string resolve_file(const YamlObject& pack, const std::string& key, const std::string& scenario_dir,
                         std::string_view what, const SourceFiles& files) {
  const YamlScalar path{pack.scalar(key)};
  if (path.text().empty()) {
    path.fail("'" + key + "': expected the path of " + std::string{what});
  }
  const std::filesystem::path resolved{(std::filesystem::path{scenario_dir} / path.text()).lexically_normal()};
  if (!files.is_regular_file(resolved.string())) {
    path.fail("'" + key + "': no " + std::string{what} + " at '" + resolved.string() + "'");
  }
  return resolved.string();
}

// What a parameter file is, by its top-level keys (the loaders' own key sets,
// models/pack/pack_config_yaml.cpp, models/cell/cell_params_yaml.cpp and
// scenario_loader.cpp), so a file of another kind is refused where it is
// named rather than reported inside it as a pack with missing keys.
enum class FileKind : std::uint8_t { kPack, kCell, kScenario, kUnknown };

constexpr std::array<std::string_view, 4> kPackOnlyKeys{"cell", "topology", "interconnect", "initial"};
constexpr std::array<std::string_view, 8> kCellOnlyKeys{"chemistry", "sources", "capacity_ah", "voltage",
                                                        "ocv",       "impedance", "self_discharge", "aging"};
constexpr std::array<std::string_view, 7> kScenarioOnlyKeys{"description", "pack", "environment", "firmware",
                                                            "board",       "steps", "expect"};

struct FileKindSeen {
  FileKind kind{FileKind::kUnknown};
  std::vector<std::string> telling_keys;  // the keys that say so, in the file's order
};

template <std::size_t N>
std::vector<std::string> keys_among(const std::vector<std::string>& keys, const std::array<std::string_view, N>& set) {
  std::vector<std::string> found;
  for (const std::string& key : keys) {
    if (std::find(set.begin(), set.end(), key) != set.end()) found.push_back(key);
  }
  return found;
}

FileKindSeen kind_of_file(const std::string& path, SourceFiles& files) {
  std::vector<std::string> keys;
  try {
    keys = YamlObject::load_file(path, files).keys();
  } catch (const InputError&) {
    return {};  // not a mapping, or not YAML: its loader says so at its own line
  }
  if (auto pack = keys_among(keys, kPackOnlyKeys); !pack.empty()) return {FileKind::kPack, std::move(pack)};
  if (auto cell = keys_among(keys, kCellOnlyKeys); !cell.empty()) return {FileKind::kCell, std::move(cell)};
  if (auto scenario = keys_among(keys, kScenarioOnlyKeys); !scenario.empty()) {
    return {FileKind::kScenario, std::move(scenario)};
  }
  return {};
}

std::string listed(const std::vector<std::string>& keys) {
  std::string text;
  for (std::size_t i = 0; i < keys.size() && i < 3; ++i) text += (i == 0 ? "" : ", ") + keys[i];
  return text + (keys.size() > 3 ? ", ..." : "");
}

// `pack: file:` names a cell parameter file or a scenario: an error at that
// line, from the scenario that names it.
void refuse_other_kind_as_pack_file(const YamlObject& pack, const std::string& resolved, SourceFiles& files) {
  const FileKindSeen seen{kind_of_file(resolved, files)};
  const YamlScalar path{pack.scalar("file")};
  const std::string named{"'file': the scenario " + pack.file() + " names '" + path.text() + "' as its pack file, "};
  if (seen.kind == FileKind::kCell) {
    path.fail(named + "but that is a cell parameter file (it has " + listed(seen.telling_keys) +
              "), not a pack file; for a pack of those cells write them inline: pack: {cell: " + path.text() +
              ", series: N, parallel: M, initial_soc: ..., initial_temp: ...}, or name a pack file (name, cell, "
              "topology, ... as in models/params/packs/)");
  }
  if (seen.kind == FileKind::kScenario) {
    path.fail(named + "but that is a scenario (it has " + listed(seen.telling_keys) +
              "), not a pack file; name the pack file that scenario's own 'pack: file:' names (relative to this "
              "scenario), or a pack file of models/params/packs/");
  }
}

// An inline pack's `cell:` names a pack file or a scenario.
void refuse_other_kind_as_cell_file(const YamlObject& pack, const std::string& resolved, SourceFiles& files) {
  const FileKindSeen seen{kind_of_file(resolved, files)};
  const YamlScalar path{pack.scalar("cell")};
  const std::string named{"'cell': the scenario " + pack.file() + " names '" + path.text() +
                          "' as its cell parameter file, "};
  if (seen.kind == FileKind::kPack) {
    path.fail(named + "but that is a pack file (it has " + listed(seen.telling_keys) +
              "), not a cell parameter file; for that pack write pack: {file: " + path.text() +
              "} instead of the inline fields");
  }
  if (seen.kind == FileKind::kScenario) {
    path.fail(named + "but that is a scenario (it has " + listed(seen.telling_keys) +
              "), not a cell parameter file (capacity_ah, ocv, impedance, ... as in models/params/)");
  }
}

// The variation keys given, each overriding the base's.
struct VariationOverride {
  std::optional<double> capacity, resistance, self_discharge, initial_soc;
  void apply(models::CellVariation& variation) const {
    variation.capacity_rel_sigma = capacity.value_or(variation.capacity_rel_sigma);
    variation.r0_rel_sigma = resistance.value_or(variation.r0_rel_sigma);
    variation.self_discharge_rel_sigma = self_discharge.value_or(variation.self_discharge_rel_sigma);
    variation.initial_soc_sigma = initial_soc.value_or(variation.initial_soc_sigma);
  }
};

VariationOverride read_variation(const YamlObject& pack) {
  VariationOverride result;
  const auto block = pack.optional_child("variation");
  if (!block) return result;
  refuse_unknown_keys(*block, {"capacity", "resistance", "self_discharge", "initial_soc"}, "'variation'");
  const NumberRange relative{NumberRange::below(0.0, kMaxRelativeSigma)};
  result.capacity = read_optional_quantity(*block, "capacity", Quantity::kFraction, relative);
  result.resistance = read_optional_quantity(*block, "resistance", Quantity::kFraction, relative);
  result.self_discharge = read_optional_quantity(*block, "self_discharge", Quantity::kFraction, relative);
  result.initial_soc =
      read_optional_quantity(*block, "initial_soc", Quantity::kFraction, NumberRange::below(0.0, kMaxInitialSocSigma));
  block->finish();
  return result;
}

models::AgingHistory read_pre_aging(const YamlObject& pack) {
  models::AgingHistory history;
  for (const YamlObject& entry : pack.objects("pre_aging")) {
    const std::vector<std::string> keys{entry.keys()};
    if (keys.size() != 1 || (keys.front() != "storage" && keys.front() != "cycles")) {
      entry.fail("expected exactly one of 'storage' or 'cycles'");
    }
    const YamlObject block{entry.child(keys.front())};
    if (keys.front() == "storage") {
      models::StorageProfile storage;
      storage.days = sim::to_seconds(read_duration(block, "for")) / 86400.0;
      storage.soc = read_quantity(block, "soc", Quantity::kFraction, NumberRange::closed(0.0, 1.0));
      storage.temp_c = read_quantity(block, "temp", Quantity::kTemperature, kCellTemperature);
      history.emplace_back(storage);
    } else {
      models::CycleProfile cycles;
      cycles.cycles = static_cast<double>(read_integer(block, "count", 0, 1'000'000));
      cycles.discharge_c_rate = read_quantity(block, "discharge", Quantity::kCRate, NumberRange::closed(1e-3, 100.0));
      cycles.charge_c_rate = read_quantity(block, "charge", Quantity::kCRate, NumberRange::closed(1e-3, 100.0));
      cycles.soc_min = read_quantity(block, "soc_min", Quantity::kFraction, NumberRange::closed(0.0, 1.0));
      cycles.soc_max = read_quantity(block, "soc_max", Quantity::kFraction, NumberRange::closed(0.0, 1.0));
      if (cycles.soc_max <= cycles.soc_min) {
        block.fail_at("soc_max", "must be above soc_min");
      }
      cycles.temp_c = read_quantity(block, "temp", Quantity::kTemperature, kCellTemperature);
      history.emplace_back(cycles);
    }
    block.finish();
  }
  return history;
}

models::PackConfig read_inline(const YamlObject& pack, const std::string& scenario_dir, const SourceFiles& files) {
  models::PackConfig config;
  config.name = pack.string_or("name", "inline pack");
  config.cell_params_path = resolve_file(pack, "cell", scenario_dir, "cell parameter file", files);
  config.series = static_cast<int>(read_integer(pack, "series", 1, 1000));
  config.parallel = pack.has("parallel") ? static_cast<int>(read_integer(pack, "parallel", 1, 100)) : 1;
  if (const auto interconnect = pack.optional_child("interconnect")) {
    config.cell_interconnect_ohm =
        read_quantity(*interconnect, "cell", Quantity::kResistance, NumberRange::non_negative());
    config.series_interconnect_ohm =
        read_quantity(*interconnect, "series", Quantity::kResistance, NumberRange::non_negative());
    interconnect->finish();
  }
  config.neighbour_conductance_w_per_k =
      read_optional_quantity(pack, "neighbour_conductance", Quantity::kThermalConductance, NumberRange::non_negative())
          .value_or(0.0);
  // Required inline (a pack file requires them too); read with the overrides.
  if (!pack.has("initial_soc")) pack.fail("missing required field 'initial_soc'");
  if (!pack.has("initial_temp")) pack.fail("missing required field 'initial_temp'");
  return config;
}

}  // namespace

PackSpec read_pack(const YamlObject& root, const std::string& scenario_dir, std::uint64_t scenario_seed,
                   SourceFiles& files) {
  const YamlObject pack{root.child("pack")};
  refuse_unknown_keys(pack, {"file", "cell", "name", "series", "parallel", "interconnect", "neighbour_conductance",
                             "initial_soc", "initial_temp", "variation", "pre_aging"}, "'pack'");
  const bool from_file{pack.has("file")};
  if (from_file && pack.has("cell")) {
    throw InputError(pack.key_location("cell"),
                     "'cell' belongs to an inline pack; with 'file' the pack file names its cell");
  }
  if (!from_file && !pack.has("cell")) {
    pack.fail("expected 'file' (a pack file) or 'cell' (an inline pack)");
  }
  PackSpec spec;
  spec.where = pack.location();
  if (from_file) {
    for (const std::string_view key : kInlineOnly) {
      if (pack.has(std::string{key})) {
        throw InputError(pack.key_location(std::string{key}),
                         "'" + std::string{key} + "' belongs to an inline pack; with 'file' only initial_soc, "
                         "initial_temp, variation and pre_aging may be given");
      }
    }
    spec.file = resolve_file(pack, "file", scenario_dir, "pack file", files);
  } else {
    spec.config = read_inline(pack, scenario_dir, files);
  }
  // The scenario's own mistakes first, then the pack and cell files'.
  const auto soc = read_optional_quantity(pack, "initial_soc", Quantity::kFraction, NumberRange::closed(0.0, 1.0));
  const auto temp = read_optional_quantity(pack, "initial_temp", Quantity::kTemperature, kCellTemperature);
  const VariationOverride variation{read_variation(pack)};
  std::optional<models::AgingHistory> pre_aging;
  if (pack.has("pre_aging")) {
    pre_aging = read_pre_aging(pack);
  }
  pack.finish();

  // A file of another kind is refused at the line naming it, before its own loader reads it.
  if (from_file) {
    refuse_other_kind_as_pack_file(pack, spec.file, files);
    spec.config = models::load_pack_config(spec.file, files);
  } else {
    refuse_other_kind_as_cell_file(pack, spec.config.cell_params_path, files);
    spec.config.cell = models::load_cell_params(spec.config.cell_params_path, files);
  }
  spec.config.initial_soc = soc.value_or(spec.config.initial_soc);
  spec.config.initial_temp_c = temp.value_or(spec.config.initial_temp_c);
  variation.apply(spec.config.variation);
  if (pre_aging) {
    spec.config.pre_aging = *pre_aging;
  }
  spec.config.seed = seed_for(scenario_seed, SeedStream::kPackVariation);
  spec.nominal_capacity_ah = spec.config.cell.capacity_ah * spec.config.parallel;
  return spec;
}

}  // namespace packsim::scenario
