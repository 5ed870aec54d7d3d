// Strict loader for pack files (models/params/packs/*.yaml).
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>

#include "common/yaml_reader.h"
#include "models/pack/pack_config.h"
#include "models/pack/plant_limits.h"

namespace packsim::models {

namespace {

constexpr std::int64_t kMaxSeries = 1000;
constexpr std::int64_t kMaxParallel = 100;
// A spread this wide is a typo or a different cell type, not manufacturing variation.
constexpr double kMaxRelativeSigma = 0.5;
constexpr double kMaxInitialSocSigma = 0.2;
// Pre-aging history: no battery has been around for longer than a century, and
// none is rated for more than a few tens of thousands of cycles (LTO; LFP
// 3,000-10,000). Beyond these a value is a typo, and its fade would leave the
// cells with no capacity (1e12 days of storage).
constexpr double kMaxPreAgingDays = 36525.0;  // 100 years
constexpr double kMaxPreAgingCycles = 1.0e5;
const NumberRange kTemperature{NumberRange::closed(kMinTemperatureC, kMaxTemperatureC)};

CellVariation read_variation(const YamlObject& variation) {
  CellVariation result;
  result.capacity_rel_sigma = variation.number("capacity_rel_sigma", NumberRange::below(0.0, kMaxRelativeSigma));
  result.r0_rel_sigma = variation.number("r0_rel_sigma", NumberRange::below(0.0, kMaxRelativeSigma));
  result.self_discharge_rel_sigma = variation.number("self_discharge_rel_sigma", NumberRange::below(0.0, kMaxRelativeSigma));
  result.initial_soc_sigma = variation.number("initial_soc_sigma", NumberRange::below(0.0, kMaxInitialSocSigma));
  variation.finish();
  return result;
}

// `cell` is relative to the pack file's directory, so a pack and its cell move together.
std::string resolve_cell_path(const YamlObject& root, const std::string& pack_path, const SourceFiles& files) {
  const std::string cell = root.string("cell");
  if (cell.empty()) {
    root.fail_at("cell", "expected the path of a cell parameter file");
  }
  const std::filesystem::path resolved = (std::filesystem::path(pack_path).parent_path() / cell).lexically_normal();
  if (!files.is_regular_file(resolved.string())) {
    root.fail_at("cell", "no cell parameter file at '" + resolved.string() + "'");
  }
  return resolved.string();
}

StorageProfile read_storage(const YamlObject& storage) {
  StorageProfile profile;
  profile.days = storage.number("days", NumberRange::closed(0.0, kMaxPreAgingDays));
  profile.soc = storage.number("soc", NumberRange::closed(0.0, 1.0));
  profile.temp_c = storage.number("temp_c", kTemperature);
  storage.finish();
  return profile;
}

CycleProfile read_cycles(const YamlObject& cycles) {
  CycleProfile profile;
  profile.cycles = cycles.number("count", NumberRange::closed(0.0, kMaxPreAgingCycles));
  profile.discharge_c_rate = cycles.number("discharge_c_rate", NumberRange::closed(1e-3, kMaxDriveCRate));
  profile.charge_c_rate = cycles.number("charge_c_rate", NumberRange::closed(1e-3, kMaxDriveCRate));
  profile.soc_min = cycles.number("soc_min", NumberRange::closed(0.0, 1.0));
  profile.soc_max = cycles.number("soc_max", NumberRange::closed(0.0, 1.0));
  if (profile.soc_max <= profile.soc_min) {
    cycles.fail_at("soc_max", "must be above soc_min");
  }
  profile.temp_c = cycles.number("temp_c", kTemperature);
  cycles.finish();
  return profile;
}

// pre_aging: a list of {storage: {...}} and {cycles: {...}} entries, applied in order.
AgingHistory read_pre_aging(const YamlObject& root) {
  AgingHistory history;
  for (const YamlObject& entry : root.objects("pre_aging")) {
    const std::vector<std::string> keys = entry.keys();
    if (keys.size() != 1 || (keys.front() != "storage" && keys.front() != "cycles")) {
      entry.fail("expected exactly one of 'storage' or 'cycles'");
    }
    if (keys.front() == "storage") {
      history.emplace_back(read_storage(entry.child("storage")));
    } else {
      history.emplace_back(read_cycles(entry.child("cycles")));
    }
  }
  return history;
}

}  // namespace

PackConfig load_pack_config(const std::string& path) {
  SourceFiles files{SourceFiles::disk()};
  return load_pack_config(path, files);
}

PackConfig load_pack_config(const std::string& path, SourceFiles& files) {
  const YamlObject root = YamlObject::load_file(path, files);
  PackConfig pack;
  pack.name = root.string("name");
  if (pack.name.empty()) {
    root.fail_at("name", "expected non-empty text");
  }
  pack.cell_params_path = resolve_cell_path(root, path, files);

  const YamlObject topology = root.child("topology");
  pack.series = static_cast<int>(topology.integer("series", 1, kMaxSeries));
  pack.parallel = static_cast<int>(topology.integer("parallel", 1, kMaxParallel));
  topology.finish();

  const YamlObject interconnect = root.child("interconnect");
  pack.cell_interconnect_ohm = interconnect.number("cell_ohm", NumberRange::non_negative());
  pack.series_interconnect_ohm = interconnect.number("series_ohm", NumberRange::non_negative());
  interconnect.finish();

  const YamlObject thermal = root.child("thermal");
  pack.neighbour_conductance_w_per_k = thermal.number("neighbour_conductance_w_per_k", NumberRange::non_negative());
  thermal.finish();

  // Without a `variation` block every cell is identical.
  if (const auto variation = root.optional_child("variation")) {
    pack.variation = read_variation(*variation);
  }

  pack.seed = static_cast<std::uint64_t>(root.integer("seed", 0, std::numeric_limits<std::int64_t>::max()));

  const YamlObject initial = root.child("initial");
  pack.initial_soc = initial.number("soc", NumberRange::closed(0.0, 1.0));
  pack.initial_temp_c = initial.number("temp_c", kTemperature);
  initial.finish();
  if (root.has("pre_aging")) {
    pack.pre_aging = read_pre_aging(root);
  }
  root.finish();

  // Last, so the pack file's own mistakes are reported before the cell file's; errors
  // from the cell file carry that file's name and position.
  pack.cell = load_cell_params(pack.cell_params_path, files);
  return pack;
}

}  // namespace packsim::models
