// Target devices (data/devices.json): their resources and static power.
#pragma once
#include <string>
#include <vector>

namespace nb {

struct Device {
  std::string name;
  double dsp = 0, lut = 0, ff = 0, bram36 = 0, uram = 0;
  double static_w = 0;
};
std::vector<Device> load_devices(const std::string& path);
Device find_device(const std::vector<Device>& all, const std::string& name, const std::string& path);

}  // namespace nb
