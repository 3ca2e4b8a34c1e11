// Kernels of the fused ops (ir/ops/Fused.td): Conv2D + BatchNormalization +
// activation in inference and training, and the BatchNormalization + activation
// backward.
#ifndef NNC_CODEGEN_KERNELS_FUSED_H
#define NNC_CODEGEN_KERNELS_FUSED_H

#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Pool.h"

namespace nnc::codegen {

/// Inference: act((conv + bias - mean) * gamma / sqrt(variance + epsilon) + beta).
/// Inputs: input, kernel, gamma, beta, moving_mean, moving_variance, [bias].
Kernel conv2dBNKernel(const ConvShape &s, bool bias, float epsilon, const Activation &act,
                      const TargetInfo &target = TargetInfo());

/// Training, one pipeline with outputs: y = act((conv - mean) * gamma /
/// sqrt(variance + epsilon) + beta) (c, x, y, n); conv (+ bias) itself; and per channel
/// Tuple(mean, biased variance, the variance the moving average takes: unbiased when
/// `unbiasedMoving`). Inputs: input, kernel, gamma, beta, [bias].
Kernel conv2dBNTrainKernel(const ConvShape &s, bool bias, float epsilon, bool unbiasedMoving,
                           const Activation &act, const TargetInfo &target = TargetInfo());

/// Backward of BatchNormalization (batch statistics) + activation on the (c, m) view:
/// du = act'(y) * dy, then outputs dx (c, m) and Tuple(dgamma, dbeta) (c).
/// Inputs: x (the normalised input), y (the activation's output), dy, gamma, mean,
/// variance.
Kernel bnActivationBackwardKernel(int channels, float epsilon, const Activation &act,
                                  const TargetInfo &target = TargetInfo());

/// Max pooling in training: Tuple(max, the window offset kx + poolW * ky of the first
/// maximum, as float) per output element. Inputs: input (c, x, y, n).
Kernel maxPool2dArgmaxKernel(const PoolShape &s, const TargetInfo &target = TargetInfo());

/// Training Conv2D + activation + max pooling (windows of poolW x poolH tiling the
/// conv output, no padding) in one pipeline: the outputs of maxPool2dArgmaxKernel on
/// conv2dKernel's output, without storing that output. Inputs: as conv2dKernel.
/// With argmax false (inference), the pooled values only: maxPool2dKernel's output.
Kernel conv2dMaxPoolArgmaxKernel(const ConvShape &s, bool bias, const Activation &act, int poolW,
                                 int poolH, bool argmax = true,
                                 const TargetInfo &target = TargetInfo());

/// Conv2D's kernel and bias gradients where dZ is maxPool2dActivationBackwardKernel's
/// result (windows tiling the conv output), dZ made inline: outputs dW (co, ci, kx, ky)
/// and dBias (co); dW is conv2dBackwardWeightsKernel's (same sums, same order), dBias
/// sums the rows in order. Only for filters a multiple of 16 and at most 16 weights
/// per filter. Inputs: input (c, x, y, n), index, pooled, dy (co, px, py, n).
Kernel conv2dMaxPoolBackwardWeightsKernel(const ConvShape &s, const Activation &act, int poolW,
                                          int poolH, const TargetInfo &target = TargetInfo());

/// Backward of activation + max pooling from the recorded maxima: dx at each window's
/// maximum gets act'(pooled) * dy (pooled: the activation's output there), zero
/// elsewhere. Inputs: index, pooled, dy (c, ox, oy, n).
Kernel maxPool2dActivationBackwardKernel(const PoolShape &s, const Activation &act,
                                         const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif
