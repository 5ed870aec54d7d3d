#include "sim/runner/junit_writer.h"

#include <cstdio>
#include <optional>

#include "common/markup_escape.h"

namespace packsim::runner {

std::string xml_escape(const std::string& text) { return escape_markup(text); }

namespace {

// A run that ended early (a firmware fault, an interruption, a run that
// could not go on) is one <error> testcase: not a failed expectation, since
// the expectations were judged at that instant, not at the timeline's end.
struct EarlyEnd {
  std::string testcase;  // "firmware" or "run"
  std::string type;
  std::string text;
};

std::optional<EarlyEnd> early_end_of(const RunResult& r) {
  if (r.firmware_fault) return EarlyEnd{"firmware", "firmware " + r.firmware_fault->kind, r.firmware_fault->text()};
  if (!r.interrupted.empty()) return EarlyEnd{"run", "interrupted", r.interrupted};
  if (!r.error.empty()) return EarlyEnd{"run", "run stopped", r.ended_early_because()};
  return std::nullopt;
}

}  // namespace

std::string junit_xml(const std::vector<RunResult>& results) {
  std::size_t tests{0};
  std::size_t failures{0};
  std::size_t errors{0};
  for (const RunResult& r : results) {
    const bool early{early_end_of(r).has_value()};
    tests += r.expectations.size() + (early ? 1 : 0);
    for (const ExpectationResult& e : r.expectations) failures += e.passed ? 0 : 1;
    errors += early ? 1 : 0;
  }
  char number[64];
  std::string out{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"};
  out += "<testsuites name=\"packsim\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\">\n";
  for (const RunResult& r : results) {
    const std::optional<EarlyEnd> early{early_end_of(r)};
    std::size_t suite_failures{0};
    for (const ExpectationResult& e : r.expectations) suite_failures += e.passed ? 0 : 1;
    std::snprintf(number, sizeof number, "%.3f", r.statistics.wall_s);
    const std::string suite{xml_escape(r.scenario_name)};
    out += "  <testsuite name=\"" + suite + "\" file=\"" + xml_escape(r.scenario_file) + "\" tests=\"" +
           std::to_string(r.expectations.size() + (early ? 1 : 0)) + "\" failures=\"" +
           std::to_string(suite_failures) + "\" errors=\"" + (early ? "1" : "0") + "\" time=\"" + number + "\">\n";
    if (early) {
      out += "    <testcase classname=\"" + suite + "\" name=\"" + early->testcase + "\">\n";
      out += "      <error type=\"" + xml_escape(early->type) + "\" message=\"" + xml_escape(early->text) + "\">" +
             xml_escape(early->text + "; the run ended there, the trace and the verdicts below stop at that instant") +
             "</error>\n";
      out += "    </testcase>\n";
    }
    for (const ExpectationResult& e : r.expectations) {
      out += "    <testcase classname=\"" + suite + "\" name=\"" + xml_escape(e.name) + "\"";
      if (e.passed) {
        out += "/>\n";
        continue;
      }
      out += ">\n      <failure message=\"" + xml_escape(e.detail) + "\">" + xml_escape(e.text + ": " + e.detail) +
             "</failure>\n    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace packsim::runner
