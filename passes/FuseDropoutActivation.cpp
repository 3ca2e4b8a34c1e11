// --nn-fuse-dropout-activation: in @train_step, the elementwise backward chain
// dropout_grad -> activation_grad becomes one nn.dropout_activation_grad; for
// activations whose derivative needs only the sign, it reads the Dropout's output
// instead of the activation's, so the latter dies in the forward pass (and Dropout
// then writes in place).
#include "passes/Passes.h"

#include "ir/Activation.h"
#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSEDROPOUTACTIVATION
#include "passes/Passes.h.inc"

namespace {

/// The training Dropout of `y` that `grad` differentiates: same counter, rate, salt.
nn::DropoutTrainOp forwardOf(Value y, nn::DropoutGradOp grad) {
  for (Operation *user : y.getUsers())
    if (auto d = dyn_cast<nn::DropoutTrainOp>(user))
      if (d.getCounter() == grad.getCounter() && d.getRate() == grad.getRate() &&
          d.getSalt() == grad.getSalt() && d->getBlock() == grad->getBlock())
        return d;
  return {};
}

void fuse(nn::DropoutGradOp grad) {
  Value dA = grad.getResult();
  if (!dA.hasOneUse())
    return;
  auto act = dyn_cast<nn::ActivationGradOp>(*dA.getUsers().begin());
  if (!act || act.getOutputGrad() != dA || act.getKind() == "softmax")
    return;
  Value y = act.getOutput();
  const nn::ActivationInfo *info = nn::findActivation(act.getKind());
  bool signOnly = info && info->signOnly;
  if (nn::DropoutTrainOp forward = signOnly ? forwardOf(y, grad) : nn::DropoutTrainOp())
    y = forward.getResult();
  OpBuilder b(act);
  auto fused = b.create<nn::DropoutActivationGradOp>(
      act.getLoc(), act.getType(), y, grad.getOutputGrad(), grad.getCounter(),
      grad.getRateAttr(), grad.getSaltAttr(), act.getKindAttr(),
      b.getF32FloatAttr(act.getAlpha().convertToFloat()));
  act.getResult().replaceAllUsesWith(fused.getResult());
  act.erase();
  grad.erase();
}

struct FuseDropoutActivationPass : impl::FuseDropoutActivationBase<FuseDropoutActivationPass> {
  void runOnOperation() override {
    SmallVector<nn::DropoutGradOp> grads;
    getOperation().walk([&](nn::DropoutGradOp g) { grads.push_back(g); });
    for (nn::DropoutGradOp g : grads)
      fuse(g);
  }
};

} // namespace

std::unique_ptr<Pass> createFuseDropoutActivationPass() {
  return std::make_unique<FuseDropoutActivationPass>();
}

} // namespace nnc::passes
