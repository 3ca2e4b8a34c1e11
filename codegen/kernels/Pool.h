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
  /// No padding and every window inside the image: no boundary condition needed.
  bool windowsInside() const;
  /// Windows inside and small enough (kMaxUnrolledWindow taps) to scan as one
  /// unrolled expression per output; larger ones loop (a 300x300 window unrolled
  /// overflowed the compiler's stack).
  bool unrolled() const;
};

/// The most taps of a window scanned as one unrolled expression.
constexpr int kMaxUnrolledWindow = 64;

/// Each window's first maximum in (kx, ky) order: best(c, x, y, n) = Tuple(kx, ky, max)
/// over `in` padded with the lowest float (the max-pool backward routes gradients there).
Halide::Func windowArgmax(const PoolShape &s, const Halide::ImageParam &in);
/// CPU schedule of a windowArgmax scan feeding `out`: a row of windows per `at`
/// iteration, in constant storage, vectorized across channels.
void scheduleWindowScan(Halide::Func scan, Halide::Func out, Halide::Var at, const PoolShape &s,
                        int vector);

/// Inputs: input (c, x, y, n). Average pooling with "same" padding divides by
/// the number of in-image elements of each window, as TensorFlow does.
Kernel maxPool2dKernel(const PoolShape &s, const TargetInfo &target = TargetInfo());
Kernel avgPool2dKernel(const PoolShape &s, const TargetInfo &target = TargetInfo());

/// Backward of max pooling: each window's gradient goes to its maximum (the first
/// one in row-major window order on ties, as TensorFlow). Inputs: input, dY.
Kernel maxPool2dBackwardKernel(const PoolShape &s, const TargetInfo &target = TargetInfo());
/// Backward of average pooling: each window's gradient spread over its in-image
/// elements. Inputs: dY.
Kernel avgPool2dBackwardKernel(const PoolShape &s, const TargetInfo &target = TargetInfo());

/// Inputs: input (c, x, y, n); output (c, n): the mean over x and y.
Kernel globalAvgPool2dKernel(int height, int width, int channels,
                             const TargetInfo &target = TargetInfo());

/// Backward of global average pooling. Inputs: dY (c, n); output (c, x, y, n).
Kernel globalAvgPool2dBackwardKernel(int height, int width, int channels,
                                     const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif
