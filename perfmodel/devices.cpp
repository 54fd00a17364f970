#include "neuroblend/perfmodel/devices.h"

#include <fmt/format.h>

#include "neuroblend/error.h"
#include "neuroblend/perfmodel/data_files.h"

namespace nb {

std::vector<Device> load_devices(const std::string& path) {
  nlohmann::json j = read_data_file(path, "neuroblend-devices-1");
  StrictObject top(j, path);
  top.allow({"format", "note", "static_w_source"});
  double per_lut = top.num("static_w_per_lut");
  const auto& list = top.array("devices");
  top.done();
  if (list.empty()) top.fail("devices", "no devices");
  std::vector<Device> out;
  for (size_t i = 0; i < list.size(); ++i) {
    StrictObject d(list[i], path, fmt::format("devices[{}]", i));
    Device v;
    v.name = d.str("name");
    for (const auto& o : out)
      if (o.name == v.name) d.fail("name", fmt::format("'{}' is listed twice", v.name));
    // the reports divide by the device's resources: none may be 0
    auto positive = [&](const char* key) {
      double x = d.num(key);
      if (x <= 0) d.fail(key, "must be > 0");
      return x;
    };
    v.dsp = positive("dsp"), v.lut = positive("lut"), v.ff = positive("ff"), v.bram36 = positive("bram36");
    v.uram = d.num("uram");
    v.static_w = d.num_or("static_w", per_lut * v.lut);
    d.done();
    out.push_back(v);
  }
  return out;
}

Device find_device(const std::vector<Device>& all, const std::string& name, const std::string& path) {
  std::string known;
  for (auto& d : all) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(fmt::format("unknown device '{}' (in {}: {})", name, shown_path(path), known));
}

}  // namespace nb
