// BatchNormalization in inference: the moving statistics normalise each channel.
#ifndef NNC_CODEGEN_KERNELS_NORM_H
#define NNC_CODEGEN_KERNELS_NORM_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// Inputs: input (c, m), gamma, beta, moving_mean, moving_variance (c).
/// out = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
Kernel batchNormInferenceKernel(int channels, float epsilon,
                                const TargetInfo &target = TargetInfo());
// In training the same kernel normalises with the batch statistics below.

/// Batch statistics over every row m: Tuple(mean, variance, moving-average variance)
/// per channel. The variance normalises (biased); the third value feeds the moving
/// variance: unbiased (m / (m - 1)) when `unbiasedMoving`, as Keras's fused 4-D path
/// does, else biased. Inputs: x (c, m).
Kernel batchNormStatsKernel(int channels, bool unbiasedMoving,
                            const TargetInfo &target = TargetInfo());

/// moving = moving * momentum + batch * (1 - momentum), for mean and variance:
/// Tuple(new mean, new variance). Inputs: moving_mean, moving_variance, mean, variance.
Kernel movingAverageKernel(int channels, float momentum, const TargetInfo &target = TargetInfo());

/// Backward, parameters: Tuple(dgamma, dbeta) = (sum dy * xhat, sum dy) per channel.
/// Inputs: x, dy (c, m), mean, variance (c).
Kernel batchNormParamGradKernel(int channels, float epsilon,
                                const TargetInfo &target = TargetInfo());

/// Backward, data, with batch statistics:
/// dx = gamma / sqrt(var + eps) * (dy - dbeta / M - xhat * dgamma / M).
/// Inputs: x, dy (c, m), gamma, mean, variance, dgamma, dbeta (c).
Kernel batchNormBackwardDataKernel(int channels, float epsilon,
                                   const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif
