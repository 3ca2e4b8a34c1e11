// Decoding of ONNX TensorProto (inline, raw and external data) and broadcasting helpers.
#include "onnx/Constant.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <limits>

namespace nnc::onnxfe {

int64_t Constant::count() const { return isInt ? (int64_t)i.size() : (int64_t)f.size(); }

std::vector<int64_t> Constant::ints() const {
  if (isInt)
    return i;
  return std::vector<int64_t>(f.begin(), f.end());
}

std::vector<float> Constant::floats() const {
  if (!isInt)
    return f;
  return std::vector<float>(i.begin(), i.end());
}

Constant Constant::ofInts(std::vector<int64_t> shape, std::vector<int64_t> values) {
  Constant c;
  c.shape = std::move(shape);
  c.isInt = true;
  c.i = std::move(values);
  return c;
}

Constant Constant::ofFloats(std::vector<int64_t> shape, std::vector<float> values) {
  Constant c;
  c.shape = std::move(shape);
  c.f = std::move(values);
  return c;
}

int64_t elementCount(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throw ImportError{fmt::format("a tensor has a negative dimension ({})", d)};
    if (__builtin_mul_overflow(n, d, &n) || n > (int64_t(1) << 34))
      throw ImportError{"a tensor has more than 2^34 elements"};
  }
  return n;
}

namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else { // subnormal: normalise
      int e = -1;
      do {
        ++e;
        man <<= 1;
      } while (!(man & 0x400));
      bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | man << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | man << 13;
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

/// The bytes of an external tensor: `location` under `dir`, from `offset`, `length` bytes.
std::string readExternal(const onnx::TensorProto &t, const std::string &dir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::stoll(kv.value());
    else if (kv.key() == "length")
      length = std::stoll(kv.value());
  }
  if (location.empty())
    throw ImportError{fmt::format("tensor '{}' is stored externally but names no location",
                                  t.name())};
  if (location.front() == '/' || location.find("..") != std::string::npos)
    throw ImportError{fmt::format("tensor '{}': external data location '{}' must be a "
                                  "relative path inside the model's folder",
                                  t.name(), location)};
  std::string path = dir.empty() ? location : dir + "/" + location;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ImportError{fmt::format("tensor '{}': missing external data file '{}'", t.name(),
                                  path)};
  in.seekg(0, std::ios::end);
  int64_t size = (int64_t)in.tellg();
  if (length < 0)
    length = size - offset;
  if (offset < 0 || offset > size || length != (int64_t)want || offset + length > size)
    throw ImportError{fmt::format("tensor '{}': external data file '{}' holds {} bytes; the "
                                  "tensor needs {} from offset {}",
                                  t.name(), path, size, want, offset)};
  std::string bytes((size_t)length, '\0');
  in.seekg(offset);
  in.read(bytes.data(), length);
  return bytes;
}

template <typename T> T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

} // namespace

