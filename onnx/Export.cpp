// The ONNX exporter (see Export.h): one ONNX node group per nn op of @forward.
#include "onnx/Export.h"

#include "ir/NNOps.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

namespace nnc::onnxfe {

namespace {

/// An nn value in the graph: the ONNX tensor holding it, in the nn layout, and the
/// NCHW transpose of a 4-D one once made (or first: a convolution's output).
struct Held {
  std::string nhwc, nchw;
};

class Exporter {
public:
  explicit Exporter(mlir::ModuleOp module) : module(module) {}
  mlir::LogicalResult run(std::string &bytes);

private:
  mlir::LogicalResult exportOp(mlir::Operation *op);
  std::string fresh(llvm::StringRef base);
  onnx::NodeProto &node(llvm::StringRef type, std::vector<std::string> in,
                        std::vector<std::string> out);
  static void attr(onnx::NodeProto &n, llvm::StringRef name, llvm::ArrayRef<int64_t> ints);
  static void attr(onnx::NodeProto &n, llvm::StringRef name, int64_t i);
  static void attr(onnx::NodeProto &n, llvm::StringRef name, float f);
  static void attr(onnx::NodeProto &n, llvm::StringRef name, llvm::StringRef s);
  std::string initializer(llvm::StringRef base, llvm::ArrayRef<int64_t> shape,
                          const std::vector<float> &values);
  std::string ints(llvm::ArrayRef<int64_t> values);
  /// The ONNX name of `v` in the nn layout / in NCHW (4-D), transposing once.
  std::string nhwc(mlir::Value v);
  std::string nchw(mlir::Value v);
  /// `x` through the activation `kind`; returns the result's name.
  std::string activation(llvm::StringRef kind, float alpha, const std::string &x,
                         mlir::Operation *at);
  mlir::FailureOr<std::vector<float>> valuesOf(mlir::Value read);

  mlir::ModuleOp module;
  onnx::ModelProto model;
  onnx::GraphProto *graph = nullptr;
  llvm::DenseMap<mlir::Value, Held> held;
  llvm::StringMap<int> used;
  bool failed = false;
};

/// A name no tensor or node has yet: `base`, else base_1, base_2, ... (Keras's own
/// names already look like conv2d_1, so every candidate is checked).
std::string Exporter::fresh(llvm::StringRef base) {
  std::string name = base.str();
  for (int n = 1; used.count(name); ++n)
    name = fmt::format("{}_{}", base.str(), n);
  used[name] = 1;
  return name;
}

onnx::NodeProto &Exporter::node(llvm::StringRef type, std::vector<std::string> in,
                                std::vector<std::string> out) {
  onnx::NodeProto *n = graph->add_node();
  n->set_op_type(type.str());
  n->set_name(fresh(type));
  for (auto &s : in)
    n->add_input(s);
  for (auto &s : out)
    n->add_output(s);
  return *n;
}

void Exporter::attr(onnx::NodeProto &n, llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
  auto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v)
    a->add_ints(x);
}
void Exporter::attr(onnx::NodeProto &n, llvm::StringRef name, int64_t i) {
  auto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(i);
}
void Exporter::attr(onnx::NodeProto &n, llvm::StringRef name, float f) {
  auto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(f);
}
void Exporter::attr(onnx::NodeProto &n, llvm::StringRef name, llvm::StringRef s) {
  auto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(s.str());
}

std::string Exporter::initializer(llvm::StringRef base, llvm::ArrayRef<int64_t> shape,
                                  const std::vector<float> &values) {
  onnx::TensorProto *t = graph->add_initializer();
  t->set_name(fresh(base));
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                              values.size() * sizeof(float)));
  return t->name();
}

std::string Exporter::ints(llvm::ArrayRef<int64_t> values) {
  onnx::TensorProto *t = graph->add_initializer();
  t->set_name(fresh("shape"));
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims((int64_t)values.size());
  for (int64_t v : values)
    t->add_int64_data(v);
  return t->name();
}

std::string Exporter::nhwc(mlir::Value v) {
  Held &h = held[v];
  if (h.nhwc.empty()) {
    h.nhwc = fresh(h.nchw + "_nhwc");
    attr(node("Transpose", {h.nchw}, {h.nhwc}), "perm", llvm::ArrayRef<int64_t>{0, 2, 3, 1});
  }
  return h.nhwc;
}

