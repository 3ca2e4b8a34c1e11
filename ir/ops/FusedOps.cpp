// Fused ops (made by the -O2 passes): verifiers.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

namespace {

/// Every per-channel operand is (channels,); the 4-D tensors end in `channels`;
/// epsilon is positive and the activation is elementwise (softmax never fuses here).
LogicalResult verifyChannels(Operation *op, int64_t channels, ValueRange perChannel,
                             ValueRange maps, float epsilon, StringRef activation) {
  for (Value v : perChannel) {
    auto t = rankedType(v);
    if (!t || t.getRank() != 1 || !dimsAgree(t.getDimSize(0), channels))
      return op->emitOpError("per-channel operands and results must have shape (")
             << channels << ",)";
  }
  for (Value v : maps) {
    auto t = rankedType(v);
    if (!t || t.getRank() != 4 || !dimsAgree(t.getShape().back(), channels))
      return op->emitOpError("feature maps must be 4-D with ") << channels << " channels";
  }
  if (!(epsilon > 0.0f))
    return op->emitOpError("epsilon must be positive, got ") << epsilon;
  if (activation == "softmax")
    return op->emitOpError("softmax does not fuse into a per-channel epilogue");
  return success();
}

int64_t filtersOf(Value kernel) {
  auto t = rankedType(kernel);
  return t && t.getRank() == 4 ? t.getShape().back() : ShapedType::kDynamic;
}

} // namespace

LogicalResult Conv2DBNOp::verify() {
  SmallVector<Value> perChannel{getGamma(), getBeta(), getMean(), getVariance()};
  if (getBias())
    perChannel.push_back(getBias());
  return verifyChannels(*this, filtersOf(getKernel()), perChannel, {getOutput()},
                        getEpsilon().convertToFloat(), getActivation());
}

LogicalResult Conv2DBNTrainOp::verify() {
  SmallVector<Value> perChannel{getGamma(), getBeta(), getMean(), getVariance(),
                                getMovingSample()};
  if (getBias())
    perChannel.push_back(getBias());
  if (getOutput().getType() != getConv().getType())
    return emitOpError("output and conv must have the same type");
  return verifyChannels(*this, filtersOf(getKernel()), perChannel, {getOutput(), getConv()},
                        getEpsilon().convertToFloat(), getActivation());
}

LogicalResult BNActivationGradOp::verify() {
  auto in = rankedType(getInput());
  // Channels last, any rank (a Dense's [N, C] too: BatchNormalization then an
  // activation after a Dense fuses as after a Conv2D; the kernel flattens the rows).
  if (!in || in.getRank() < 2)
    return emitOpError("input must have a batch and a channel axis");
  for (Value v : {getOutput(), getOutputGrad(), getInputGrad()})
    if (v.getType() != in)
      return emitOpError("input, output, output_grad and input_grad must have one type");
  return verifyChannels(*this, in.getShape().back(),
                        {getGamma(), getMean(), getVariance(), getGammaGrad(), getBetaGrad()},
                        {}, getEpsilon().convertToFloat(), getActivation());
}

} // namespace nnc::nn
