// --nn-fold-batch-norm: with frozen weights, BatchNormalization on the moving
// statistics is an affine map per channel, folded into the kernel and bias of the
// Dense or Conv2D before it.
#include "passes/Frozen.h"
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <cmath>

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"

namespace {

/// A layer's frozen kernel and bias with BatchNormalization folded in: per output
/// channel c s = gamma / sqrt(variance + epsilon), kernel * s and (bias - mean) * s +
/// beta. None unless every operand is frozen.
std::optional<LayerValues> fold(Value kernel, Value bias, Value gamma, Value beta, Value mean,
                                Value variance, double epsilon) {
  auto l = frozenLayer(kernel, bias);
  auto g = frozenValues(gamma), be = frozenValues(beta), m = frozenValues(mean),
       v = frozenValues(variance);
  if (!l || !g || !be || !m || !v)
    return std::nullopt;
  size_t channels = g->size();
  std::vector<double> scale(channels);
  for (size_t c = 0; c < channels; ++c) {
    scale[c] = (*g)[c] / std::sqrt((*v)[c] + epsilon);
    l->bias[c] = (l->bias[c] - (*m)[c]) * scale[c] + (*be)[c];
  }
  for (size_t i = 0; i < l->kernel.size(); ++i)
    l->kernel[i] *= scale[i % channels];
  return l;
}

/// nn.conv2d_bn (inference) -> nn.conv2d with the folded kernel and bias.
void foldFused(nn::Conv2DBNOp op) {
  auto f = fold(op.getKernel(), op.getBias(), op.getGamma(), op.getBeta(), op.getMean(),
                op.getVariance(), op.getEpsilon().convertToFloat());
  if (!f)
    return;
  OpBuilder b(op);
  auto layers = op.getLayers().getAsRange<StringAttr>();
  auto conv = b.create<nn::Conv2DOp>(
      op.getLoc(), op.getType(), op.getInput(), op.getKernel(), op.getBias(),
      op.getStridesAttr(), op.getDilationAttr(), op.getPaddingAttr(), op.getActivationAttr(),
      op.getAlphaAttr(), layers.empty() ? StringAttr() : *layers.begin());
  setFrozenLayer(conv, *f, "bn_folded");
  op.getResult().replaceAllUsesWith(conv.getResult());
  op.erase();
}

/// Dense/Conv2D (no activation, BN its only user) -> nn.batch_norm on frozen moving
/// statistics: the layer takes the folded kernel and bias.
template <typename LayerOp> bool foldInto(nn::BatchNormOp bn) {
  auto layer = bn.getInput().template getDefiningOp<LayerOp>();
  if (!layer || layer.getActivation() != "linear" || !layer.getResult().hasOneUse())
    return false;
  auto f = fold(layer.getKernel(), layer.getBias(), bn.getGamma(), bn.getBeta(),
                bn.getMovingMean(), bn.getMovingVariance(), bn.getEpsilon().convertToFloat());
  if (!f)
    return false;
  setFrozenLayer(layer, *f, "bn_folded");
  bn.getResult().replaceAllUsesWith(layer.getResult());
  bn.erase();
  return true;
}

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<nn::Conv2DBNOp> fused;
    SmallVector<nn::BatchNormOp> bns;
    getOperation().walk([&](Operation *op) {
      if (auto f = dyn_cast<nn::Conv2DBNOp>(op))
        fused.push_back(f);
      else if (auto bn = dyn_cast<nn::BatchNormOp>(op))
        bns.push_back(bn);
    });
    for (nn::Conv2DBNOp op : fused)
      foldFused(op);
    for (nn::BatchNormOp bn : bns)
      if (!foldInto<nn::DenseOp>(bn))
        foldInto<nn::Conv2DOp>(bn);
    eraseUnusedFrozen(getOperation());
  }
};

} // namespace

std::unique_ptr<Pass> createFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

} // namespace nnc::passes
