#pragma once

#include <stdexcept>
#include <string>

namespace packsim::runner {

// An output file could not be written. bad_path(): the path itself is wrong
// (a directory, a device, a fifo, a link stands there: bad input, nothing is
// replaced); otherwise the system refused (no space, permissions, an I/O
// error: the run could not be carried out).
class OutputError : public std::runtime_error {
 public:
  OutputError(const std::string& message, bool bad_path) : std::runtime_error{message}, bad_path_{bad_path} {}
  bool bad_path() const { return bad_path_; }

 private:
  bool bad_path_;
};

// Why `path` cannot take an output file, or "" when it can: nothing is there
// yet, or a regular file is (which will be replaced). Anything else (a
// directory, a device, a fifo, a socket, a symbolic link) is never replaced.
std::string output_path_problem(const std::string& path);

// Writes content to path through a temporary file in the same directory and a
// rename, so a reader never sees a half-written file: on any failure the old
// file (if any) stays and no temporary is left. Creates the directory.
// Throws OutputError.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace packsim::runner
