#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/input_error.h"

namespace packsim {
// Shortest decimal text of a number, for messages.
std::string format_number(double value);
}  // namespace packsim

namespace packsim {

// Accepted range of a number; the message names the bound that was broken.
struct NumberRange {
  double min{-std::numeric_limits<double>::infinity()};
  double max{std::numeric_limits<double>::infinity()};
  bool min_exclusive{false};
  bool max_exclusive{false};

  static NumberRange positive() { return {0.0, std::numeric_limits<double>::infinity(), true}; }
  static NumberRange non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false}; }
  static NumberRange closed(double lo, double hi) { return {lo, hi, false, false}; }
  // [lo, hi): for limits the value must stay strictly below.
  static NumberRange below(double lo, double hi) { return {lo, hi, false, true}; }
};

// A YAML mapping read strictly: every field is fetched by name, every error
// names file:line:col, and keys nobody asked for are refused by finish().
class YamlObject {
 public:
  // Parses a file; syntax errors and a non-mapping root become InputError.
  static YamlObject load_file(const std::string& path);
  static YamlObject from_node(const YAML::Node& node, std::shared_ptr<const std::string> file);

  const std::string& file() const { return *file_; }
  SourceLocation location() const;
  SourceLocation location_of(const std::string& key) const;
  bool has(const std::string& key) const;

  double number(const std::string& key, NumberRange range = {}) const;
  double number_or(const std::string& key, double fallback, NumberRange range = {}) const;
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const;
  std::int64_t integer_or(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  std::string string(const std::string& key) const;
  std::string string_or(const std::string& key, const std::string& fallback) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  // A sequence of numbers; min_size guards tables that need at least two points.
  std::vector<double> numbers(const std::string& key, std::size_t min_size = 1, NumberRange range = {}) const;
  // A sequence of non-empty texts (e.g. citations).
  std::vector<std::string> strings(const std::string& key, std::size_t min_size = 1) const;
  // A sequence of equal-length sequences (a table's rows).
  std::vector<std::vector<double>> rows(const std::string& key, NumberRange range = {}) const;
  YamlObject child(const std::string& key) const;
  // A sequence of mappings.
  std::vector<YamlObject> objects(const std::string& key) const;
  // The keys of this mapping, in file order.
  std::vector<std::string> keys() const;
  std::optional<YamlObject> optional_child(const std::string& key) const;

  // Refuses any key of this mapping that was never read.
  void finish() const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const;
  // Error at element index of the sequence under key.
  [[noreturn]] void fail_at_element(const std::string& key, std::size_t index, const std::string& message) const;

 private:
  YamlObject(YAML::Node node, std::shared_ptr<const std::string> file);
  YAML::Node required(const std::string& key) const;
  double to_number(const YAML::Node& value, const std::string& what, NumberRange range) const;
  SourceLocation location_of_node(const YAML::Node& node) const;

  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::shared_ptr<std::set<std::string>> used_keys_;
};

}  // namespace packsim
