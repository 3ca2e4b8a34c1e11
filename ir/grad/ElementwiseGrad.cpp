// Gradients of the elementwise layers: activations, Rescaling, Dropout, Add, and the
// augmentation layers (identity for the gradient); the training forms of Dropout (its
// mask) and of the augmentation layers (their random transforms).
#include "ir/grad/GradUtils.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult ActivationOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dz = preActivationGradient(b, s, *this, getOutput(), getKind(), getAlpha(), getInput());
  if (dz && s.needsGradient(getInput()))
    s.accumulate(b, getInput(), dz);
  return success();
}

LogicalResult RescalingOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<RescalingOp>(getLoc(), dy, getScale(), APFloat(0.0f), StringAttr()));
  return success();
}

LogicalResult DropoutOp::buildGradient(OpBuilder &b, GradientState &s) {
  return passThrough(b, s, *this); // inference mode (the pass trains with dropout_train)
}

Value DropoutOp::buildTrainingForm(OpBuilder &b, IRMapping &map, TrainingContext &context) {
  return b.create<DropoutTrainOp>(getLoc(), getType(), map.lookup(getInput()), context.counter(),
                                  getRate(),
                                  (uint64_t)(context.nextSalt("dropout") + getSeed().value_or(0)));
}

/// An augmentation layer in training: the same op given the step counter and a salt
/// of its own, so it draws its transforms.
static Value activeAugmentation(Operation *op, OpBuilder &b, IRMapping &map,
                                TrainingContext &context) {
  Operation *active = b.clone(*op, map);
  active->insertOperands(1, context.counter());
  auto seed = active->getAttrOfType<IntegerAttr>("seed");
  active->setAttr("salt", b.getI64IntegerAttr(context.nextSalt("augment") +
                                              (seed ? seed.getInt() : 0)));
  return active->getResult(0);
}

Value RandomFlipOp::buildTrainingForm(OpBuilder &b, IRMapping &map, TrainingContext &context) {
  return activeAugmentation(*this, b, map, context);
}
Value RandomRotationOp::buildTrainingForm(OpBuilder &b, IRMapping &map,
                                          TrainingContext &context) {
  return activeAugmentation(*this, b, map, context);
}
Value RandomZoomOp::buildTrainingForm(OpBuilder &b, IRMapping &map, TrainingContext &context) {
  return activeAugmentation(*this, b, map, context);
}

LogicalResult DropoutTrainOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<DropoutGradOp>(getLoc(), dy.getType(), dy, getCounter(), getRate(),
                                         getSalt()));
  return success();
}

LogicalResult AddOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy)
    return success();
  for (Value x : getInputs())
    if (s.needsGradient(x))
      s.accumulate(b, x, dy);
  return success();
}

/// As written an augmentation is the identity; active (in training, with a counter)
/// it resamples its input, whose gradient nnc does not build: augmentation layers
/// belong in front of every trainable layer, as in Keras's examples.
static LogicalResult augmentGradient(OpBuilder &b, GradientState &s, Operation *op) {
  if (op->getNumOperands() < 2)
    return passThrough(b, s, op);
  if (s.gradientOf(op->getResult(0)) && s.needsGradient(op->getOperand(0)))
    return op->emitError("a random augmentation layer after a trainable layer cannot be "
                         "trained through: put RandomFlip/RandomRotation/RandomZoom first");
  return success();
}

LogicalResult RandomFlipOp::buildGradient(OpBuilder &b, GradientState &s) {
  return augmentGradient(b, s, *this);
}
LogicalResult RandomRotationOp::buildGradient(OpBuilder &b, GradientState &s) {
  return augmentGradient(b, s, *this);
}
LogicalResult RandomZoomOp::buildGradient(OpBuilder &b, GradientState &s) {
  return augmentGradient(b, s, *this);
}

} // namespace nnc::nn
