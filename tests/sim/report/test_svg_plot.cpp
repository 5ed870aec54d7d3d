// One SVG plot: edge cases of the data (empty, one sample, flat, long, gaps)
// render as finite markup; axes are labelled; markers are placed and escaped.
#include "sim/report/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/sim/report/report_test_support.h"

namespace packsim::report {
namespace {

using testing::count_of;
using testing::has_non_finite_number;
using testing::path_data;

Plot one_series_plot(const std::vector<double>* values, bool steps = false) {
  Plot plot{"Pack voltage", "voltage (V)", {}, {}, 220};
  plot.series.push_back(PlotSeries{"pack_v", "#1f77b4", values, 1.0, 0.0, steps});
  return plot;
}

std::string render(const Plot& plot, const std::vector<double>& t, const std::vector<Marker>& markers = {}) {
  return svg_plot(plot, t, time_axis_for(t), markers);
}

TEST(SvgPlot, ConstantSignalRendersAFlatLineWithFiniteCoordinates) {
  const std::vector<double> t{0.0, 1.0, 2.0, 3.0};
  const std::vector<double> v(4, 53.2);
  const std::string svg{render(one_series_plot(&v), t)};
  EXPECT_EQ(count_of(svg, "<path"), 1U) << svg;
  EXPECT_FALSE(has_non_finite_number(svg)) << svg;
  EXPECT_NE(svg.find(">53<"), std::string::npos) << "a tick at the value: " << svg;
}

TEST(SvgPlot, EmptyTraceRendersAnAxisSayingNoSamples) {
  const std::vector<double> none;
  const std::string svg{render(one_series_plot(&none), {})};
  EXPECT_EQ(svg.rfind("<svg", 0), 0U);
  EXPECT_NE(svg.find("no samples recorded"), std::string::npos);
  EXPECT_EQ(count_of(svg, "<path"), 0U);
  EXPECT_FALSE(has_non_finite_number(svg)) << svg;
}

TEST(SvgPlot, SingleSampleIsDrawnAsADot) {
  const std::vector<double> v{3.3};
  const std::string svg{render(one_series_plot(&v), {12.0})};
  EXPECT_EQ(count_of(svg, "<circle"), 1U) << svg;
  EXPECT_FALSE(has_non_finite_number(svg)) << svg;
}

TEST(SvgPlot, UnknownSamplesBreakTheLineAndNeverReachTheMarkup) {
  const double nan{std::numeric_limits<double>::quiet_NaN()};
  const std::vector<double> v{1.0, 2.0, nan, std::numeric_limits<double>::infinity(), 3.0, 4.0};
  const std::string svg{render(one_series_plot(&v), {0, 1, 2, 3, 4, 5})};
  EXPECT_EQ(count_of(path_data(svg), "M"), 2U) << "two runs, two moveto: " << svg;
  EXPECT_FALSE(has_non_finite_number(svg)) << svg;
}

TEST(SvgPlot, AllUnknownSamplesRenderLikeAnEmptyTrace) {
  const double nan{std::numeric_limits<double>::quiet_NaN()};
  const std::vector<double> v{nan, nan};
  const std::string svg{render(one_series_plot(&v), {0, 1})};
  EXPECT_NE(svg.find("no samples recorded"), std::string::npos);
  EXPECT_FALSE(has_non_finite_number(svg)) << svg;
}

TEST(SvgPlot, AxesAreLabelledWithTheTimeUnitAndTheQuantity) {
  const std::vector<double> t{0.0, 4009.0};
  const std::vector<double> v{55.0, 40.0};
  const std::string svg{render(one_series_plot(&v), t)};
  EXPECT_NE(svg.find("time (min)"), std::string::npos);
  EXPECT_NE(svg.find(">voltage (V)<"), std::string::npos);
  EXPECT_NE(svg.find(">60<"), std::string::npos) << "a tick at 60 min: " << svg;
}

TEST(SvgPlot, LongTraceIsDrawnWithABoundedNumberOfPoints) {
  std::vector<double> t(172'800);
  std::vector<double> v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = static_cast<double>(i);
    v[i] = 50.0 + std::sin(static_cast<double>(i));
  }
  const std::string svg{render(one_series_plot(&v), t)};
  EXPECT_LE(count_of(path_data(svg), "L"), kMaxPointsPerSeries);
  EXPECT_LT(svg.size(), 60'000U);
}

TEST(SvgPlot, StepSeriesHoldsItsLevelUntilTheNextSample) {
  const std::vector<double> v{1.0, 1.0, 0.0};
  const std::string svg{render(one_series_plot(&v, true), {0, 1, 2})};
  const std::string path{path_data(svg)};
  EXPECT_NE(path.find("H"), std::string::npos) << path;
  EXPECT_NE(path.find("V"), std::string::npos) << path;
  EXPECT_EQ(path.find("L"), std::string::npos) << "no slanted edge: " << path;
}

TEST(SvgPlot, UnrecordedSignalIsNamedInTheLegend) {
  Plot plot{one_series_plot(nullptr)};
  plot.series[0].label = "load_v";
  const std::string svg{render(plot, {0.0, 1.0})};
  EXPECT_NE(svg.find("load_v: not recorded"), std::string::npos);
}

TEST(SvgPlot, MarkersInsideTheAxisAreDrawnWithEscapedTooltips) {
  const std::vector<double> t{0.0, 100.0};
  const std::vector<double> v{1.0, 2.0};
  const std::string svg{render(one_series_plot(&v), t,
                               {{50.0, MarkerKind::kFailure, "#1", "#1 <never> & low: failed at t=50.00 s"},
                                {60.0, MarkerKind::kFetEdge, "DSG off", "DSG off at t=60.00 s"},
                                {1e9, MarkerKind::kFetEdge, "late", "beyond the axis"}})};
  EXPECT_NE(svg.find("<title>#1 &lt;never&gt; &amp; low: failed at t=50.00 s</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("DSG off at t=60.00 s"), std::string::npos);
  EXPECT_EQ(svg.find("beyond the axis"), std::string::npos);
}

TEST(SvgPlot, PlotTitleAndLabelsAreEscaped) {
  Plot plot{one_series_plot(nullptr)};
  plot.title = "a<b";
  plot.series[0].label = "\"x\"";
  const std::string svg{render(plot, {0.0, 1.0})};
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
  EXPECT_NE(svg.find("&quot;x&quot;"), std::string::npos);
}

}  // namespace
}  // namespace packsim::report
