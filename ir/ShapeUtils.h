// Shape arithmetic and error helpers shared by the nn ops' shape inference and verifiers.
#ifndef NNC_IR_SHAPEUTILS_H
#define NNC_IR_SHAPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace nnc::nn {

constexpr int64_t kDynamic = mlir::ShapedType::kDynamic;

/// Emits `message` at `loc` when there is one; always returns failure.
mlir::LogicalResult shapeError(std::optional<mlir::Location> loc,
                               const llvm::Twine &message);

/// The value's type as a ranked tensor, or null.
mlir::RankedTensorType rankedType(mlir::Value value);

/// Output length of a window sweep as Keras computes it. "valid":
/// floor((in - dilation*(window-1) - 1) / stride) + 1 (may be <= 0 when the
/// window does not fit); "same": ceil(in / stride). Dynamic stays dynamic.
int64_t windowOutputSize(int64_t in, int64_t window, int64_t stride,
                         int64_t dilation, bool same);

/// The largest window size, stride, dilation or window span (dilation x (size - 1)
/// + 1) that shape inference accepts: it bounds the padding and index arithmetic of
/// the kernels well inside 32 bits before anything is allocated.
constexpr int64_t kMaxWindow = int64_t(1) << 20;

/// Checks that a window of `window` taps `dilation` apart spans at most kMaxWindow.
mlir::LogicalResult checkWindowSpan(std::optional<mlir::Location> loc, llvm::StringRef layer,
                                    int64_t window, int64_t dilation);

/// Checks a 2-element attribute (strides, pool_size, dilation): positive, at most
/// kMaxWindow.
mlir::LogicalResult checkPair(std::optional<mlir::Location> loc,
                              llvm::StringRef what, llvm::ArrayRef<int64_t> v);

/// Checks padding is "valid" or "same".
mlir::LogicalResult checkPadding(std::optional<mlir::Location> loc,
                                 llvm::StringRef padding);

/// Keras's rendering of a shape: (None, 28, 28, 32).
std::string kerasShape(llvm::ArrayRef<int64_t> shape);

/// Two dimensions agree when equal or either is dynamic.
inline bool dimsAgree(int64_t a, int64_t b) {
  return a == b || a == kDynamic || b == kDynamic;
}

/// Same rank and every dimension agrees.
bool shapesAgree(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

} // namespace nnc::nn

#endif // NNC_IR_SHAPEUTILS_H
