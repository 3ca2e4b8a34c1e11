// Gradients of Dense and Conv2D: through the fused activation, then data, kernel
// and bias gradients.
#include "ir/grad/GradUtils.h"

using namespace mlir;

namespace nnc::nn {

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
