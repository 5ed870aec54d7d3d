// report.html of one run, from a hand-made trace: summary, verdicts, one SVG
// per plot, markers, escaping, and the degenerate traces.
#include "sim/report/run_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/report/run_markers.h"
#include "sim/report/run_plots.h"
#include "tests/sim/report/report_test_support.h"

namespace packsim::report {
namespace {

using testing::count_of;
using testing::has_non_finite_number;

// A 16S pack discharged for a minute; the DSG FET opens at 50 s.
TraceTable discharge_trace() {
  TraceTable trace;
  for (int i = 0; i <= 60; ++i) {
    const double t{static_cast<double>(i)};
    trace.time_s.push_back(t);
    trace.columns["pack_v"].push_back(53.0 - 0.05 * t);
    trace.columns["pack_current"].push_back(i < 50 ? 100.0 : 0.0);
    trace.columns["soc"].push_back(1.0 - 0.001 * t);
    trace.columns["min_cell_v"].push_back(3.3 - 0.003 * t);
    trace.columns["max_cell_v"].push_back(3.35 - 0.003 * t);
    trace.columns["max_cell_temp"].push_back(25.0 + 0.02 * t);
    trace.columns["chg_fet"].push_back(1.0);
    trace.columns["dsg_fet"].push_back(i < 50 ? 1.0 : 0.0);
  }
  return trace;
}

runner::RunResult passing_result() {
  runner::RunResult result;
  result.scenario_name = "deep discharge";
  result.scenario_file = "scenarios/deep_discharge.yaml";
  result.expectations = {{"discharge FET opens", "that: dsg_fet off within 3 s of min_cell_v < 2.5 V", true,
                          "held at t=50.00 s", {}}};
  result.statistics = {60.0, 0.02, {}, {}};
  return result;
}

std::string report_of(const runner::RunResult& result, TraceTable trace, const std::string& description = "1C") {
  return run_report_html(RunReportInput{result, description, 7, "reference", std::move(trace)});
}

TEST(RunReport, SummaryNamesScenarioSeedFirmwareVerdictAndTimes) {
  const std::string html{report_of(passing_result(), discharge_trace(), "1C discharge until the FET opens")};
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.find("<h1>deep discharge"), std::string::npos);
  EXPECT_NE(html.find("1C discharge until the FET opens"), std::string::npos);
  EXPECT_NE(html.find("<th>seed</th><td>7</td>"), std::string::npos);
  EXPECT_NE(html.find("<code>reference</code>"), std::string::npos);
  EXPECT_NE(html.find("60.0 s"), std::string::npos) << "simulated time";
  EXPECT_NE(html.find("0.02 s"), std::string::npos) << "wall time";
  EXPECT_NE(html.find("3000 x real time"), std::string::npos) << "speed-up";
  EXPECT_NE(html.find("verdict pass\">PASS"), std::string::npos);
  EXPECT_EQ(html.find("verdict fail"), std::string::npos);
}

TEST(RunReport, HasOneSvgPerPlot) {
  const TraceTable trace{discharge_trace()};
  const std::string html{report_of(passing_result(), trace)};
  const std::size_t plots{run_plots(trace).size()};
  EXPECT_EQ(plots, 7U) << "pack/load V, cell V, spread, current, temperature, SOC, FETs";
  EXPECT_EQ(count_of(html, "<svg"), plots);
  EXPECT_EQ(count_of(html, "</svg>"), plots);
  for (const std::string title : {"Pack voltage", "Cell voltage", "Cell spread", "Pack current", "Cell temperature",
                                  "State of charge", "FETs"}) {
    EXPECT_NE(html.find(">" + title + "</text>"), std::string::npos) << title;
  }
  EXPECT_FALSE(has_non_finite_number(html));
}

TEST(RunReport, SignalsTheRunDidNotRecordAreSaidSo) {
  const std::string html{report_of(passing_result(), discharge_trace())};
  EXPECT_NE(html.find("load_v (PACK pins): not recorded"), std::string::npos);
  EXPECT_NE(html.find("min_cell_temp: not recorded"), std::string::npos);
  EXPECT_EQ(html.find("cell_spread: not recorded"), std::string::npos) << "derived from min and max";
}

TEST(RunReport, FailedExpectationShowsItsVerdictTimeAndMarker) {
  runner::RunResult result{passing_result()};
  result.expectations.push_back({"no deep discharge", "never: min_cell_v < 3.2 V", false,
                                 "min_cell_v < 3.2 V held at t=33.40 s (min_cell_v = 3.1998 V)", 33'400'000'000});
  const std::string html{report_of(result, discharge_trace())};
  EXPECT_NE(html.find("verdict fail\">FAIL"), std::string::npos);
  EXPECT_NE(html.find("1 of 2 expectations failed"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">33.40 s</td>"), std::string::npos) << "failure time column";
  EXPECT_EQ(count_of(html, "<title>#2 no deep discharge: failed at t=33.40 s</title>"), run_plots({}).size())
      << "a marker in every plot";
}

TEST(RunReport, APacedRunShowsItsPacing) {
  runner::RunResult result{passing_result()};
  result.statistics.realtime = sim::PacerStats{.waits = 6000, .overruns = 2, .max_lateness_ns = 1500,
                                               .mean_lateness_ns = 40.0, .setup_warning = "SCHED_FIFO refused <x>"};
  const std::string html{report_of(result, discharge_trace())};
  EXPECT_NE(html.find("6000 waits, 2 overruns, late by 1.5 us at most (0.0 us mean)"), std::string::npos);
  EXPECT_NE(html.find("SCHED_FIFO refused &lt;x&gt;"), std::string::npos);
  EXPECT_EQ(report_of(passing_result(), discharge_trace()).find("wall-clock pacing"), std::string::npos);
}

TEST(RunReport, FetEdgesAreMarkedInEveryPlot) {
  const std::string html{report_of(passing_result(), discharge_trace())};
  EXPECT_EQ(count_of(html, "<title>DSG off at t=50.00 s</title>"), run_plots({}).size());
}

TEST(RunReport, ChatteringFetIsCountedInsteadOfMarked) {
  TraceTable trace{discharge_trace()};
  for (std::size_t i = 0; i < trace.time_s.size(); ++i) trace.columns["chg_fet"][i] = i % 2 == 0 ? 1.0 : 0.0;
  const std::string html{report_of(passing_result(), trace)};
  EXPECT_EQ(html.find("CHG on at"), std::string::npos);
  EXPECT_NE(html.find("FET edges: too many to mark"), std::string::npos);
  EXPECT_GT(kMaxFetEdgeMarkers, 2U);
}

TEST(RunReport, ScenarioTextIsEscapedEverywhere) {
  runner::RunResult result{passing_result()};
  result.scenario_name = "<img src=x onerror=alert(1)>";
  result.scenario_file = "a&b.yaml";
  result.expectations = {{"x < 2 & \"y\"", "never: <b>", false, "held at t=1.00 s <i>", 1'000'000'000}};
  result.error = "</td><script>";
  const std::string html{report_of(result, discharge_trace(), "<script>alert('d')</script>")};
  for (const std::string raw : {"<img", "<script>", "<b>", "<i>", "</td><script>", "a&b", "& \""}) {
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&apos;d&apos;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("x &lt; 2 &amp; &quot;y&quot;"), std::string::npos);
}

TEST(RunReport, EmptyTraceStillGivesEveryPlotAndNoNonFiniteNumber) {
  runner::RunResult result{passing_result()};
  result.error = "the plant stopped";
  const std::string html{report_of(result, TraceTable{})};
  EXPECT_NE(html.find("recorded no samples"), std::string::npos);
  EXPECT_EQ(count_of(html, "<svg"), run_plots({}).size());
  EXPECT_FALSE(has_non_finite_number(html));
  EXPECT_NE(html.find("the plant stopped"), std::string::npos);
}

TEST(RunReport, SingleSampleTraceRenders) {
  TraceTable trace;
  trace.time_s = {0.0};
  trace.columns["pack_v"] = {53.0};
  trace.columns["dsg_fet"] = {1.0};
  const std::string html{report_of(passing_result(), trace)};
  EXPECT_EQ(count_of(html, "<svg"), run_plots({}).size());
  EXPECT_GE(count_of(html, "<circle"), 2U);
  EXPECT_FALSE(has_non_finite_number(html));
}

}  // namespace
}  // namespace packsim::report
