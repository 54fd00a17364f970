#include "neuroblend/npy.h"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <type_traits>

namespace nb {

std::string NpyArray::shape_str() const {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

namespace {

template <typename S, typename T>
void convert(const NpyArray& a, std::vector<T>& out, const std::string& where) {
  const S* src = reinterpret_cast<const S*>(a.bytes.data());
  int64_t n = a.count();
  out.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    S v;
    std::memcpy(&v, src + i, sizeof(S));
    if constexpr (std::is_floating_point_v<T>) {
      out[size_t(i)] = T(v);
    } else {
      if (v < S(std::numeric_limits<T>::min()) || v > S(std::numeric_limits<T>::max()))
        throw Error(fmt::format("{}: value {} at index {} does not fit the expected type", where, int64_t(v), i));
      out[size_t(i)] = T(v);
    }
  }
}

}  // namespace

template <typename T>
std::vector<T> NpyArray::as(const std::string& where) const {
  std::vector<T> out;
  bool want_float = std::is_floating_point_v<T>;
  bool is_float = dtype[0] == 'f';
  if (want_float != is_float)
    throw Error(fmt::format("{}: dtype '{}' is not {}", where, dtype, want_float ? "a float type" : "an integer type"));
  if (dtype == "f4")
    convert<float>(*this, out, where);
  else if (dtype == "f8")
    convert<double>(*this, out, where);
  else if constexpr (!std::is_floating_point_v<T>) {
    if (dtype == "i1")
      convert<int8_t>(*this, out, where);
    else if (dtype == "u1")
      convert<uint8_t>(*this, out, where);
    else if (dtype == "b1")
      convert<uint8_t>(*this, out, where);
    else if (dtype == "i2")
      convert<int16_t>(*this, out, where);
    else if (dtype == "u2")
      convert<uint16_t>(*this, out, where);
    else if (dtype == "i4")
      convert<int32_t>(*this, out, where);
    else if (dtype == "u4")
      convert<uint32_t>(*this, out, where);
    else if (dtype == "i8")
      convert<int64_t>(*this, out, where);
    else if (dtype == "u8") {
      // Values above INT64_MAX only fit uint64_t.
      if constexpr (std::is_same_v<T, uint64_t>) {
        out.resize(size_t(count()));
        std::memcpy(out.data(), bytes.data(), bytes.size());
      } else {
        convert<uint64_t>(*this, out, where);
      }
    } else
      throw Error(fmt::format("{}: unsupported dtype '{}'", where, dtype));
  }
  return out;
}

template std::vector<float> NpyArray::as<float>(const std::string&) const;
template std::vector<double> NpyArray::as<double>(const std::string&) const;
template std::vector<int8_t> NpyArray::as<int8_t>(const std::string&) const;
template std::vector<uint8_t> NpyArray::as<uint8_t>(const std::string&) const;
template std::vector<int16_t> NpyArray::as<int16_t>(const std::string&) const;
template std::vector<int32_t> NpyArray::as<int32_t>(const std::string&) const;
template std::vector<int64_t> NpyArray::as<int64_t>(const std::string&) const;
template std::vector<uint64_t> NpyArray::as<uint64_t>(const std::string&) const;

std::string npy_serialize(const NpyArray& a) {
  char endian = (a.dtype == "i1" || a.dtype == "u1" || a.dtype == "b1") ? '|' : '<';
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape[i]);
  if (a.shape.size() == 1) shape += ",";
  shape += ")";
  std::string header =
      fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}", endian, a.dtype, shape);
  size_t total = 10 + header.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  header.append(padded - total, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  uint16_t hl = uint16_t(header.size());
  out += char(hl & 0xff);
  out += char(hl >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size());
  return out;
}

NpyArray npy_parse(const uint8_t* d, size_t n, const std::string& where) {
  if (n < 10 || std::memcmp(d, "\x93NUMPY", 6) != 0) throw Error(fmt::format("{}: not a .npy file", where));
  int major = d[6];
  size_t hl, off;
  if (major == 1) {
    hl = d[8] | (size_t(d[9]) << 8);
    off = 10;
  } else if (major == 2 || major == 3) {
    if (n < 12) throw Error(fmt::format("{}: truncated .npy header", where));
    hl = d[8] | (size_t(d[9]) << 8) | (size_t(d[10]) << 16) | (size_t(d[11]) << 24);
    off = 12;
  } else {
    throw Error(fmt::format("{}: unsupported .npy version {}", where, major));
  }
  if (off + hl > n) throw Error(fmt::format("{}: truncated .npy header", where));
  std::string h(reinterpret_cast<const char*>(d + off), hl);
  auto field = [&](const std::string& key) -> std::string {
    auto p = h.find("'" + key + "'");
    if (p == std::string::npos) throw Error(fmt::format("{}: .npy header lacks '{}'", where, key));
    p = h.find(':', p);
    if (p == std::string::npos) throw Error(fmt::format("{}: malformed .npy header", where));
    return h.substr(p + 1);
  };
  NpyArray a;
  std::string descr = field("descr");
  auto q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  if (q1 == std::string::npos || q2 == std::string::npos) throw Error(fmt::format("{}: malformed descr", where));
  descr = descr.substr(q1 + 1, q2 - q1 - 1);
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '|'))
    throw Error(fmt::format("{}: unsupported dtype '{}' (little-endian numeric types only)", where, descr));
  a.dtype = descr.substr(1);
  static const char* known[] = {"f4", "f8", "i1", "u1", "b1", "i2", "u2", "i4", "u4", "i8", "u8"};
  bool ok = false;
  for (auto k : known) ok |= a.dtype == k;
  if (!ok) throw Error(fmt::format("{}: unsupported dtype '{}'", where, descr));
  std::string fo = field("fortran_order");
  if (fo.find("True") < fo.find_first_of(",}"))
    throw Error(fmt::format("{}: Fortran-order arrays are not supported", where));
  std::string sh = field("shape");
  auto l = sh.find('('), r = sh.find(')');
  if (l == std::string::npos || r == std::string::npos) throw Error(fmt::format("{}: malformed shape", where));
  std::stringstream ss(sh.substr(l + 1, r - l - 1));
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    auto b = tok.find_first_not_of(" L");
    if (b == std::string::npos) continue;
    try {
      a.shape.push_back(std::stoll(tok.substr(b)));
    } catch (...) {
      throw Error(fmt::format("{}: malformed shape '{}'", where, sh.substr(l, r - l + 1)));
    }
    if (a.shape.back() < 0) throw Error(fmt::format("{}: negative dimension", where));
  }
  size_t elem = size_t(a.dtype[1] - '0');
  size_t data_off = off + hl;
  if (data_off > n) throw Error(fmt::format("{}: header runs past the end of the file", where));
  // the element count against the bytes there are, without overflowing
  const bool empty = std::find(a.shape.begin(), a.shape.end(), int64_t(0)) != a.shape.end();
  uint64_t cnt = 1;
  for (int64_t dim : a.shape)
    if (!empty && cnt > (n - data_off) / elem / uint64_t(dim))
      throw Error(fmt::format("{}: data size {} bytes does not match shape {} of {}", where, n - data_off,
                              a.shape_str(), descr));
    else if (!empty) cnt *= uint64_t(dim);
  size_t bytes = empty ? 0 : size_t(cnt) * elem;
  if (n - data_off != bytes)
    throw Error(
        fmt::format("{}: data size {} bytes does not match shape {} of {}", where, n - data_off, a.shape_str(), descr));
  a.bytes.assign(d + data_off, d + n);
  return a;
}

void write_npy(const std::string& path, const NpyArray& a) {
  std::ofstream f(path, std::ios::binary);
  std::string s = npy_serialize(a);
  f.write(s.data(), std::streamsize(s.size()));
  if (!f) throw Error(fmt::format("cannot write '{}'", path));
}

NpyArray read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open '{}'", path));
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return npy_parse(reinterpret_cast<const uint8_t*>(s.data()), s.size(), path);
}

void write_npz(const std::string& path, const NpzMap& arrays) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw Error(fmt::format("cannot create '{}' (libzip error {})", path, err));
  // libzip reads the buffers at zip_close, so they must live until then.
  std::vector<std::unique_ptr<std::string>> keep;
  for (auto& [key, a] : arrays) {
    keep.push_back(std::make_unique<std::string>(npy_serialize(a)));
    zip_source_t* src = zip_source_buffer(z, keep.back()->data(), keep.back()->size(), 0);
    if (!src) {
      zip_discard(z);
      throw Error(fmt::format("cannot write '{}': {}", path, zip_strerror(z)));
    }
    zip_int64_t idx = zip_file_add(z, (key + ".npy").c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      std::string msg = zip_strerror(z);
      zip_discard(z);
      throw Error(fmt::format("cannot write '{}': {}", path, msg));
    }
    zip_set_file_compression(z, zip_uint64_t(idx), ZIP_CM_STORE, 0);
    zip_file_set_mtime(z, zip_uint64_t(idx), 0, 0);  // deterministic output
  }
  if (zip_close(z) != 0) {
    std::string msg = zip_strerror(z);
    zip_discard(z);
    throw Error(fmt::format("cannot write '{}': {}", path, msg));
  }
}

NpzMap read_npz(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string msg = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throw Error(fmt::format("cannot read '{}' as .npz: {}", path, msg));
  }
  NpzMap out;
  zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(z, zip_uint64_t(i), 0, &st) != 0) continue;
    std::string name = st.name;
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") {
      zip_close(z);
      throw Error(fmt::format("{}: entry '{}' is not a .npy array", path, name));
    }
    // Read in chunks: memory follows the bytes that really come out, not
    // the size the entry declares (a corrupt or hostile archive may declare
    // gigabytes).
    std::vector<uint8_t> buf;
    zip_file_t* f = zip_fopen_index(z, zip_uint64_t(i), 0);
    bool ok = f != nullptr;
    if (ok) {
      std::vector<uint8_t> chunk(size_t(1) << 16);
      zip_int64_t got;
      while ((got = zip_fread(f, chunk.data(), chunk.size())) > 0) {
        if (buf.size() + size_t(got) > st.size) break;  // more than it declares
        buf.insert(buf.end(), chunk.begin(), chunk.begin() + got);
      }
      ok = got == 0 && buf.size() == st.size;
      zip_fclose(f);
    }
    if (!ok) {
      zip_close(z);
      throw Error(fmt::format("{}: cannot read entry '{}' (corrupt archive)", path, name));
    }
    std::string key = name.substr(0, name.size() - 4);
    try {
      out[key] = npy_parse(buf.data(), buf.size(), path + ":" + key);
    } catch (...) {
      zip_close(z);
      throw;
    }
  }
  zip_close(z);
  return out;
}

}  // namespace nb
