#include "sim/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sim/report/axis_ticks.h"
#include "sim/report/decimation.h"
#include "sim/report/html_escape.h"

namespace packsim::report {

namespace {

constexpr double kWidth{960.0};
constexpr double kLeftMargin{72.0};  // y tick labels and the y axis label
constexpr double kRightMargin{16.0};
constexpr double kTopMargin{30.0};     // title and legend
constexpr double kBottomMargin{38.0};  // x tick labels and the time label
constexpr double kCharWidth{6.6};      // of 12 px sans-serif, to lay the legend out
constexpr int kValueTicks{5};
constexpr const char* kGridColor{"#e4e4e4"};
constexpr const char* kFailureColor{"#d62728"};
constexpr const char* kFetEdgeColor{"#8c8c8c"};

std::string coord(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// Maps time and value to pixels of the plot area.
struct Frame {
  double left, right, top, bottom;
  double t_low_s, t_high_s;
  double v_low, v_high;

  double x(double t_s) const {
    const double x_px{left + (t_s - t_low_s) / (t_high_s - t_low_s) * (right - left)};
    return std::clamp(x_px, left, right);
  }
  double y(double value) const {
    const double y_px{bottom - (value - v_low) / (v_high - v_low) * (bottom - top)};
    return std::clamp(y_px, top, bottom);
  }
};

struct DrawnSeries {
  const PlotSeries* series;
  std::vector<PlotPoint> points;
};

std::vector<DrawnSeries> decimated_series(const Plot& plot, const std::vector<double>& time_s) {
  std::vector<DrawnSeries> drawn;
  for (const PlotSeries& s : plot.series) {
    if (s.values == nullptr) continue;
    const std::size_t n{std::min(time_s.size(), s.values->size())};
    std::vector<double> shown(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double v{(*s.values)[i] * s.scale + s.offset};
      shown[i] = std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
    }
    const std::vector<double> times(time_s.begin(), time_s.begin() + static_cast<std::ptrdiff_t>(n));
    drawn.push_back({&s, decimate_min_max(times, shown, kMaxPointsPerSeries)});
  }
  return drawn;
}

// One path for the whole series ("M" starts each run between gaps); a run of
// a single sample has no length and is drawn as a dot instead.
void draw_series(const DrawnSeries& d, const Frame& frame, std::string& svg) {
  std::string path;
  std::vector<std::pair<double, double>> dots;
  std::size_t run_length{0};
  double last_x{0.0};
  double last_y{0.0};
  const auto end_run = [&] {
    if (run_length == 1) dots.emplace_back(last_x, last_y);
    run_length = 0;
  };
  for (const PlotPoint& p : d.points) {
    if (std::isnan(p.value)) {
      end_run();
      continue;
    }
    const double x{frame.x(p.t_s)};
    const double y{frame.y(p.value)};
    if (run_length == 0) {
      path += "M" + coord(x) + " " + coord(y);
    } else if (d.series->steps) {
      path += "H" + coord(x) + "V" + coord(y);
    } else {
      path += "L" + coord(x) + " " + coord(y);
    }
    ++run_length;
    last_x = x;
    last_y = y;
  }
  end_run();
  const std::string color{html_escape(d.series->color)};
  if (!path.empty()) {
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"1.5\" stroke-linejoin=\"round\"><title>" + html_escape(d.series->label) +
           "</title></path>\n";
  }
  for (const auto& [x, y] : dots) {
    svg += "<circle cx=\"" + coord(x) + "\" cy=\"" + coord(y) + "\" r=\"2.5\" fill=\"" + color + "\"/>\n";
  }
}

void draw_legend(const Plot& plot, std::string& svg) {
  double x{kLeftMargin};
  svg += "<text x=\"" + coord(x) + "\" y=\"18\" font-weight=\"bold\">" + html_escape(plot.title) + "</text>\n";
  x += kCharWidth * static_cast<double>(plot.title.size()) + 24.0;
  for (const PlotSeries& s : plot.series) {
    const bool recorded{s.values != nullptr};
    const std::string label{recorded ? s.label : s.label + ": not recorded"};
    if (recorded) {
      svg += "<line x1=\"" + coord(x) + "\" y1=\"14\" x2=\"" + coord(x + 18.0) + "\" y2=\"14\" stroke=\"" +
             html_escape(s.color) + "\" stroke-width=\"3\"/>\n";
    }
    svg += "<text x=\"" + coord(x + 22.0) + "\" y=\"18\"" + (recorded ? "" : " fill=\"#999\" font-style=\"italic\"") +
           ">" + html_escape(label) + "</text>\n";
    x += 22.0 + kCharWidth * static_cast<double>(label.size()) + 16.0;
  }
}

void draw_axes(const Plot& plot, const Frame& frame, const TimeAxis& time_axis, const std::vector<YTick>& y_ticks,
               std::string& svg) {
  for (const double t : time_axis.ticks.values) {
    const double x{frame.x(t * time_axis.unit.seconds)};
    svg += "<line x1=\"" + coord(x) + "\" y1=\"" + coord(frame.top) + "\" x2=\"" + coord(x) + "\" y2=\"" +
           coord(frame.bottom) + "\" stroke=\"" + kGridColor + "\"/>\n";
    svg += "<text x=\"" + coord(x) + "\" y=\"" + coord(frame.bottom + 15.0) + "\" text-anchor=\"middle\">" +
           tick_label(t, time_axis.ticks.step) + "</text>\n";
  }
  for (const YTick& tick : y_ticks) {
    const double y{frame.y(tick.value)};
    svg += "<line x1=\"" + coord(frame.left) + "\" y1=\"" + coord(y) + "\" x2=\"" + coord(frame.right) + "\" y2=\"" +
           coord(y) + "\" stroke=\"" + kGridColor + "\"/>\n";
    svg += "<text x=\"" + coord(frame.left - 6.0) + "\" y=\"" + coord(y + 4.0) + "\" text-anchor=\"end\">" +
           html_escape(tick.label) + "</text>\n";
  }
  svg += "<rect x=\"" + coord(frame.left) + "\" y=\"" + coord(frame.top) + "\" width=\"" +
         coord(frame.right - frame.left) + "\" height=\"" + coord(frame.bottom - frame.top) +
         "\" fill=\"none\" stroke=\"#444\"/>\n";
  svg += "<text x=\"" + coord((frame.left + frame.right) / 2.0) + "\" y=\"" + coord(frame.bottom + 31.0) +
         "\" text-anchor=\"middle\">time (" + time_axis.unit.name + ")</text>\n";
  svg += "<text transform=\"rotate(-90)\" x=\"" + coord(-(frame.top + frame.bottom) / 2.0) +
         "\" y=\"14\" text-anchor=\"middle\">" + html_escape(plot.y_label) + "</text>\n";
}

// Tags of nearby markers (a FET pair switching together) would print over
// each other: each tag takes the first of a few rows that is free at its x.
class TagRows {
 public:
  int row_for(double x_px, std::size_t characters) {
    const double end_px{x_px + kTagCharWidth * static_cast<double>(characters) + 4.0};
    std::size_t row{0};
    for (std::size_t r = 0; r < ends_px_.size(); ++r) {
      if (x_px >= ends_px_[r]) {
        row = r;
        break;
      }
      if (ends_px_[r] < ends_px_[row]) row = r;  // none free: the one that frees first
    }
    ends_px_[row] = end_px;
    return static_cast<int>(row);
  }

 private:
  static constexpr double kTagCharWidth{5.6};  // of 10 px sans-serif
  std::vector<double> ends_px_ = std::vector<double>(3, -1e9);
};

void draw_markers(std::vector<Marker> markers, const Frame& frame, std::string& svg) {
  std::stable_sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.t_s < b.t_s; });
  TagRows failure_rows;
  TagRows fet_rows;
  for (const Marker& m : markers) {
    if (!std::isfinite(m.t_s) || m.t_s < frame.t_low_s || m.t_s > frame.t_high_s) continue;
    const bool failure{m.kind == MarkerKind::kFailure};
    const double x_px{frame.x(m.t_s)};
    const std::string x{coord(x_px)};
    const std::string line{"<line x1=\"" + x + "\" y1=\"" + coord(frame.top) + "\" x2=\"" + x + "\" y2=\"" +
                           coord(frame.bottom) + "\""};
    svg += "<g><title>" + html_escape(m.tooltip) + "</title>";
    svg += line + " stroke=\"" + (failure ? kFailureColor : kFetEdgeColor) + "\" stroke-width=\"" +
           (failure ? "1.5" : "1") + "\" stroke-dasharray=\"" + (failure ? "5 3" : "2 3") + "\"/>";
    // A wide invisible twin, so the tooltip does not need pixel-exact aim.
    svg += line + " stroke=\"transparent\" stroke-width=\"7\"/>";
    // Failure tags from the top down, FET tags from the bottom up: a FET often
    // opens at the instant a check fails.
    if (!m.tag.empty()) {
      const double tag_x{x_px + 3.0};
      const int row{(failure ? failure_rows : fet_rows).row_for(tag_x, m.tag.size())};
      const double tag_y{failure ? frame.top + 11.0 + 11.0 * row : frame.bottom - 4.0 - 11.0 * row};
      svg += "<text x=\"" + coord(tag_x) + "\" y=\"" + coord(tag_y) + "\" fill=\"" +
             (failure ? kFailureColor : kFetEdgeColor) + "\" font-size=\"10\">" + html_escape(m.tag) + "</text>";
    }
    svg += "</g>\n";
  }
}

}  // namespace

