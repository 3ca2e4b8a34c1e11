// --nn-fold-rescaling: constant folding of frozen weights: x * scale + offset
// (Rescaling) feeding a Dense or Conv2D with a frozen kernel is the layer on x with
// kernel * scale and bias + offset * (the kernel summed over its inputs).
#include "passes/Frozen.h"
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FOLDRESCALING
#include "passes/Passes.h.inc"

namespace {

template <typename LayerOp> bool foldInto(nn::RescalingOp r) {
  if (!r.getResult().hasOneUse())
    return false;
  auto layer = dyn_cast<LayerOp>(*r.getResult().getUsers().begin());
  if (!layer || layer.getInput() != r.getResult())
    return false;
  double scale = r.getScale().convertToFloat(), offset = r.getOffset().convertToFloat();
  // Zero padding sees 0, not the offset: only unpadded convolutions take one.
  if (offset != 0.0)
    if (auto conv = dyn_cast<nn::Conv2DOp>(layer.getOperation()); conv && conv.getPadding() != "valid")
      return false;
  auto l = frozenLayer(layer.getKernel(), layer.getBias());
  if (!l)
    return false;
  size_t channels = l->bias.size();
  for (size_t i = 0; i < l->kernel.size(); ++i) {
    l->bias[i % channels] += offset * l->kernel[i];
    l->kernel[i] *= scale;
  }
  setFrozenLayer(layer, *l, "rescaled");
  layer.getInputMutable().assign(r.getInput());
  r.erase();
  return true;
}

struct FoldRescalingPass : impl::FoldRescalingBase<FoldRescalingPass> {
  void runOnOperation() override {
    SmallVector<nn::RescalingOp> ops;
    getOperation().walk([&](nn::RescalingOp r) { ops.push_back(r); });
    for (nn::RescalingOp r : ops)
      if (!foldInto<nn::DenseOp>(r))
        foldInto<nn::Conv2DOp>(r);
    eraseUnusedFrozen(getOperation());
  }
};

} // namespace

std::unique_ptr<Pass> createFoldRescalingPass() { return std::make_unique<FoldRescalingPass>(); }

} // namespace nnc::passes
