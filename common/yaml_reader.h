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
#include "common/source_files.h"

namespace packsim {
// Shortest decimal text of a number, for messages.
std::string format_number(double value);
}  // namespace packsim

namespace packsim {

// A scalar's text with its place in the file, so that a parser of the text (a
// quantity, a condition) can point at a character inside it. Columns count
// UTF-8 code points.
class YamlScalar {
 public:
  // Text known only by its start (a command-line string, a test): characters
  // follow on the same line.
  YamlScalar(std::string text, SourceLocation start);
  static YamlScalar from_node(const YAML::Node& node, std::shared_ptr<const std::string> file,
                              std::shared_ptr<const std::string> source);

  const std::string& text() const { return text_; }
  // Where the scalar starts (its opening quote, when quoted).
  const SourceLocation& location() const { return start_; }
  // Where the character at byte_offset of text() sits in the file; past the
  // end, just after the last character.
  SourceLocation location_at(std::size_t byte_offset) const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(std::size_t byte_offset, const std::string& message) const;

 private:
  std::string text_;
  SourceLocation start_;
  std::shared_ptr<const std::string> source_;  // the whole file; null when unknown
  std::size_t source_pos_{0};                  // byte of the node's start in source_
};

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
  // What a key holds, to read values that may take more than one form.
  enum class Kind { kMissing, kNull, kScalar, kSequence, kMap };

  // Parses a file; syntax errors and a non-mapping root become InputError.
  static YamlObject load_file(const std::string& path);
  // The same, reading the text through `files`.
  static YamlObject load_file(const std::string& path, SourceFiles& files);
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

  // The form of the value under key; does not count as reading it.
  Kind kind(const std::string& key) const;
  // A required scalar with its place, for parsers that point inside the text.
  YamlScalar scalar(const std::string& key) const;
  // A sequence of scalars.
  std::vector<YamlScalar> scalars(const std::string& key) const;
  // Where the key itself (not its value) is written.
  SourceLocation key_location(const std::string& key) const;
  // The key as a scalar, for keys that carry data (e.g. "after 6 h").
  YamlScalar key_scalar(const std::string& key) const;
  // Refuses a key written twice in any mapping at or below this one (YAML
  // parsers keep one of the two silently).
  void refuse_duplicate_keys() const;

  // Refuses any key of this mapping that was never read.
  void finish() const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const;
  // Error at element index of the sequence under key.
  [[noreturn]] void fail_at_element(const std::string& key, std::size_t index, const std::string& message) const;

 private:
  YamlObject(YAML::Node node, std::shared_ptr<const std::string> file,
             std::shared_ptr<const std::string> source = nullptr);
  YAML::Node required(const std::string& key) const;
  double to_number(const YAML::Node& value, const std::string& what, NumberRange range) const;
  SourceLocation location_of_node(const YAML::Node& node) const;

  YAML::Node node_;
  std::shared_ptr<const std::string> file_;
  std::shared_ptr<std::set<std::string>> used_keys_;
  std::shared_ptr<const std::string> source_;  // the file's text, when loaded from a file
};

}  // namespace packsim
