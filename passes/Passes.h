// The passes over nn modules, one per file in passes/, declared (with their
// documentation) in passes/Passes.td; the -O pipelines.
#ifndef NNC_PASSES_PASSES_H
#define NNC_PASSES_PASSES_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <memory>

namespace mlir {
class ModuleOp;
class Pass;
} // namespace mlir

namespace nnc::passes {

/// --nn-pack-inputs: a model of several inputs takes one row per sample, the inputs
/// flattened and concatenated (run first at every -O level).
std::unique_ptr<mlir::Pass> createPackInputsPass();

/// --nn-pack-outputs: a model of several outputs gives one row per sample, the
/// outputs flattened and concatenated, and takes one label row (run after the autodiff).
std::unique_ptr<mlir::Pass> createPackOutputsPass();

/// --nn-build-training: the autodiff pass (nn::buildTraining).
std::unique_ptr<mlir::Pass> createBuildTrainingPass();

/// --nn-fuse-conv-bn-act: Conv2D -> BatchNormalization (-> elementwise activation)
/// becomes nn.conv2d_bn (inference: @forward, @evaluate) or nn.conv2d_bn_train
/// (@train_step, with the batch statistics), and the backward chain
/// activation_grad -> batch_norm_param_grad + batch_norm_input_grad becomes
/// nn.batch_norm_activation_grad. Nothing fuses where an intermediate value has
/// another user.
std::unique_ptr<mlir::Pass> createFuseConvBNActPass();

/// --nn-fuse-activation: an nn.activation whose input is a Dense or Conv2D result
/// with no other user becomes that op's fused activation epilogue.
std::unique_ptr<mlir::Pass> createFuseActivationPass();

/// --nn-fuse-pool-activation: in @train_step, max_pool2d_grad -> activation_grad on
/// the pooled activation output becomes nn.max_pool2d_activation_grad, reading maxima
/// recorded by nn.max_pool2d_argmax (which replaces the forward max_pool2d): the
/// activation's output is no longer needed by the backward pass.
std::unique_ptr<mlir::Pass> createFusePoolActivationPass();

/// --nn-fuse-conv-pool: a Conv2D whose only user is a max_pool2d_argmax with windows
/// tiling its output (strides = pool size, "valid") becomes nn.conv2d_max_pool2d_argmax:
/// the conv output is never stored; a first layer's backward (kernel and bias
/// gradients of that pooling's gradient) becomes nn.conv2d_max_pool2d_grad_kernel.
std::unique_ptr<mlir::Pass> createFuseConvPoolPass();

/// --nn-fuse-dropout-activation: in @train_step, dropout_grad -> activation_grad
/// (dropout's gradient used only there) becomes nn.dropout_activation_grad; for
/// relu, leaky_relu and linear it reads the Dropout's output (same sign where kept),
/// so the activation's output dies at the Dropout.
std::unique_ptr<mlir::Pass> createFuseDropoutActivationPass();

/// --nn-fuse-dense-grad-activation: in @train_step, dense_grad_input [-> reshape]
/// -> activation_grad (not softmax; the product used only there) becomes
/// nn.dense_grad_input_activation: the derivative is the product's epilogue.
std::unique_ptr<mlir::Pass> createFuseDenseGradActivationPass();

/// --nn-schedule-updates: each state update (optimizer step, BN moving average) and
/// its nn.assign ops move to the earliest point after the last reader of the
/// variables' old values, so a weight gradient's buffer is free once applied (-O2:
/// it is part of memory planning).
std::unique_ptr<mlir::Pass> createScheduleUpdatesPass();

/// --nn-fold-batch-norm: with frozen weights (nn.variable `value`), an inference
/// nn.conv2d_bn, or a BatchNormalization on the moving statistics after a Dense or
/// Conv2D with no activation of its own and no other user, becomes that Dense/Conv2D
/// with kernel * gamma / sqrt(variance + epsilon) and bias (bias - mean) * that +
/// beta, as new frozen variables; frozen variables nothing reads any more go.
std::unique_ptr<mlir::Pass> createFoldBatchNormPass();

/// --nn-fold-rescaling: with a frozen kernel, Rescaling(scale, offset) whose only
/// user is a Dense or Conv2D folds into it: kernel * scale, and bias + offset times
/// the kernel's sums (offset only for Dense and unpadded Conv2D: zero padding would
/// not see it).
std::unique_ptr<mlir::Pass> createFoldRescalingPass();

/// nnc --inference [--weights W]: marks `module` inference-only (the autodiff pass
/// then builds @evaluate but no @train_step) and, with a checkpoint, stores each
/// weight's values in its nn.variable (`value`): errors name the layer's variable at
/// its source location when the checkpoint lacks it or holds another shape.
mlir::LogicalResult freezeWeights(mlir::ModuleOp module, llvm::StringRef checkpoint);

/// Runs the pipeline of -O`level` on `module`: -O0 the autodiff pass alone; -O1 also
/// the fusions above, then canonicalisation (dead-code elimination); -O2 adds the
/// update scheduling (the pipelines nn-O0, nn-O1, nn-O2 of nnc-opt). The driver
/// runs it; the code generator takes the result. MLIR's pass manager options
/// (--mlir-print-ir-after-all, --mlir-timing) apply when the tool registered them.
mlir::LogicalResult optimize(mlir::ModuleOp module, unsigned level);

/// Registers every pass of Passes.td and the pipelines nn-O0, nn-O1, nn-O2.
void registerPasses();

} // namespace nnc::passes

#endif
