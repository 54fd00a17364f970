// Reading JSON input (models, configurations, sweep lists and shards, data
// files), and writing output files, in one place, so hostile input gets a clean error naming the file:
// a file that cannot be opened, text that is not JSON, a number outside the
// double range, or values nested deeper than kMaxJsonDepth (a deeply nested
// value would otherwise exhaust the stack when it is printed or destroyed).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace nb {

constexpr int kMaxJsonDepth = 64;

// `source` names the text in errors (a path, or "argument of --foo").
nlohmann::json parse_json(const std::string& text, const std::string& source);
// Reads and parses a file; `what` ("configuration", "sweep list") prefixes
// the can't-open error.
nlohmann::json read_json_file(const std::string& path, const std::string& what = "JSON file");
// Writes an output file (JSON, CSV, Markdown, HTML, plot data) whole;
// an error names it when it cannot be written.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace nb
