#include "sim/scenario/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

#include "bms_under_test/firmware/bms_config.h"
#include "sim/scenario/board_reader.h"
#include "sim/scenario/firmware_reader.h"
#include "sim/scenario/key_rules.h"
#include "sim/scenario/pack_reader.h"
#include "sim/scenario/quantity.h"
#include "sim/scenario/step_reader.h"

namespace packsim::scenario {

namespace {

std::string non_empty_text(const YamlObject& object, const std::string& key) {
  const YamlScalar text{object.scalar(key)};
  if (text.text().empty()) {
    text.fail("'" + key + "': expected non-empty text");
  }
  return text.text();
}

Environment read_environment(const YamlObject& root) {
  Environment environment;
  const auto block = root.optional_child("environment");
  if (!block) return environment;
  refuse_unknown_keys(*block, {"ambient", "interpolation"}, "'environment'");
  const NumberRange ambient_range{NumberRange::closed(-60.0, 120.0)};
  if (block->kind("ambient") == YamlObject::Kind::kSequence) {
    environment.ambient.clear();
    for (const YamlObject& point : block->objects("ambient")) {
      refuse_unknown_keys(point, {"at", "ambient"}, "an ambient profile point");
      AmbientPoint entry;
      entry.at_ns = read_duration(point, "at");
      entry.ambient_c = read_quantity(point, "ambient", Quantity::kTemperature, ambient_range);
      if (environment.ambient.empty() && entry.at_ns != 0) {
        point.fail_at("at", "the profile starts at 0 s");
      }
      if (!environment.ambient.empty() && entry.at_ns <= environment.ambient.back().at_ns) {
        point.fail_at("at", "times must increase along the profile");
      }
      point.finish();
      environment.ambient.push_back(entry);
    }
    if (environment.ambient.empty()) {
      block->fail_at("ambient", "expected at least one {at, ambient} point");
    }
  } else {
    environment.ambient = {AmbientPoint{0, read_quantity(*block, "ambient", Quantity::kTemperature, ambient_range)}};
  }
  if (block->has("interpolation")) {
    const YamlScalar how{block->scalar("interpolation")};
    if (how.text() == "linear") {
      environment.interpolation = AmbientInterpolation::kLinear;
    } else if (how.text() != "step") {
      how.fail("'interpolation': expected step or linear, got '" + how.text() + "'");
    }
  }
  block->finish();
  return environment;
}

constexpr std::array<std::string_view, 5> kForms{"that", "never", "always", "eventually", "at_end"};

std::vector<Expectation> read_expectations(const YamlObject& root, ConditionContext context,
                                           const std::vector<Step>& steps) {
  std::vector<Expectation> expectations;
  if (!root.has("expect")) return expectations;
  const std::vector<YamlObject> entries{root.objects("expect")};
  if (entries.empty()) {
    root.fail_at("expect", "expected at least one expectation (or no 'expect' key)");
  }
  std::vector<std::string> labels;
  for (const Step& step : steps) labels.push_back(step.label);
  context.allow_step_events = true;
  context.allow_elapsed = false;
  context.step_labels = labels;

  std::set<std::string> names;
  for (const YamlObject& entry : entries) {
    std::string form_key;
    for (const std::string& key : entry.keys()) {
      if (key == "name") continue;
      const bool known{std::find(kForms.begin(), kForms.end(), key) != kForms.end() || key.rfind("after ", 0) == 0};
      if (!known) {
        throw InputError(entry.key_location(key), "unknown key '" + key + "' in an expectation; expected name and "
                                                  "one of that, never, always, eventually, at_end or 'after <time>'");
      }
      if (!form_key.empty()) {
        throw InputError(entry.key_location(key), "one assertion per expectation: '" + form_key + "' and '" + key +
                                                      "' here; start another entry");
      }
      form_key = key;
    }
    const std::string name{non_empty_text(entry, "name")};
    if (!names.insert(name).second) {
      entry.fail_at("name", "another expectation is already named '" + name + "'");
    }
    if (form_key.empty()) {
      entry.fail("expected one of that, never, always, eventually, at_end or 'after <time>' in '" + name + "'");
    }
    if (entry.kind(form_key) != YamlObject::Kind::kScalar) {
      entry.fail_at(form_key, "expected the assertion as text, e.g. never: max_cell_v > 3.65 V");
    }
    ExpectationForm form{ExpectationForm::kSentence};
    sim::TimeNs after_ns{0};
    if (form_key == "never") form = ExpectationForm::kNever;
    if (form_key == "always") form = ExpectationForm::kAlways;
    if (form_key == "eventually") form = ExpectationForm::kEventually;
    if (form_key == "at_end") form = ExpectationForm::kAtEnd;
    if (form_key.rfind("after ", 0) == 0) {
      form = ExpectationForm::kAfter;
      const YamlScalar key{entry.key_scalar(form_key)};
      SentenceParser parser{key, context};
      parser.expect_word("after", "expected 'after <time>'");
      after_ns = parser.duration("after");
      parser.expect_end("expected 'after <time>' as the key");
    }
    const YamlScalar body{entry.scalar(form_key)};
    Expectation expectation{parse_expectation(body, form, context, after_ns)};
    expectation.name = name;
    expectation.where = entry.location();
    if (form != ExpectationForm::kSentence) {
      expectation.text = form_key + ": " + body.text();
    }
    entry.finish();
    expectations.push_back(std::move(expectation));
  }
  return expectations;
}

Scenario read_scenario(const std::string& path, SourceFiles& files) {
  const YamlObject root{YamlObject::load_file(path, files)};
  root.refuse_duplicate_keys();
  refuse_unknown_keys(root, {"name", "description", "seed", "pack", "environment", "firmware", "board", "steps", "expect"},
                      "a scenario");
  Scenario scenario;
  scenario.file = path;
  scenario.name = non_empty_text(root, "name");
  scenario.description = non_empty_text(root, "description");
  scenario.seed = static_cast<std::uint64_t>(read_integer(root, "seed", 0, std::numeric_limits<std::int64_t>::max()));
  const std::string dir{std::filesystem::path{path}.parent_path().string()};
  scenario.pack = read_pack(root, dir, scenario.seed, files);
  scenario.environment = read_environment(root);
  scenario.firmware = read_firmware(root, dir);
  scenario.board = read_board(root);

  StepContext steps;
  steps.scenario_dir = dir;
  steps.conditions.series = scenario.pack.config.series;
  steps.conditions.cells = scenario.pack.config.series * scenario.pack.config.parallel;
  steps.conditions.nominal_capacity_ah = scenario.pack.nominal_capacity_ah;
  scenario.steps = read_steps(root, steps);
  scenario.expectations = read_expectations(root, steps.conditions, scenario.steps);
  root.finish();
  return scenario;
}

void require_file(const std::string& path, const SourceLocation& where, const std::string& what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(where, "no " + what + " at '" + path + "'");
  }
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  SourceFiles files{SourceFiles::disk()};
  return load_scenario(path, files);
}

Scenario load_scenario(const std::string& path, SourceFiles& files) {
  try {
    return read_scenario(path, files);
  } catch (const YAML::Exception& error) {
    // yaml-cpp can refuse a document lazily, while it is being read.
    const int line{error.mark.is_null() ? 0 : error.mark.line + 1};
    throw InputError({path, line, error.mark.is_null() ? 0 : error.mark.column + 1}, error.msg);
  }
}

Scenario validate_scenario(const std::string& path) {
  SourceFiles files{SourceFiles::disk()};
  return validate_scenario(path, files);
}

void check_pack_fits_afe(const models::PackConfig& pack, const SourceLocation& pack_where) {
  if (pack.series > kAfeMaxSeries) {
    throw InputError(pack_where, "the bq76952 measures at most " + std::to_string(kAfeMaxSeries) +
                                     " series cells; this pack has " + std::to_string(pack.series));
  }
}

void check_reference_config_for_pack(const bms_config& config, std::span<const ConfigOverride> overrides,
                                     const models::PackConfig& pack, const SourceLocation& where,
                                     const std::string& remedy) {
  if (config.cell_count != static_cast<std::uint32_t>(pack.series)) {
    throw InputError(where, "the reference firmware is configured for " + std::to_string(config.cell_count) +
                                " cells but the pack has " + std::to_string(pack.series) + " in series" + remedy);
  }
  check_config_rules(overrides, config, where);
}

Scenario validate_scenario(const std::string& path, SourceFiles& files) {
  Scenario scenario{load_scenario(path, files)};
  const models::PackConfig& pack{scenario.pack.config};
  check_pack_fits_afe(pack, scenario.pack.where);
  if (!scenario.firmware.image.is_reference()) {
    require_file(scenario.firmware.image.path, scenario.firmware.where, "firmware shared object");
  }
  for (const Step& step : scenario.steps) {
    if (const auto* reflash = std::get_if<Reflash>(&step.action)) {
      if (reflash->firmware && !reflash->firmware->is_reference()) {
        require_file(reflash->firmware->path, step.where, "firmware shared object");
      }
    }
  }
  if (scenario.firmware.image.is_reference()) {
    bms_config config{*bms_config_default()};
    apply_config_overrides(scenario.firmware.config, config);
    // At the cell_count given, else at the pack (its count is the one to follow).
    const auto& overrides{scenario.firmware.config};
    const auto cell_count = std::find_if(overrides.rbegin(), overrides.rend(),
                                         [](const ConfigOverride& entry) { return entry.name == "cell_count"; });
    // A broken rule at the override that broke it, naming the fields, their values and the limit.
    check_reference_config_for_pack(
        config, overrides, pack, cell_count != overrides.rend() ? cell_count->where : scenario.pack.where,
        "; set firmware: config: cell_count: " + std::to_string(pack.series));
  }
  return scenario;
}

}  // namespace packsim::scenario
