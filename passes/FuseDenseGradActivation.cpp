// --nn-fuse-dense-grad-activation: in @train_step, Dense's input gradient followed
// (through a Flatten's reshape, if any) by the previous activation's backward becomes
// one nn.dense_grad_input_activation: the derivative is applied to the product's
// rows in registers, before they are stored.
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSEDENSEGRADACTIVATION
#include "passes/Passes.h.inc"

namespace {

void fuse(nn::ActivationGradOp act) {
  if (act.getKind() == "softmax")
    return;
  Value dA = act.getOutputGrad();
  Operation *reshape = nullptr;
  if (auto r = dA.getDefiningOp<nn::ReshapeOp>()) {
    if (!dA.hasOneUse())
      return;
    reshape = r;
    dA = r->getOperand(0);
  }
  auto dx = dA.getDefiningOp<nn::DenseGradInputOp>();
  if (!dx || !dA.hasOneUse())
    return;
  OpBuilder b(act);
  auto fused = b.create<nn::DenseGradInputActivationOp>(
      act.getLoc(), act.getType(), dx.getPreGrad(), dx.getKernel(), act.getOutput(),
      act.getKindAttr(), b.getF32FloatAttr(act.getAlpha().convertToFloat()));
  act.getResult().replaceAllUsesWith(fused.getResult());
  act.erase();
  if (reshape)
    reshape->erase();
  dx.erase();
}

struct FuseDenseGradActivationPass : impl::FuseDenseGradActivationBase<FuseDenseGradActivationPass> {
  void runOnOperation() override {
    SmallVector<nn::ActivationGradOp> grads;
    getOperation().walk([&](nn::ActivationGradOp g) { grads.push_back(g); });
    for (nn::ActivationGradOp g : grads)
      fuse(g);
  }
};

} // namespace

std::unique_ptr<Pass> createFuseDenseGradActivationPass() {
  return std::make_unique<FuseDenseGradActivationPass>();
}

} // namespace nnc::passes
