// ONNX elementwise arithmetic: folded when every input is a constant (shape
// subgraphs), nn ops when computed (same shapes: Add, Sub, Mul, Max, Min, Mean, Sum;
// a scalar constant: nn.rescaling).
#include "onnx/Importer.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>

namespace nnc::onnxfe {

namespace {

using Fn = std::function<double(double, double)>;

/// `a op b` with numpy broadcasting; integer results when both inputs are integers
/// (or when `boolean`).
Constant foldBinary(const Constant &a, const Constant &b, const Fn &fn, bool boolean = false) {
  std::vector<int64_t> shape = broadcastShape(a.shape, b.shape);
  std::vector<int64_t> ia = broadcastIndex(a.shape, shape), ib = broadcastIndex(b.shape, shape);
  bool ints = boolean || (a.isInt && b.isInt);
  for (const Constant *c : {&a, &b})
    if (c->isInt)
      for (int64_t v : c->i)
        if (v == kBatchDim)
          fail("arithmetic on the dynamic batch size is not supported: export with a fixed "
               "batch or let Reshape keep the batch (0 or -1 in its first entry)");
  Constant out;
  out.shape = shape;
  out.isInt = ints;
  for (size_t k = 0; k < ia.size(); ++k) {
    double v = fn(a.at(ia[k]), b.at(ib[k]));
    if (ints)
      out.i.push_back((int64_t)v);
    else
      out.f.push_back((float)v);
  }
  return out;
}

Constant foldUnary(const Constant &a, const std::function<double(double)> &fn, bool keepInt) {
  Constant out;
  out.shape = a.shape;
  out.isInt = keepInt && a.isInt;
  for (int64_t k = 0; k < a.count(); ++k) {
    double v = fn(a.at(k));
    if (out.isInt)
      out.i.push_back((int64_t)v);
    else
      out.f.push_back((float)v);
  }
  return out;
}

/// Whether every input of the current node is a constant.
bool allConstant(Importer &im) {
  for (int i = 0; i < im.numInputs(); ++i)
    if (im.hasInput(i) && !im.input(i).isConstant())
      return false;
  return true;
}

/// The inputs' values in one layout: channel-last when any is held so and all are
/// 4-D, else ONNX's. Returns whether the values are channel-last.
bool sameLayout(Importer &im, llvm::SmallVectorImpl<mlir::Value> &values) {
  bool nhwc = false, all4 = true;
  for (int i = 0; i < im.numInputs(); ++i) {
    nhwc = nhwc || im.input(i).nhwc;
    all4 = all4 && im.input(i).rank() == 4;
  }
  nhwc = nhwc && all4;
  for (int i = 0; i < im.numInputs(); ++i)
    values.push_back(nhwc ? im.asNHWC(im.input(i)) : im.asOnnx(im.input(i)));
  return nhwc;
}

/// A computed input combined with a scalar constant: y = x * scale + offset.
bool scalarRescale(Importer &im, const std::string &op) {
  if (im.numInputs() != 2)
    return false;
  Tensor &a = im.input(0), &b = im.input(1);
  bool constFirst = a.isConstant();
  Tensor &x = constFirst ? b : a;
  const Tensor &c = constFirst ? a : b;
  if (x.isConstant() || !c.isConstant() || c.constant->count() != 1 ||
      c.rank() > x.rank())
    return false;
  double v = c.constant->at(0), scale = 1, offset = 0;
  if (op == "Add")
    offset = v;
  else if (op == "Sub")
    constFirst ? (scale = -1, offset = v) : (offset = -v);
  else if (op == "Mul")
    scale = v;
  else if (op == "Div" && !constFirst)
    scale = 1 / v;
  else
    return false;
  llvm::SmallVector<mlir::NamedAttribute> attrs{im.f32("scale", (float)scale)};
  if (offset != 0)
    attrs.push_back(im.f32("offset", (float)offset));
  im.setOutput(0, im.computed(im.op("rescaling", {x.value}, attrs), x.nhwc));
  return true;
}

/// Computed inputs of one shape through nn.add or nn.merge.
void computedMerge(Importer &im, llvm::StringRef kind) {
  for (int i = 0; i < im.numInputs(); ++i) {
    const Tensor &t = im.input(i);
    if (t.isConstant())
      fail("a constant operand other than a scalar is not supported yet (only computed "
           "tensors of the same shape, or one scalar)");
    if (t.shape != im.input(0).shape)
      fail(fmt::format("broadcasting between computed tensors ([{}] and [{}]) is not "
                       "supported yet",
                       fmt::join(im.input(0).shape, ", "), fmt::join(t.shape, ", ")));
  }
  llvm::SmallVector<mlir::Value> values;
  bool nhwc = sameLayout(im, values);
  if (values.size() == 1)
    return im.setOutput(0, im.computed(values[0], nhwc));
  mlir::Value y = kind == "add" ? im.op("add", values, {})
                                : im.op("merge", values, {im.str("kind", kind)});
  im.setOutput(0, im.computed(y, nhwc));
}

template <int Kind> void convertBinary(Importer &im);

struct BinaryOp {
  const char *name;
  Fn fn;
  const char *merge; ///< nn.merge kind for computed inputs, or null
  bool boolean = false;
};

const BinaryOp kBinary[] = {
    {"Add", [](double a, double b) { return a + b; }, "add"},
    {"Sub", [](double a, double b) { return a - b; }, "subtract"},
    {"Mul", [](double a, double b) { return a * b; }, "multiply"},
    {"Div", [](double a, double b) { return a / b; }, nullptr},
    {"Pow", [](double a, double b) { return std::pow(a, b); }, nullptr},
    {"Max", [](double a, double b) { return std::max(a, b); }, "maximum"},
    {"Min", [](double a, double b) { return std::min(a, b); }, "minimum"},
    {"Sum", [](double a, double b) { return a + b; }, "add"},
    {"Mean", nullptr, "average"},
    {"Equal", [](double a, double b) { return double(a == b); }, nullptr, true},
    {"Greater", [](double a, double b) { return double(a > b); }, nullptr, true},
    {"Less", [](double a, double b) { return double(a < b); }, nullptr, true},
    {"And", [](double a, double b) { return double(a != 0 && b != 0); }, nullptr, true},
    {"Or", [](double a, double b) { return double(a != 0 || b != 0); }, nullptr, true},
};

template <int Kind> void convertBinary(Importer &im) {
  const BinaryOp &op = kBinary[Kind];
  if (allConstant(im) && op.fn) {
    Constant acc = *im.input(0).constant;
    for (int i = 1; i < im.numInputs(); ++i) {
      Fn fn = op.fn;
      if (std::string(op.name) == "Div" && acc.isInt && im.input(i).constant->isInt)
        fn = [](double a, double b) { return b == 0 ? 0.0 : std::trunc(a / b); };
      acc = foldBinary(acc, *im.input(i).constant, fn, op.boolean);
    }
    return im.setOutput(0, Importer::constant(std::move(acc)));
  }
  if (scalarRescale(im, op.name))
    return;
  if (std::string(op.name) == "Div" && im.numInputs() == 2 && !im.input(0).isConstant() &&
      !im.input(1).isConstant() && im.input(0).shape == im.input(1).shape) {
    Tensor &y = im.input(1); // x / y = x * (1 / y)
    Tensor r = im.computed(im.op("activation", {y.value}, {im.str("kind", "reciprocal")}), y.nhwc);
    llvm::SmallVector<mlir::Value> values;
    bool nhwc = y.nhwc && im.input(0).rank() == 4;
    values.push_back(nhwc ? im.asNHWC(im.input(0)) : im.asOnnx(im.input(0)));
    values.push_back(nhwc ? im.asNHWC(r) : im.asOnnx(r));
    return im.setOutput(0, im.computed(im.op("merge", values, {im.str("kind", "multiply")}), nhwc));
  }
  if (!op.merge)
    fail(fmt::format("{} of computed tensors is not supported yet", op.name));
  computedMerge(im, op.merge);
}

/// A unary op: folded on a constant, else the activation `kind` (nn.activation).
template <typename F> void unary(Importer &im, F fn, bool keepInt, llvm::StringRef kind) {
  if (!im.input(0).isConstant())
    return emitActivation(im, kind);
  im.setOutput(0, Importer::constant(foldUnary(*im.input(0).constant, fn, keepInt)));
}

void convertNeg(Importer &im) {
  Tensor &x = im.input(0);
  if (!x.isConstant())
    return im.setOutput(0, im.computed(im.op("rescaling", {x.value}, {im.f32("scale", -1)}),
                                       x.nhwc));
  im.setOutput(0, Importer::constant(foldUnary(*x.constant, [](double v) { return -v; }, true)));
}
void convertSqrt(Importer &im) { unary(im, [](double v) { return std::sqrt(v); }, false, "sqrt"); }
void convertExp(Importer &im) { unary(im, [](double v) { return std::exp(v); }, false, "exponential"); }
void convertLog(Importer &im) { unary(im, [](double v) { return std::log(v); }, false, "log"); }
void convertAbs(Importer &im) { unary(im, [](double v) { return std::fabs(v); }, true, "abs"); }
void convertFloor(Importer &im) { unary(im, [](double v) { return std::floor(v); }, true, "floor"); }
void convertCeil(Importer &im) { unary(im, [](double v) { return std::ceil(v); }, true, "ceil"); }
void convertReciprocal(Importer &im) {
  unary(im, [](double v) { return 1 / v; }, false, "reciprocal");
}
void convertSin(Importer &im) { unary(im, [](double v) { return std::sin(v); }, false, "sin"); }
void convertCos(Importer &im) { unary(im, [](double v) { return std::cos(v); }, false, "cos"); }
void convertErf(Importer &im) { unary(im, [](double v) { return std::erf(v); }, false, "erf"); }
void convertSoftsign(Importer &im) {
  unary(im, [](double v) { return v / (1 + std::fabs(v)); }, false, "softsign");
}
void convertNot(Importer &im) {
  if (!im.input(0).isConstant())
    fail("Not of a computed tensor is not supported (nnc's tensors are float)");
  im.setOutput(0, Importer::constant(
                      foldUnary(*im.input(0).constant, [](double v) { return double(v == 0); }, true)));
}

void convertWhere(Importer &im) {
  if (!allConstant(im))
    fail("Where on computed tensors is not supported yet");
  const Constant &c = *im.input(0).constant, &x = *im.input(1).constant,
                 &y = *im.input(2).constant;
  std::vector<int64_t> shape = broadcastShape(broadcastShape(c.shape, x.shape), y.shape);
  auto ic = broadcastIndex(c.shape, shape), ix = broadcastIndex(x.shape, shape),
       iy = broadcastIndex(y.shape, shape);
  Constant out;
  out.shape = shape;
  out.isInt = x.isInt && y.isInt;
  for (size_t k = 0; k < ic.size(); ++k) {
    double v = c.at(ic[k]) != 0 ? x.at(ix[k]) : y.at(iy[k]);
    if (out.isInt)
      out.i.push_back((int64_t)v);
    else
      out.f.push_back((float)v);
  }
  im.setOutput(0, Importer::constant(std::move(out)));
}

const OpConverter kConverters[] = {
    {"Add", convertBinary<0>},       {"Sub", convertBinary<1>},
    {"Mul", convertBinary<2>},       {"Div", convertBinary<3>},
    {"Pow", convertBinary<4>},       {"Max", convertBinary<5>},
    {"Min", convertBinary<6>},       {"Sum", convertBinary<7>},
    {"Mean", convertBinary<8>},      {"Equal", convertBinary<9>},
    {"Greater", convertBinary<10>},  {"Less", convertBinary<11>},
    {"And", convertBinary<12>},      {"Or", convertBinary<13>},
    {"Neg", convertNeg},             {"Sqrt", convertSqrt},
    {"Exp", convertExp},             {"Log", convertLog},
    {"Abs", convertAbs},             {"Floor", convertFloor},
    {"Ceil", convertCeil},           {"Reciprocal", convertReciprocal},
    {"Not", convertNot},             {"Where", convertWhere},
    {"Sin", convertSin},             {"Cos", convertCos},
    {"Erf", convertErf},             {"Softsign", convertSoftsign},
};

} // namespace

llvm::ArrayRef<OpConverter> elementwiseConverters() { return kConverters; }

} // namespace nnc::onnxfe
