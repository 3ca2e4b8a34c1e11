// Dense kernel: out(u, m) = act(sum_k in(k, m) * kernel(u, k) + bias(u)).
#ifndef NNC_CODEGEN_KERNELS_DENSE_H
#define NNC_CODEGEN_KERNELS_DENSE_H

#include "codegen/kernels/Kernel.h"

#include <optional>

namespace nnc::codegen {

/// Inputs: input (k, m) with K features (rows m = every leading axis folded),
/// kernel (u, k) = the row-major [K, U] weights, bias (u) when `bias`.
Kernel denseKernel(int features, int units, bool bias, const Activation &act,
                   const TargetInfo &target = TargetInfo());

/// Backward, data: dX(k, m) = sum_u dZ(u, m) * kernel(u, k), with dZ the gradient of
/// the pre-activation. Inputs: dZ (u, m), kernel (u, k); with `previous` (the
/// activation whose output is this layer's input, not softmax) also that output
/// y (k, m), and the result is that activation's backward: act'(y) * dX.
Kernel denseBackwardDataKernel(int features, int units,
                               const std::optional<Activation> &previous = std::nullopt,
                               const TargetInfo &target = TargetInfo());

/// Backward, weights: dKernel(u, k) = sum_m X(k, m) * dZ(u, m), over every row of the
/// batch (tiled, at most 256 KB of weights: the two halves of the rows summed apart,
/// then added). Inputs: X (k, m), dZ (u, m). The bias gradient is
/// channelSumKernel(units).
Kernel denseBackwardWeightsKernel(int features, int units, const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif
