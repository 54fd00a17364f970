#include "neuroblend/perfmodel/data_files.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "neuroblend/error.h"
#include "neuroblend/json_file.h"

namespace nb {

std::string data_path(const std::string& file) {
  if (const char* d = std::getenv("NEUROBLEND_DATA")) return std::string(d) + "/" + file;
  return std::string(NB_DATA_DIR) + "/" + file;
}

std::string shown_path(const std::string& path) {
  const std::string root = std::string(NB_SOURCE_DIR) + "/";
  return path.rfind(root, 0) == 0 ? path.substr(root.size()) : path;
}

nlohmann::json read_data_file(const std::string& path, const std::string& format) {
  nlohmann::json j = read_json_file(path, "data file");
  if (!j.is_object()) throw Error(fmt::format("{}: not a JSON object", shown_path(path)));
  if (!j.contains("format") || j["format"] != format)
    throw Error(fmt::format("{}: 'format' must be \"{}\"{}", shown_path(path), format,
                            j.contains("format") ? fmt::format(", got {}", j["format"].dump()) : ""));
  return j;
}

StrictObject::StrictObject(const nlohmann::json& j, const std::string& file, const std::string& where)
    : j_(j), file_(shown_path(file)), path_(where) {
  if (!j_.is_object()) throw Error(fmt::format("{}: must be an object", this->where()));
}

std::string StrictObject::where(const std::string& key) const {
  std::string p = path_.empty() ? key : key.empty() ? path_ : path_ + "." + key;
  return p.empty() ? file_ : file_ + ": " + p;
}

void StrictObject::fail(const std::string& key, const std::string& what) const {
  throw Error(fmt::format("{}: {}", where(key), what));
}

bool StrictObject::has(const std::string& key) const { return j_.contains(key); }

const nlohmann::json& StrictObject::get(const std::string& key) {
  known_.insert(key);
  if (!j_.contains(key)) fail(key, "missing");
  return j_[key];
}

double StrictObject::num(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_number()) fail(key, fmt::format("must be a number, got {}", v.dump()));
  double d = v.get<double>();
  if (!(d >= 0) || !std::isfinite(d)) fail(key, fmt::format("must be >= 0, got {}", v.dump()));
  return d;
}

double StrictObject::num_or(const std::string& key, double dflt) {
  known_.insert(key);
  return j_.contains(key) ? num(key) : dflt;
}

std::string StrictObject::str(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_string()) fail(key, fmt::format("must be a string, got {}", v.dump()));
  return v.get<std::string>();
}

int StrictObject::integer(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > (1LL << 30))
    fail(key, fmt::format("must be an integer from 0 to 2^30, got {}", v.dump()));
  return v.get<int>();
}

uint64_t StrictObject::count(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0))
    fail(key, fmt::format("must be an integer >= 0, got {}", v.dump()));
  return v.get<uint64_t>();
}
bool StrictObject::boolean(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_boolean()) fail(key, fmt::format("must be true or false, got {}", v.dump()));
  return v.get<bool>();
}
StrictObject StrictObject::obj(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_object()) fail(key, "must be an object");
  return StrictObject(v, file_, path_.empty() ? key : path_ + "." + key);
}

const nlohmann::json& StrictObject::array(const std::string& key) {
  const auto& v = get(key);
  if (!v.is_array()) fail(key, "must be an array");
  return v;
}

void StrictObject::allow(std::initializer_list<const char*> keys) {
  for (const char* k : keys) known_.insert(k);
}

void StrictObject::done() const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (known_.count(it.key())) continue;
    std::string list;
    for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
    fail(it.key(), fmt::format("unknown key (known: {})", list));
  }
}

}  // namespace nb
