// A report as a document: headings, paragraphs, tables and figures, built
// once and written by two formatters, Markdown and self-contained HTML (the
// figures, inline SVG, in the HTML only). `report` uses it; the HTML is not
// made by reading the Markdown back.
#pragma once
#include <string>
#include <vector>

namespace nb {

class Document {
 public:
  struct Table {
    std::vector<std::string> header;
    std::vector<bool> right;  // per column: numbers, right-aligned
    std::vector<std::vector<std::string>> rows;
    void row(std::vector<std::string> cells) { rows.push_back(std::move(cells)); }
  };
  void title(const std::string& text);
  void heading(const std::string& text);
  void paragraph(const std::string& text);
  Table& table(std::vector<std::string> header, std::vector<bool> right);
  // An SVG figure with its own heading, placed before the next block (HTML only).
  void figure(const std::string& heading, const std::string& svg);

  std::string markdown() const;
  // `title`: the page's <title>.
  std::string html(const std::string& title) const;

 private:
  enum class Kind { Title, Heading, Paragraph, Table, Figure };
  struct Block {
    Kind kind;
    std::string text, svg;
    Table table;
  };
  std::vector<Block> blocks_;
};

// Text escaped for HTML.
std::string html_escape(const std::string& s);

}  // namespace nb
