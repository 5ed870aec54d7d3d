#pragma once

#include <string>

namespace packsim::runner {

// Writes content to path through a temporary file in the same directory and a
// rename, so a reader never sees a half-written file. Creates the directory.
// Throws std::runtime_error when it cannot.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace packsim::runner
