#pragma once

// The run's signals in columns, one row a sample: time plus each signal.
// Rows are periodic (the trace period) or notable (a FET edge, a stimulus, a
// state change, an expectation's verdict: every change that matters). For
// long runs the rows can stream to a file as they are completed (stream_to)
// while the memory keeps a bounded copy (set_memory_row_limit): when it is
// full, every other periodic row is dropped, as if the period had doubled;
// notable rows go only when they alone fill it.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/runner/growing_file.h"

#include "sim/clock/virtual_clock.h"
#include "sim/runner/signal_sampler.h"

namespace packsim::runner {

class TraceRecorder {
 public:
  explicit TraceRecorder(std::vector<scenario::SignalRef> signals);

  // Also keep every series group's voltage and every cell's temperature and
  // SOC at each row (for Python's 2-D arrays; trace.csv leaves them out).
  void record_cells(int series, int cells);

  // One row; a second sample at the same instant replaces the first (the
  // later one sees what the instant's actions did) and is notable if either is.
  void sample(sim::TimeNs t, const SignalSampler& sampler, bool notable = false);

  // Every completed row is also written to `file` from now on (the header
  // first); finish_file() writes the last row and the end note and commits.
  void stream_to(std::unique_ptr<GrowingFile> file);
  bool streams() const { return file_ != nullptr; }
  // Throws OutputError (the file could not be written: full disk, ...).
  void finish_file();
  // Rows kept in memory at most (0: all). Rows thinned away stay in the file.
  void set_memory_row_limit(std::size_t rows) { memory_row_limit_ = rows; }
  // Rows dropped from memory so far (they are in the file when streaming).
  std::size_t thinned_rows() const { return thinned_rows_; }

  const std::vector<scenario::SignalRef>& signals() const { return signals_; }
  std::size_t rows() const { return time_ns_.size(); }
  sim::TimeNs time_ns(std::size_t row) const { return time_ns_[row]; }
  // Column of a signal, or -1.
  int column(scenario::SignalId id, int index = -1) const;
  double value(std::size_t row, int column) const { return columns_[static_cast<std::size_t>(column)][row]; }

  // Row-major (rows() x series or x cells), when record_cells was called.
  int series() const { return series_; }
  int cells() const { return cells_; }
  const std::vector<double>& cell_v() const { return cell_v_; }
  const std::vector<double>& cell_temp_c() const { return cell_temp_c_; }
  const std::vector<double>& cell_soc() const { return cell_soc_; }
  const std::vector<sim::TimeNs>& times_ns() const { return time_ns_; }
  const std::vector<double>& column_values(int column) const { return columns_[static_cast<std::size_t>(column)]; }

  // "time_s,pack_v,...": numbers in SI (fractions for %), switches 0/1,
  // states by name; an unknown value is empty. A run that ended early ends
  // with a comment line, "# <note>" (pandas: comment="#"; numpy skips it).
  std::string csv() const;
  // The header line and one row as csv() writes them.
  std::string csv_header() const;
  std::string csv_row(std::size_t row) const;

  // Why the run ended before its timeline did (a firmware fault), or "".
  void set_end_note(std::string note) { end_note_ = std::move(note); }
  const std::string& end_note() const { return end_note_; }

 private:
  std::vector<scenario::SignalRef> signals_;
  void write_completed_rows();
  std::string end_note_line() const;
  void thin();

  std::vector<sim::TimeNs> time_ns_;
  std::vector<std::vector<double>> columns_;
  std::vector<bool> notable_;
  std::unique_ptr<GrowingFile> file_;
  std::size_t rows_in_file_{0};  // rows_in_file_ <= rows(): the last may still change
  std::size_t memory_row_limit_{0};
  std::size_t thinned_rows_{0};
  int series_{0};
  int cells_{0};
  std::vector<double> cell_v_;
  std::vector<double> cell_temp_c_;
  std::vector<double> cell_soc_;
  std::string end_note_;
};

}  // namespace packsim::runner
