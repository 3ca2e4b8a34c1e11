// The model's layer graph in Graphviz DOT.
#include "ir/ModelGraph.h"

#include "ir/ModelSummary.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace nnc::nn {

static std::string shapeOf(Type t) {
  return kerasShape(llvm::cast<RankedTensorType>(t).getShape());
}

/// DOT's record labels treat these as structure: escape them.
static std::string escape(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    if (llvm::StringRef("{}|<>\"\\").contains(c))
      out += '\\';
    out += c;
  }
  return out;
}

LogicalResult printGraph(ModuleOp module, llvm::raw_ostream &os) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return module.emitError("the model has no @forward function");
  llvm::DenseMap<Value, std::string> node;
  std::string name = module.getName() ? module.getName()->str() : "model";
  os << "digraph \"" << escape(name) << "\" {\n"
     << "  rankdir=TB;\n  node [shape=record, fontname=\"Helvetica\", fontsize=11];\n";
  auto record = [&](const std::string &id, llvm::StringRef label, llvm::StringRef cls,
                    llvm::StringRef in, llvm::StringRef out) {
    os << "  " << id << " [label=\"{" << escape(label) << ": " << escape(cls)
       << "|{input:|output:}|{" << escape(in) << "|" << escape(out) << "}}\"];\n";
  };
  for (auto [i, arg] : llvm::enumerate(forward.getArguments())) {
    std::string id = "input" + std::to_string(i);
    auto argName = forward.getArgAttrOfType<StringAttr>(i, "nn.name");
    std::string shape = "[" + shapeOf(arg.getType()) + "]";
    record(id, argName ? argName.str() : id, "InputLayer", shape, shape);
    node[arg] = id;
  }
  int count = 0;
  for (Operation &op : forward.getBody().front().without_terminator()) {
    if (llvm::isa<ReadOp>(op) || op.getNumResults() != 1)
      continue;
    std::string id = "layer" + std::to_string(count++);
    auto layer = op.getAttrOfType<StringAttr>("layer");
    std::string in;
    for (Value v : op.getOperands())
      if (node.count(v))
        in += (in.empty() ? "" : ", ") + shapeOf(v.getType());
    if (std::count(in.begin(), in.end(), '(') > 1)
      in = "[" + in + "]";
    record(id, layer ? layer.str() : id, kerasClassOf(&op), in, shapeOf(op.getResult(0).getType()));
    for (Value v : op.getOperands())
      if (auto it = node.find(v); it != node.end())
        os << "  " << it->second << " -> " << id << ";\n";
    node[op.getResult(0)] = id;
  }
  os << "}\n";
  return success();
}

} // namespace nnc::nn
