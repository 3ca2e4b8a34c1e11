// Helpers shared by the op lowerings (OpKernels.cpp, TrainingKernels.cpp): buffer
// extents in Halide order and the shapes the kernel families take.
#ifndef NNC_CODEGEN_OPKERNELUTIL_H
#define NNC_CODEGEN_OPKERNELUTIL_H

#include "codegen/OpKernels.h"
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Kernel.h"
#include "codegen/kernels/Pool.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

namespace nnc::codegen {

llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);
/// Halide extents of a whole tensor: reversed, the batch as -1.
std::vector<int64_t> full(mlir::Value v);
/// The 2-D view (last axis, every other axis folded) of a batch tensor.
std::vector<int64_t> rows(mlir::Value v);
/// The element count of a tensor without a batch (variables, gradients of them).
int64_t count(mlir::Value v);
/// Elements per sample: the product of the static dimensions (a 0-d tensor: 1).
int64_t perSample(mlir::Type t);
Activation activationOf(llvm::StringRef name, llvm::APFloat alpha);
ConvShape convShape(mlir::Value input, mlir::Value kernel, llvm::ArrayRef<int64_t> strides,
                    llvm::ArrayRef<int64_t> dilation, llvm::StringRef padding);
PoolShape poolShape(mlir::Value input, llvm::ArrayRef<int64_t> pool,
                    llvm::ArrayRef<int64_t> strides, llvm::StringRef padding);

OpLowering kernelCall(std::shared_ptr<Kernel> k, std::vector<mlir::Value> tensors,
                      std::vector<std::vector<int64_t>> extents);

template <typename T> std::shared_ptr<Kernel> share(T &&k) {
  return std::make_shared<Kernel>(std::forward<T>(k));
}

/// The training ops (ir/ops/Grad.td, losses, metrics, optimizer updates).
mlir::FailureOr<OpLowering> lowerTrainingOp(mlir::Operation *op);

} // namespace nnc::codegen

#endif
