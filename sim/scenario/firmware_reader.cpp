#include "sim/scenario/firmware_reader.h"

#include <filesystem>

#include "sim/scenario/key_rules.h"

namespace packsim::scenario {

namespace {

constexpr const char* kImageForms{"expected 'reference' or a mapping {path: FILE.so}"};

FirmwareImage read_path(const YamlObject& object, const std::string& scenario_dir) {
  const YamlScalar path{object.scalar("path")};
  if (path.text().empty()) {
    path.fail("'path': expected the path of a firmware shared object");
  }
  return {(std::filesystem::path{scenario_dir} / path.text()).lexically_normal().string()};
}

}  // namespace

FirmwareImage read_firmware_image(const YamlObject& parent, const std::string& key, const std::string& scenario_dir) {
  if (parent.kind(key) == YamlObject::Kind::kScalar) {
    const YamlScalar text{parent.scalar(key)};
    if (text.text() != "reference") {
      text.fail("'" + key + "': " + kImageForms);
    }
    return {};
  }
  if (parent.kind(key) != YamlObject::Kind::kMap) {
    parent.fail_at(key, kImageForms);
  }
  const YamlObject image{parent.child(key)};
  FirmwareImage result{read_path(image, scenario_dir)};
  image.finish();
  return result;
}

FirmwareSpec read_firmware(const YamlObject& root, const std::string& scenario_dir) {
  FirmwareSpec spec;
  switch (root.kind("firmware")) {
    case YamlObject::Kind::kMissing:
      spec.where = root.location();
      return spec;
    case YamlObject::Kind::kMap: {
      const YamlObject firmware{root.child("firmware")};
      refuse_unknown_keys(firmware, {"path", "isolate", "config"}, "'firmware'");
      spec.where = firmware.location();
      if (firmware.has("path")) {
        spec.image = read_path(firmware, scenario_dir);
      }
      if (firmware.has("isolate")) {
        spec.isolate = firmware.boolean_or("isolate", false);
      }
      if (const auto config = firmware.optional_child("config")) {
        spec.config = read_config_overrides(*config);
      }
      firmware.finish();
      return spec;
    }
    default:
      spec.where = root.location_of("firmware");
      spec.image = read_firmware_image(root, "firmware", scenario_dir);
      return spec;
  }
}

}  // namespace packsim::scenario
