// --nn-fuse-activation: a separate activation layer (Activation("relu"), LeakyReLU,
// ReLU, Softmax) after a Dense or Conv2D without one becomes that op's epilogue.
#include "passes/Passes.h"

#include "ir/Activation.h"
#include "ir/NNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSEACTIVATION
#include "passes/Passes.h.inc"

namespace {

/// Moves `act` into `producer` (a DenseOp or Conv2DOp) when legal.
template <typename OpT> bool fuseInto(OpT producer, nn::ActivationOp act) {
  // An activation whose derivative needs its input stays an op of its own: the
  // producer's fused epilogue keeps only the output.
  if (!producer || producer.getActivation() != "linear" || !producer.getResult().hasOneUse() ||
      nn::activationNeedsInput(act.getKind()))
    return false;
  Builder b(act);
  producer.setActivationAttr(act.getKindAttr());
  producer.setAlphaAttr(b.getF32FloatAttr(act.getAlpha().convertToFloat()));
  act.getResult().replaceAllUsesWith(producer.getResult());
  act.erase();
  return true;
}

struct FuseActivationPass : impl::FuseActivationBase<FuseActivationPass> {
  void runOnOperation() override {
    SmallVector<nn::ActivationOp> acts;
    getOperation().walk([&](nn::ActivationOp a) { acts.push_back(a); });
    for (nn::ActivationOp act : acts) {
      Operation *def = act.getInput().getDefiningOp();
      if (!def)
        continue;
      if (!fuseInto(dyn_cast<nn::DenseOp>(def), act))
        fuseInto(dyn_cast<nn::Conv2DOp>(def), act);
    }
  }
};

} // namespace

std::unique_ptr<Pass> createFuseActivationPass() { return std::make_unique<FuseActivationPass>(); }

} // namespace nnc::passes
