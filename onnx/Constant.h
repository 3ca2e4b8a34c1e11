// Tensors known at import time (initializers, Constant nodes, folded shape arithmetic).
#ifndef NNC_ONNX_CONSTANT_H
#define NNC_ONNX_CONSTANT_H

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace nnc::onnxfe {

/// An error in the model file: the importer adds the node and reports it.
struct ImportError {
  std::string message;
};

/// The dynamic batch size as an entry of a folded shape (Shape of a batch tensor):
/// it may be moved around (Gather, Concat, Unsqueeze) and ends up in Reshape targets.
constexpr int64_t kBatchDim = INT64_MIN / 4;

/// A tensor whose values the importer holds: floats (float, double, float16) or
/// integers (int64, int32, int8, uint8, bool), row-major.
struct Constant {
  std::vector<int64_t> shape;
  bool isInt = false;
  std::vector<float> f;
  std::vector<int64_t> i;

  int64_t count() const;
  double at(int64_t k) const { return isInt ? (double)i[k] : (double)f[k]; }
  /// The values as integers (floats truncated).
  std::vector<int64_t> ints() const;
  /// The values as floats.
  std::vector<float> floats() const;

  static Constant ofInts(std::vector<int64_t> shape, std::vector<int64_t> values);
  static Constant ofFloats(std::vector<int64_t> shape, std::vector<float> values);
};

/// The product of `shape` (1 for a scalar); throws on overflow or a negative entry.
int64_t elementCount(const std::vector<int64_t> &shape);

/// Decodes `t`, reading external data from files under `dir` (the model's folder).
Constant decodeTensor(const onnx::TensorProto &t, const std::string &dir);

/// numpy broadcasting of two shapes; throws when they do not broadcast.
std::vector<int64_t> broadcastShape(const std::vector<int64_t> &a,
                                    const std::vector<int64_t> &b);

/// For each element of the broadcast `out` shape, the flat index into a tensor of
/// shape `in` that numpy broadcasting reads.
std::vector<int64_t> broadcastIndex(const std::vector<int64_t> &in,
                                    const std::vector<int64_t> &out);

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape);

} // namespace nnc::onnxfe

#endif // NNC_ONNX_CONSTANT_H
