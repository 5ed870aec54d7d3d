#include "common/input_error.h"

namespace packsim {

namespace {
std::string format_location(const SourceLocation& where, const std::string& message) {
  std::string text = where.file;
  if (where.line > 0) {
    text += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  }
  return text + ": " + message;
}
}  // namespace

InputError::InputError(SourceLocation where, const std::string& message)
    : std::runtime_error(format_location(where, message)), where_(std::move(where)), message_(message) {}

}  // namespace packsim
