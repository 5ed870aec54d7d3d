// Scenario text cannot inject markup into a report.
#include "sim/report/html_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace packsim::report {
namespace {

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;y&quot;");
}

TEST(HtmlEscape, KeepsUnicodeAndReplacesControlCharacters) {
  EXPECT_EQ(html_escape("25 \u00B0C \u2264 45"), "25 \u00B0C \u2264 45");
  EXPECT_EQ(html_escape(std::string{"a\x01"} + "b\tc\n"), "a\uFFFDb\tc\n");
}

}  // namespace
}  // namespace packsim::report
