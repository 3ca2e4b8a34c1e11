// Optimizer update ops: hyper-parameter ranges and slot counts.
#include "ir/NNOps.h"

using namespace mlir;

namespace nnc::nn {

/// Checks the slot count and that every slot (in and out) has the param's type.
static LogicalResult verifySlots(Operation *op, Value param, ValueRange slots,
                                 ValueRange newSlots, size_t expected) {
  if (slots.size() != expected)
    return op->emitOpError("expects ") << expected << " optimizer slot(s), got "
                                       << slots.size();
  if (newSlots.size() != slots.size())
    return op->emitOpError("must return one new value per slot");
  for (ValueRange group : {slots, newSlots})
    for (Value v : group)
      if (v.getType() != param.getType())
        return op->emitOpError("slot type ")
               << v.getType() << " differs from the parameter's " << param.getType();
  return success();
}

static LogicalResult verifyLearningRate(Operation *op, APFloat lr) {
  if (!(lr.convertToFloat() > 0.0f))
    return op->emitOpError("learning_rate must be positive, got ")
           << lr.convertToFloat();
  return success();
}

/// A coefficient in [0, 1).
static LogicalResult verifyUnit(Operation *op, StringRef name, APFloat value) {
  float v = value.convertToFloat();
  if (!(v >= 0.0f && v < 1.0f))
    return op->emitOpError(name) << " must be in [0, 1), got " << v;
  return success();
}

LogicalResult SGDUpdateOp::verify() {
  if (failed(verifyLearningRate(*this, getLearningRate())) ||
      failed(verifyUnit(*this, "momentum", getMomentum())))
    return failure();
  size_t slots = getMomentum().convertToFloat() > 0.0f ? 1 : 0;
  return verifySlots(*this, getParam(), getSlots(), getNewSlots(), slots);
}

LogicalResult AdamUpdateOp::verify() {
  if (failed(verifyLearningRate(*this, getLearningRate())) ||
      failed(verifyUnit(*this, "beta_1", getBeta_1())) ||
      failed(verifyUnit(*this, "beta_2", getBeta_2())))
    return failure();
  if (!(getEpsilon().convertToFloat() > 0.0f))
    return emitOpError("epsilon must be positive");
  return verifySlots(*this, getParam(), getSlots(), getNewSlots(), 2);
}

LogicalResult RMSpropUpdateOp::verify() {
  if (failed(verifyLearningRate(*this, getLearningRate())) ||
      failed(verifyUnit(*this, "rho", getRho())) ||
      failed(verifyUnit(*this, "momentum", getMomentum())))
    return failure();
  if (!(getEpsilon().convertToFloat() > 0.0f))
    return emitOpError("epsilon must be positive");
  size_t slots = getMomentum().convertToFloat() > 0.0f ? 2 : 1;
  return verifySlots(*this, getParam(), getSlots(), getNewSlots(), slots);
}

} // namespace nnc::nn
