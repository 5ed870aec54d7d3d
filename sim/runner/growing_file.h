#pragma once

// An output written as it grows (packsim run's trace.csv and can.log): the
// text goes to "<path>.partial" and the file takes its real name only when
// the run's outputs are committed, so a long run does not hold it in memory
// and a run that dies never leaves a file that looks complete (an earlier
// run's file at path is removed at the start).

#include <cstdio>
#include <string>

namespace packsim::runner {

class GrowingFile {
 public:
  // Removes an earlier run's file at path and opens path + ".partial".
  // Throws OutputError (sim/runner/atomic_file.h).
  explicit GrowingFile(std::string path);
  GrowingFile(const GrowingFile&) = delete;
  GrowingFile& operator=(const GrowingFile&) = delete;
  // Without commit() the ".partial" file stays, as evidence of how far the
  // run got.
  ~GrowingFile();

  const std::string& path() const { return path_; }
  std::string partial_path() const { return path_ + ".partial"; }

  // Appends text (whole lines). A write error is kept and thrown by commit():
  // the run goes on, its verdicts do not depend on the file.
  void append(const std::string& text);
  // Flushes, syncs and renames the file to its real name. Throws OutputError.
  void commit();
  bool committed() const { return committed_; }

 private:
  std::string path_;
  std::FILE* file_{nullptr};
  int write_error_{0};
  bool committed_{false};
};

}  // namespace packsim::runner
