#include "common/yaml_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace packsim {

std::string format_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

YamlObject::YamlObject(YAML::Node node, std::shared_ptr<const std::string> file)
    : node_(std::move(node)), file_(std::move(file)), used_keys_(std::make_shared<std::set<std::string>>()) {}

YamlObject YamlObject::load_file(const std::string& path) {
  auto file = std::make_shared<const std::string>(path);
  std::ifstream stream(path);
  if (!stream) {
    throw InputError({path, 0, 0}, "cannot open file");
  }
  YAML::Node root;
  try {
    root = YAML::Load(stream);
  } catch (const YAML::Exception& error) {
    throw InputError({path, error.mark.line + 1, error.mark.column + 1}, error.msg);
  }
  if (!root.IsMap()) {
    throw InputError({path, 1, 1}, "expected a mapping of keys to values at the top level");
  }
  return YamlObject(root, file);
}

YamlObject YamlObject::from_node(const YAML::Node& node, std::shared_ptr<const std::string> file) {
  YamlObject object(node, std::move(file));
  if (!node.IsMap()) {
    object.fail("expected a mapping of keys to values");
  }
  return object;
}

SourceLocation YamlObject::location_of_node(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) {
    return {*file_, 0, 0};
  }
  return {*file_, mark.line + 1, mark.column + 1};
}

SourceLocation YamlObject::location() const { return location_of_node(node_); }

SourceLocation YamlObject::location_of(const std::string& key) const {
  for (const auto& entry : node_) {
    if (entry.first.Scalar() == key) {
      return location_of_node(entry.second);
    }
  }
  return location();
}

bool YamlObject::has(const std::string& key) const {
  return static_cast<bool>(node_[key]);
}

void YamlObject::fail(const std::string& message) const { throw InputError(location(), message); }

void YamlObject::fail_at(const std::string& key, const std::string& message) const {
  throw InputError(location_of(key), "'" + key + "': " + message);
}

void YamlObject::fail_at_element(const std::string& key, std::size_t index, const std::string& message) const {
  const YAML::Node sequence = node_[key];
  if (sequence && sequence.IsSequence() && index < sequence.size()) {
    throw InputError(location_of_node(sequence[index]),
                     "'" + key + "' element " + std::to_string(index + 1) + ": " + message);
  }
  fail_at(key, message);
}

YAML::Node YamlObject::required(const std::string& key) const {
  used_keys_->insert(key);
  YAML::Node value = node_[key];
  if (!value) {
    fail("missing required field '" + key + "'");
  }
  return value;
}

double YamlObject::to_number(const YAML::Node& value, const std::string& what, NumberRange range) const {
  double result = 0.0;
  bool parsed = value.IsScalar();
  if (parsed) {
    try {
      result = value.as<double>();
    } catch (const YAML::Exception&) {
      parsed = false;
    }
  }
  if (!parsed) {
    throw InputError(location_of_node(value), "'" + what + "': expected a number");
  }
  if (!std::isfinite(result)) {
    throw InputError(location_of_node(value), "'" + what + "': expected a finite number");
  }
  const bool below = range.min_exclusive ? result <= range.min : result < range.min;
  if (below) {
    throw InputError(location_of_node(value), "'" + what + "': " + format_number(result) + " is not physically possible; must be " +
                                                  (range.min_exclusive ? "> " : ">= ") + format_number(range.min));
  }
  const bool above = range.max_exclusive ? result >= range.max : result > range.max;
  if (above) {
    throw InputError(location_of_node(value), "'" + what + "': " + format_number(result) + " is out of range; must be " +
                                                  (range.max_exclusive ? "< " : "<= ") + format_number(range.max));
  }
  return result;
}

double YamlObject::number(const std::string& key, NumberRange range) const {
  return to_number(required(key), key, range);
}

double YamlObject::number_or(const std::string& key, double fallback, NumberRange range) const {
  return has(key) ? number(key, range) : (used_keys_->insert(key), fallback);
}

std::int64_t YamlObject::integer(const std::string& key, std::int64_t min, std::int64_t max) const {
  const YAML::Node value = required(key);
  std::int64_t result = 0;
  try {
    result = value.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    throw InputError(location_of_node(value), "'" + key + "': expected a whole number");
  }
  if (result < min || result > max) {
    throw InputError(location_of_node(value), "'" + key + "': " + std::to_string(result) + " is out of range; must be " +
                                                  std::to_string(min) + ".." + std::to_string(max));
  }
  return result;
}

