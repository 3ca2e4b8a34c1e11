// Conv2D kernel (NHWC input, HWIO weights) with fused bias and activation.
#ifndef NNC_CODEGEN_KERNELS_CONV_H
#define NNC_CODEGEN_KERNELS_CONV_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

struct ConvShape {
  int height, width, channels;      // input, without the batch
  int kernelH, kernelW, filters;
  int strideH = 1, strideW = 1;
  int dilationH = 1, dilationW = 1;
  bool same = false;                // padding "same" (else "valid")

  int outH() const;
  int outW() const;
  /// Zero padding before the first row / column (TensorFlow's split: the
  /// extra pixel of an odd total goes after).
  int padTop() const;
  int padLeft() const;
};

/// Output length of a window sweep, as Keras computes it.
int windowOut(int in, int window, int stride, int dilation, bool same);
/// Padding before the input for "same" (0 for "valid").
int padBefore(int in, int window, int stride, int dilation, bool same);

/// The convolution sum acc(co, x, y, n) (+ bias) over its inputs, for the kernels that
/// add an epilogue (conv2dKernel, the fused Conv2D + BatchNormalization kernels).
struct ConvAccumulator {
  ConvAccumulator(const ConvShape &s, bool hasBias, const std::string &name);
  Halide::ImageParam input, kernel, bias; // (c, x, y, n), (co, ci, kx, ky), (co)
  Halide::RDom r;                         // (ci, kx, ky)
  Halide::Func padded;                    // the input, zero outside the image
  Halide::Func acc;
  Halide::Var co, x, y, n;
  /// The CPU schedule of acc's (or a copy's) reduction: filters vectorized inside
  /// the (ci, kx, ky) loops.
  void scheduleUpdate(Halide::Func f, int vector);
  /// The register-tiled schedule: `out`, a pointwise function of acc over
  /// (co, x, y, n) using the same Vars, in blocks of filters x 4 columns with acc
  /// computed per block in registers. False (nothing scheduled) when the filters are
  /// not a multiple of 16 or the output is narrower than 4 columns.
  bool scheduleTiled(Halide::Func out, const ConvShape &s);
};

/// Inputs: input (c, x, y, n), kernel (co, ci, kx, ky) = row-major HWIO, bias (co).
Kernel conv2dKernel(const ConvShape &s, bool bias, const Activation &act,
                    const TargetInfo &target = TargetInfo());

/// Backward, data: dX(ci, x, y, n) = sum over (co, kx, ky) of dZ at the output
/// position whose window reads (x, y) through tap (kx, ky), times kernel(co, ci, kx, ky).
/// Inputs: dZ (co, ox, oy, n), kernel (co, ci, kx, ky).
Kernel conv2dBackwardDataKernel(const ConvShape &s, const TargetInfo &target = TargetInfo());

/// Backward, weights: dKernel(co, ci, kx, ky) = sum over (n, ox, oy) of
/// dZ(co, ox, oy, n) * input(ci, ox*sw + kx*dw - pl, oy*sh + ky*dh - pt, n).
/// Inputs: input (c, x, y, n), dZ. The bias gradient is channelSumKernel(filters).
Kernel conv2dBackwardWeightsKernel(const ConvShape &s, const TargetInfo &target = TargetInfo());

/// CPU: one row of `out` per task, channels `co` vectorized `vector` wide; the
/// accumulator `acc` computed per row (at root for softmax). The caller schedules acc's
/// update.
void scheduleImageRows(Halide::Func out, Halide::Func acc, Halide::Var co, Halide::Var y,
                       Halide::Var n, const Activation &act, int vector);

/// Conv2D(groups): output channel co (of filters) reads input channels
/// [g * channels / groups, (g + 1) * channels / groups), g = co / (filters / groups).
/// Inputs: input (c, x, y, n), kernel (co, ci, kx, ky) = row-major (kh, kw,
/// channels / groups, filters), bias (co).
Kernel groupedConv2dKernel(const ConvShape &s, int groups, bool bias, const Activation &act,
                           const TargetInfo &target = TargetInfo());
/// Its data gradient. Inputs: dZ (co, ox, oy, n), kernel.
Kernel groupedConv2dBackwardDataKernel(const ConvShape &s, int groups,
                                       const TargetInfo &target = TargetInfo());
/// Its kernel gradient. Inputs: input, dZ.
Kernel groupedConv2dBackwardWeightsKernel(const ConvShape &s, int groups,
                                          const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif
