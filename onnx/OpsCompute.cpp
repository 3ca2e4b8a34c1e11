// ONNX convolution, linear, pooling, normalisation and activation ops as nn ops.
// Images are converted to NHWC once (Importer::asNHWC) and stay so between these
// ops; weights are rearranged at import (OIHW -> HWIO).
#include "onnx/Importer.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>

namespace nnc::onnxfe {

namespace {

/// One spatial axis of a window op: its input length and the window's taps.
struct Axis {
  int64_t in, kernel, stride, dilation, before = 0, after = 0;
  int64_t span() const { return (kernel - 1) * dilation + 1; }
};

/// Keras's "same" split of the padding (the extra pixel after).
std::pair<int64_t, int64_t> kerasSame(const Axis &a) {
  int64_t out = (a.in + a.stride - 1) / a.stride;
  int64_t total = std::max<int64_t>((out - 1) * a.stride + a.span() - a.in, 0);
  return {total / 2, total - total / 2};
}

/// The height and width axes of the current node's window over a [N, C, H, W] input,
/// with their padding from auto_pad or pads.
std::array<Axis, 2> windowAxes(Importer &im, const Tensor &x,
                                const std::vector<int64_t> &kernel) {
  if (kernel.size() != 2)
    fail(fmt::format("{}-D windows are not supported (the kernels are 2-D over N, C, H, W)",
                     kernel.size()));
  std::vector<int64_t> strides = im.attrInts("strides"), dil = im.attrInts("dilations");
  std::vector<int64_t> pads = im.attrInts("pads");
  if (strides.empty())
    strides = {1, 1};
  if (dil.empty())
    dil = {1, 1};
  if (strides.size() != 2 || dil.size() != 2 || (!pads.empty() && pads.size() != 4))
    fail("strides, dilations and pads must have 2, 2 and 4 entries for a 2-D window");
  std::array<Axis, 2> axes;
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  for (int k = 0; k < 2; ++k) {
    Axis &a = axes[k];
    a = {x.shape[2 + k], kernel[k], strides[k], dil[k]};
    if (a.kernel <= 0 || a.stride <= 0 || a.dilation <= 0)
      fail("kernel sizes, strides and dilations must be positive");
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      auto [lo, hi] = kerasSame(a);
      a.before = autoPad == "SAME_UPPER" ? lo : hi;
      a.after = autoPad == "SAME_UPPER" ? hi : lo;
    } else if (autoPad == "NOTSET") {
      if (!pads.empty())
        a.before = pads[k], a.after = pads[k + 2];
    } else if (autoPad != "VALID") {
      fail(fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
                       autoPad));
    }
    if (a.before < 0 || a.after < 0)
      fail("negative pads are not supported");
  }
  return axes;
}

/// "valid", "same", or "" when the pads need an explicit padding op.
std::string paddingMode(const std::array<Axis, 2> &axes) {
  bool none = true, same = true;
  for (const Axis &a : axes) {
    none = none && a.before == 0 && a.after == 0;
    same = same && kerasSame(a) == std::make_pair(a.before, a.after);
  }
  return none ? "valid" : same ? "same" : "";
}

/// `x` (NHWC) padded by the axes' pads with `fill`; the axes then need no padding.
mlir::Value padExplicitly(Importer &im, mlir::Value x, std::array<Axis, 2> &axes, float fill) {
  llvm::SmallVector<mlir::NamedAttribute> attrs{
      im.i64s("sides", {axes[0].before, axes[0].after, axes[1].before, axes[1].after})};
  if (fill != 0.0f)
    attrs.push_back(im.f32("value", fill));
  for (Axis &a : axes) {
    a.in += a.before + a.after;
    a.before = a.after = 0;
  }
  return im.op("zero_padding2d", {x}, attrs);
}

llvm::SmallVector<mlir::NamedAttribute> windowAttrs(Importer &im, const std::array<Axis, 2> &a,
                                                    llvm::StringRef padding) {
  return {im.i64s("strides", {a[0].stride, a[1].stride}),
          im.i64s("dilation", {a[0].dilation, a[1].dilation}), im.str("padding", padding)};
}

