#include "sim/report/run_markers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "sim/clock/virtual_clock.h"

namespace packsim::report {

namespace {

std::string seconds_text(double t_s) {
  char text[48];
  std::snprintf(text, sizeof text, "t=%.2f s", t_s);
  return text;
}

void add_edges(const TraceTable& trace, const std::string& signal, const std::string& fet,
               std::vector<Marker>& markers) {
  const std::vector<double>* values{trace.column(signal)};
  if (values == nullptr) return;
  const std::size_t n{std::min(values->size(), trace.time_s.size())};
  double level{std::nan("")};
  for (std::size_t i = 0; i < n; ++i) {
    const double v{(*values)[i]};
    if (std::isnan(v)) continue;
    const bool on{v != 0.0};
    if (!std::isnan(level) && on != (level != 0.0)) {
      const std::string tag{fet + (on ? " on" : " off")};
      markers.push_back({trace.time_s[i], MarkerKind::kFetEdge, tag, tag + " at " + seconds_text(trace.time_s[i])});
    }
    level = v;
  }
}

}  // namespace

std::vector<Marker> failure_markers(const runner::RunResult& result) {
  std::vector<Marker> markers;
  for (std::size_t i = 0; i < result.expectations.size(); ++i) {
    const runner::ExpectationResult& e{result.expectations[i]};
    if (e.passed) continue;
    if (!e.failed_at_ns) continue;
    const std::optional<double> t_s{sim::to_seconds(*e.failed_at_ns)};
    const std::string number{"#" + std::to_string(i + 1)};
    markers.push_back({*t_s, MarkerKind::kFailure, number, number + " " + e.name + ": failed at " + seconds_text(*t_s)});
  }
  return markers;
}

std::vector<Marker> fet_edge_markers(const TraceTable& trace) {
  std::vector<Marker> markers;
  add_edges(trace, "chg_fet", "CHG", markers);
  add_edges(trace, "dsg_fet", "DSG", markers);
  std::stable_sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.t_s < b.t_s; });
  return markers;
}

}  // namespace packsim::report