std::int64_t YamlObject::integer_or(const std::string& key, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) const {
  return has(key) ? integer(key, min, max) : (used_keys_->insert(key), fallback);
}

std::string YamlObject::string(const std::string& key) const {
  const YAML::Node value = required(key);
  if (!value.IsScalar()) {
    throw InputError(location_of_node(value), "'" + key + "': expected text");
  }
  return value.Scalar();
}

std::string YamlObject::string_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? string(key) : (used_keys_->insert(key), fallback);
}

bool YamlObject::boolean_or(const std::string& key, bool fallback) const {
  if (!has(key)) {
    used_keys_->insert(key);
    return fallback;
  }
  const YAML::Node value = required(key);
  try {
    return value.as<bool>();
  } catch (const YAML::Exception&) {
    throw InputError(location_of_node(value), "'" + key + "': expected true or false");
  }
}

std::vector<double> YamlObject::numbers(const std::string& key, std::size_t min_size, NumberRange range) const {
  const YAML::Node value = required(key);
  if (!value.IsSequence()) {
    throw InputError(location_of_node(value), "'" + key + "': expected a list of numbers");
  }
  if (value.size() < min_size) {
    throw InputError(location_of_node(value),
                     "'" + key + "': expected at least " + std::to_string(min_size) + " values, got " + std::to_string(value.size()));
  }
  std::vector<double> result;
  result.reserve(value.size());
  for (const auto& element : value) {
    result.push_back(to_number(element, key, range));
  }
  return result;
}

std::vector<std::string> YamlObject::strings(const std::string& key, std::size_t min_size) const {
  const YAML::Node value = required(key);
  if (!value.IsSequence() || value.size() < min_size) {
    throw InputError(location_of_node(value), "'" + key + "': expected a list of at least " + std::to_string(min_size) +
                                                  " text entr" + (min_size == 1 ? "y" : "ies"));
  }
  std::vector<std::string> result;
  for (const auto& element : value) {
    if (!element.IsScalar() || element.Scalar().empty()) {
      throw InputError(location_of_node(element), "'" + key + "': expected text");
    }
    result.push_back(element.Scalar());
  }
  return result;
}

std::vector<std::vector<double>> YamlObject::rows(const std::string& key, NumberRange range) const {
  const YAML::Node value = required(key);
  if (!value.IsSequence() || value.size() == 0) {
    throw InputError(location_of_node(value), "'" + key + "': expected a list of rows");
  }
  std::vector<std::vector<double>> result;
  for (const auto& row : value) {
    if (!row.IsSequence()) {
      throw InputError(location_of_node(row), "'" + key + "': expected each row to be a list of numbers");
    }
    std::vector<double> numbers_in_row;
    for (const auto& element : row) {
      numbers_in_row.push_back(to_number(element, key, range));
    }
    if (!result.empty() && numbers_in_row.size() != result.front().size()) {
      throw InputError(location_of_node(row), "'" + key + "': row has " + std::to_string(numbers_in_row.size()) +
                                                  " values, the first row has " + std::to_string(result.front().size()));
    }
    result.push_back(std::move(numbers_in_row));
  }
  return result;
}

YamlObject YamlObject::child(const std::string& key) const {
  const YAML::Node value = required(key);
  if (!value.IsMap()) {
    throw InputError(location_of_node(value), "'" + key + "': expected a mapping of keys to values");
  }
  return YamlObject(value, file_);
}

std::vector<YamlObject> YamlObject::objects(const std::string& key) const {
  const YAML::Node value = required(key);
  if (!value.IsSequence()) {
    throw InputError(location_of_node(value), "'" + key + "': expected a list of mappings");
  }
  std::vector<YamlObject> result;
  for (const auto& element : value) {
    if (!element.IsMap()) {
      throw InputError(location_of_node(element), "'" + key + "': expected each entry to be a mapping of keys to values");
    }
    result.push_back(YamlObject(element, file_));
  }
  return result;
}

std::vector<std::string> YamlObject::keys() const {
  std::vector<std::string> result;
  for (const auto& entry : node_) {
    result.push_back(entry.first.Scalar());
  }
  return result;
}

std::optional<YamlObject> YamlObject::optional_child(const std::string& key) const {
  if (!has(key)) {
    used_keys_->insert(key);
    return std::nullopt;
  }
  return child(key);
}

void YamlObject::finish() const {
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (used_keys_->count(key) == 0) {
      throw InputError(location_of_node(entry.first), "unknown key '" + key + "'");
    }
  }
}

}  // namespace packsim