/// A 1-D window op (N, C, L) run as its 2-D form over (N, C, 1, L): the window
/// attributes get a leading 1 (pads: 0 before and after), a 3-D weight a unit height;
/// the 2-D result is reshaped back to (N, C', L').
void lift1D(Importer &im, void (*convert)(Importer &)) {
  onnx::NodeProto n = im.node();
  std::string tag = "#2d";
  for (auto &a : *n.mutable_attribute()) {
    if (a.name() == "kernel_shape" || a.name() == "strides" || a.name() == "dilations") {
      a.mutable_ints()->Add(1);
      std::rotate(a.mutable_ints()->rbegin(), a.mutable_ints()->rbegin() + 1,
                  a.mutable_ints()->rend());
    } else if (a.name() == "pads" && a.ints_size() == 2) {
      int64_t before = a.ints(0), after = a.ints(1);
      a.clear_ints();
      for (int64_t v : {int64_t(0), before, int64_t(0), after})
        a.add_ints(v);
    }
  }
  Tensor x = im.input(0);
  mlir::Value v = im.asOnnx(x);
  llvm::SmallVector<int64_t> shape4{x.shape[1], 1, x.shape[2]};
  im.define(n.input(0) + tag, im.computed(im.op("reshape", {v}, {im.i64s("shape", shape4)})));
  n.set_input(0, n.input(0) + tag);
  if (n.op_type() == "Conv" && im.input(1).isConstant() && im.input(1).rank() == 3) {
    Tensor w = im.input(1);
    Constant c = *w.constant;
    c.shape = {c.shape[0], c.shape[1], 1, c.shape[2]};
    Tensor w4 = Importer::constant(std::move(c));
    w4.initializer = w.initializer;
    im.define(n.input(1) + tag, w4);
    n.set_input(1, n.input(1) + tag);
  }
  std::string out = n.output(0);
  n.set_output(0, out + tag);
  im.convertAs(n, convert);
  Tensor &y = im.lookup(out + tag);
  llvm::SmallVector<int64_t> shape3{y.shape[1], y.shape[3]};
  im.setOutput(0, im.computed(im.op("reshape", {im.asOnnx(y)}, {im.i64s("shape", shape3)})));
}

void convertConv(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3)
    return lift1D(im, convertConv);
  const Tensor &w = im.input(1);
  if (!w.isConstant())
    fail("the weights (input 1) must be an initializer; computed weights are not supported");
  if (x.rank() != 4)
    fail(fmt::format("{}-D convolution is not supported yet: nnc's kernels are 2-D "
                     "(N, C, H, W inputs)",
                     x.rank() - 2));
  const Constant &W = *w.constant;
  if (W.shape.size() != 4)
    fail("the weights must be 4-D (M, C/group, kH, kW)");
  int64_t M = W.shape[0], Cg = W.shape[1], kh = W.shape[2], kw = W.shape[3];
  int64_t C = x.shape[1], group = im.attrInt("group", 1);
  if (group <= 0 || C % group != 0 || M % group != 0 || Cg * group != C)
    fail(fmt::format("group {} does not divide the {} input channels and {} filters with "
                     "weights of {} channels each",
                     group, C, M, Cg));
  std::vector<int64_t> kernel = im.attrInts("kernel_shape");
  if (kernel.empty())
    kernel = {kh, kw};
  std::array<Axis, 2> axes = windowAxes(im, x, kernel);
  mlir::Value in = im.asNHWC(x);
  std::string padding = paddingMode(axes);
  if (padding.empty()) {
    in = padExplicitly(im, in, axes, 0.0f);
    padding = "valid";
  }
  // OIHW -> HWIO (depthwise: (kh, kw, C, multiplier), output channel c * mult + j).
  bool depthwise = group == C && group > 1 && Cg == 1;
  std::vector<float> K((size_t)W.count());
  std::vector<float> src = W.floats();
  int64_t mult = M / C;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          float v = src[((m * Cg + c) * kh + i) * kw + j];
          if (depthwise)
            K[((i * kw + j) * C + m / mult) * mult + m % mult] = v;
          else
            K[((i * kw + j) * Cg + c) * M + m] = v;
        }
  std::string base = w.initializer.empty() ? "conv.kernel" : w.initializer;
  mlir::Value kernelVar =
      depthwise ? im.variable(base, {kh, kw, C, mult}, std::move(K), !w.initializer.empty())
                : im.variable(base, {kh, kw, Cg, M}, std::move(K), !w.initializer.empty());
  llvm::SmallVector<mlir::Value> operands{in, kernelVar};
  if (im.hasInput(2))
    operands.push_back(im.weightOf(im.input(2)));
  auto attrs = windowAttrs(im, axes, padding);
  const char *name = depthwise ? "depthwise_conv2d" : group > 1 ? "grouped_conv2d" : "conv2d";
  if (group > 1 && !depthwise)
    attrs.push_back(im.i64("groups", group));
  im.setOutput(0, im.computed(im.op(name, operands, attrs), /*nhwc=*/true));
}

