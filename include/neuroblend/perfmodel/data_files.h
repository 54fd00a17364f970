// The performance models' data files (data/: devices, power coefficients,
// activity rates, the resource model): where they are, how outputs name
// them, and a strict reader (also used for the outputs read back: sweep
// shards). Each file is parsed once, strictly: a missing
// key, a key the reader does not know, a value of the wrong kind or a wrong
// "format" is an error naming the file and the key.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace nb {

// A file of the data directory (data/ of the source tree, or $NEUROBLEND_DATA).
std::string data_path(const std::string& file);
// How outputs name a data file: by its path in the project ("data/power.json")
// when it is in the source tree, else as it was given.
std::string shown_path(const std::string& path);

// Reads a data file and checks its "format" (e.g. "neuroblend-devices-1").
nlohmann::json read_data_file(const std::string& path, const std::string& format);

// One JSON object of a data file. Every key a reader takes (or allows, for
// documentation such as "note") is recorded; done() refuses any other.
class StrictObject {
 public:
  // `where` is the object's path in the file ("" for the top, "devices[2]").
  StrictObject(const nlohmann::json& j, const std::string& file, const std::string& where = "");
  // it keeps a reference to the object: never to a temporary
  StrictObject(nlohmann::json&& j, const std::string& file, const std::string& where = "") = delete;
  bool has(const std::string& key) const;
  const nlohmann::json& get(const std::string& key);  // required, any kind
  double num(const std::string& key);                 // required number >= 0
  double num_or(const std::string& key, double dflt);  // optional number >= 0
  std::string str(const std::string& key);            // required string
  int integer(const std::string& key);                // required integer
  uint64_t count(const std::string& key);             // required integer >= 0 (a count of cycles, an index)
  bool boolean(const std::string& key);               // required true / false
  StrictObject obj(const std::string& key);           // required object
  const nlohmann::json& array(const std::string& key);  // required array
  void allow(std::initializer_list<const char*> keys);  // keys that are read by no one (documentation)
  void done() const;
  // "data/power.json: coefficients_pj_per_toggle.lut" (for a key: the object's path and the key)
  std::string where(const std::string& key = "") const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& j_;
  std::string file_, path_;
  std::set<std::string> known_;
};

}  // namespace nb
