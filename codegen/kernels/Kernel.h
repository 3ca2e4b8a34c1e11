// A generated kernel (one nn op with its fused epilogue as a Halide pipeline), the
// activation epilogues, and the layout convention shared by every family.
//
// Layout: an nn tensor is row-major (NHWC for images). Halide numbers dimensions
// innermost first, so a tensor [N, H, W, C] is the Halide buffer (c, x, y, n) over
// the same memory, and a [K, U] Dense kernel is (u, k). Elementwise kernels see a
// tensor as 2-D: (c, m) with c the last axis and m every other axis folded.
// The batch dimension stays a run-time extent; all others are fixed per model.
//
// Every kernel builder takes the TargetInfo (codegen/Target.h) it builds for, last:
// its CPU schedule, or a GPU target's (default: this CPU, as the kernel tests use).
#ifndef NNC_CODEGEN_KERNELS_KERNEL_H
#define NNC_CODEGEN_KERNELS_KERNEL_H

#include "codegen/Target.h"
#include "ir/Activation.h"

#include "Halide.h"

#include <string>
#include <vector>

namespace nnc::codegen {

/// The activation kinds (ir/Activation.h's table).
using Act = nn::ActivationKind;

struct Activation {
  Act kind = Act::Linear;
  float alpha = 0.3f; // leaky_relu slope

  /// From the dialect's names (ir/Activation.h's table).
  static Activation parse(const std::string &name, float alpha = 0.3f);
  /// Whether the derivative is taken from the input (activationGradient's `v` is x).
  bool gradientFromInput() const;
};

/// One op as a Halide pipeline: `inputs` in argument order, then `output` and, for
/// fused ops with several results, `moreOutputs` (their buffers follow in order).
struct Kernel {
  std::string name;
  std::vector<Halide::ImageParam> inputs;
  Halide::Func output;
  std::vector<Halide::Func> moreOutputs = {};
  /// What the kernel was built from (its op, printed): with the target, the key of
  /// its compiled object in the kernel cache; "" keeps it out of the cache.
  std::string origin = {};

  /// The AOT argument list: the inputs, in order (the output buffers follow).
  std::vector<Halide::Argument> arguments() const;
  /// Every output as one pipeline.
  Halide::Pipeline pipeline() const;
};

/// `f` (whose first argument is the channel axis, extent `channels`) followed by
/// the activation. Softmax normalises over the channel axis.
Halide::Func activate(const Halide::Func &f, const Activation &act, int channels,
                      const std::string &name);

/// d/d(pre-activation) from dy and `v`: the activation's output y, or its input x for
/// the activations whose derivative needs it (Activation::gradientFromInput). Not
/// softmax.
/// Whether x is NaN, decided on its bits (survives fast-math compilation).
Halide::Expr isNaN(Halide::Expr x);

/// max(a, b) that propagates NaN from either side (Halide's max, like maxps, keeps
/// one operand), so a NaN reaches the loss and fit's NaN stop.
Halide::Expr nanMax(Halide::Expr a, Halide::Expr b);

/// Whether `v` replaces `best` in a first-maximum scan: strictly greater, or the
/// first NaN (which then stays).
Halide::Expr replacesMax(Halide::Expr v, Halide::Expr best);

Halide::Expr activationGradient(Halide::Expr v, Halide::Expr dy, const Activation &act);

/// Computes `f` (a per-channel sum: pure init plus one update over rows) at root with
/// the channels vectorized: each channel's sum still runs in row order, so kernels
/// that sum the same values this way agree to the bit.
void scheduleChannelSum(Halide::Func f, const TargetInfo &target = TargetInfo());

/// The default GPU schedule (codegen/kernels/GpuSchedule.cpp): every output and every
/// Func computed at root that has no GPU loops yet gets its pure loops fused and tiled
/// over GPU blocks of threads (one thread per point; a stage without pure loops runs
/// on one GPU thread); Funcs left inline are computed inside those threads.
void scheduleGpu(Kernel &kernel);

/// GPU schedule of a sum `f` (pure init, one update over `r` among its reduction
/// variables) whose reduction variable `r` runs over many rows: partial sums over
/// blocks of `chunk` rows in parallel (rfactor), then the partials summed per point.
void scheduleGpuRowSum(Halide::Func f, Halide::RVar r, int chunk = 64);

/// GPU schedule of an image-shaped product out(c, x, y, n) = g(acc(c, x, y, n)), acc a
/// pure init plus one update over `r` (a convolution): each thread keeps 4 channels of
/// one pixel in registers across the reduction (each input value loaded once for the
/// 4), blocks of 8 x 4 channels by 16 columns; rows and samples index the blocks.
void scheduleGpuImage(Halide::Func out, Halide::Func acc, Halide::Var c, Halide::Var x,
                      Halide::Var y, Halide::Var n, Halide::RDom r, int channels);

/// GPU schedule of a sum `f` over an image's rows (reduction variables x, y, n):
/// partial sums along x for every (y, n) in parallel, then summed per point.
void scheduleGpuImageSum(Halide::Func f);

// The CPU schedules' vector width is the target's: TargetInfo::vector.

} // namespace nnc::codegen

#endif // NNC_CODEGEN_KERNELS_KERNEL_H
