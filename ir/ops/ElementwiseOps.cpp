// Activation, Rescaling, Dropout, Add and the merge layers: shape inference (the input's
// shape) and verifiers; the merge layers' gradient.
#include "ir/Activation.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"

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

/// The shape every input of a merge layer (`layer`) has, which its output takes.
static LogicalResult inferMerged(StringRef layer, std::optional<Location> loc, ValueRange inputs,
                                 SmallVectorImpl<Type> &inferred) {
  if (inputs.size() < 2)
    return shapeError(loc, layer + " needs at least 2 inputs, got " + llvm::Twine(inputs.size()));
  auto first = rankedType(inputs[0]);
  if (!first)
    return shapeError(loc, layer + " needs ranked tensor inputs");
  for (Value v : inputs.drop_front()) {
    auto t = rankedType(v);
    if (!t || !shapesAgree(first.getShape(), t.getShape()))
      return shapeError(loc, layer + " inputs must have the same shape, got " +
                                 kerasShape(first.getShape()) + " and " +
                                 (t ? kerasShape(t.getShape()) : std::string("unranked")));
  }
  inferred.push_back(first);
  return success();
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  return inferMerged("Add", loc, adaptor.getInputs(), inferred);
}

/// Keras's class of each merge kind.
static StringRef mergeClass(StringRef kind) {
  return llvm::StringSwitch<StringRef>(kind)
      .Case("multiply", "Multiply")
      .Case("subtract", "Subtract")
      .Case("average", "Average")
      .Case("maximum", "Maximum")
      .Case("minimum", "Minimum")
      .Default("");
}

LogicalResult MergeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  StringRef layer = mergeClass(adaptor.getKind());
  if (layer.empty())
    return shapeError(loc, "unknown merge kind \"" + adaptor.getKind() +
                               "\" (multiply, subtract, average, maximum, minimum)");
  if (layer == "Subtract" && adaptor.getInputs().size() != 2)
    return shapeError(loc, "Subtract needs exactly 2 inputs, got " +
                               llvm::Twine(adaptor.getInputs().size()));
  return inferMerged(layer, loc, adaptor.getInputs(), inferred);
}

LogicalResult MergeOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy)
    return success();
  SmallVector<Value> operands(getInputs());
  operands.push_back(dy);
  for (auto [i, x] : llvm::enumerate(getInputs()))
    if (s.needsGradient(x))
      s.accumulate(b, x,
                   b.create<MergeGradOp>(getLoc(), x.getType(), operands, getKindAttr(),
                                         b.getI64IntegerAttr((int64_t)i)));
  return success();
}

} // namespace nnc::nn
