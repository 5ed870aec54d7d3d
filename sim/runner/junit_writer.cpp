#include "sim/runner/junit_writer.h"

#include <cstdio>

#include "common/markup_escape.h"

namespace packsim::runner {

std::string xml_escape(const std::string& text) { return escape_markup(text); }

std::string junit_xml(const std::vector<RunResult>& results) {
  std::size_t tests{0};
  std::size_t failures{0};
  std::size_t errors{0};
  for (const RunResult& r : results) {
    tests += r.expectations.size() + (r.error.empty() ? 0 : 1) + (r.firmware_fault ? 1 : 0);
    for (const ExpectationResult& e : r.expectations) failures += e.passed ? 0 : 1;
    failures += r.error.empty() ? 0 : 1;
    errors += r.firmware_fault ? 1 : 0;
  }
  char number[64];
  std::string out{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"};
  out += "<testsuites name=\"packsim\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\">\n";
  for (const RunResult& r : results) {
    std::size_t suite_failures{r.error.empty() ? 0U : 1U};
    for (const ExpectationResult& e : r.expectations) suite_failures += e.passed ? 0 : 1;
    std::snprintf(number, sizeof number, "%.3f", r.statistics.wall_s);
    const std::string suite{xml_escape(r.scenario_name)};
    out += "  <testsuite name=\"" + suite + "\" file=\"" + xml_escape(r.scenario_file) + "\" tests=\"" +
           std::to_string(r.expectations.size() + (r.error.empty() ? 0 : 1) + (r.firmware_fault ? 1 : 0)) +
           "\" failures=\"" + std::to_string(suite_failures) + "\" errors=\"" + (r.firmware_fault ? "1" : "0") +
           "\" time=\"" + number + "\">\n";
    if (r.firmware_fault) {
      // An error, not a failure: the firmware under test stopped being one,
      // and the expectations below were judged at that instant.
      const std::string text{r.firmware_fault->text()};
      out += "    <testcase classname=\"" + suite + "\" name=\"firmware\">\n";
      out += "      <error type=\"firmware " + xml_escape(r.firmware_fault->kind) + "\" message=\"" +
             xml_escape(text) + "\">" + xml_escape(text + "; the run ended there, the trace and the verdicts below stop at that instant") +
             "</error>\n";
      out += "    </testcase>\n";
    }
    if (!r.error.empty()) {
      out += "    <testcase classname=\"" + suite + "\" name=\"run\">\n";
      out += "      <failure message=\"" + xml_escape(r.error) + "\">" + xml_escape(r.error) + "</failure>\n";
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
