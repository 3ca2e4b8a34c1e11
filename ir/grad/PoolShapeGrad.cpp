// Gradients of pooling and of the shape ops (Flatten, Reshape, Concatenate, Transpose).
#include "ir/grad/GradUtils.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult MaxPool2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<MaxPool2DGradOp>(getLoc(), getInput().getType(), getInput(), dy,
                                           getPoolSize(), getStrides(), getPadding()));
  return success();
}

LogicalResult AvgPool2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<AvgPool2DGradOp>(getLoc(), getInput().getType(), dy, getPoolSize(),
                                           getStrides(), getPadding()));
  return success();
}

LogicalResult GlobalAvgPool2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<GlobalAvgPool2DGradOp>(getLoc(), getInput().getType(), dy));
  return success();
}

/// Flatten and Reshape: dY reshaped back to the input's shape.
static LogicalResult reshapeBack(OpBuilder &b, GradientState &s, Operation *op) {
  Value dy = s.gradientOf(op->getResult(0));
  Value x = op->getOperand(0);
  if (!dy || !s.needsGradient(x))
    return success();
  auto shape = llvm::cast<RankedTensorType>(x.getType()).getShape().drop_front();
  s.accumulate(b, x, b.create<ReshapeOp>(op->getLoc(), dy, shape, StringAttr()));
  return success();
}

LogicalResult FlattenOp::buildGradient(OpBuilder &b, GradientState &s) {
  return reshapeBack(b, s, *this);
}

LogicalResult ReshapeOp::buildGradient(OpBuilder &b, GradientState &s) {
  return reshapeBack(b, s, *this);
}

/// Transpose: dY permuted back (the inverse permutation).
LogicalResult TransposeOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy || !s.needsGradient(getInput()))
    return success();
  SmallVector<int64_t> inverse(getPerm().size());
  for (auto [i, p] : llvm::enumerate(getPerm()))
    inverse[p] = (int64_t)i;
  s.accumulate(b, getInput(),
               b.create<TransposeOp>(getLoc(), getInput().getType(), dy,
                                     b.getDenseI64ArrayAttr(inverse), StringAttr()));
  return success();
}

LogicalResult ConcatenateOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy)
    return success();
  int64_t rank = llvm::cast<RankedTensorType>(getOutput().getType()).getRank();
  int64_t axis = (int64_t)getAxis(); // I64Attr reads back as uint64_t
  if (axis < 0)
    axis += rank;
  int64_t offset = 0;
  for (Value x : getInputs()) {
    auto type = llvm::cast<RankedTensorType>(x.getType());
    if (s.needsGradient(x))
      s.accumulate(b, x, b.create<SliceOp>(getLoc(), type, dy, axis, offset));
    offset += type.getShape()[axis];
  }
  return success();
}

} // namespace nnc::nn
