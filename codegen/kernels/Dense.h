// Dense kernel: out(u, m) = act(sum_k in(k, m) * kernel(u, k) + bias(u)).
#ifndef NNC_CODEGEN_KERNELS_DENSE_H
#define NNC_CODEGEN_KERNELS_DENSE_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// Inputs: input (k, m) with K features (rows m = every leading axis folded),
/// kernel (u, k) = the row-major [K, U] weights, bias (u) when `bias`.
Kernel denseKernel(int features, int units, bool bias, const Activation &act);

} // namespace nnc::codegen

#endif