Constant decodeTensor(const onnx::TensorProto &t, const std::string &dir) {
  Constant c;
  c.shape.assign(t.dims().begin(), t.dims().end());
  int64_t n = elementCount(c.shape);
  int type = t.data_type();
  size_t width = 0;
  switch (type) {
  case onnx::TensorProto::FLOAT: width = 4; break;
  case onnx::TensorProto::DOUBLE: width = 8; break;
  case onnx::TensorProto::FLOAT16: width = 2; break;
  case onnx::TensorProto::INT64: width = 8; break;
  case onnx::TensorProto::INT32: width = 4; break;
  case onnx::TensorProto::INT16: width = 2; break;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL: width = 1; break;
  default:
    throw ImportError{fmt::format("tensor '{}' has element type {} ({}); supported: float, "
                                  "double, float16, int64, int32, int16, int8, uint8, bool",
                                  t.name(), onnx::TensorProto::DataType_Name(type), type)};
  }
  c.isInt = !(type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE ||
              type == onnx::TensorProto::FLOAT16);
  std::string bytes;
  bool raw = false;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    bytes = readExternal(t, dir, (size_t)n * width);
    raw = true;
  } else if (t.has_raw_data()) {
    bytes = t.raw_data();
    raw = true;
    if (bytes.size() != (size_t)n * width)
      throw ImportError{fmt::format("tensor '{}' has {} bytes of raw data; its shape needs {}",
                                    t.name(), bytes.size(), (size_t)n * width)};
  }
  if (c.isInt)
    c.i.resize((size_t)n);
  else
    c.f.resize((size_t)n);
  auto need = [&](int have) {
    if (have != n)
      throw ImportError{fmt::format("tensor '{}' holds {} values; its shape needs {}", t.name(),
                                    have, n)};
  };
  if (raw) {
    const char *p = bytes.data();
    for (int64_t k = 0; k < n; ++k, p += width) {
      switch (type) {
      case onnx::TensorProto::FLOAT: c.f[k] = load<float>(p); break;
      case onnx::TensorProto::DOUBLE: c.f[k] = (float)load<double>(p); break;
      case onnx::TensorProto::FLOAT16: c.f[k] = halfToFloat(load<uint16_t>(p)); break;
      case onnx::TensorProto::INT64: c.i[k] = load<int64_t>(p); break;
      case onnx::TensorProto::INT32: c.i[k] = load<int32_t>(p); break;
      case onnx::TensorProto::INT16: c.i[k] = load<int16_t>(p); break;
      case onnx::TensorProto::INT8: c.i[k] = load<int8_t>(p); break;
      default: c.i[k] = load<uint8_t>(p); break;
      }
    }
    return c;
  }
  switch (type) {
  case onnx::TensorProto::FLOAT:
    need(t.float_data_size());
    std::copy(t.float_data().begin(), t.float_data().end(), c.f.begin());
    break;
  case onnx::TensorProto::DOUBLE:
    need(t.double_data_size());
    std::copy(t.double_data().begin(), t.double_data().end(), c.f.begin());
    break;
  case onnx::TensorProto::INT64:
    need(t.int64_data_size());
    std::copy(t.int64_data().begin(), t.int64_data().end(), c.i.begin());
    break;
  case onnx::TensorProto::FLOAT16:
    need(t.int32_data_size());
    for (int64_t k = 0; k < n; ++k)
      c.f[k] = halfToFloat((uint16_t)t.int32_data((int)k));
    break;
  default: // int32, int16, int8, uint8, bool travel in int32_data
    need(t.int32_data_size());
    std::copy(t.int32_data().begin(), t.int32_data().end(), c.i.begin());
    break;
  }
  return c;
}

std::vector<int64_t> broadcastShape(const std::vector<int64_t> &a,
                                    const std::vector<int64_t> &b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t k = 0; k < rank; ++k) {
    int64_t x = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    int64_t y = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (x != y && x != 1 && y != 1)
      throw ImportError{fmt::format("shapes [{}] and [{}] do not broadcast",
                                    fmt::join(a, ", "), fmt::join(b, ", "))};
    out[k] = x == 1 ? y : x;
  }
  return out;
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t k = shape.size(); k-- > 1;)
    s[k - 1] = s[k] * shape[k];
  return s;
}

std::vector<int64_t> broadcastIndex(const std::vector<int64_t> &in,
                                    const std::vector<int64_t> &out) {
  int64_t n = elementCount(out);
  size_t lead = out.size() - in.size();
  std::vector<int64_t> inStride = stridesOf(in), idx(out.size(), 0), result((size_t)n);
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t at = 0;
    for (size_t k = 0; k < in.size(); ++k)
      if (in[k] != 1)
        at += idx[lead + k] * inStride[k];
    result[flat] = at;
    for (size_t k = out.size(); k-- > 0;) { // odometer
      if (++idx[k] < out[k])
        break;
      idx[k] = 0;
    }
  }
  return result;
}

} // namespace nnc::onnxfe
