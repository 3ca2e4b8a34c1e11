// Activation, Rescaling, Dropout, Add: shape inference (the input's shape) and verifiers.
#include "ir/Activation.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

/// The result has the operand's type.
static LogicalResult sameAsInput(Value input, std::optional<Location> loc,
                                 SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(input);
  if (!in)
    return shapeError(loc, "expected a ranked tensor operand");
  inferred.push_back(in);
  return success();
}

LogicalResult ActivationOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return sameAsInput(adaptor.getInput(), loc, inferred);
}

LogicalResult ActivationOp::verify() {
  if (!isKnownActivation(getKind()))
    return emitOpError("unknown activation \"") << getKind() << "\"";
  return success();
}

LogicalResult RescalingOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return sameAsInput(adaptor.getInput(), loc, inferred);
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return sameAsInput(adaptor.getInput(), loc, inferred);
}

LogicalResult DropoutOp::verify() {
  float rate = getRate().convertToFloat();
  if (!(rate >= 0.0f && rate < 1.0f))
    return emitOpError("rate must be in [0, 1), got ") << rate;
  return success();
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto inputs = adaptor.getInputs();
  if (inputs.size() < 2)
    return shapeError(loc, "Add needs at least 2 inputs, got " + llvm::Twine(inputs.size()));
  auto first = rankedType(inputs[0]);
  if (!first)
    return shapeError(loc, "Add needs ranked tensor inputs");
  for (Value v : inputs.drop_front()) {
    auto t = rankedType(v);
    if (!t || !shapesAgree(first.getShape(), t.getShape()))
      return shapeError(loc, "Add inputs must have the same shape, got " +
                                 kerasShape(first.getShape()) + " and " +
                                 (t ? kerasShape(t.getShape()) : std::string("unranked")));
  }
  inferred.push_back(first);
  return success();
}

} // namespace nnc::nn
