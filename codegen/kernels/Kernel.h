// A generated kernel (one nn op with its fused epilogue as a Halide pipeline), the
// activation epilogues, and the layout convention shared by every family.
//
// Layout: an nn tensor is row-major (NHWC for images). Halide numbers dimensions
// innermost first, so a tensor [N, H, W, C] is the Halide buffer (c, x, y, n) over
// the same memory, and a [K, U] Dense kernel is (u, k). Elementwise kernels see a
// tensor as 2-D: (c, m) with c the last axis and m every other axis folded.
// The batch dimension stays a run-time extent; all others are fixed per model.
#ifndef NNC_CODEGEN_KERNELS_KERNEL_H
#define NNC_CODEGEN_KERNELS_KERNEL_H

#include "Halide.h"

#include <string>
#include <vector>

namespace nnc::codegen {

enum class Act { Linear, Relu, Sigmoid, Tanh, Softmax, LeakyRelu };

struct Activation {
  Act kind = Act::Linear;
  float alpha = 0.3f; // leaky_relu slope

  /// From the dialect's names: linear, relu, sigmoid, tanh, softmax, leaky_relu.
  static Activation parse(const std::string &name, float alpha = 0.3f);
};

/// One op as a Halide pipeline: `inputs` in argument order, then `output` and, for
/// fused ops with several results, `moreOutputs` (their buffers follow in order).
struct Kernel {
  std::string name;
  std::vector<Halide::ImageParam> inputs;
  Halide::Func output;
  std::vector<Halide::Func> moreOutputs = {};

  /// The AOT argument list: the inputs, in order (the output buffers follow).
  std::vector<Halide::Argument> arguments() const;
  /// Every output as one pipeline.
  Halide::Pipeline pipeline() const;
};

/// `f` (whose first argument is the channel axis, extent `channels`) followed by
/// the activation. Softmax normalises over the channel axis.
Halide::Func activate(const Halide::Func &f, const Activation &act, int channels,
                      const std::string &name);

/// d/d(pre-activation) from the activation's output y and dy (not softmax).
Halide::Expr activationGradient(Halide::Expr y, Halide::Expr dy, const Activation &act);

/// Computes `f` (a per-channel sum: pure init plus one update over rows) at root with
/// the channels vectorized: each channel's sum still runs in row order, so kernels
/// that sum the same values this way agree to the bit.
void scheduleChannelSum(Halide::Func f);

/// Vector width in floats used by the CPU schedules.
constexpr int kVector = 8;

} // namespace nnc::codegen

#endif // NNC_CODEGEN_KERNELS_KERNEL_H
