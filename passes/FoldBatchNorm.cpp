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

namespace {

/// Frozen kernel and bias with BatchNormalization folded in: per output channel c
/// (the kernel's last dimension) s = gamma / sqrt(variance + epsilon),
/// kernel * s and (bias - mean) * s + beta. None unless every operand is frozen.
struct Folded {
  Value kernel, bias;
};
std::optional<Folded> fold(Operation *at, Value kernel, Value bias, Value gamma, Value beta,
                           Value mean, Value variance, double epsilon) {
  auto k = frozenValues(kernel), g = frozenValues(gamma), be = frozenValues(beta),
       m = frozenValues(mean), v = frozenValues(variance);
  std::optional<std::vector<double>> b = bias ? frozenValues(bias) : std::vector<double>();
  if (!k || !g || !be || !m || !v || !b)
    return std::nullopt;
  size_t channels = g->size();
  if (b->empty())
    b->assign(channels, 0.0);
  std::vector<double> scale(channels);
  for (size_t c = 0; c < channels; ++c) {
    scale[c] = (*g)[c] / std::sqrt((*v)[c] + epsilon);
    (*b)[c] = ((*b)[c] - (*m)[c]) * scale[c] + (*be)[c];
  }
  for (size_t i = 0; i < k->size(); ++i)
    (*k)[i] *= scale[i % channels];
  auto kType = llvm::cast<RankedTensorType>(kernel.getType());
  auto bType = RankedTensorType::get({(int64_t)channels}, kType.getElementType());
  StringRef name = variableName(kernel);
  std::string layer = name.substr(0, name.rfind('.')).str();
  return Folded{newFrozen(at, name.str() + "/bn_folded", kType, *k),
                newFrozen(at, layer + ".bias/bn_folded", bType, *b)};
}

/// nn.conv2d_bn (inference) -> nn.conv2d with the folded kernel and bias.
void foldFused(nn::Conv2DBNOp op) {
  auto f = fold(op, op.getKernel(), op.getBias(), op.getGamma(), op.getBeta(), op.getMean(),
                op.getVariance(), op.getEpsilon().convertToFloat());
  if (!f)
    return;
  OpBuilder b(op);
  auto layers = op.getLayers().getAsRange<StringAttr>();
  auto conv = b.create<nn::Conv2DOp>(
      op.getLoc(), op.getType(), op.getInput(), f->kernel, f->bias, op.getStridesAttr(),
      op.getDilationAttr(), op.getPaddingAttr(), op.getActivationAttr(), op.getAlphaAttr(),
      layers.empty() ? StringAttr() : *layers.begin());
  op.getResult().replaceAllUsesWith(conv.getResult());
  op.erase();
}

/// Dense/Conv2D (no activation, BN its only user) -> nn.batch_norm on frozen moving
/// statistics: the layer takes the folded kernel and bias.
template <typename LayerOp> bool foldInto(nn::BatchNormOp bn) {
  auto layer = bn.getInput().template getDefiningOp<LayerOp>();
  if (!layer || layer.getActivation() != "linear" || !layer.getResult().hasOneUse())
    return false;
  auto f = fold(layer, layer.getKernel(), layer.getBias(), bn.getGamma(), bn.getBeta(),
                bn.getMovingMean(), bn.getMovingVariance(), bn.getEpsilon().convertToFloat());
  if (!f)
    return false;
  layer.getKernelMutable().assign(f->kernel);
  if (layer.getBias())
    layer.getBiasMutable().assign(f->bias);
  else
    layer.getBiasMutable().append(f->bias);
  bn.getResult().replaceAllUsesWith(layer.getResult());
  bn.erase();
  return true;
}

struct FoldBatchNormPass : PassWrapper<FoldBatchNormPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FoldBatchNormPass)
  StringRef getArgument() const override { return "nn-fold-batch-norm"; }
  StringRef getDescription() const override {
    return "folds inference BatchNormalization into the frozen kernel and bias of the "
           "Dense/Conv2D before it";
  }
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
