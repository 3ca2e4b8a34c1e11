// Shape arithmetic and error helpers shared by the nn ops' shape inference and verifiers.
#include "ir/ShapeUtils.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

namespace nnc::nn {

mlir::LogicalResult shapeError(std::optional<mlir::Location> loc,
                               const llvm::Twine &message) {
  if (loc)
    mlir::emitError(*loc, message);
  return mlir::failure();
}

mlir::RankedTensorType rankedType(mlir::Value value) {
  if (!value)
    return nullptr;
  return llvm::dyn_cast<mlir::RankedTensorType>(value.getType());
}

int64_t windowOutputSize(int64_t in, int64_t window, int64_t stride,
                         int64_t dilation, bool same) {
  if (in == kDynamic)
    return kDynamic;
  if (same)
    return (in + stride - 1) / stride;
  int64_t span = dilation * (window - 1) + 1;
  if (in < span)
    return 0;
  return (in - span) / stride + 1;
}

mlir::LogicalResult checkPair(std::optional<mlir::Location> loc,
                              llvm::StringRef what, llvm::ArrayRef<int64_t> v) {
  if (v.size() != 2)
    return shapeError(loc, llvm::Twine(what) + " must have 2 entries (height, width), got " +
                               llvm::Twine(v.size()));
  if (v[0] <= 0 || v[1] <= 0)
    return shapeError(loc, llvm::Twine(what) + " must be positive, got (" +
                               llvm::Twine(v[0]) + ", " + llvm::Twine(v[1]) + ")");
  if (v[0] > kMaxWindow || v[1] > kMaxWindow)
    return shapeError(loc, llvm::Twine(what) + " must be at most " + llvm::Twine(kMaxWindow) +
                               " (nnc's limit on window sizes, strides and dilations), got (" +
                               llvm::Twine(v[0]) + ", " + llvm::Twine(v[1]) + ")");
  return mlir::success();
}

mlir::LogicalResult checkWindowSpan(std::optional<mlir::Location> loc, llvm::StringRef layer,
                                    int64_t window, int64_t dilation) {
  int64_t span = 0;
  if (window > kMaxWindow || __builtin_mul_overflow(dilation, window - 1, &span) ||
      span >= kMaxWindow)
    return shapeError(loc, llvm::Twine(layer) + " window of " + llvm::Twine(window) +
                               " with dilation_rate " + llvm::Twine(dilation) + " spans more than " +
                               llvm::Twine(kMaxWindow) +
                               " pixels (nnc's limit); reduce the kernel size or the dilation");
  return mlir::success();
}

mlir::LogicalResult checkPadding(std::optional<mlir::Location> loc,
                                 llvm::StringRef padding) {
  if (padding == "valid" || padding == "same")
    return mlir::success();
  return shapeError(loc, "padding must be \"valid\" or \"same\", got \"" +
                             padding + "\"");
}

std::string kerasShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += d == kDynamic ? std::string("None") : std::to_string(d);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

bool shapesAgree(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!dimsAgree(x, y))
      return false;
  return true;
}

} // namespace nnc::nn
