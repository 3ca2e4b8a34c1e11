// The ONNX graph walk (see Importer.h): initializers, inputs, nodes in dependency
// order, outputs; layout conversion between ONNX's NCHW and the kernels' NHWC.
#include "onnx/Importer.h"

#include "ir/CreateOp.h"
#include "ir/NNOps.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <deque>
#include <stdexcept>

namespace nnc::onnxfe {

void fail(const std::string &message) { throw ImportError{message}; }

namespace {

constexpr int64_t kMinOpset = 6, kMaxOpset = 17;

/// ONNX dimension (kBatchDim for the batch) to the nn type's (dynamic).
int64_t toNN(int64_t d) { return d == kBatchDim ? mlir::ShapedType::kDynamic : d; }

/// The supported op types, sorted, for the unsupported-op message.
std::string supportedList() {
  std::vector<std::string> ops;
  for (auto table : {computeConverters(), elementwiseConverters(), shapeConverters()})
    for (const OpConverter &c : table)
      ops.push_back(c.opType);
  std::sort(ops.begin(), ops.end());
  return fmt::format("{}", fmt::join(ops, ", "));
}

} // namespace

Importer::Importer(mlir::MLIRContext *ctx, std::string path)
    : ctx(ctx), path(std::move(path)), b(ctx), vars(ctx) {
  dir = llvm::sys::path::parent_path(this->path).str();
}

std::string Importer::uniqueName(llvm::StringRef base) {
  std::string name = base.empty() ? "tensor" : base.str();
  int &n = names[name];
  std::string unique = n == 0 ? name : fmt::format("{}_{}", name, n);
  ++n;
  return unique;
}

std::vector<const onnx::NodeProto *> Importer::sortNodes(const onnx::ModelProto &model) {
  const onnx::GraphProto &g = model.graph();
  llvm::StringMap<int> producer;
  for (int k = 0; k < g.node_size(); ++k)
    for (const std::string &out : g.node(k).output())
      if (!out.empty())
        producer[out] = k;
  std::vector<std::vector<int>> readers(g.node_size());
  std::vector<int> waiting(g.node_size(), 0);
  for (int k = 0; k < g.node_size(); ++k)
    for (const std::string &in : g.node(k).input()) {
      if (in.empty() || values.count(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        fail(fmt::format("node '{}' ({}) reads '{}', which no node, graph input or "
                         "initializer defines",
                         g.node(k).name(), g.node(k).op_type(), in));
      readers[it->second].push_back(k);
      ++waiting[k];
    }
  std::deque<int> ready;
  for (int k = 0; k < g.node_size(); ++k)
    if (waiting[k] == 0)
      ready.push_back(k);
  std::vector<const onnx::NodeProto *> order;
  while (!ready.empty()) {
    int k = ready.front();
    ready.pop_front();
    order.push_back(&g.node(k));
    for (int r : readers[k])
      if (--waiting[r] == 0)
        ready.push_back(r);
  }
  if ((int)order.size() != g.node_size()) {
    std::vector<std::string> stuck;
    for (int k = 0; k < g.node_size() && stuck.size() < 5; ++k)
      if (waiting[k] > 0)
        stuck.push_back(fmt::format("'{}' ({})", g.node(k).name(), g.node(k).op_type()));
    fail(fmt::format("the graph has a cycle: nodes {} wait on each other",
                     fmt::join(stuck, ", ")));
  }
  return order;
}

mlir::OwningOpRef<mlir::ModuleOp> Importer::run(const onnx::ModelProto &model) {
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opsetVersion = o.version();
  if (opsetVersion == 0)
    fail("the model imports no version of the default ONNX opset (ai.onnx)");
  if (opsetVersion < kMinOpset || opsetVersion > kMaxOpset)
    fail(fmt::format("opset {} is not supported: nnc imports opsets {} to {} (re-export with "
                     "torch.onnx.export(..., opset_version=13) or onnx.version_converter)",
                     opsetVersion, kMinOpset, kMaxOpset));
  if (!model.has_graph())
    fail("the file holds no graph (an empty or truncated ModelProto)");
  const onnx::GraphProto &g = model.graph();
  if (g.sparse_initializer_size() > 0)
    fail("sparse initializers are not supported");

  std::string name = g.name().empty() ? "model" : g.name();
  mlir::Location fileLoc = mlir::FileLineColLoc::get(b.getStringAttr(path), 0, 0);
  module = mlir::ModuleOp::create(fileLoc, llvm::StringRef(name));
  mlir::OwningOpRef<mlir::ModuleOp> owned(module);

  for (const onnx::TensorProto &t : g.initializer()) {
    Tensor tensor = constant(decodeTensor(t, dir));
    tensor.initializer = t.name();
    values[t.name()] = std::move(tensor);
  }

  // Graph inputs (those not initialized) become the forward function's arguments:
  // the first dimension is the batch, every other one fixed.
  llvm::SmallVector<mlir::Type> argTypes;
  llvm::SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &in : g.input()) {
    if (values.count(in.name()))
      continue;
    const auto &type = in.type();
    if (!type.has_tensor_type())
      fail(fmt::format("graph input '{}' is not a tensor (sequences and maps are not "
                       "supported)", in.name()));
    if (type.tensor_type().elem_type() != onnx::TensorProto::FLOAT)
      fail(fmt::format("graph input '{}' has element type {}, which is not supported: nnc "
                       "models take float inputs",
                       in.name(),
                       onnx::TensorProto::DataType_Name(type.tensor_type().elem_type())));
    if (!type.tensor_type().has_shape() || type.tensor_type().shape().dim_size() < 2)
      fail(fmt::format("graph input '{}' has no shape or fewer than 2 dimensions, which is "
                       "not supported: nnc needs the batch first and a sample of at least "
                       "one more dimension",
                       in.name()));
    std::vector<int64_t> shape;
    llvm::SmallVector<int64_t> nnShape;
    for (int d = 0; d < type.tensor_type().shape().dim_size(); ++d) {
      const auto &dim = type.tensor_type().shape().dim(d);
      if (d == 0) {
        shape.push_back(kBatchDim);
        nnShape.push_back(mlir::ShapedType::kDynamic);
        continue;
      }
      if (!dim.has_dim_value() || dim.dim_value() <= 0)
        fail(fmt::format("graph input '{}' has a dynamic dimension {} ('{}'): only the first "
                         "(batch) dimension may be dynamic; export with fixed sizes",
                         in.name(), d, dim.dim_param()));
      shape.push_back(dim.dim_value());
      nnShape.push_back(dim.dim_value());
    }
    argTypes.push_back(mlir::RankedTensorType::get(nnShape, b.getF32Type()));
    argNames.push_back(in.name());
    Tensor t;
    t.shape = shape;
    values[in.name()] = t; // the value is set once the function exists
  }
  if (argTypes.empty())
    fail("the graph has no inputs that are not initializers");

  auto forward = mlir::func::FuncOp::create(fileLoc, "forward",
                                             b.getFunctionType(argTypes, {}));
  module.push_back(forward);
  mlir::Block *body = forward.addEntryBlock();
  b.setInsertionPointToStart(body);
  vars.setInsertionPoint(forward);
  for (auto [k, argName] : llvm::enumerate(argNames)) {
    values[argName].value = body->getArgument(k);
    forward.setArgAttr(k, "nn.name", b.getStringAttr(argName));
  }

  for (const onnx::NodeProto &n : g.node())
    for (const std::string &in : n.input())
      ++uses[in];
  for (const onnx::ValueInfoProto &out : g.output())
    ++uses[out.name()];

  std::string diagnostics;
  mlir::ScopedDiagnosticHandler capture(ctx, [&](mlir::Diagnostic &d) {
    diagnostics += d.str();
    return mlir::success();
  });
  this->diagnostics = &diagnostics;
  for (const onnx::NodeProto *n : sortNodes(model))
    importNode(*n);
  current = nullptr;

  llvm::SmallVector<mlir::Value> results;
  for (const onnx::ValueInfoProto &out : g.output()) {
    auto it = values.find(out.name());
    if (it == values.end())
      fail(fmt::format("graph output '{}' is not produced by any node", out.name()));
    if (it->second.isConstant())
      fail(fmt::format("graph output '{}' is a constant: it does not depend on the inputs",
                       out.name()));
    results.push_back(asOnnx(it->second));
  }
  b.create<mlir::func::ReturnOp>(fileLoc, results);
  forward.setType(b.getFunctionType(argTypes, mlir::ValueRange(results).getTypes()));
  for (auto [k, out] : llvm::enumerate(g.output()))
    forward.setResultAttr(k, "nn.name", b.getStringAttr(out.name()));
  if (mlir::failed(mlir::verify(module)))
    fail("the imported module does not verify: " + diagnostics);
  return owned;
}

void Importer::importNode(const onnx::NodeProto &n) {
  current = &n;
  std::string label = n.name().empty() ? n.op_type() : n.name();
  b.setInsertionPointToEnd(b.getInsertionBlock());
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    fail(fmt::format("node '{}' ({}) is in domain '{}': only the default ONNX domain is "
                     "supported",
                     label, n.op_type(), n.domain()));
  for (auto table : {computeConverters(), elementwiseConverters(), shapeConverters()})
    for (const OpConverter &c : table)
      if (n.op_type() == c.opType) {
        if (n.output_size() == 0 || n.output(0).empty())
          fail(fmt::format("node '{}' ({}) has no output", label, n.op_type()));
        try {
          c.convert(*this);
        } catch (ImportError &e) {
          e.message = fmt::format("node '{}' ({}, opset {}): {}", label, n.op_type(),
                                  opsetVersion, e.message);
          throw;
        } catch (const std::exception &e) { // a list or tensor shorter than the op reads
          throw ImportError{fmt::format("node '{}' ({}, opset {}): malformed: {}", label,
                                        n.op_type(), opsetVersion, e.what())};
        }
        return;
      }
  fail(fmt::format("node '{}': unsupported op {} (opset {}); nnc supports {}", label,
                   n.op_type(), opsetVersion, supportedList()));
}

void Importer::convertAs(const onnx::NodeProto &n, void (*convert)(Importer &)) {
  const onnx::NodeProto *saved = current;
  current = &n;
  convert(*this);
  current = saved;
}

Tensor &Importer::lookup(const std::string &name) {
  auto it = values.find(name);
  if (it == values.end())
    fail(fmt::format("no value named '{}'", name));
  return it->second;
}

// ---- inputs, outputs, attributes ----

bool Importer::hasInput(int i) const {
  return i < current->input_size() && !current->input(i).empty();
}

int Importer::numInputs() const { return current->input_size(); }

Tensor &Importer::input(int i) {
  if (!hasInput(i))
    fail(fmt::format("input {} is missing", i));
  return values.find(current->input(i))->second;
}

const Constant &Importer::constantInput(int i, llvm::StringRef what) {
  Tensor &t = input(i);
  if (!t.isConstant())
    fail(fmt::format("{} ('{}') must be a constant (an initializer or computed from "
                     "shapes); nnc does not support it computed at run time",
                     what.str(), current->input(i)));
  return *t.constant;
}

void Importer::setOutput(int i, Tensor t) {
  if (i < current->output_size() && !current->output(i).empty())
    values[current->output(i)] = std::move(t);
}

bool Importer::outputUsed(int i) const {
  return i < current->output_size() && !current->output(i).empty() &&
         uses.lookup(current->output(i)) > 0;
}

const onnx::AttributeProto *Importer::attr(llvm::StringRef name) const {
  for (const auto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool Importer::hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }

int64_t Importer::attrInt(llvm::StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float Importer::attrFloat(llvm::StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string Importer::attrString(llvm::StringRef name, llvm::StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::vector<int64_t> Importer::attrInts(llvm::StringRef name) const {
  const auto *a = attr(name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

std::vector<float> Importer::attrFloats(llvm::StringRef name) const {
  const auto *a = attr(name);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : std::vector<float>{};
}

Constant Importer::attrTensor(llvm::StringRef name) const {
  const auto *a = attr(name);
  if (!a || !a->has_t())
    fail(fmt::format("attribute '{}' is not a tensor", name.str()));
  return decodeTensor(a->t(), dir);
}

// ---- building ----

mlir::Value Importer::op(llvm::StringRef name, mlir::ValueRange operands,
                         llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  std::string label = !current                ? std::string("outputs")
                      : current->name().empty() ? current->op_type()
                                                : current->name();
  mlir::Location at = mlir::NameLoc::get(b.getStringAttr(label));
  diagnostics->clear();
  llvm::SmallVector<mlir::NamedAttribute> all(attrs.begin(), attrs.end());
  all.push_back(str("layer", label));
  mlir::Operation *created = nn::createInferred(b, at, name, operands, all);
  if (!created)
    fail(*diagnostics);
  return created->getResult(0);
}

Tensor Importer::computed(mlir::Value v, bool nhwc) const {
  Tensor t;
  t.value = v;
  t.nhwc = nhwc;
  auto type = llvm::cast<mlir::RankedTensorType>(v.getType());
  for (int64_t d : type.getShape())
    t.shape.push_back(mlir::ShapedType::isDynamic(d) ? kBatchDim : d);
  if (nhwc) // [N, H, W, C] held, [N, C, H, W] meant
    t.shape = {t.shape[0], t.shape[3], t.shape[1], t.shape[2]};
  return t;
}

Tensor Importer::constant(Constant c) {
  Tensor t;
  t.shape = c.shape;
  t.constant = std::make_shared<const Constant>(std::move(c));
  return t;
}

mlir::Value Importer::variable(llvm::StringRef base, llvm::ArrayRef<int64_t> shape,
                               std::vector<float> values, bool trainable) {
  auto type = mlir::RankedTensorType::get(shape, b.getF32Type());
  std::string sym = uniqueName(base);
  mlir::Location at = mlir::NameLoc::get(b.getStringAttr(sym));
  vars.create<nn::VariableOp>(
      at, sym, type, "zeros", trainable, "weight",
      mlir::DenseElementsAttr::get(type, llvm::ArrayRef<float>(values)));
  return b.create<nn::ReadOp>(at, type, sym);
}

mlir::Value Importer::weightOf(const Tensor &t, bool trainable) {
  if (!t.isConstant())
    fail("expected a constant weight");
  std::string key = t.initializer + (trainable ? "" : "#frozen");
  if (!t.initializer.empty())
    if (mlir::Value v = weights.lookup(key))
      return v;
  bool fromInitializer = !t.initializer.empty();
  mlir::Value v = variable(fromInitializer ? t.initializer : "const", t.shape,
                           t.constant->floats(), trainable && fromInitializer);
  if (fromInitializer)
    weights[key] = v;
  return v;
}

mlir::Value Importer::asOnnx(Tensor &t) {
  if (t.isConstant())
    fail("a constant where a computed tensor is expected");
  if (!t.nhwc)
    return t.value;
  if (!t.otherLayout)
    t.otherLayout = op("transpose", {t.value}, {i64s("perm", {0, 3, 1, 2})});
  return t.otherLayout;
}

mlir::Value Importer::asNHWC(Tensor &t) {
  if (t.isConstant())
    fail("a constant where a computed image is expected");
  if (t.rank() != 4)
    fail(fmt::format("expected a 4-D (N, C, H, W) input, got rank {}", t.rank()));
  if (t.nhwc)
    return t.value;
  if (!t.otherLayout)
    t.otherLayout = op("transpose", {t.value}, {i64s("perm", {0, 2, 3, 1})});
  return t.otherLayout;
}

mlir::NamedAttribute Importer::i64(llvm::StringRef name, int64_t v) {
  return b.getNamedAttr(name, b.getI64IntegerAttr(v));
}
mlir::NamedAttribute Importer::i64s(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
  return b.getNamedAttr(name, b.getDenseI64ArrayAttr(v));
}
mlir::NamedAttribute Importer::f32(llvm::StringRef name, float v) {
  return b.getNamedAttr(name, b.getF32FloatAttr(v));
}
mlir::NamedAttribute Importer::str(llvm::StringRef name, llvm::StringRef v) {
  return b.getNamedAttr(name, b.getStringAttr(v));
}
mlir::NamedAttribute Importer::boolean(llvm::StringRef name, bool v) {
  return b.getNamedAttr(name, b.getBoolAttr(v));
}

} // namespace nnc::onnxfe
