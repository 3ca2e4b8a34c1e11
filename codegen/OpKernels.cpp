// Lowering of one nn op through its KernelOpInterface, and the attachment of every
// op family's kernel models (each family lowers its own ops, beside its kernels).
#include "codegen/OpKernels.h"

#include "ir/KernelInterface.h"
#include "ir/NNOps.h"

#include "mlir/IR/Diagnostics.h"

namespace nnc::codegen {

// Each family's models, defined at the end of codegen/kernels/<Family>.cpp.
void attachDenseKernels(mlir::MLIRContext *ctx);
void attachConvKernels(mlir::MLIRContext *ctx);
void attachGroupedConvKernels(mlir::MLIRContext *ctx);
void attachFusedKernels(mlir::MLIRContext *ctx);
void attachPoolKernels(mlir::MLIRContext *ctx);
void attachNormKernels(mlir::MLIRContext *ctx);
void attachElementwiseKernels(mlir::MLIRContext *ctx);
void attachAugmentKernels(mlir::MLIRContext *ctx);
void attachLossKernels(mlir::MLIRContext *ctx);
void attachMetricKernels(mlir::MLIRContext *ctx);
void attachOptimizerKernels(mlir::MLIRContext *ctx);

void attachKernelModels(mlir::MLIRContext *ctx) {
  ctx->getOrLoadDialect<nn::NNDialect>();
  auto dense = mlir::RegisteredOperationName::lookup(nn::DenseOp::getOperationName(), ctx);
  if (dense && dense->hasInterface<nn::KernelOpInterface>())
    return; // attached already
  for (auto attach : {attachDenseKernels, attachConvKernels, attachGroupedConvKernels,
                      attachFusedKernels,
                      attachPoolKernels, attachNormKernels, attachElementwiseKernels,
                      attachAugmentKernels, attachLossKernels, attachMetricKernels,
                      attachOptimizerKernels})
    attach(ctx);
}

mlir::FailureOr<OpLowering> lowerOp(mlir::Operation *op, const TargetInfo &target) {
  auto kernel = llvm::dyn_cast<nn::KernelOpInterface>(op);
  if (!kernel)
    return mlir::emitError(op->getLoc(), "the code generator does not handle ") << op->getName();
  OpLowering lowering;
  if (mlir::failed(kernel.buildKernel(target, lowering)))
    return mlir::failure();
  return lowering;
}

} // namespace nnc::codegen
