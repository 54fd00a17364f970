#include "neuroblend/report/document.h"

namespace nb {

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

void Document::title(const std::string& text) { blocks_.push_back({Kind::Title, text, "", {}}); }
void Document::heading(const std::string& text) { blocks_.push_back({Kind::Heading, text, "", {}}); }
void Document::paragraph(const std::string& text) { blocks_.push_back({Kind::Paragraph, text, "", {}}); }
void Document::figure(const std::string& heading, const std::string& svg) {
  blocks_.push_back({Kind::Figure, heading, svg, {}});
}
Document::Table& Document::table(std::vector<std::string> header, std::vector<bool> right) {
  blocks_.push_back({Kind::Table, "", "", {std::move(header), std::move(right), {}}});
  return blocks_.back().table;
}

namespace {
std::string md_row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s += c.empty() ? " |" : " " + c + " |";
  return s + "\n";
}
}  // namespace

// Blocks separated by an empty line; a table is its header, the alignment
// row and its rows.
std::string Document::markdown() const {
  std::string m;
  bool first = true;
  for (const Block& b : blocks_) {
    if (b.kind == Kind::Figure) continue;
    if (!first) m += "\n";
    first = false;
    switch (b.kind) {
      case Kind::Title: m += "# " + b.text + "\n"; break;
      case Kind::Heading: m += "## " + b.text + "\n"; break;
      case Kind::Paragraph: m += b.text + "\n"; break;
      case Kind::Table: {
        m += md_row(b.table.header);
        std::vector<std::string> align;
        for (size_t k = 0; k < b.table.header.size(); ++k)
          align.push_back(k < b.table.right.size() && b.table.right[k] ? "---:" : "---");
        m += md_row(align);
        for (const auto& r : b.table.rows) m += md_row(r);
        break;
      }
      case Kind::Figure: break;
    }
  }
  return m;
}

std::string Document::html(const std::string& title) const {
  std::string h = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
                  "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                  "td:first-child,th:first-child{text-align:left}h1,h2{color:#1f4e79}</style></head><body>";
  for (const Block& b : blocks_) {
    switch (b.kind) {
      case Kind::Title: h += "<h1>" + html_escape(b.text) + "</h1>"; break;
      case Kind::Heading: h += "<h2>" + html_escape(b.text) + "</h2>"; break;
      case Kind::Paragraph: h += "<p>" + html_escape(b.text) + "</p>"; break;
      case Kind::Figure: h += "<h2>" + html_escape(b.text) + "</h2>" + b.svg; break;
      case Kind::Table: {
        h += "<table><tr>";
        for (const auto& c : b.table.header) h += "<th>" + html_escape(c) + "</th>";
        h += "</tr>";
        for (const auto& r : b.table.rows) {
          h += "<tr>";
          for (const auto& c : r) h += "<td>" + html_escape(c) + "</td>";
          h += "</tr>";
        }
        h += "</table>";
        break;
      }
    }
  }
  return h + "</body></html>\n";
}

}  // namespace nb
