// Helpers shared by the op families' lowerings (the KernelOpInterface models in
// codegen/kernels/<Family>.cpp): buffer extents in Halide order, the shapes the
// kernel families take, and the attachment of a lowering function to its op.
#ifndef NNC_CODEGEN_OPKERNELUTIL_H
#define NNC_CODEGEN_OPKERNELUTIL_H

#include "codegen/OpKernels.h"
#include "codegen/Target.h"
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Kernel.h"
#include "codegen/kernels/Pool.h"

#include "ir/KernelInterface.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/APFloat.h"

namespace nnc::codegen {

llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);
/// Halide extents of a whole tensor: reversed, the batch as -1.
std::vector<int64_t> full(mlir::Value v);
/// The 2-D view (last axis, every other axis folded) of a batch tensor.
std::vector<int64_t> rows(mlir::Value v);
/// A feature map (4-D) whole, anything else flat (kernels, per-channel values).
std::vector<int64_t> mapOrFlat(mlir::Value v);
/// A batch tensor (rank >= 2) in the (c, m) view, per-channel values (rank 1) flat.
std::vector<int64_t> rowsOrFlat(mlir::Value v);
/// Flat: the element count (variables, per-channel values, the counter).
std::vector<int64_t> flat(mlir::Value v);
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

/// Every operand, then every result, each with the extents `extentsOf` gives.
OpLowering callOnAll(std::shared_ptr<Kernel> k, mlir::Operation *op,
                     std::vector<int64_t> (*extentsOf)(mlir::Value));

/// A loss or metric: prediction (c, n), labels (n) when `sparse` else (c, n), then the
/// result (a 0-d value or per-sample rows). Defined with the losses (kernels/Loss.cpp).
OpLowering lossCall(std::shared_ptr<Kernel> k, mlir::Operation *op, bool sparse);

/// The result is operand 0's memory (Flatten, Reshape, inactive Dropout).
OpLowering aliasOf(mlir::Operation *op);

template <typename Op> using LowerFn = OpLowering (*)(Op, const TargetInfo &);

/// The KernelOpInterface of `Op`, implemented by `Fn`.
template <typename Op, LowerFn<Op> Fn>
struct KernelModel : nn::KernelOpInterface::ExternalModel<KernelModel<Op, Fn>, Op> {
  mlir::LogicalResult buildKernel(mlir::Operation *op, const TargetInfo &target,
                                  OpLowering &lowering) const {
    lowering = Fn(llvm::cast<Op>(op), target);
    return mlir::success();
  }
};

/// Makes `Fn` the lowering of `Op` in `ctx` (a family's attach function, called
/// once per context by attachKernelModels).
template <typename Op, LowerFn<Op> Fn> void lowerWith(mlir::MLIRContext *ctx) {
  Op::template attachInterface<KernelModel<Op, Fn>>(*ctx);
}

} // namespace nnc::codegen

#endif
