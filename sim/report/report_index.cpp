#include "sim/report/report_index.h"

#include <cctype>
#include <cstdio>

#include "sim/report/html_escape.h"
#include "sim/report/html_page.h"

namespace packsim::report {

std::string url_path(const std::string& path) {
  std::string out;
  for (const char ch : path) {
    const auto c{static_cast<unsigned char>(ch)};
    if (std::isalnum(c) != 0 || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
      out += ch;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

std::string report_index_html(const std::vector<IndexEntry>& entries) {
  std::size_t passed{0};
  for (const IndexEntry& entry : entries) passed += entry.result.passed() ? 1 : 0;
  std::string body{"<h1>packsim run: " + std::to_string(passed) + " of " + std::to_string(entries.size()) +
                   " scenarios passed</h1>\n"};
  body +=
      "<table>\n<tr><th>scenario</th><th>verdict</th><th>expectations failed</th><th>simulated time</th>"
      "<th>file</th></tr>\n";
  char simulated[48];
  for (const IndexEntry& entry : entries) {
    const runner::RunResult& r{entry.result};
    std::size_t failed{0};
    for (const runner::ExpectationResult& e : r.expectations) failed += e.passed ? 0 : 1;
    std::snprintf(simulated, sizeof simulated, "%.1f s", r.statistics.simulated_s);
    body += std::string{r.passed() ? "<tr>" : "<tr class=\"failed\">"} + "<td><a href=\"" +
            html_escape(url_path(entry.report_path)) + "\">" + html_escape(r.scenario_name) + "</a></td><td>" +
            (r.passed() ? "<span class=\"verdict pass\">PASS</span>" : "<span class=\"verdict fail\">FAIL</span>") +
            "</td><td class=\"number\">" + std::to_string(failed) + " of " + std::to_string(r.expectations.size()) +
            (r.ended_early_because().empty() ? "" : ", " + html_escape(r.ended_early_because())) +
            "</td><td class=\"number\">" +
            simulated + "</td><td><code>" + html_escape(r.scenario_file) + "</code></td></tr>\n";
  }
  body += "</table>\n";
  return html_page("packsim run: " + std::to_string(passed) + "/" + std::to_string(entries.size()) + " passed", body);
}

}  // namespace packsim::report
