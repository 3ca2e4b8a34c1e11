// --nn-fuse-conv-bn-act: Conv2D + BatchNormalization + activation as one kernel, in
// inference, in the training forward pass and in its backward pass.
#include "passes/Passes.h"

#include "ir/Activation.h"
#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSECONVBNACT
#include "passes/Passes.h.inc"

namespace {

/// The activation that may join: the only user of `v`, elementwise (softmax needs the
/// whole row).
nn::ActivationOp joiningActivation(Value v) {
  if (!v.hasOneUse())
    return {};
  auto act = dyn_cast<nn::ActivationOp>(*v.getUsers().begin());
  // Not softmax (rowwise), nor an activation whose derivative needs its input (the
  // fused ops keep only the output).
  return act && act.getKind() != "softmax" && !nn::activationNeedsInput(act.getKind())
             ? act
             : nn::ActivationOp();
}

/// A Conv2D that can take a BatchNormalization epilogue: no activation of its own.
nn::Conv2DOp plainConv(Value v) {
  auto conv = v.getDefiningOp<nn::Conv2DOp>();
  return conv && conv.getActivation() == "linear" ? conv : nn::Conv2DOp();
}

ArrayAttr layerNames(Builder &b, ArrayRef<Operation *> ops) {
  SmallVector<Attribute> names;
  for (Operation *op : ops)
    if (op)
      if (auto name = op->getAttrOfType<StringAttr>("layer"))
        names.push_back(name);
  return b.getArrayAttr(names);
}

/// Whether every user of `values` other than `except` comes after `pos` in its block.
bool usedOnlyAfter(Operation *pos, ValueRange values, ArrayRef<Operation *> except) {
  for (Value v : values)
    for (Operation *user : v.getUsers())
      if (!llvm::is_contained(except, user) &&
          (user->getBlock() != pos->getBlock() || !pos->isBeforeInBlock(user)))
        return false;
  return true;
}

struct Epilogue {
  StringAttr kind;
  FloatAttr alpha;
};

Epilogue epilogueOf(Builder &b, nn::ActivationOp act) {
  if (!act)
    return {b.getStringAttr("linear"), b.getF32FloatAttr(0.3f)};
  return {act.getKindAttr(), b.getF32FloatAttr(act.getAlpha().convertToFloat())};
}

/// Inference: conv -> batch_norm(moving statistics) [-> activation].
void fuseInference(nn::BatchNormOp bn) {
  nn::Conv2DOp conv = plainConv(bn.getInput());
  // In @train_step the conv also feeds batch_norm_stats: that is the training form.
  if (!conv || !conv.getResult().hasOneUse())
    return;
  nn::ActivationOp act = joiningActivation(bn.getResult());
  Operation *last = act ? act.getOperation() : bn.getOperation();
  OpBuilder b(last);
  Epilogue e = epilogueOf(b, act);
  auto fused = b.create<nn::Conv2DBNOp>(
      last->getLoc(), last->getResult(0).getType(), conv.getInput(), conv.getKernel(),
      bn.getGamma(), bn.getBeta(), bn.getMovingMean(), bn.getMovingVariance(), conv.getBias(),
      b.getDenseI64ArrayAttr(conv.getStrides()), b.getDenseI64ArrayAttr(conv.getDilation()),
      conv.getPaddingAttr(), b.getF32FloatAttr(bn.getEpsilon().convertToFloat()), e.kind,
      e.alpha, layerNames(b, {conv, bn, act}));
  last->getResult(0).replaceAllUsesWith(fused.getResult());
  if (act)
    act.erase();
  bn.erase();
  conv.erase();
}

/// Training: conv -> batch_norm_stats + batch_norm(batch statistics) [-> activation].
void fuseTraining(nn::BatchNormOp bn) {
  auto stats = bn.getMovingMean().getDefiningOp<nn::BatchNormStatsOp>();
  if (!stats || bn.getMovingVariance() != stats.getVariance() ||
      stats.getInput() != bn.getInput())
    return;
  nn::Conv2DOp conv = plainConv(bn.getInput());
  if (!conv)
    return;
  nn::ActivationOp act = joiningActivation(bn.getResult());
  // The fused op stands where the batch_norm stood: every other user of the conv
  // and of the statistics must come later (the backward pass, the moving averages).
  Operation *except[] = {stats, bn};
  if (!usedOnlyAfter(bn, conv->getResults(), except) ||
      !usedOnlyAfter(bn, stats->getResults(), except))
    return;
  OpBuilder b(bn);
  Epilogue e = epilogueOf(b, act);
  Value out = act ? act.getResult() : bn.getResult();
  auto fused = b.create<nn::Conv2DBNTrainOp>(
      bn.getLoc(), out.getType(), conv.getType(), stats.getMean().getType(),
      stats.getVariance().getType(), stats.getMovingSample().getType(), conv.getInput(),
      conv.getKernel(), bn.getGamma(), bn.getBeta(), conv.getBias(),
      b.getDenseI64ArrayAttr(conv.getStrides()), b.getDenseI64ArrayAttr(conv.getDilation()),
      conv.getPaddingAttr(), b.getF32FloatAttr(bn.getEpsilon().convertToFloat()),
      stats.getUnbiasedMovingAttr(), e.kind, e.alpha, layerNames(b, {conv, bn, act}));
  out.replaceAllUsesWith(fused.getOutput());
  conv.getResult().replaceAllUsesWith(fused.getConv());
  stats.getMean().replaceAllUsesWith(fused.getMean());
  stats.getVariance().replaceAllUsesWith(fused.getVariance());
  stats.getMovingSample().replaceAllUsesWith(fused.getMovingSample());
  if (act)
    act.erase();
  bn.erase();
  stats.erase();
  conv.erase();
}

/// Backward: activation_grad -> batch_norm_param_grad + batch_norm_input_grad.
void fuseBackward(nn::ActivationGradOp grad) {
  if (grad.getKind() == "softmax")
    return;
  nn::BatchNormParamGradOp params;
  nn::BatchNormInputGradOp input;
  for (Operation *user : grad.getResult().getUsers()) {
    if (auto p = dyn_cast<nn::BatchNormParamGradOp>(user))
      params = p;
    else if (auto i = dyn_cast<nn::BatchNormInputGradOp>(user))
      input = i;
    else
      return; // du has another user: it must be stored
  }
  if (!params || !input || input.getOutputGrad() != grad.getResult() ||
      params.getOutputGrad() != grad.getResult() || input.getInput() != params.getInput() ||
      input.getMean() != params.getMean() || input.getVariance() != params.getVariance() ||
      input.getGammaGrad() != params.getGammaGrad() ||
      input.getBetaGrad() != params.getBetaGrad() ||
      input.getEpsilon() != params.getEpsilon())
    return;
  Operation *except[] = {input};
  if (!params->isBeforeInBlock(input) ||
      !usedOnlyAfter(input, params->getResults(), except))
    return;
  OpBuilder b(input);
  auto fused = b.create<nn::BNActivationGradOp>(
      input.getLoc(), input.getType(), params.getGammaGrad().getType(),
      params.getBetaGrad().getType(), params.getInput(), grad.getOutput(),
      grad.getOutputGrad(), input.getGamma(), params.getMean(), params.getVariance(),
      input.getEpsilonAttr(), grad.getKindAttr(),
      b.getF32FloatAttr(grad.getAlpha().convertToFloat()));
  input.getResult().replaceAllUsesWith(fused.getInputGrad());
  params.getGammaGrad().replaceAllUsesWith(fused.getGammaGrad());
  params.getBetaGrad().replaceAllUsesWith(fused.getBetaGrad());
  input.erase();
  params.erase();
  grad.erase();
}

struct FuseConvBNActPass : impl::FuseConvBNActBase<FuseConvBNActPass> {
  void runOnOperation() override {
    SmallVector<nn::BatchNormOp> bns;
    SmallVector<nn::ActivationGradOp> grads;
    getOperation().walk([&](Operation *op) {
      if (auto bn = dyn_cast<nn::BatchNormOp>(op))
        bns.push_back(bn);
      else if (auto g = dyn_cast<nn::ActivationGradOp>(op))
        grads.push_back(g);
    });
    for (nn::ActivationGradOp g : grads)
      fuseBackward(g);
    for (nn::BatchNormOp bn : bns) {
      if (bn.getMovingMean().getDefiningOp<nn::BatchNormStatsOp>())
        fuseTraining(bn);
      else
        fuseInference(bn);
    }
  }
};

} // namespace

std::unique_ptr<Pass> createFuseConvBNActPass() { return std::make_unique<FuseConvBNActPass>(); }

} // namespace nnc::passes
