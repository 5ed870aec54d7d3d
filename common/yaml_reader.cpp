#include "common/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string_view>

#include <yaml-cpp/depthguard.h>

#include "common/yaml_expansion_guard.h"

namespace packsim {

std::string format_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

YamlObject::YamlObject(YAML::Node node, std::shared_ptr<const std::string> file,
                       std::shared_ptr<const std::string> source)
    : node_(std::move(node)),
      file_(std::move(file)),
      used_keys_(std::make_shared<std::set<std::string>>()),
      source_(std::move(source)) {}

YamlObject YamlObject::load_file(const std::string& path) {
  SourceFiles files{SourceFiles::disk()};
  return load_file(path, files);
}

YamlObject YamlObject::load_file(const std::string& path, SourceFiles& files) {
  auto file = std::make_shared<const std::string>(path);
  // The text is kept so that errors can point inside a scalar (YamlScalar).
  auto source = std::make_shared<const std::string>(files.read(path));
  check_yaml_expansion(path, *source);
  YAML::Node root;
  try {
    root = YAML::Load(*source);
  } catch (const YAML::DeepRecursion& error) {
    throw InputError({path, error.mark.line + 1, error.mark.column + 1},
                     "nested too deeply (sequences and mappings inside each other hundreds of levels down)");
  } catch (const YAML::Exception& error) {
    throw InputError({path, error.mark.line + 1, error.mark.column + 1}, error.msg);
  }
  if (!root.IsMap()) {
    throw InputError({path, 1, 1}, "expected a mapping of keys to values at the top level");
  }
  return YamlObject(root, file, source);
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
  return YamlObject(value, file_, source_);
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
    result.push_back(YamlObject(element, file_, source_));
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

// ---- Additions for parsers that point inside a scalar (scenario files) ----

namespace {

bool starts_code_point(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

std::size_t code_points(std::string_view text) {
  std::size_t count{0};
  for (const char c : text) {
    count += starts_code_point(c) ? 1 : 0;
  }
  return count;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Byte of `source` where character `offset` of `text` was written, the scalar
// starting at `start` (its opening quote, or a block scalar's indicator).
// Walks both texts side by side, skipping what YAML removes (quotes, escapes,
// line folding, indentation); nullopt when they cannot be matched up.
std::optional<std::size_t> source_position(const std::string& source, std::size_t start, const std::string& text,
                                           std::size_t offset) {
  if (start >= source.size()) {
    return std::nullopt;
  }
  std::size_t p{start};
  char quote{0};
  if (source[p] == '"' || source[p] == '\'') {
    quote = source[p];
    ++p;
  } else if (source[p] == '|' || source[p] == '>') {
    while (p < source.size() && source[p] != '\n') ++p;
    while (p < source.size() && is_blank(source[p])) ++p;
  }
  const std::size_t end{std::min(offset, text.size())};
  for (std::size_t i = 0; i < end; ++i) {
    const char c{text[i]};
    if (p >= source.size()) {
      return std::nullopt;
    }
    if (quote == '\'' && c == '\'' && source.compare(p, 2, "''") == 0) {
      p += 2;
      continue;
    }
    if (source[p] == c) {
      ++p;
      continue;
    }
    if (quote == '"' && source[p] == '\\') {
      // An escape: one character of text from two or more of source.
      p += 2;
      if (c != '\n' && !is_blank(c)) {
        while (p < source.size() && source[p] != c && source[p] != '"' && !is_blank(source[p])) ++p;
        if (p < source.size() && source[p] == c) ++p;
      }
      continue;
    }
    if (is_blank(c) || is_blank(source[p])) {
      // Folded line breaks and indentation.
      while (p < source.size() && is_blank(source[p])) ++p;
      if (is_blank(c)) continue;
      if (p < source.size() && source[p] == c) {
        ++p;
        continue;
      }
    }
    return std::nullopt;
  }
  return p;
}

}  // namespace

YamlScalar::YamlScalar(std::string text, SourceLocation start) : text_(std::move(text)), start_(std::move(start)) {}

YamlScalar YamlScalar::from_node(const YAML::Node& node, std::shared_ptr<const std::string> file,
                                 std::shared_ptr<const std::string> source) {
  const YAML::Mark mark = node.Mark();
  SourceLocation start{*file, 0, 0};
  if (!mark.is_null()) {
    start = {*file, mark.line + 1, mark.column + 1};
  }
  YamlScalar scalar(node.IsScalar() ? node.Scalar() : std::string{}, start);
  if (!mark.is_null() && mark.pos >= 0) {
    scalar.source_ = std::move(source);
    scalar.source_pos_ = static_cast<std::size_t>(mark.pos);
  }
  return scalar;
}

SourceLocation YamlScalar::location_at(std::size_t byte_offset) const {
  const std::size_t offset{std::min(byte_offset, text_.size())};
  if (source_ && start_.line > 0) {
    if (const auto p = source_position(*source_, source_pos_, text_, offset)) {
      const std::string& source{*source_};
      const std::size_t from{std::min(source_pos_, *p)};
      int line{start_.line};
      for (std::size_t i = from; i < *p; ++i) {
        line += source[i] == '\n' ? 1 : 0;
      }
      const std::size_t line_start{source.rfind('\n', *p == 0 ? 0 : *p - 1)};
      const std::size_t first{line_start == std::string::npos || *p == 0 ? 0 : line_start + 1};
      const std::string_view before{std::string_view{source}.substr(first, *p - first)};
      return {start_.file, line, static_cast<int>(code_points(before)) + 1};
    }
  }
  // Unknown source, or text that cannot be matched to it: the same line.
  const std::size_t quote{source_ && source_pos_ < source_->size() &&
                                  ((*source_)[source_pos_] == '"' || (*source_)[source_pos_] == '\'')
                              ? std::size_t{1}
                              : std::size_t{0}};
  return {start_.file, start_.line,
          start_.column + static_cast<int>(quote + code_points(std::string_view{text_}.substr(0, offset)))};
}

void YamlScalar::fail(const std::string& message) const { throw InputError(start_, message); }

void YamlScalar::fail_at(std::size_t byte_offset, const std::string& message) const {
  throw InputError(location_at(byte_offset), message);
}

YamlObject::Kind YamlObject::kind(const std::string& key) const {
  const YAML::Node value = node_[key];
  if (!value) return Kind::kMissing;
  if (value.IsScalar()) return Kind::kScalar;
  if (value.IsSequence()) return Kind::kSequence;
  if (value.IsMap()) return Kind::kMap;
  return Kind::kNull;
}

YamlScalar YamlObject::scalar(const std::string& key) const {
  const YAML::Node value = required(key);
  if (!value.IsScalar()) {
    throw InputError(location_of_node(value), "'" + key + "': expected a single value");
  }
  return YamlScalar::from_node(value, file_, source_);
}

std::vector<YamlScalar> YamlObject::scalars(const std::string& key) const {
  const YAML::Node value = required(key);
  if (!value.IsSequence()) {
    throw InputError(location_of_node(value), "'" + key + "': expected a list of values");
  }
  std::vector<YamlScalar> result;
  for (const auto& element : value) {
    if (!element.IsScalar()) {
      throw InputError(location_of_node(element), "'" + key + "': expected each entry to be a single value");
    }
    result.push_back(YamlScalar::from_node(element, file_, source_));
  }
  return result;
}

SourceLocation YamlObject::key_location(const std::string& key) const {
  for (const auto& entry : node_) {
    if (entry.first.Scalar() == key) {
      return location_of_node(entry.first);
    }
  }
  return location();
}

YamlScalar YamlObject::key_scalar(const std::string& key) const {
  for (const auto& entry : node_) {
    if (entry.first.Scalar() == key) {
      return YamlScalar::from_node(entry.first, file_, source_);
    }
  }
  return YamlScalar(key, location());
}

namespace {
void refuse_duplicates_below(const YAML::Node& node, const std::string& file, int depth) {
  // Deeper than any sensible file; stops a pathological nesting from exhausting the stack.
  constexpr int kMaxDepth{64};
  if (depth > kMaxDepth) {
    const YAML::Mark mark = node.Mark();
    throw InputError({file, mark.line + 1, mark.column + 1}, "nested too deeply");
  }
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key{entry.first.Scalar()};
      if (!seen.insert(key).second) {
        const YAML::Mark mark = entry.first.Mark();
        throw InputError({file, mark.line + 1, mark.column + 1}, "duplicate key '" + key + "'");
      }
      refuse_duplicates_below(entry.first, file, depth + 1);
      refuse_duplicates_below(entry.second, file, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (const auto& element : node) {
      refuse_duplicates_below(element, file, depth + 1);
    }
  }
}
}  // namespace

void YamlObject::refuse_duplicate_keys() const { refuse_duplicates_below(node_, *file_, 0); }

}  // namespace packsim