std::string Exporter::nchw(mlir::Value v) {
  Held &h = held[v];
  if (h.nchw.empty()) {
    h.nchw = fresh(h.nhwc + "_nchw");
    attr(node("Transpose", {h.nhwc}, {h.nchw}), "perm", llvm::ArrayRef<int64_t>{0, 3, 1, 2});
  }
  return h.nchw;
}

mlir::FailureOr<std::vector<float>> Exporter::valuesOf(mlir::Value read) {
  auto r = read.getDefiningOp<nn::ReadOp>();
  auto var = r ? module.lookupSymbol<nn::VariableOp>(r.getVariable()) : nn::VariableOp();
  if (!var || !var.getValueAttr()) {
    (r ? r.getOperation() : read.getDefiningOp())->emitError()
        << "--emit=onnx: the weights have no values: add --weights W.ckpt (a checkpoint "
           "of this model)";
    return mlir::failure();
  }
  std::vector<float> v;
  for (float f : var.getValueAttr().getValues<float>())
    v.push_back(f);
  return v;
}

std::string Exporter::activation(llvm::StringRef kind, float alpha, const std::string &x,
                                 mlir::Operation *at) {
  auto one = [&](llvm::StringRef type) {
    std::string y = fresh(x + "_" + kind.str());
    node(type, {x}, {y});
    return y;
  };
  if (kind == "linear")
    return x;
  // Activations that are one ONNX op with its default attributes.
  static const std::pair<llvm::StringRef, llvm::StringRef> kOneOp[] = {
      {"relu", "Relu"}, {"sigmoid", "Sigmoid"},     {"tanh", "Tanh"}, {"elu", "Elu"},
      {"selu", "Selu"}, {"softplus", "Softplus"}, {"softsign", "Softsign"},
      {"exponential", "Exp"}, {"log", "Log"}, {"sqrt", "Sqrt"}, {"abs", "Abs"},
      {"reciprocal", "Reciprocal"}, {"floor", "Floor"}, {"ceil", "Ceil"}, {"sin", "Sin"},
      {"cos", "Cos"}, {"erf", "Erf"}};
  for (auto [name, type] : kOneOp)
    if (kind == name)
      return one(type);
  if (kind == "softmax") {
    std::string y = fresh(x + "_softmax");
    attr(node("Softmax", {x}, {y}), "axis", int64_t(-1));
    return y;
  }
  if (kind == "leaky_relu") {
    std::string y = fresh(x + "_leaky_relu");
    attr(node("LeakyRelu", {x}, {y}), "alpha", alpha);
    return y;
  }
  if (kind == "hard_sigmoid") {
    std::string y = fresh(x + "_hard_sigmoid");
    auto &n = node("HardSigmoid", {x}, {y});
    attr(n, "alpha", 1.0f / 6.0f);
    attr(n, "beta", 0.5f);
    return y;
  }
  if (kind == "relu6") {
    std::string y = fresh(x + "_relu6");
    node("Clip", {x, initializer("zero", {}, {0.0f}), initializer("six", {}, {6.0f})}, {y});
    return y;
  }
  if (kind == "swish" || kind == "silu") { // x sigmoid(x)
    std::string s = one("Sigmoid"), y = fresh(x + "_swish");
    node("Mul", {x, s}, {y});
    return y;
  }
  if (kind == "gelu") { // x (1 + erf(x / sqrt 2)) / 2
    std::string a = fresh(x + "_scaled"), e = fresh(x + "_erf"), p = fresh(x + "_plus1"),
                m = fresh(x + "_times"), y = fresh(x + "_gelu");
    node("Mul", {x, initializer("inv_sqrt2", {}, {0.70710678f})}, {a});
    node("Erf", {a}, {e});
    node("Add", {e, initializer("one", {}, {1.0f})}, {p});
    node("Mul", {x, p}, {m});
    node("Mul", {m, initializer("half", {}, {0.5f})}, {y});
    return y;
  }
  at->emitError() << "--emit=onnx: activation \"" << kind << "\" cannot be exported yet";
  failed = true;
  return x;
}

