// Gradients of Dense and Conv2D: through the fused activation, then data, kernel
// and bias gradients.
#include "ir/grad/GradUtils.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult DenseOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dz = preActivationGradient(b, s, *this, getOutput(), getActivation(), getAlpha());
  if (!dz)
    return success();
  Location loc = getLoc();
  if (s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<DenseGradInputOp>(loc, getInput().getType(), dz, getKernel()));
  if (s.needsGradient(getKernel()))
    s.accumulate(b, getKernel(),
                 b.create<DenseGradKernelOp>(loc, getKernel().getType(), getInput(), dz));
  if (getBias() && s.needsGradient(getBias()))
    s.accumulate(b, getBias(), b.create<BiasGradOp>(loc, getBias().getType(), dz));
  return success();
}

LogicalResult Conv2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dz = preActivationGradient(b, s, *this, getOutput(), getActivation(), getAlpha());
  if (!dz)
    return success();
  Location loc = getLoc();
  if (s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<Conv2DGradInputOp>(loc, getInput().getType(), dz, getKernel(),
                                             getStrides(), getDilation(), getPadding()));
  if (s.needsGradient(getKernel()))
    s.accumulate(b, getKernel(),
                 b.create<Conv2DGradKernelOp>(loc, getKernel().getType(), getInput(), dz,
                                              getStrides(), getDilation(), getPadding()));
  if (getBias() && s.needsGradient(getBias()))
    s.accumulate(b, getBias(), b.create<BiasGradOp>(loc, getBias().getType(), dz));
  return success();
}

} // namespace nnc::nn
