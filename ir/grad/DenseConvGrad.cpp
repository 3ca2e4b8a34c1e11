// Gradients of Dense and Conv2D: through the fused activation, then data, kernel
// and bias gradients.
#include "ir/grad/GradUtils.h"

using namespace mlir;

namespace nnc::nn {

namespace {

/// Dense and Conv2D: through the fused activation to dZ, then the input gradient
/// (`inputGrad(dz)`), the kernel gradient (`kernelGrad(dz)`) and the bias sum.
template <typename LayerOp>
LogicalResult layerGradient(LayerOp op, OpBuilder &b, GradientState &s,
                            llvm::function_ref<Value(Value)> inputGrad,
                            llvm::function_ref<Value(Value)> kernelGrad) {
  Value dz = preActivationGradient(b, s, op, op.getOutput(), op.getActivation(), op.getAlpha());
  if (!dz)
    return success();
  if (s.needsGradient(op.getInput()))
    s.accumulate(b, op.getInput(), inputGrad(dz));
  if (s.needsGradient(op.getKernel()))
    s.accumulate(b, op.getKernel(), kernelGrad(dz));
  if (op.getBias() && s.needsGradient(op.getBias()))
    s.accumulate(b, op.getBias(), b.create<BiasGradOp>(op.getLoc(), op.getBias().getType(), dz));
  return success();
}

} // namespace

LogicalResult DenseOp::buildGradient(OpBuilder &b, GradientState &s) {
  Location loc = getLoc();
  return layerGradient(
      *this, b, s,
      [&](Value dz) { return b.create<DenseGradInputOp>(loc, getInput().getType(), dz, getKernel()); },
      [&](Value dz) {
        return b.create<DenseGradKernelOp>(loc, getKernel().getType(), getInput(), dz);
      });
}

LogicalResult Conv2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Location loc = getLoc();
  return layerGradient(
      *this, b, s,
      [&](Value dz) {
        return b.create<Conv2DGradInputOp>(loc, getInput().getType(), dz, getKernel(),
                                           getStrides(), getDilation(), getPadding());
      },
      [&](Value dz) {
        return b.create<Conv2DGradKernelOp>(loc, getKernel().getType(), getInput(), dz,
                                            getStrides(), getDilation(), getPadding());
      });
}

} // namespace nnc::nn