mlir::LogicalResult Exporter::exportOp(mlir::Operation *op) {
  using namespace nn;
  auto fused = [&](mlir::Operation *o, std::string y) {
    auto kind = o->getAttrOfType<mlir::StringAttr>("activation");
    auto alpha = o->getAttrOfType<mlir::FloatAttr>("alpha");
    return activation(kind ? kind.getValue() : "linear",
                      alpha ? (float)alpha.getValueAsDouble() : 0.3f, y, o);
  };
  auto window = [&](onnx::NodeProto &n, llvm::ArrayRef<int64_t> strides, llvm::StringRef pad) {
    attr(n, "strides", strides);
    attr(n, "auto_pad", pad == "same" ? llvm::StringRef("SAME_UPPER") : "VALID");
  };
  auto layer = [&](mlir::Operation *o) {
    auto l = o->getAttrOfType<mlir::StringAttr>("layer");
    return l ? l.getValue().str() : o->getName().stripDialect().str();
  };
  mlir::Value result = op->getNumResults() ? op->getResult(0) : mlir::Value();
  return llvm::TypeSwitch<mlir::Operation *, mlir::LogicalResult>(op)
      .Case<ReadOp>([&](auto) { return mlir::success(); }) // read by its user
      .Case<Conv2DOp, DepthwiseConv2DOp, GroupedConv2DOp>([&](auto c) {
        auto k = llvm::cast<mlir::RankedTensorType>(c.getKernel().getType()).getShape();
        int64_t kh = k[0], kw = k[1], ci = k[2], co = k[3];
        auto w = valuesOf(c.getKernel());
        if (mlir::failed(w))
          return mlir::failure();
        bool depthwise = llvm::isa<DepthwiseConv2DOp>(op);
        int64_t M = depthwise ? ci * co : co, Cg = depthwise ? 1 : ci;
        std::vector<float> oihw((size_t)(kh * kw * ci * co));
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            for (int64_t c2 = 0; c2 < ci; ++c2)
              for (int64_t m = 0; m < co; ++m) {
                float v = (*w)[((i * kw + j) * ci + c2) * co + m];
                int64_t o = depthwise ? c2 * co + m : m, cin = depthwise ? 0 : c2;
                oihw[((o * Cg + cin) * kh + i) * kw + j] = v;
              }
        std::vector<std::string> in{nchw(c.getInput()),
                                    initializer(layer(op) + ".kernel", {M, Cg, kh, kw}, oihw)};
        if (c.getBias()) {
          auto b = valuesOf(c.getBias());
          if (mlir::failed(b))
            return mlir::failure();
          in.push_back(initializer(layer(op) + ".bias", {M}, *b));
        }
        std::string y = fresh(layer(op));
        auto &n = node("Conv", in, {y});
        window(n, c.getStrides(), c.getPadding());
        attr(n, "dilations", c.getDilation());
        attr(n, "kernel_shape", llvm::ArrayRef<int64_t>{kh, kw});
        if (depthwise)
          attr(n, "group", ci);
        if (auto g = llvm::dyn_cast<GroupedConv2DOp>(op))
          attr(n, "group", (int64_t)g.getGroups());
        held[result].nchw = fused(op, y);
        return mlir::success();
      })
      .Case([&](DenseOp d) {
        auto w = valuesOf(d.getKernel());
        if (mlir::failed(w))
          return mlir::failure();
        auto k = llvm::cast<mlir::RankedTensorType>(d.getKernel().getType()).getShape();
        std::string W = initializer(layer(op) + ".kernel", k, *w), y = fresh(layer(op));
        std::string x = nhwc(d.getInput());
        std::optional<std::string> bias;
        if (d.getBias()) {
          auto b = valuesOf(d.getBias());
          if (mlir::failed(b))
            return mlir::failure();
          bias = initializer(layer(op) + ".bias", {k[1]}, *b);
        }
        if (llvm::cast<mlir::RankedTensorType>(d.getInput().getType()).getRank() == 2) {
          std::vector<std::string> in{x, W};
          if (bias)
            in.push_back(*bias);
          node("Gemm", in, {y});
        } else if (bias) {
          std::string m = fresh(y + "_matmul");
          node("MatMul", {x, W}, {m});
          node("Add", {m, *bias}, {y});
        } else {
          node("MatMul", {x, W}, {y});
        }
        held[result].nhwc = fused(op, y);
        return mlir::success();
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](auto p) {
        std::string y = fresh(layer(op));
        auto &n = node(llvm::isa<MaxPool2DOp>(op) ? "MaxPool" : "AveragePool",
                       {nchw(p.getInput())}, {y});
        attr(n, "kernel_shape", p.getPoolSize());
        window(n, p.getStrides(), p.getPadding());
        held[result].nchw = y;
        return mlir::success();
      })
      .Case([&](GlobalAvgPool2DOp g) {
        std::string y = fresh(layer(op));
        node("GlobalAveragePool", {nchw(g.getInput())}, {y});
        if (g.getKeepdims()) {
          held[result].nchw = y;
        } else {
          std::string f = fresh(y + "_flat");
          attr(node("Flatten", {y}, {f}), "axis", int64_t(1));
          held[result].nhwc = f;
        }
        return mlir::success();
      })
      .Case([&](FlattenOp f) {
        std::string y = fresh(layer(op));
        attr(node("Flatten", {nhwc(f.getInput())}, {y}), "axis", int64_t(1));
        held[result].nhwc = y;
        return mlir::success();
      })
      .Case([&](ReshapeOp r) {
        llvm::SmallVector<int64_t> shape{0};
        shape.append(r.getShape().begin(), r.getShape().end());
        std::string y = fresh(layer(op));
        node("Reshape", {nhwc(r.getInput()), ints(shape)}, {y});
        held[result].nhwc = y;
        return mlir::success();
      })
      .Case([&](ActivationOp a) {
        bool image = !held[a.getInput()].nchw.empty() && a.getKind() != "softmax";
        std::string x = image ? nchw(a.getInput()) : nhwc(a.getInput());
        std::string y = activation(a.getKind(), a.getAlpha().convertToFloat(), x, op);
        (image ? held[result].nchw : held[result].nhwc) = y;
        return mlir::success();
      })
      .Case([&](RescalingOp r) {
        std::string x = nhwc(r.getInput()), y = fresh(layer(op)), s = fresh(y + "_scaled");
        node("Mul", {x, initializer("scale", {}, {r.getScale().convertToFloat()})}, {s});
        node("Add", {s, initializer("offset", {}, {r.getOffset().convertToFloat()})}, {y});
        held[result].nhwc = y;
        return mlir::success();
      })
      .Case([&](DropoutOp d) { // the identity in inference
        held[result] = held[d.getInput()];
        return mlir::success();
      })
      .Case([&](BatchNormOp bn) {
        bool image = llvm::cast<mlir::RankedTensorType>(bn.getInput().getType()).getRank() == 4;
        std::vector<std::string> in{image ? nchw(bn.getInput()) : nhwc(bn.getInput())};
        const char *names[] = {".gamma", ".beta", ".moving_mean", ".moving_variance"};
        mlir::Value params[] = {bn.getGamma(), bn.getBeta(), bn.getMovingMean(),
                                bn.getMovingVariance()};
        for (int i = 0; i < 4; ++i) {
          auto v = valuesOf(params[i]);
          if (mlir::failed(v))
            return mlir::failure();
          in.push_back(initializer(layer(op) + names[i], {(int64_t)v->size()}, *v));
        }
        std::string y = fresh(layer(op));
        auto &n = node("BatchNormalization", in, {y});
        attr(n, "epsilon", bn.getEpsilon().convertToFloat());
        attr(n, "momentum", bn.getMomentum().convertToFloat());
        (image ? held[result].nchw : held[result].nhwc) = y;
        return mlir::success();
      })
      .Case<AddOp, MergeOp, ConcatenateOp>([&](mlir::Operation *o) {
        bool image = true;
        for (mlir::Value v : o->getOperands())
          image = image && !held[v].nchw.empty();
        std::vector<std::string> in;
        for (mlir::Value v : o->getOperands())
          in.push_back(image ? nchw(v) : nhwc(v));
        std::string y = fresh(layer(o));
        if (auto c = llvm::dyn_cast<ConcatenateOp>(o)) {
          int64_t rank = llvm::cast<mlir::RankedTensorType>(result.getType()).getRank();
          int64_t axis = (int64_t)c.getAxis() < 0 ? (int64_t)c.getAxis() + rank : (int64_t)c.getAxis();
          static const int64_t kToNCHW[] = {0, 2, 3, 1}; // NHWC axis -> NCHW axis
          attr(node("Concat", in, {y}), "axis", image ? kToNCHW[axis] : axis);
        } else {
          llvm::StringRef kind = llvm::isa<AddOp>(o) ? "add" : llvm::cast<MergeOp>(o).getKind();
          llvm::StringRef type = llvm::StringSwitch<llvm::StringRef>(kind)
                                     .Case("add", "Sum").Case("multiply", "Mul")
                                     .Case("subtract", "Sub").Case("average", "Mean")
                                     .Case("maximum", "Max").Default("Min");
          if ((type == "Mul" || type == "Sub") && in.size() > 2) {
            o->emitError() << "--emit=onnx: " << kind << " of more than two inputs";
            return mlir::failure();
          }
          node(type, in, {y});
        }
        (image ? held[result].nchw : held[result].nhwc) = y;
        return mlir::success();
      })
      .Case([&](ZeroPadding2DOp z) {
        llvm::ArrayRef<int64_t> s = z.getSides(); // top, bottom, left, right
        std::string y = fresh(layer(op));
        node("Pad",
             {nchw(z.getInput()), ints({0, 0, s[0], s[2], 0, 0, s[1], s[3]}),
              initializer("pad_value", {}, {z.getValue().convertToFloat()})},
             {y});
        held[result].nchw = y;
        return mlir::success();
      })
      .Case([&](TransposeOp t) {
        std::string y = fresh(layer(op));
        attr(node("Transpose", {nhwc(t.getInput())}, {y}), "perm", t.getPerm());
        held[result].nhwc = y;
        return mlir::success();
      })
      .Default([&](mlir::Operation *o) {
        return o->emitError() << "--emit=onnx: " << o->getName() << " cannot be exported yet";
      });
}

