// JUnit XML: structure, counts and escaping.
#include "sim/runner/junit_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace packsim::runner {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n{0};
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(JunitWriter, EscapesTheFiveXmlSpecialCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string{"x\x01y"}), "x\uFFFDy");  // not allowed in XML 1.0: a visible mark
}

TEST(JunitWriter, OneTestsuitePerScenarioOneTestcasePerExpectation) {
  RunResult a;
  a.scenario_name = "deep <discharge>";
  a.expectations = {{"opens & closes", "that: x", true, "", {}},
                    {"never \"low\"", "never: y", false, "at t=1.00 s", 1'000'000'000}};
  RunResult b;
  b.scenario_name = "other";
  b.expectations = {{"ok", "at_end: z", true, "", {}}};
  const std::string xml{junit_xml({a, b})};
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0U) << xml;
  EXPECT_EQ(count(xml, "<testsuite "), 2U);
  EXPECT_EQ(count(xml, "<testcase "), 3U);
  EXPECT_EQ(count(xml, "<failure "), 1U);
  EXPECT_NE(xml.find("name=\"deep &lt;discharge&gt;\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"opens &amp; closes\""), std::string::npos);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\""), std::string::npos);
  EXPECT_EQ(xml.find("\"low\""), std::string::npos) << "an unescaped quote inside an attribute";
}

// A run that could not go on, or was interrupted, is an <error>: CI must not
// read it as the firmware failing a test, nor as a pass.
TEST(JunitWriter, StoppedAndInterruptedRunsAreErrorsNotFailures) {
  RunResult stopped;
  stopped.scenario_name = "stopped";
  stopped.error = "cell 3 SOC -0.42 at t=12.0 s";
  stopped.expectations = {{"held so far", "never: x", true, "", {}}};
  RunResult interrupted;
  interrupted.scenario_name = "interrupted";
  interrupted.interrupted = "interrupted by SIGINT at t=3.000 s";
  const std::string xml{junit_xml({stopped, interrupted})};
  EXPECT_EQ(count(xml, "<failure "), 0U) << xml;
  EXPECT_EQ(count(xml, "<error "), 2U) << xml;
  EXPECT_NE(xml.find("<testsuites name=\"packsim\" tests=\"3\" failures=\"0\" errors=\"2\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error type=\"run stopped\" message=\"the run stopped: cell 3 SOC -0.42"), std::string::npos);
  EXPECT_NE(xml.find("<error type=\"interrupted\" message=\"interrupted by SIGINT at t=3.000 s\""), std::string::npos);
  EXPECT_FALSE(stopped.passed());
  EXPECT_FALSE(interrupted.passed());
}

}  // namespace
}  // namespace packsim::runner
