// `packsim run` writes the HTML reports: the flagship scenario's report has
// its verdict and every plot; several scenarios get an index; --no-report skips them.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/report/run_plots.h"
#include "tests/sim/report/report_test_support.h"
#include "tests/sim/scenario/scenario_test_support.h"
#include "tests/support/packsim_cli.h"

namespace packsim::report {
namespace {

using scenario::testing::kRepoDir;
using scenario::testing::read_text;
using scenario::testing::TempDir;
using testing::count_of;
using testing::has_non_finite_number;

const std::string kRunnerData{std::string{PACKSIM_TEST_DATA_DIR} + "/runner"};

class ReportCli : public ::testing::Test {
 protected:
  packsim::testing::CliOutput packsim(const std::vector<std::string>& args) const {
    return packsim::testing::run_packsim(args, dir_.path());
  }
  std::string out_dir() const { return (dir_.path() / "out").string(); }
  TempDir dir_{"packsim_report_cli"};
};

TEST_F(ReportCli, DeepDischargeRunWritesAReportWithItsVerdictAndOneSvgPerPlot) {
  const auto o{packsim({"run", kRepoDir + "/scenarios/deep_discharge.yaml", "--out", out_dir()})};
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  const std::string html{read_text(out_dir() + "/deep_discharge/report.html")};
  EXPECT_NE(html.find("<h1>deep discharge <span class=\"verdict pass\">PASS</span></h1>"), std::string::npos);
  EXPECT_NE(html.find("discharge FET opens at the undervoltage threshold"), std::string::npos);
  EXPECT_EQ(count_of(html, "<svg"), run_plots({}).size());
  EXPECT_NE(html.find("<title>DSG off at t="), std::string::npos) << "the FET edge is marked";
  EXPECT_NE(html.find("time (min)"), std::string::npos) << "an hour-long run reads in minutes";
  EXPECT_FALSE(has_non_finite_number(html));
  EXPECT_EQ(html.find("<script"), std::string::npos) << "self-contained: no script";
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no network but the SVG namespace";
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out_dir() + "/report.html")) << "an index only for several scenarios";
}

TEST_F(ReportCli, SeveralScenariosGetAnIndexLinkingEachReport) {
  const auto o{packsim({"run", kRunnerData + "/near_cutoff.yaml", kRunnerData + "/wrong_expectation.yaml", "--out",
                        out_dir()})};
  ASSERT_EQ(o.exit_code, 1) << o.out << o.err;
  const std::string index{read_text(out_dir() + "/report.html")};
  EXPECT_NE(index.find("href=\"near_cutoff/report.html\""), std::string::npos) << index;
  EXPECT_NE(index.find("href=\"wrong_expectation/report.html\""), std::string::npos) << index;
  EXPECT_NE(index.find("1 of 2 scenarios passed"), std::string::npos) << index;
  const std::string failed{read_text(out_dir() + "/wrong_expectation/report.html")};
  EXPECT_NE(failed.find("verdict fail\">FAIL"), std::string::npos);
  EXPECT_NE(failed.find("A deliberately wrong expectation &lt;fails&gt; &amp; says &quot;when&quot; it did"),
            std::string::npos)
      << "the description, escaped";
  EXPECT_NE(failed.find("<title>#2 dsg opens within 100 ms &amp; &lt;instantly&gt;: failed at t="), std::string::npos)
      << "the failure is marked in the plots";
  EXPECT_TRUE(std::filesystem::exists(out_dir() + "/near_cutoff/report.html"));
}

TEST_F(ReportCli, NoReportFlagWritesNoHtml) {
  const auto o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--no-report"})};
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(std::filesystem::exists(out_dir() + "/near_cutoff/trace.csv"));
  EXPECT_FALSE(std::filesystem::exists(out_dir() + "/near_cutoff/report.html"));
}

TEST_F(ReportCli, HelpMentionsTheReports) {
  const auto o{packsim({"run", "--help"})};
  EXPECT_NE(o.out.find("report.html"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace packsim::report
