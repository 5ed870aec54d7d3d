// OUT/report.html: one linked row per scenario, verdicts, escaping.
#include "sim/report/report_index.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/sim/report/report_test_support.h"

namespace packsim::report {
namespace {

using testing::count_of;

TEST(ReportIndex, LinksEachScenarioReportWithItsVerdict) {
  runner::RunResult passed;
  passed.scenario_name = "deep discharge";
  passed.expectations = {{"a", "at_end: x", true, "", {}}};
  runner::RunResult failed;
  failed.scenario_name = "cold <charge>";
  failed.expectations = {{"b", "never: y", false, "held at t=1.00 s", 1'000'000'000}};
  const std::string html{
      report_index_html({{passed, "deep_discharge/report.html"}, {failed, "cold charge #2/report.html"}})};
  EXPECT_NE(html.find("1 of 2 scenarios passed"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"deep_discharge/report.html\">deep discharge</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"cold%20charge%20%232/report.html\">cold &lt;charge&gt;</a>"), std::string::npos);
  EXPECT_EQ(count_of(html, "verdict pass"), 1U);
  EXPECT_EQ(count_of(html, "verdict fail"), 1U);
}

TEST(ReportIndex, UrlPathKeepsSafeCharactersAndEncodesTheRest) {
  EXPECT_EQ(url_path("a-b_c.d~/report.html"), "a-b_c.d~/report.html");
  EXPECT_EQ(url_path("a b?\"<>"), "a%20b%3F%22%3C%3E");
}

}  // namespace
}  // namespace packsim::report
