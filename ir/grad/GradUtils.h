// Helpers shared by the ops' gradient implementations (ir/grad/*.cpp).
#ifndef NNC_IR_GRAD_GRADUTILS_H
#define NNC_IR_GRAD_GRADUTILS_H

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"

namespace nnc::nn {

/// d loss / d(pre-activation) of `op`, whose result `y` went through the
/// activation `kind`: null when nothing reached `y`; dY itself for linear or when
/// the loss already produced the pre-activation gradient; else nn.activation_grad,
/// of `y`, or of the input `x` for an activation whose derivative needs it (gelu,
/// swish: null x, an error).
mlir::Value preActivationGradient(mlir::OpBuilder &b, GradientState &s, mlir::Operation *op,
                                  mlir::Value y, llvm::StringRef kind, llvm::APFloat alpha,
                                  mlir::Value x = nullptr);

/// Passes dY unchanged to operand `index` (identity-like ops), when it needs one.
mlir::LogicalResult passThrough(mlir::OpBuilder &b, GradientState &s, mlir::Operation *op,
                                unsigned index = 0);

/// A layer with an input, a kernel, an optional bias and a fused activation (Dense,
/// the convolutions): through the activation to dZ, then the input gradient
/// (`inputGrad(dz)`), the kernel gradient (`kernelGrad(dz)`) and the bias sum.
template <typename LayerOp>
mlir::LogicalResult layerGradient(LayerOp op, mlir::OpBuilder &b, GradientState &s,
                                  llvm::function_ref<mlir::Value(mlir::Value)> inputGrad,
                                  llvm::function_ref<mlir::Value(mlir::Value)> kernelGrad) {
  mlir::Value dz = preActivationGradient(b, s, op, op.getOutput(), op.getActivation(), op.getAlpha());
  if (!dz)
    return mlir::success();
  if (s.needsGradient(op.getInput()))
    s.accumulate(b, op.getInput(), inputGrad(dz));
  if (s.needsGradient(op.getKernel()))
    s.accumulate(b, op.getKernel(), kernelGrad(dz));
  if (op.getBias() && s.needsGradient(op.getBias()))
    s.accumulate(b, op.getBias(), b.create<BiasGradOp>(op.getLoc(), op.getBias().getType(), dz));
  return mlir::success();
}

} // namespace nnc::nn

#endif
