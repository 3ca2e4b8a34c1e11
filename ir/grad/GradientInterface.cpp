// The generated gradient op interface, and helpers its implementations share.
#include "ir/grad/GradUtils.h"

#include "ir/Activation.h"

using namespace mlir;

#include "ir/GradientInterface.cpp.inc"

namespace nnc::nn {

Value preActivationGradient(OpBuilder &b, GradientState &s, Operation *op, Value y,
                            StringRef kind, APFloat alpha, Value x) {
  Value dy = s.gradientOf(y);
  if (!dy || kind == "linear" || s.gradientIsPreActivation(op))
    return dy;
  if (activationNeedsInput(kind)) {
    if (!x) { // the frontend never fuses these into a layer
      op->emitError("the derivative of a fused ") << kind << " activation needs its input";
      return nullptr;
    }
    return b.create<ActivationGradOp>(op->getLoc(), y.getType(), x, dy, kind, alpha);
  }
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
