#include <doctest/doctest.h>

#include "neuroblend/report/document.h"

using nb::Document;

TEST_CASE("report document: one build, Markdown and HTML formatters") {
  Document d;
  d.title("T <1>");
  d.paragraph("a & b");
  d.heading("Summary");
  auto& t = d.table({"figure", "value", "note"}, {false, true});
  t.row({"cycles", "42", ""});
  d.figure("Timeline", "<svg/>");
  d.heading("Next");
  CHECK(d.markdown() ==
        "# T <1>\n\na & b\n\n## Summary\n\n| figure | value | note |\n| --- | ---: | --- |\n| cycles | 42 | |\n\n"
        "## Next\n");
  CHECK(d.html("R") ==
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>R</title><style>body{font-family:sans-serif;"
        "max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px "
        "solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}h1,h2{color:#1f4e79}"
        "</style></head><body><h1>T &lt;1&gt;</h1><p>a &amp; b</p><h2>Summary</h2><table><tr><th>figure</th>"
        "<th>value</th><th>note</th></tr><tr><td>cycles</td><td>42</td><td></td></tr></table><h2>Timeline</h2><svg/>"
        "<h2>Next</h2></body></html>\n");
}
