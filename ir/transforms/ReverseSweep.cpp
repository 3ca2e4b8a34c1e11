// The reverse sweep: gradients flow from the loss back through each op's
// GradientOpInterface implementation, summed where a value fans out.
#include "ir/transforms/ReverseSweep.h"

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace nnc::nn {

ReverseSweep::ReverseSweep(ArrayRef<Operation *> forwardOps, const llvm::DenseSet<Value> &trainable,
                           Value counter)
    : ops(forwardOps.begin(), forwardOps.end()), counterValue(counter) {
  // A value needs a gradient when it depends on a trainable variable.
  for (Operation *op : ops) {
    bool depends = llvm::any_of(op->getResults(), [&](Value r) { return trainable.contains(r); }) ||
                   llvm::any_of(op->getOperands(), [&](Value v) { return needs.contains(v); });
    if (depends)
      needs.insert(op->result_begin(), op->result_end());
  }
}

void ReverseSweep::seed(Value v, Value gradient, bool preActivationGradient) {
  grads[v] = gradient;
  if (preActivationGradient)
    preActivation.insert(v.getDefiningOp());
}

void ReverseSweep::accumulate(OpBuilder &b, Value v, Value gradient) {
  Value &slot = grads[v];
  slot = slot ? b.create<AddOp>(gradient.getLoc(), ValueRange{slot, gradient}, StringAttr())
                    .getResult()
              : gradient;
}

LogicalResult ReverseSweep::run(OpBuilder &b) {
  for (Operation *op : llvm::reverse(ops)) {
    if (!llvm::any_of(op->getResults(), [&](Value r) { return grads.count(r); }))
      continue;
    if (!llvm::any_of(op->getOperands(), [&](Value v) { return needs.contains(v); }))
      continue;
    auto differentiable = llvm::dyn_cast<GradientOpInterface>(op);
    if (!differentiable)
      return op->emitOpError("has no gradient (training cannot pass through it)");
    if (failed(differentiable.buildGradient(b, *this)))
      return failure();
  }
  return success();
}

} // namespace nnc::nn