/// Output length of an ONNX pool with ceil_mode (windows starting in the end
/// padding are dropped, as PyTorch does); the extra end padding that makes floor
/// give it.
int64_t ceilExtra(const Axis &a) {
  int64_t padded = a.in + a.before + a.after;
  int64_t out = (padded - a.span() + a.stride - 1) / a.stride + 1;
  if ((out - 1) * a.stride >= a.in + a.before)
    --out;
  return std::max<int64_t>((out - 1) * a.stride + a.span() - padded, 0);
}

template <bool Max> void convertPool(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3)
    return lift1D(im, convertPool<Max>);
  if (x.rank() != 4)
    fail(fmt::format("{}-D pooling is not supported yet (the kernels are 2-D)", x.rank() - 2));
  if (im.outputUsed(1))
    fail("the Indices output is not supported");
  std::array<Axis, 2> axes = windowAxes(im, x, im.attrInts("kernel_shape"));
  for (Axis &a : axes) {
    if (a.dilation != 1)
      fail("dilated pooling is not supported");
    if (im.attrInt("ceil_mode", 0))
      a.after += ceilExtra(a);
  }
  mlir::Value in = im.asNHWC(x);
  std::string padding = paddingMode(axes);
  bool countPad = im.attrInt("count_include_pad", 0) != 0;
  if (!Max && padding == "same" && countPad)
    padding = ""; // Keras's "same" averages over the real pixels only
  if (padding.empty()) {
    if (!Max && !countPad)
      fail("average pooling whose pads exclude the padding (count_include_pad=0) is only "
           "supported where the pads match Keras's 'same' split");
    in = padExplicitly(im, in, axes, Max ? -FLT_MAX : 0.0f);
    padding = "valid";
  }
  auto attrs = windowAttrs(im, axes, padding);
  attrs.erase(attrs.begin() + 1); // no dilation attribute on pools
  attrs.push_back(im.i64s("pool_size", {axes[0].kernel, axes[1].kernel}));
  im.setOutput(0, im.computed(im.op(Max ? "max_pool2d" : "avg_pool2d", {in}, attrs), true));
}

void convertGlobalAveragePool(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3)
    return lift1D(im, convertGlobalAveragePool);
  if (x.rank() != 4)
    fail("only 4-D (N, C, H, W) inputs are supported");
  mlir::Value y = im.op("global_avg_pool2d", {im.asNHWC(x)}, {im.boolean("keepdims", true)});
  im.setOutput(0, im.computed(y, true));
}

