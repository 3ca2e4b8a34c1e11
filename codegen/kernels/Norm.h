// BatchNormalization in inference: the moving statistics normalise each channel.
#ifndef NNC_CODEGEN_KERNELS_NORM_H
#define NNC_CODEGEN_KERNELS_NORM_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// Inputs: input (c, m), gamma, beta, moving_mean, moving_variance (c).
/// out = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
Kernel batchNormInferenceKernel(int channels, float epsilon);

} // namespace nnc::codegen

#endif
