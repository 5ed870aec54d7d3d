#pragma once

// One plot of a report as an inline SVG element: a title and legend, labelled
// axes with nice ticks, the series against the shared time axis, and
// vertical markers. Generated here so a report needs no script and no network.

#include <optional>
#include <string>
#include <vector>

#include "sim/report/time_axis.h"

namespace packsim::report {

struct PlotSeries {
  std::string label;  // legend text
  std::string color;  // CSS colour
  // nullptr: the run did not record this signal; the legend says so.
  const std::vector<double>* values{nullptr};
  // Drawn value = recorded * scale + offset: fractions as %, V as mV, FET lanes.
  double scale{1.0};
  double offset{0.0};
  bool steps{false};  // a switch: holds its level until the next sample
};

struct YTick {
  double value;
  std::string label;
};

// A y axis fixed by the plot instead of fitted to the data (on/off lanes).
struct FixedYAxis {
  double low;
  double high;
  std::vector<YTick> ticks;
};

struct Plot {
  std::string title;
  std::string y_label;  // with its unit: "voltage (V)"
  std::vector<PlotSeries> series;
  std::optional<FixedYAxis> fixed_y;
  int height_px{220};
};

enum class MarkerKind { kFailure, kFetEdge };

struct Marker {
  double t_s;
  MarkerKind kind;
  std::string tag;      // drawn beside the line, e.g. "#2" for the second expectation, "DSG off"
  std::string tooltip;  // shown on hover
};

// At most this many points a series: enough for every pixel column to show its min and max.
inline constexpr std::size_t kMaxPointsPerSeries{1000};

// time_s ascending, as long as every series' values.
std::string svg_plot(const Plot& plot, const std::vector<double>& time_s, const TimeAxis& time_axis,
                     const std::vector<Marker>& markers);

}  // namespace packsim::report
