#include "sim/report/run_report.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "sim/clock/virtual_clock.h"
#include "sim/report/html_escape.h"
#include "sim/report/html_page.h"
#include "sim/report/run_markers.h"
#include "sim/report/run_plots.h"
#include "sim/report/svg_plot.h"
#include "sim/report/time_axis.h"

namespace packsim::report {

namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, std::isfinite(value) ? value : 0.0);
  return text;
}

// "4215.3 s (70.3 min)": seconds to compare with the details, and the unit the plots use.
std::string duration_text(double seconds) {
  std::string text{format("%.1f s", seconds)};
  const TimeUnit unit{time_unit_for(seconds)};
  if (unit.seconds > 1.0) text += " (" + format("%.1f", seconds / unit.seconds) + " " + unit.name + ")";
  return text;
}

std::string verdict_badge(bool passed) {
  return passed ? "<span class=\"verdict pass\">PASS</span>" : "<span class=\"verdict fail\">FAIL</span>";
}

std::string summary_row(const std::string& label, const std::string& value_html) {
  return "<tr><th>" + label + "</th><td>" + value_html + "</td></tr>\n";
}

std::string summary(const RunReportInput& input) {
  const runner::RunResult& r{input.result};
  std::size_t failed{0};
  for (const runner::ExpectationResult& e : r.expectations) failed += e.passed ? 0 : 1;
  std::string verdict{verdict_badge(r.passed())};
  if (!r.passed()) {
    verdict += " " + std::to_string(failed) + " of " + std::to_string(r.expectations.size()) +
               " expectations failed" + (r.error.empty() ? "" : ", and the run could not go on") +
               (r.firmware_fault ? ", and the firmware " + html_escape(r.firmware_fault->kind) : "") +
               (r.interrupted.empty() ? "" : ", and the run was interrupted");
  } else {
    verdict += " all " + std::to_string(r.expectations.size()) + " expectations held";
  }
  std::string html{"<table class=\"summary\">\n"};
  html += summary_row("verdict", verdict);
  const char* const ended_there{
      "<br>The run ended there: the trace, the CAN log and the verdicts stop at that instant."};
  if (!r.error.empty()) html += summary_row("run stopped", html_escape(r.error) + ended_there);
  if (r.firmware_fault) html += summary_row("firmware fault", html_escape(r.firmware_fault->text()) + ended_there);
  if (!r.interrupted.empty()) html += summary_row("interrupted", html_escape(r.interrupted) + ended_there);
  html += summary_row("scenario file", "<code>" + html_escape(r.scenario_file) + "</code>");
  html += summary_row("seed", std::to_string(input.seed));
  html += summary_row("firmware", "<code>" + html_escape(input.firmware) + "</code>");
  html += summary_row("simulated time", duration_text(r.statistics.simulated_s));
  html += summary_row("wall time", format("%.2f s", r.statistics.wall_s));
  html += summary_row("speed-up", r.statistics.wall_s > 0.0 ? format("%.0f x real time", r.statistics.speed_up())
                                                              : std::string{"n/a"});
  if (const std::optional<sim::PacerStats>& rt{r.statistics.realtime}) {
    char pacing[160];
    std::snprintf(pacing, sizeof pacing, "%lld waits, %lld overruns, late by %.1f us at most (%.1f us mean)",
                  static_cast<long long>(rt->waits), static_cast<long long>(rt->overruns),
                  static_cast<double>(rt->max_lateness_ns) / 1e3, rt->mean_lateness_ns / 1e3);
    html += summary_row("wall-clock pacing", pacing);
    if (!rt->setup_warning.empty()) html += summary_row("pacing warning", html_escape(rt->setup_warning));
  }
  return html + "</table>\n";
}

std::string expectation_table(const runner::RunResult& r) {
  if (r.expectations.empty()) return "<p class=\"note\">The scenario states no expectations.</p>\n";
  std::string html{
      "<table class=\"expectations\">\n<tr><th>#</th><th>expectation</th><th>verdict</th><th>detail</th>"
      "<th>failed at</th></tr>\n"};
  for (std::size_t i = 0; i < r.expectations.size(); ++i) {
    const runner::ExpectationResult& e{r.expectations[i]};
    const std::optional<double> failed_at{e.passed || !e.failed_at_ns ? std::nullopt
                                                                      : std::optional<double>{sim::to_seconds(*e.failed_at_ns)}};
    html += std::string{e.passed ? "<tr>" : "<tr class=\"failed\">"} + "<td class=\"number\">" +
            std::to_string(i + 1) + "</td><td>" + html_escape(e.name) + "<br><code class=\"note\">" +
            html_escape(e.text) + "</code></td><td>" + verdict_badge(e.passed) + "</td><td>" + html_escape(e.detail) +
            "</td><td class=\"number\">" + (failed_at ? format("%.2f s", *failed_at) : std::string{"&ndash;"}) +
            "</td></tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

std::string run_report_html(const RunReportInput& input) {
  const runner::RunResult& r{input.result};
  TraceTable trace{input.trace};
  add_derived_columns(trace);
  const TimeAxis time_axis{time_axis_for(trace.time_s)};

  std::vector<Marker> markers{failure_markers(r)};
  const std::vector<Marker> fet_edges{fet_edge_markers(trace)};
  const bool mark_fet_edges{fet_edges.size() <= kMaxFetEdgeMarkers};
  if (mark_fet_edges) markers.insert(markers.end(), fet_edges.begin(), fet_edges.end());

  std::string body{"<h1>" + html_escape(r.scenario_name) + " " + verdict_badge(r.passed()) + "</h1>\n"};
  body += "<p class=\"description\">" + html_escape(input.description) + "</p>\n";
  body += summary(input);
  body += "<h2>Expectations</h2>\n" + expectation_table(r);
  body += "<h2>Trace</h2>\n";
  if (trace.time_s.empty()) body += "<p class=\"note\">The run recorded no samples.</p>\n";
  body += "<p class=\"note\">Red dashed lines: a failed expectation, numbered as in the table. ";
  body += mark_fet_edges ? std::string{"Grey dotted lines: a FET switched."}
                         : std::to_string(fet_edges.size()) + " FET edges: too many to mark.";
  body += " Hover a line for its time. Long traces keep each interval's lowest and highest sample.</p>\n";
  for (const Plot& plot : run_plots(trace)) body += svg_plot(plot, trace.time_s, time_axis, markers);
  return html_page(r.scenario_name + (r.passed() ? " - PASS" : " - FAIL"), body);
}

}  // namespace packsim::report
