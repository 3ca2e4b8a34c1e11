// Pooling kernels: max / average over 2-D windows, and global average pooling.
#ifndef NNC_CODEGEN_KERNELS_POOL_H
#define NNC_CODEGEN_KERNELS_POOL_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

struct PoolShape {
  int height, width, channels; // input, without the batch
  int poolH, poolW;
  int strideH, strideW;
  bool same = false;
  int outH() const;
  int outW() const;
};

/// Inputs: input (c, x, y, n). Average pooling with "same" padding divides by
/// the number of in-image elements of each window, as TensorFlow does.
Kernel maxPool2dKernel(const PoolShape &s);
Kernel avgPool2dKernel(const PoolShape &s);

/// Inputs: input (c, x, y, n); output (c, n): the mean over x and y.
Kernel globalAvgPool2dKernel(int height, int width, int channels);

} // namespace nnc::codegen

#endif
