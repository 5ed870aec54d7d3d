#pragma once

#include <stdexcept>
#include <string>

namespace packsim {

// Position in a user's input file, 1-based as editors show it.
struct SourceLocation {
  std::string file;
  int line{0};
  int column{0};
};

// Bad user input (a parameter, pack or scenario file). what() reads
// "file:line:col: message", the form editors and CI logs make clickable.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

}  // namespace packsim
