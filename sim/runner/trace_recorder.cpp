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

void TraceRecorder::sample(sim::TimeNs t, const SignalSampler& sampler) {
  const bool replace{!time_ns_.empty() && time_ns_.back() == t};
  if (replace) {
    for (std::size_t c = 0; c < signals_.size(); ++c) columns_[c].back() = sampler.value(signals_[c]);
  } else {
    time_ns_.push_back(t);
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

int TraceRecorder::column(scenario::SignalId id, int index) const {
  for (std::size_t c = 0; c < signals_.size(); ++c) {
    if (signals_[c].id == id && signals_[c].index == index) return static_cast<int>(c);
  }
  return -1;
}

std::string TraceRecorder::csv() const {
  std::string out{"time_s"};
  for (const scenario::SignalRef& ref : signals_) out += "," + signal_name(ref);
  out += '\n';
  // Milliseconds unless a row needs finer (a FET edge microseconds after a
  // short): one precision for the whole column, so rows stay distinct.
  const char* time_format{"%.3f"};
  for (const sim::TimeNs t : time_ns_) {
    if (t % sim::kNsPerUs != 0) {
      time_format = "%.9f";
      break;
    }
    if (t % sim::kNsPerMs != 0) time_format = "%.6f";
  }
  char text[64];
  for (std::size_t row = 0; row < time_ns_.size(); ++row) {
    std::snprintf(text, sizeof text, time_format, sim::to_seconds(time_ns_[row]));
    out += text;
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
  }
  if (!end_note_.empty()) {
    out += "# ";
    for (const char c : end_note_) out += (c == '\n' || c == '\r') ? ' ' : c;
    out += '\n';
  }
  return out;
}

}  // namespace packsim::runner
