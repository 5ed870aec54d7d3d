#include "sim/report/html_page.h"

#include "sim/report/html_escape.h"

namespace packsim::report {

namespace {

constexpr const char* kStyle{R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1000px;
       padding: 0 16px; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 4px; }
h2 { font-size: 1.15em; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.description { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 10px; border-bottom: 1px solid #eee; }
th { background: #f6f6f6; }
table.summary th { background: none; font-weight: normal; color: #666; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.92em; }
.verdict { font-weight: bold; padding: 1px 8px; border-radius: 4px; color: #fff; white-space: nowrap; }
.pass { background: #2e7d32; }
.fail { background: #c62828; }
tr.failed td { background: #fff3f3; }
svg.plot { display: block; max-width: 100%; height: auto; margin: 10px 0; }
.note { color: #666; font-size: 0.9em; }
)"};

}  // namespace

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body +
         "<p class=\"note\">Written by packsim.</p>\n</body>\n</html>\n";
}

}  // namespace packsim::report
