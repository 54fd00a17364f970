#include "neuroblend/json_file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "neuroblend/error.h"

namespace nb {

namespace {
// nlohmann's messages start with "[json.exception.parse_error.101] ": keep the text.
std::string json_message(const char* what) {
  std::string m = what;
  if (m.rfind("[json.exception.", 0) == 0) {
    size_t e = m.find("] ");
    if (e != std::string::npos) m.erase(0, e + 2);
  }
  return m;
}
}  // namespace

nlohmann::json parse_json(const std::string& text, const std::string& source) {
  using json = nlohmann::json;
  try {
    // The callback sees every value as it is parsed: refuse nesting before
    // the deep part is built.
    return json::parse(text, [&](int depth, json::parse_event_t ev, json&) {
      if ((ev == json::parse_event_t::object_start || ev == json::parse_event_t::array_start) &&
          depth >= kMaxJsonDepth) {
        throw Error(fmt::format("{}: values nested deeper than {} levels", source, kMaxJsonDepth));
      }
      return true;
    });
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", source, json_message(e.what())));
  }
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open {} '{}'", what, path));
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw Error(fmt::format("cannot read {} '{}'", what, path));
  return parse_json(ss.str(), path);
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) throw Error("cannot write " + path);
}

}  // namespace nb
