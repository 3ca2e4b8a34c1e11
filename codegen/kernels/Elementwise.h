// Elementwise kernels on the 2-D view (c, m): activation, rescaling, sums.
#ifndef NNC_CODEGEN_KERNELS_ELEMENTWISE_H
#define NNC_CODEGEN_KERNELS_ELEMENTWISE_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// Inputs: input (c, m). Softmax normalises over c.
Kernel activationKernel(int channels, const Activation &act);

/// Inputs: input (c, m); out = x * scale + offset.
Kernel rescalingKernel(int channels, float scale, float offset);

/// Inputs: `count` tensors (c, m); out = their sum.
Kernel addKernel(int channels, int count);

/// Backward of an activation, from its output: dZ = dY * act'(Z) written with Y
/// (softmax: dZ = Y * (dY - sum_c dY*Y)). Inputs: Y (c, m), dY (c, m).
Kernel activationBackwardKernel(int channels, const Activation &act);

/// Sum over every row: out(c) = sum_m x(c, m) (bias gradients). Inputs: x (c, m).
Kernel channelSumKernel(int channels);

/// Inputs: tensors viewed as (inner, len_i, outer) joined along the middle
/// axis: inner = values after the axis, outer = everything before it.
Kernel concatenateKernel(int inner, const std::vector<int> &lengths);

} // namespace nnc::codegen

#endif