void convertGlobalMaxPool(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3)
    return lift1D(im, convertGlobalMaxPool);
  if (x.rank() != 4)
    fail("only 4-D (N, C, H, W) inputs are supported");
  int64_t h = x.shape[2], w = x.shape[3];
  mlir::Value y = im.op("max_pool2d", {im.asNHWC(x)},
                        {im.i64s("pool_size", {h, w}), im.i64s("strides", {h, w})});
  im.setOutput(0, im.computed(y, true));
}

void convertGemm(Importer &im) {
  Tensor &a = im.input(0);
  const Tensor &bt = im.input(1);
  if (a.isConstant() || !bt.isConstant())
    fail("only A computed and B an initializer are supported (x @ W + b)");
  if (im.attrInt("transA", 0))
    fail("transA = 1 is not supported (it would transpose the batch)");
  if (a.rank() != 2 || bt.shape.size() != 2)
    fail("A and B must be 2-D");
  bool transB = im.attrInt("transB", 0) != 0;
  float alpha = im.attrFloat("alpha", 1.0f), beta = im.attrFloat("beta", 1.0f);
  int64_t K = transB ? bt.shape[1] : bt.shape[0], M = transB ? bt.shape[0] : bt.shape[1];
  std::vector<float> src = bt.constant->floats(), W((size_t)(K * M));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t m = 0; m < M; ++m)
      W[k * M + m] = alpha * (transB ? src[m * K + k] : src[k * M + m]);
  std::string base = bt.initializer.empty() ? "gemm.kernel" : bt.initializer;
  llvm::SmallVector<mlir::Value> operands{
      im.asOnnx(a), im.variable(base, {K, M}, std::move(W), !bt.initializer.empty())};
  if (im.hasInput(2)) {
    const Tensor &c = im.input(2);
    if (!c.isConstant())
      fail("C must be an initializer");
    int64_t n = c.constant->count();
    if (n != 1 && n != M)
      fail(fmt::format("C of shape [{}] is not supported: give one bias per output ({})",
                       fmt::join(c.shape, ", "), M));
    std::vector<float> bias((size_t)M);
    std::vector<float> cv = c.constant->floats();
    for (int64_t m = 0; m < M; ++m)
      bias[m] = beta * cv[n == 1 ? 0 : m];
    std::string name = c.initializer.empty() ? "gemm.bias" : c.initializer;
    operands.push_back(im.variable(name, {M}, std::move(bias), !c.initializer.empty()));
  }
  im.setOutput(0, im.computed(im.op("dense", operands, {})));
}

void convertMatMul(Importer &im) {
  Tensor &a = im.input(0);
  const Tensor &bt = im.input(1);
  if (a.isConstant() || !bt.isConstant() || bt.shape.size() != 2 || a.rank() < 2)
    fail("only a computed A (rank >= 2) times a 2-D initializer B is supported");
  im.setOutput(0, im.computed(im.op("dense", {im.asOnnx(a), im.weightOf(bt)}, {})));
}

void convertBatchNormalization(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3)
    return lift1D(im, convertBatchNormalization);
  if (x.rank() != 4 && x.rank() != 2)
    fail(fmt::format("{}-D inputs are not supported (only (N, C), (N, C, L) and (N, C, H, W))",
                     x.rank()));
  for (int i = 1; i < 5; ++i)
    if (!im.input(i).isConstant())
      fail(fmt::format("input {} must be an initializer", i));
  if (im.outputUsed(1) || im.outputUsed(2))
    fail("the running mean and variance outputs (training mode) are not supported");
  mlir::Value in = x.rank() == 4 ? im.asNHWC(x) : im.asOnnx(x);
  mlir::Value y = im.op("batch_norm",
                        {in, im.weightOf(im.input(1)), im.weightOf(im.input(2)),
                         im.weightOf(im.input(3), false), im.weightOf(im.input(4), false)},
                        {im.f32("epsilon", im.attrFloat("epsilon", 1e-5f)),
                         im.f32("momentum", im.attrFloat("momentum", 0.9f))});
  im.setOutput(0, im.computed(y, x.rank() == 4));
}

/// An activation applied to the input in whatever layout it is held.
void activation(Importer &im, llvm::StringRef kind, float alpha = 0.3f) {
  emitActivation(im, kind, alpha);
}

void convertRelu(Importer &im) { activation(im, "relu"); }
void convertSigmoid(Importer &im) { activation(im, "sigmoid"); }
void convertTanh(Importer &im) { activation(im, "tanh"); }
void convertSoftplus(Importer &im) { activation(im, "softplus"); }
void convertLeakyRelu(Importer &im) {
  activation(im, "leaky_relu", im.attrFloat("alpha", 0.01f));
}
void convertElu(Importer &im) {
  if (im.attrFloat("alpha", 1.0f) != 1.0f)
    fail("only alpha = 1 is supported");
  activation(im, "elu");
}
void convertSelu(Importer &im) {
  if (std::fabs(im.attrFloat("alpha", 1.67326319f) - 1.67326319f) > 1e-6f ||
      std::fabs(im.attrFloat("gamma", 1.05070102f) - 1.05070102f) > 1e-6f)
    fail("only the default alpha and gamma are supported");
  activation(im, "selu");
}
void convertHardSigmoid(Importer &im) {
  if (std::fabs(im.attrFloat("alpha", 0.2f) - 1.0f / 6) > 1e-6f ||
      im.attrFloat("beta", 0.5f) != 0.5f)
    fail("only alpha = 1/6, beta = 0.5 (PyTorch's hardsigmoid) is supported");
  activation(im, "hard_sigmoid");
}

void convertClip(Importer &im) {
  float lo = -INFINITY, hi = INFINITY;
  if (im.opset() < 11) {
    lo = im.attrFloat("min", lo);
    hi = im.attrFloat("max", hi);
  } else {
    if (im.hasInput(1))
      lo = im.constantInput(1, "min").floats().at(0);
    if (im.hasInput(2))
      hi = im.constantInput(2, "max").floats().at(0);
  }
  if (lo == 0.0f && hi == 6.0f)
    return activation(im, "relu6");
  if (lo == 0.0f && std::isinf(hi) && hi > 0)
    return activation(im, "relu");
  // Other bounds through ReLU / ReLU6 and affine maps (each op has its gradient):
  // clip(x, lo, inf) = relu(x - lo) + lo, clip(x, -inf, hi) = hi - relu(hi - x),
  // clip(x, lo, hi) = lo + relu6((x - lo) 6 / (hi - lo)) (hi - lo) / 6.
  Tensor &x = im.input(0);
  if (x.isConstant() || std::isnan(lo) || std::isnan(hi) || lo > hi || (std::isinf(lo) && lo > 0) ||
      (std::isinf(hi) && hi < 0))
    fail(fmt::format("Clip({}, {}) of this input is not supported", lo, hi));
  auto affine = [&](mlir::Value v, float scale, float offset) {
    return im.op("rescaling", {v}, {im.f32("scale", scale), im.f32("offset", offset)});
  };
  auto act = [&](mlir::Value v, llvm::StringRef kind) {
    return im.op("activation", {v}, {im.str("kind", kind)});
  };
  mlir::Value y;
  if (std::isinf(lo) && std::isinf(hi))
    return im.setOutput(0, x);
  if (std::isinf(hi))
    y = affine(act(affine(x.value, 1, -lo), "relu"), 1, lo);
  else if (std::isinf(lo))
    y = affine(act(affine(x.value, -1, hi), "relu"), -1, hi);
  else if (lo == hi)
    y = affine(x.value, 0, lo);
  else
    y = affine(act(affine(x.value, 6 / (hi - lo), -lo * 6 / (hi - lo)), "relu6"),
               (hi - lo) / 6, lo);
  im.setOutput(0, im.computed(y, x.nhwc));
}