mlir::LogicalResult Exporter::run(std::string &bytes) {
  auto forward = module.lookupSymbol<mlir::func::FuncOp>("forward");
  if (!forward)
    return module.emitError("the model has no @forward function");
  model.set_ir_version(7);
  model.set_producer_name("nnc");
  model.set_producer_version(NNC_VERSION);
  auto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  graph = model.mutable_graph();
  graph->set_name(module.getName() ? module.getName()->str() : "model");
  auto describe = [](onnx::ValueInfoProto *info, mlir::Type t) {
    auto *tt = info->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto shape = llvm::cast<mlir::RankedTensorType>(t).getShape();
    for (auto [i, d] : llvm::enumerate(shape)) {
      auto *dim = tt->mutable_shape()->add_dim();
      if (i == 0)
        dim->set_dim_param("N");
      else
        dim->set_dim_value(d);
    }
  };
  for (auto [i, arg] : llvm::enumerate(forward.getArguments())) {
    auto name = forward.getArgAttrOfType<mlir::StringAttr>(i, "nn.name");
    std::string n = fresh(name ? name.getValue() : "input");
    held[arg].nhwc = n;
    auto *info = graph->add_input();
    info->set_name(n);
    describe(info, arg.getType());
  }
  for (mlir::Operation &op : forward.getBody().front().without_terminator())
    if (mlir::failed(exportOp(&op)) || failed)
      return mlir::failure();
  auto ret = forward.getBody().front().getTerminator();
  for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
    auto name = forward.getResultAttrOfType<mlir::StringAttr>(i, "nn.name");
    std::string out = fresh(name ? name.getValue() : "output");
    node("Identity", {nhwc(v)}, {out});
    auto *info = graph->add_output();
    info->set_name(out);
    describe(info, v.getType());
  }
  bytes = model.SerializeAsString();
  return mlir::success();
}

} // namespace

mlir::LogicalResult exportOnnx(mlir::ModuleOp module, std::string &bytes) {
  return Exporter(module).run(bytes);
}

} // namespace nnc::onnxfe
