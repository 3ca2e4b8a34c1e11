// Activation epilogues shared by the kernel families, and the kernel argument list.
#include "codegen/kernels/Kernel.h"

#include <stdexcept>

using namespace Halide;

namespace nnc::codegen {

Activation Activation::parse(const std::string &name, float alpha) {
  if (name.empty())
    return {Act::Linear, alpha};
  const nn::ActivationInfo *info = nn::findActivation(name);
  if (!info)
    throw std::invalid_argument("unknown activation " + name);
  return {info->kind, alpha};
}

bool Activation::gradientFromInput() const {
  for (const nn::ActivationInfo &a : nn::activationTable())
    if (a.kind == kind)
      return a.gradientFromInput;
  return false;
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

namespace {

// SELU's constants (Keras: Klambauer et al.), ELU's alpha as activation="elu" uses it.
constexpr float kSeluAlpha = 1.67326324f, kSeluScale = 1.05070098f, kEluAlpha = 1.0f;

Expr sigmoidOf(Expr x) { return 1.0f / (1.0f + exp(-x)); }

/// The standard normal's cumulative distribution and density (exact GELU).
Expr normalCdf(Expr x) { return 0.5f * (1.0f + erf(x * 0.70710678f)); }
Expr normalPdf(Expr x) { return 0.39894228f * exp(-0.5f * x * x); }

/// The elementwise activations' maths: the forward value of x, and the derivative
/// times dy from v (the output y, or the input x where the table says so).
struct ElementwiseMath {
  Act kind;
  Expr (*forward)(Expr x, float alpha);
  Expr (*gradient)(Expr v, Expr dy, float alpha);
};

const ElementwiseMath kMath[] = {
    {Act::Linear, [](Expr x, float) { return x; }, [](Expr, Expr dy, float) { return dy; }},
    {Act::Relu, [](Expr x, float) { return max(x, 0.0f); },
     [](Expr y, Expr dy, float) { return select(y > 0.0f, dy, 0.0f); }},
    {Act::LeakyRelu, [](Expr x, float a) { return select(x >= 0.0f, x, x * a); },
     [](Expr y, Expr dy, float a) { return select(y > 0.0f, dy, dy * a); }},
    {Act::Sigmoid, [](Expr x, float) { return sigmoidOf(x); },
     [](Expr y, Expr dy, float) { return dy * y * (1.0f - y); }},
    {Act::Tanh, [](Expr x, float) { return tanh(x); },
     [](Expr y, Expr dy, float) { return dy * (1.0f - y * y); }},
    // elu: x, or alpha (e^x - 1) below 0, whose derivative there is y + alpha.
    {Act::Elu, [](Expr x, float) { return select(x > 0.0f, x, kEluAlpha * (exp(x) - 1.0f)); },
     [](Expr y, Expr dy, float) { return select(y > 0.0f, dy, dy * (y + kEluAlpha)); }},
    {Act::Selu,
     [](Expr x, float) {
       return kSeluScale * select(x > 0.0f, x, kSeluAlpha * (exp(x) - 1.0f));
     },
     [](Expr y, Expr dy, float) {
       return select(y > 0.0f, dy * kSeluScale, dy * (y + kSeluScale * kSeluAlpha));
     }},
    // gelu (exact, Keras's default): x Phi(x); derivative Phi(x) + x phi(x).
    {Act::Gelu, [](Expr x, float) { return x * normalCdf(x); },
     [](Expr x, Expr dy, float) { return dy * (normalCdf(x) + x * normalPdf(x)); }},
    // swish / silu: x sigmoid(x); derivative s + x s (1 - s).
    {Act::Swish, [](Expr x, float) { return x * sigmoidOf(x); },
     [](Expr x, Expr dy, float) {
       Expr s = sigmoidOf(x);
       return dy * (s + x * s * (1.0f - s));
     }},
    // hard_sigmoid (Keras 3): relu6(x + 3) / 6 = clip(x / 6 + 1/2, 0, 1).
    {Act::HardSigmoid, [](Expr x, float) { return clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); },
     [](Expr y, Expr dy, float) { return select(y > 0.0f && y < 1.0f, dy / 6.0f, 0.0f); }},
    // softplus: log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|); derivative
    // sigmoid(x) = 1 - e^-y.
    {Act::Softplus,
     [](Expr x, float) { return max(x, 0.0f) + log(1.0f + exp(-abs(x))); },
     [](Expr y, Expr dy, float) { return dy * (1.0f - exp(-y)); }},
    {Act::Relu6, [](Expr x, float) { return clamp(x, 0.0f, 6.0f); },
     [](Expr y, Expr dy, float) { return select(y > 0.0f && y < 6.0f, dy, 0.0f); }},
    // exponential: e^x, its own derivative.
    {Act::Exponential, [](Expr x, float) { return exp(x); },
     [](Expr y, Expr dy, float) { return dy * y; }},
    // softsign: x / (1 + |x|); derivative 1 / (1 + |x|)^2 = (1 - |y|)^2.
    {Act::Softsign, [](Expr x, float) { return x / (1.0f + abs(x)); },
     [](Expr y, Expr dy, float) { return dy * (1.0f - abs(y)) * (1.0f - abs(y)); }},
    // ONNX's unary maths (derivatives from x where the table says so).
    {Act::Log, [](Expr x, float) { return log(x); },
     [](Expr x, Expr dy, float) { return dy / x; }},
    {Act::Sqrt, [](Expr x, float) { return sqrt(x); },
     [](Expr y, Expr dy, float) { return dy * 0.5f / y; }},
    {Act::Abs, [](Expr x, float) { return abs(x); },
     [](Expr x, Expr dy, float) { return select(x > 0.0f, dy, select(x < 0.0f, -dy, 0.0f)); }},
    {Act::Reciprocal, [](Expr x, float) { return 1.0f / x; },
     [](Expr y, Expr dy, float) { return -dy * y * y; }},
    {Act::Floor, [](Expr x, float) { return floor(x); },
     [](Expr, Expr dy, float) { return 0.0f * dy; }},
    {Act::Ceil, [](Expr x, float) { return ceil(x); },
     [](Expr, Expr dy, float) { return 0.0f * dy; }},
    {Act::Sin, [](Expr x, float) { return sin(x); },
     [](Expr x, Expr dy, float) { return dy * cos(x); }},
    {Act::Cos, [](Expr x, float) { return cos(x); },
     [](Expr x, Expr dy, float) { return -dy * sin(x); }},
    // erf: derivative 2 / sqrt(pi) e^(-x^2).
    {Act::Erf, [](Expr x, float) { return erf(x); },
     [](Expr x, Expr dy, float) { return dy * 1.12837917f * exp(-x * x); }},
};

const ElementwiseMath &mathOf(Act kind) {
  for (const ElementwiseMath &m : kMath)
    if (m.kind == kind)
      return m;
  throw std::invalid_argument("softmax is not elementwise: its gradient reads the whole row");
}

} // namespace

Expr activationGradient(Expr v, Expr dy, const Activation &act) {
  return mathOf(act.kind).gradient(v, dy, act.alpha);
}

Func activate(const Func &f, const Activation &act, int channels, const std::string &name) {
  std::vector<Var> args = f.args();
  std::vector<Expr> at(args.begin(), args.end());
  Func out(name);
  Expr x = f(at);
  if (act.kind == Act::Linear) {
    out(args) = x;
  } else if (act.kind != Act::Softmax) {
    // NaN stays NaN (max, clamp and Halide's exp would make a number of it).
    out(args) = select(isNaN(x), x, mathOf(act.kind).forward(x, act.alpha));
  } else {
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
  }
  return out;
}

void scheduleChannelSum(Halide::Func f, const TargetInfo &target) {
  if (target.gpu) {
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