/// PRelu with a constant slope: relu(x) - slope relu(-x); a per-channel slope (one per
/// channel of an (N, C, ...) input) multiplies through a 1x1 depthwise convolution.
void convertPRelu(Importer &im) {
  Tensor &x = im.input(0);
  if (x.rank() == 3 && !x.isConstant() && im.input(1).isConstant() &&
      im.input(1).constant->count() > 1)
    return lift1D(im, convertPRelu);
  const Constant &slope = im.constantInput(1, "slope");
  if (x.isConstant())
    fail("PRelu of a constant is not folded");
  mlir::Value pos = im.op("activation", {x.value}, {im.str("kind", "relu")});
  mlir::Value neg = im.op("activation",
                          {im.op("rescaling", {x.value}, {im.f32("scale", -1)})},
                          {im.str("kind", "relu")});
  mlir::Value scaled;
  if (slope.count() == 1) {
    scaled = im.op("rescaling", {neg}, {im.f32("scale", -slope.floats()[0])});
  } else {
    int64_t C = x.rank() >= 2 ? x.shape[1] : 0;
    if (x.rank() != 4 || slope.count() != C)
      fail("only one slope, or one per channel of an (N, C, H, W) input, is supported");
    std::vector<float> k = slope.floats();
    for (float &v : k)
      v = -v;
    Tensor t = im.computed(neg, x.nhwc);
    mlir::Value in = im.asNHWC(t);
    bool trainable = !im.input(1).initializer.empty();
    scaled = im.op("depthwise_conv2d", {in, im.variable("prelu.slope", {1, 1, C, 1}, k, trainable)},
                   {});
    if (!x.nhwc) {
      Tensor s = im.computed(scaled, true);
      scaled = im.asOnnx(s);
    }
  }
  im.setOutput(0, im.computed(im.op("add", {pos, scaled}, {}), x.nhwc));
}

void convertSoftmax(Importer &im) {
  Tensor &x = im.input(0);
  int64_t r = x.rank(), axis = im.attrInt("axis", im.opset() < 13 ? 1 : -1);
  if (axis < 0)
    axis += r;
  if (axis <= 0 || axis >= r)
    fail(fmt::format("axis {} is not supported (the batch axis 0 cannot be normalised)",
                     im.attrInt("axis", 0)));
  mlir::Value y;
  if (x.nhwc && axis == 1) { // channels, last in NHWC
    y = im.op("activation", {x.value}, {im.str("kind", "softmax")});
    return im.setOutput(0, im.computed(y, true));
  }
  mlir::Value v = im.asOnnx(x);
  if (axis == r - 1) {
    y = im.op("activation", {v}, {im.str("kind", "softmax")});
  } else if (im.opset() < 13) { // over the flattened trailing axes
    std::vector<int64_t> shape(x.shape.begin() + 1, x.shape.end());
    int64_t inner = 1;
    for (int64_t d = axis; d < r; ++d)
      inner *= x.shape[d];
    llvm::SmallVector<int64_t> flat(x.shape.begin() + 1, x.shape.begin() + axis);
    flat.push_back(inner);
    y = im.op("reshape", {v}, {im.i64s("shape", flat)});
    y = im.op("activation", {y}, {im.str("kind", "softmax")});
    y = im.op("reshape", {y}, {im.i64s("shape", shape)});
  } else { // move the axis last and back
    llvm::SmallVector<int64_t> perm;
    for (int64_t d = 0; d < r; ++d)
      if (d != axis)
        perm.push_back(d);
    perm.push_back(axis);
    llvm::SmallVector<int64_t> inverse(r);
    for (int64_t d = 0; d < r; ++d)
      inverse[perm[d]] = d;
    y = im.op("transpose", {v}, {im.i64s("perm", perm)});
    y = im.op("activation", {y}, {im.str("kind", "softmax")});
    y = im.op("transpose", {y}, {im.i64s("perm", inverse)});
  }
  im.setOutput(0, im.computed(y));
}

