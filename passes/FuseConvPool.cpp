// --nn-fuse-conv-pool: a Conv2D whose only user is a max pooling of windows that tile
// the conv output (strides = pool size, "valid") becomes one op, so the conv output —
// the largest tensor of a typical CNN — is never stored: nn.conv2d_max_pool2d in
// inference (predict, evaluate), nn.conv2d_max_pool2d_argmax in the train step (from
// the max_pool2d_argmax made by --nn-fuse-pool-activation). In
// the backward, the conv-output gradient of a first layer (kernel and bias gradients
// only) is not stored either: nn.conv2d_max_pool2d_grad_kernel.
#include "passes/Passes.h"

#include "ir/Activation.h"
#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_FUSECONVPOOL
#include "passes/Passes.h.inc"

namespace {

/// The fused kernels keep a window's conv values in registers, unrolled: up to 4x4.
bool smallWindow(llvm::ArrayRef<int64_t> pool) { return pool[0] * pool[1] <= 16; }

/// The conv feeding `pool`, when the two fuse: the conv output has no other user, no
/// softmax, and the windows tile it (strides = pool size, "valid") and are small.
template <typename PoolOp> nn::Conv2DOp fusableConv(PoolOp pool) {
  auto conv = pool.getInput().template getDefiningOp<nn::Conv2DOp>();
  if (!conv || !conv.getResult().hasOneUse() || conv.getActivation() == "softmax" ||
      nn::activationNeedsInput(conv.getActivation()) ||
      pool.getPadding() != "valid" || pool.getStrides() != pool.getPoolSize() ||
      !smallWindow(pool.getPoolSize()))
    return nullptr;
  return conv;
}

/// The conv and the pooling become one FusedOp with the pooling's results:
/// nn.conv2d_max_pool2d_argmax in the train step (pooled values and recorded maxima),
/// nn.conv2d_max_pool2d in inference (predict, evaluate: pooled values only).
template <typename FusedOp, typename PoolOp> void fuse(PoolOp pool) {
  nn::Conv2DOp conv = fusableConv(pool);
  if (!conv)
    return;
  OpBuilder b(pool);
  auto fused = b.create<FusedOp>(
      pool.getLoc(), pool->getResultTypes(), conv.getInput(), conv.getKernel(), conv.getBias(),
      conv.getStridesAttr(), conv.getDilationAttr(), conv.getPaddingAttr(),
      pool.getPoolSizeAttr(), conv.getActivationAttr(), conv.getAlphaAttr());
  pool->replaceAllUsesWith(fused);
  pool.erase();
  conv.erase();
}

/// The backward: max_pool2d_activation_grad with tiling windows whose result feeds
/// only a conv2d_grad_kernel (and its bias_grad) — a first layer, no input gradient —
/// where the fused kernel's schedule applies (filters a multiple of 16, at most 16
/// weights per filter).
void fuse(nn::MaxPool2DActivationGradOp grad) {
  if (grad.getPadding() != "valid" || grad.getStrides() != grad.getPoolSize() ||
      !smallWindow(grad.getPoolSize()))
    return;
  nn::Conv2DGradKernelOp dw;
  nn::BiasGradOp db;
  for (Operation *user : grad.getResult().getUsers()) {
    if (auto k = dyn_cast<nn::Conv2DGradKernelOp>(user); k && !dw && k.getPreGrad() == grad.getResult())
      dw = k;
    else if (auto b = dyn_cast<nn::BiasGradOp>(user); b && !db)
      db = b;
    else
      return;
  }
  if (!dw)
    return;
  auto kernel = llvm::cast<RankedTensorType>(dw.getType()).getShape(); // kH, kW, C, F
  if (kernel[3] % 16 != 0 || kernel[0] * kernel[1] * kernel[2] > 16)
    return;
  // At the earlier of the two ops: every operand is defined before the pooling's
  // backward, which comes before both.
  Operation *first = db && db->isBeforeInBlock(dw) ? db.getOperation() : dw.getOperation();
  OpBuilder b(first);
  auto biasType = RankedTensorType::get({kernel[3]}, b.getF32Type());
  auto fused = b.create<nn::Conv2DMaxPoolGradKernelOp>(
      grad.getLoc(), dw.getType(), biasType, dw.getInput(), grad.getIndex(), grad.getOutput(),
      grad.getOutputGrad(), dw.getStridesAttr(), dw.getDilationAttr(), dw.getPaddingAttr(),
      grad.getPoolSizeAttr(), grad.getActivationAttr(), grad.getAlphaAttr());
  dw.getResult().replaceAllUsesWith(fused.getKernelGrad());
  if (db)
    db.getResult().replaceAllUsesWith(fused.getBiasGrad());
  dw.erase();
  if (db)
    db.erase();
  grad.erase();
}

struct FuseConvPoolPass : impl::FuseConvPoolBase<FuseConvPoolPass> {
  void runOnOperation() override {
    SmallVector<nn::MaxPool2DArgmaxOp> pools;
    getOperation().walk([&](nn::MaxPool2DArgmaxOp p) { pools.push_back(p); });
    for (nn::MaxPool2DArgmaxOp p : pools)
      fuse<nn::Conv2DMaxPoolArgmaxOp>(p);
    SmallVector<nn::MaxPool2DOp> inference;
    getOperation().walk([&](nn::MaxPool2DOp p) { inference.push_back(p); });
    for (nn::MaxPool2DOp p : inference)
      fuse<nn::Conv2DMaxPoolOp>(p);
    SmallVector<nn::MaxPool2DActivationGradOp> grads;
    getOperation().walk([&](nn::MaxPool2DActivationGradOp g) { grads.push_back(g); });
    for (nn::MaxPool2DActivationGradOp g : grads)
      fuse(g);
  }
};

} // namespace

std::unique_ptr<Pass> createFuseConvPoolPass() { return std::make_unique<FuseConvPoolPass>(); }

} // namespace nnc::passes
