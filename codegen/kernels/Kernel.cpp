// Activation epilogues shared by the kernel families, and the kernel argument list.
#include "codegen/kernels/Kernel.h"

#include <stdexcept>

using namespace Halide;

namespace nnc::codegen {

Activation Activation::parse(const std::string &name, float alpha) {
  if (name == "linear" || name.empty())
    return {Act::Linear, alpha};
  if (name == "relu")
    return {Act::Relu, alpha};
  if (name == "sigmoid")
    return {Act::Sigmoid, alpha};
  if (name == "tanh")
    return {Act::Tanh, alpha};
  if (name == "softmax")
    return {Act::Softmax, alpha};
  if (name == "leaky_relu")
    return {Act::LeakyRelu, alpha};
  throw std::invalid_argument("unknown activation " + name);
}

std::vector<Argument> Kernel::arguments() const {
  std::vector<Argument> args;
  for (const ImageParam &p : inputs)
    args.push_back(p);
  return args;
}

Pipeline Kernel::pipeline() const {
  std::vector<Func> outputs{output};
  outputs.insert(outputs.end(), moreOutputs.begin(), moreOutputs.end());
  return Pipeline(outputs);
}

// ---- algorithm -----------------------------------------------------------

Expr isNaN(Expr x) {
  // On the bits: Halide compiles float maths with LLVM's fast-math flags, under which
  // a float is_nan (x != x) may fold to false.
  Expr bits = reinterpret(UInt(32), x);
  return (bits & cast<uint32_t>(0x7FFFFFFF)) > cast<uint32_t>(0x7F800000);
}

Expr nanMax(Expr a, Expr b) { return select(isNaN(a), a, select(isNaN(b), b, max(a, b))); }

Expr replacesMax(Expr v, Expr best) {
  // The float compare only between numbers: under fast-math flags LLVM may invert it
  // into an unordered one, true against a NaN.
  return !isNaN(best) && (isNaN(v) || v > best);
}

Expr activationGradient(Expr y, Expr dy, const Activation &act) {
  switch (act.kind) {
  case Act::Linear: return dy;
  case Act::Relu: return select(y > 0.0f, dy, 0.0f);
  case Act::LeakyRelu: return select(y > 0.0f, dy, dy * act.alpha);
  case Act::Sigmoid: return dy * y * (1.0f - y);
  case Act::Tanh: return dy * (1.0f - y * y);
  case Act::Softmax: break;
  }
  throw std::invalid_argument("softmax's gradient reads the whole row");
}

Func activate(const Func &f, const Activation &act, int channels, const std::string &name) {
  std::vector<Var> args = f.args();
  std::vector<Expr> at(args.begin(), args.end());
  Func out(name);
  Expr x = f(at);
  switch (act.kind) {
  case Act::Linear: out(args) = x; break;
  case Act::Relu: out(args) = select(isNaN(x), x, max(x, 0.0f)); break; // NaN stays NaN
  case Act::LeakyRelu: out(args) = select(isNaN(x) || x >= 0.0f, x, x * act.alpha); break;
  case Act::Sigmoid: out(args) = select(isNaN(x), x, 1.0f / (1.0f + exp(-x))); break;
  case Act::Tanh: out(args) = tanh(x); break;
  case Act::Softmax: {
    // softmax(x)_c = exp(x_c - max x) / sum exp(x - max x), over the channel axis.
    RDom r(0, channels, name + "_r");
    std::vector<Expr> rest(at.begin() + 1, at.end());
    std::vector<Expr> atR = rest;
    atR.insert(atR.begin(), r.x);
    std::vector<Var> restVars(args.begin() + 1, args.end());
    Func peak(name + "_max"), e(name + "_exp"), total(name + "_sum"), nan(name + "_nan");
    peak(restVars) = maximum(f(atR));
    e(args) = exp(x - peak(rest));
    std::vector<Expr> eAtR = atR;
    total(restVars) = sum(e(eAtR));
    // A row with a NaN is NaN (Halide's exp makes a number of a NaN).
    nan(restVars) = maximum(select(isNaN(f(atR)), 1, 0));
    out(args) = select(nan(rest) > 0, reinterpret(Float(32), cast<uint32_t>(0x7FC00000)),
                       e(at) / total(rest));
    // schedule: row statistics once per call (the families schedule `out`).
    peak.compute_root();
    total.compute_root();
    nan.compute_root();
    break;
  }
  }
  return out;
}

void scheduleChannelSum(Halide::Func f) {
  if (gpuSchedules()) {
    auto rvars = f.update().get_schedule().rvars();
    if (rvars.size() > 1)
      scheduleGpuImageSum(f);
    else
      scheduleGpuRowSum(f, Halide::RVar(rvars[0].var), 256);
    return;
  }
  Halide::Var c = f.args()[0];
  f.compute_root().vectorize(c, 16, Halide::TailStrategy::GuardWithIf);
  f.update().vectorize(c, 16, Halide::TailStrategy::GuardWithIf);
}

} // namespace nnc::codegen