/// log(softmax(x)) over the same axis (Softmax's conversion, then a log).
void convertLogSoftmax(Importer &im) {
  onnx::NodeProto n = im.node();
  std::string out = n.output(0);
  n.set_output(0, out + "#softmax");
  im.convertAs(n, convertSoftmax);
  Tensor &p = im.lookup(out + "#softmax");
  im.setOutput(0, im.computed(im.op("activation", {p.value}, {im.str("kind", "log")}), p.nhwc));
}

void convertDropout(Importer &im) {
  Tensor &x = im.input(0);
  if (im.outputUsed(1))
    fail("the mask output is not supported");
  float rate = im.opset() < 12 ? im.attrFloat("ratio", 0.5f)
               : im.hasInput(1) ? im.constantInput(1, "ratio").floats().at(0)
                                : 0.5f;
  if (x.isConstant() || rate == 0.0f)
    return im.setOutput(0, x);
  im.setOutput(0, im.computed(im.op("dropout", {x.value}, {im.f32("rate", rate)}), x.nhwc));
}

void convertIdentity(Importer &im) { im.setOutput(0, im.input(0)); }

/// Constant-mode Pad of the height and width of an (N, C, H, W) tensor.
void convertPad(Importer &im) {
  Tensor &x = im.input(0);
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant")
    fail(fmt::format("mode '{}' is not supported (only 'constant')", mode));
  std::vector<int64_t> pads =
      im.opset() < 11 ? im.attrInts(im.opset() < 2 ? "paddings" : "pads")
                      : im.constantInput(1, "pads").ints();
  float value = im.opset() < 11 ? im.attrFloat("value", 0.0f)
                : im.hasInput(2)  ? im.constantInput(2, "constant_value").floats().at(0)
                                  : 0.0f;
  if (im.opset() >= 11 && im.hasInput(3))
    fail("the axes input is not supported");
  if (x.rank() != 4 || pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5])
    fail("only padding the height and width of an (N, C, H, W) tensor is supported");
  for (int64_t p : pads)
    if (p < 0)
      fail("negative pads (cropping) are not supported");
  llvm::SmallVector<mlir::NamedAttribute> attrs{
      im.i64s("sides", {pads[2], pads[6], pads[3], pads[7]})};
  if (value != 0.0f)
    attrs.push_back(im.f32("value", value));
  im.setOutput(0, im.computed(im.op("zero_padding2d", {im.asNHWC(x)}, attrs), true));
}

const OpConverter kConverters[] = {
    {"Conv", convertConv},
    {"Gemm", convertGemm},
    {"MatMul", convertMatMul},
    {"MaxPool", convertPool<true>},
    {"AveragePool", convertPool<false>},
    {"GlobalAveragePool", convertGlobalAveragePool},
    {"GlobalMaxPool", convertGlobalMaxPool},
    {"BatchNormalization", convertBatchNormalization},
    {"Relu", convertRelu},
    {"Sigmoid", convertSigmoid},
    {"Tanh", convertTanh},
    {"Softplus", convertSoftplus},
    {"LeakyRelu", convertLeakyRelu},
    {"Elu", convertElu},
    {"Selu", convertSelu},
    {"HardSigmoid", convertHardSigmoid},
    {"Clip", convertClip},
    {"PRelu", convertPRelu},
    {"Softmax", convertSoftmax},
    {"LogSoftmax", convertLogSoftmax},
    {"Dropout", convertDropout},
    {"Identity", convertIdentity},
    {"Pad", convertPad},
};

} // namespace

void emitActivation(Importer &im, llvm::StringRef kind, float alpha) {
  Tensor &x = im.input(0);
  if (x.isConstant())
    fail("activations of constants are not folded");
  llvm::SmallVector<mlir::NamedAttribute> attrs{im.str("kind", kind)};
  if (kind == "leaky_relu")
    attrs.push_back(im.f32("alpha", alpha));
  im.setOutput(0, im.computed(im.op("activation", {x.value}, attrs), x.nhwc));
}

llvm::ArrayRef<OpConverter> computeConverters() { return kConverters; }

} // namespace nnc::onnxfe
