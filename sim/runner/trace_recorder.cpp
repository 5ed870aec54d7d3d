#include "sim/runner/trace_recorder.h"

#include <cmath>
#include <cstdio>

namespace packsim::runner {

TraceRecorder::TraceRecorder(std::vector<scenario::SignalRef> signals)
    : signals_{std::move(signals)}, columns_(signals_.size()) {}

void TraceRecorder::record_cells(int series, int cells) {
  series_ = series;
  cells_ = cells;
}

void TraceRecorder::sample(sim::TimeNs t, const SignalSampler& sampler, bool notable) {
  const bool replace{!time_ns_.empty() && time_ns_.back() == t};
  if (replace) {
    for (std::size_t c = 0; c < signals_.size(); ++c) columns_[c].back() = sampler.value(signals_[c]);
    if (notable) notable_.back() = true;
  } else {
    // A new instant completes the row before it.
    if (file_) write_completed_rows();
    if (memory_row_limit_ > 0 && time_ns_.size() >= memory_row_limit_) thin();
    time_ns_.push_back(t);
    notable_.push_back(notable);
    for (std::size_t c = 0; c < signals_.size(); ++c) columns_[c].push_back(sampler.value(signals_[c]));
  }
  if (series_ == 0) return;
  const models::PackState& pack{sampler.pack_state()};
  const auto keep = [replace](std::vector<double>& matrix, const Eigen::ArrayXd& row) {
    if (replace) matrix.resize(matrix.size() - static_cast<std::size_t>(row.size()));
    matrix.insert(matrix.end(), row.data(), row.data() + row.size());
  };
  keep(cell_v_, pack.group_voltage_v);
  keep(cell_temp_c_, pack.temp_c);
  keep(cell_soc_, pack.soc);
}

void TraceRecorder::stream_to(std::unique_ptr<GrowingFile> file) {
  file_ = std::move(file);
  rows_in_file_ = 0;
  file_->append(csv_header());
  // Rows recorded before (all but the last, which may still change).
  write_completed_rows();
}

void TraceRecorder::write_completed_rows() {
  std::string text;
  for (; rows_in_file_ + 1 < time_ns_.size(); ++rows_in_file_) text += csv_row(rows_in_file_);
  if (!text.empty()) file_->append(text);
}

void TraceRecorder::finish_file() {
  if (!file_ || file_->committed()) return;
  std::string text;
  for (; rows_in_file_ < time_ns_.size(); ++rows_in_file_) text += csv_row(rows_in_file_);
  text += end_note_line();
  file_->append(text);
  file_->commit();
}

// Halves the rows in memory: every other periodic row goes (notable rows
// stay), or, when notable rows alone fill half the limit, every other row.
// The last row stays (it may still be replaced, and it is the run's "now").
void TraceRecorder::thin() {
  std::size_t notable_rows{0};
  for (const bool n : notable_) notable_rows += n ? 1 : 0;
  const bool thin_notable_too{notable_rows * 2 >= memory_row_limit_};
  const std::size_t rows{time_ns_.size()};
  std::vector<std::size_t> kept;
  kept.reserve(rows);
  std::size_t candidate{0};
  for (std::size_t row = 0; row < rows; ++row) {
    const bool thinnable{row + 1 < rows && (thin_notable_too || !notable_[row])};
    if (thinnable && candidate++ % 2 == 1) continue;
    kept.push_back(row);
  }
  const auto compact = [&kept](auto& values, std::size_t width) {
    for (std::size_t k = 0; k < kept.size(); ++k) {
      for (std::size_t w = 0; w < width; ++w) values[k * width + w] = values[kept[k] * width + w];
    }
    values.resize(kept.size() * width);
  };
  compact(time_ns_, 1);
  for (std::vector<double>& column : columns_) compact(column, 1);
  if (series_ > 0) {
    compact(cell_v_, static_cast<std::size_t>(series_));
    compact(cell_temp_c_, static_cast<std::size_t>(cells_));
    compact(cell_soc_, static_cast<std::size_t>(cells_));
  }
  std::vector<bool> notable(kept.size());
  for (std::size_t k = 0; k < kept.size(); ++k) notable[k] = notable_[kept[k]];
  notable_ = std::move(notable);
  thinned_rows_ += rows - kept.size();
  // Every row in memory but the last is in the file already.
  rows_in_file_ = file_ ? time_ns_.size() - 1 : 0;
}

int TraceRecorder::column(scenario::SignalId id, int index) const {
  for (std::size_t c = 0; c < signals_.size(); ++c) {
    if (signals_[c].id == id && signals_[c].index == index) return static_cast<int>(c);
  }
  return -1;
}

std::string TraceRecorder::csv_header() const {
  std::string out{"time_s"};
  for (const scenario::SignalRef& ref : signals_) out += "," + signal_name(ref);
  out += '\n';
  return out;
}

std::string TraceRecorder::csv_row(std::size_t row) const {
  // Milliseconds unless the row needs finer (a FET edge microseconds after a
  // short): rows stay distinct, and each row is final when written.
  const sim::TimeNs t{time_ns_[row]};
  const char* time_format{t % sim::kNsPerMs == 0 ? "%.3f" : t % sim::kNsPerUs == 0 ? "%.6f" : "%.9f"};
  char text[64];
  std::snprintf(text, sizeof text, time_format, sim::to_seconds(t));
  std::string out{text};
  for (std::size_t c = 0; c < signals_.size(); ++c) {
    out += ',';
    const double v{columns_[c][row]};
    if (std::isnan(v)) continue;
    const scenario::SignalKind kind{scenario::signal_info(signals_[c].id).kind};
    if (kind == scenario::SignalKind::kState) {
      out += format_value(signals_[c], v);
    } else if (kind == scenario::SignalKind::kNumber) {
      std::snprintf(text, sizeof text, "%.6g", v);
      out += text;
    } else {
      out += v != 0.0 ? '1' : '0';
    }
  }
  out += '\n';
  return out;
}

std::string TraceRecorder::end_note_line() const {
  if (end_note_.empty()) return "";
  std::string out{"# "};
  for (const char c : end_note_) out += (c == '\n' || c == '\r') ? ' ' : c;
  out += '\n';
  return out;
}

std::string TraceRecorder::csv() const {
  std::string out{csv_header()};
  for (std::size_t row = 0; row < time_ns_.size(); ++row) out += csv_row(row);
  out += end_note_line();
  return out;
}

}  // namespace packsim::runner
