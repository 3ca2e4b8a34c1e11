// The generated gradient op interface, and helpers its implementations share.
#include "ir/grad/GradUtils.h"

using namespace mlir;

#include "ir/GradientInterface.cpp.inc"

namespace nnc::nn {

Value preActivationGradient(OpBuilder &b, GradientState &s, Operation *op, Value y,
                            StringRef kind, APFloat alpha) {
  Value dy = s.gradientOf(y);
  if (!dy || kind == "linear" || s.gradientIsPreActivation(op))
    return dy;
  return b.create<ActivationGradOp>(op->getLoc(), y.getType(), y, dy, kind, alpha);
}

LogicalResult passThrough(OpBuilder &b, GradientState &s, Operation *op, unsigned index) {
  Value dy = s.gradientOf(op->getResult(0));
  Value x = op->getOperand(index);
  if (dy && s.needsGradient(x))
    s.accumulate(b, x, dy);
  return success();
}

} // namespace nnc::nn