std::string svg_plot(const Plot& plot, const std::vector<double>& time_s, const TimeAxis& time_axis,
                     const std::vector<Marker>& markers) {
  const std::vector<DrawnSeries> drawn{decimated_series(plot, time_s)};
  double low{std::numeric_limits<double>::infinity()};
  double high{-std::numeric_limits<double>::infinity()};
  for (const DrawnSeries& d : drawn) {
    for (const PlotPoint& p : d.points) {
      if (std::isnan(p.value)) continue;
      low = std::min(low, p.value);
      high = std::max(high, p.value);
    }
  }
  const bool has_samples{low <= high};

  std::vector<YTick> y_ticks;
  double v_low{0.0};
  double v_high{1.0};
  if (plot.fixed_y) {
    v_low = plot.fixed_y->low;
    v_high = plot.fixed_y->high;
    y_ticks = plot.fixed_y->ticks;
  } else {
    const AxisTicks ticks{has_samples ? nice_ticks(low, high, kValueTicks) : nice_ticks(0.0, 1.0, kValueTicks)};
    v_low = ticks.low;
    v_high = ticks.high;
    for (const double v : ticks.values) y_ticks.push_back({v, tick_label(v, ticks.step)});
  }
  const double height{static_cast<double>(std::max(plot.height_px, 120))};
  const Frame frame{kLeftMargin,          kWidth - kRightMargin, kTopMargin, height - kBottomMargin,
                    time_axis.start_s(), time_axis.end_s(),     v_low,      v_high > v_low ? v_high : v_low + 1.0};

  std::string svg{"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 " + coord(kWidth) + " " +
                  coord(height) + "\" width=\"" + coord(kWidth) + "\" height=\"" + coord(height) +
                  "\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"" +
                  html_escape(plot.title) + "\">\n"};
  draw_legend(plot, svg);
  draw_axes(plot, frame, time_axis, y_ticks, svg);
  for (const DrawnSeries& d : drawn) draw_series(d, frame, svg);
  if (!has_samples) {
    svg += "<text x=\"" + coord((frame.left + frame.right) / 2.0) + "\" y=\"" + coord((frame.top + frame.bottom) / 2.0) +
           "\" text-anchor=\"middle\" fill=\"#999\">no samples recorded</text>\n";
  }
  draw_markers(markers, frame, svg);
  svg += "</svg>\n";
  return svg;
}

}  // namespace packsim::report
