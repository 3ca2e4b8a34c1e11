// --nn-fuse-pool-activation: in the train step, MaxPooling2D after an activation records
// its maxima, and the backward of the pooling and of the activation becomes one op that
// reads those instead of the activation's output (which then dies in the forward pass).
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSEPOOLACTIVATION
#include "passes/Passes.h.inc"

namespace {

/// max_pool2d_grad(y, dP) -> activation_grad(y, dA) with dA used only there, and the
/// forward max_pool2d(y) with the same window: rewritten around max_pool2d_argmax.
void fuse(nn::MaxPool2DGradOp grad) {
  Value y = grad.getInput(), dA = grad.getResult();
  if (!dA.hasOneUse())
    return;
  auto act = dyn_cast<nn::ActivationGradOp>(*dA.getUsers().begin());
  if (!act || act.getOutput() != y || act.getOutputGrad() != dA || act.getKind() == "softmax")
    return;
  nn::MaxPool2DOp pool;
  for (Operation *user : y.getUsers())
    if (auto p = dyn_cast<nn::MaxPool2DOp>(user))
      if (p.getPoolSize() == grad.getPoolSize() && p.getStrides() == grad.getStrides() &&
          p.getPadding() == grad.getPadding() && p->getBlock() == grad->getBlock())
        pool = p;
  if (!pool)
    return;
  OpBuilder b(pool);
  auto argmax = b.create<nn::MaxPool2DArgmaxOp>(
      pool.getLoc(), pool.getType(), pool.getType(), y, grad.getPoolSizeAttr(),
      grad.getStridesAttr(), grad.getPaddingAttr());
  pool.getResult().replaceAllUsesWith(argmax.getOutput());
  pool.erase();
  b.setInsertionPoint(act);
  auto fused = b.create<nn::MaxPool2DActivationGradOp>(
      act.getLoc(), act.getType(), argmax.getIndex(), argmax.getOutput(),
      grad.getOutputGrad(), grad.getPoolSizeAttr(), grad.getStridesAttr(),
      grad.getPaddingAttr(), act.getKindAttr(),
      b.getF32FloatAttr(act.getAlpha().convertToFloat()));
  act.getResult().replaceAllUsesWith(fused.getInputGrad());
  act.erase();
  grad.erase();
}

struct FusePoolActivationPass : impl::FusePoolActivationBase<FusePoolActivationPass> {
  void runOnOperation() override {
    SmallVector<nn::MaxPool2DGradOp> grads;
    getOperation().walk([&](nn::MaxPool2DGradOp g) { grads.push_back(g); });
    for (nn::MaxPool2DGradOp g : grads)
      fuse(g);
  }
};

} // namespace

std::unique_ptr<Pass> createFusePoolActivationPass() {
  return std::make_unique<FusePoolActivationPass>();
}

} // namespace nnc::passes
