// Frozen-weight helpers of the folding passes.
#include "passes/Frozen.h"

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace nnc::passes {

namespace {

nn::VariableOp variableOf(Value v) {
  auto read = v ? v.getDefiningOp<nn::ReadOp>() : nn::ReadOp();
  if (!read)
    return {};
  return SymbolTable::lookupNearestSymbolFrom<nn::VariableOp>(read, read.getVariableAttr());
}

} // namespace

std::optional<std::vector<double>> frozenValues(Value v) {
  nn::VariableOp var = variableOf(v);
  if (!var || !var.getValueAttr())
    return std::nullopt;
  std::vector<double> values;
  for (float f : var.getValueAttr().getValues<float>())
    values.push_back(f);
  return values;
}

StringRef variableName(Value v) {
  nn::VariableOp var = variableOf(v);
  return var ? var.getSymName() : StringRef();
}

Value newFrozen(Operation *at, StringRef base, RankedTensorType type,
                const std::vector<double> &values) {
  auto module = at->getParentOfType<ModuleOp>();
  std::vector<float> data(values.begin(), values.end());
  auto value = DenseElementsAttr::get(type, ArrayRef<float>(data));
  // The same fold in another function (@forward and @evaluate) shares the variable:
  // attributes are uniqued, so equal values are the same attribute.
  std::string name;
  for (auto var : module.getOps<nn::VariableOp>())
    if (var.getValueAttr() == value && var.getSymName().starts_with(base))
      name = var.getSymName().str();
  OpBuilder b(module.getContext());
  if (name.empty()) {
    name = base.str();
    for (int i = 2; SymbolTable::lookupSymbolIn(module, name); ++i)
      name = base.str() + "_" + std::to_string(i);
    b.setInsertionPointToStart(module.getBody());
    // After the last variable: the descriptor keeps the model's own tensors first.
    for (auto var : module.getOps<nn::VariableOp>())
      b.setInsertionPointAfter(var);
    b.create<nn::VariableOp>(at->getLoc(), name, type, "zeros", false, "weight", value);
  }
  b.setInsertionPoint(at);
  return b.create<nn::ReadOp>(at->getLoc(), type, name);
}

std::optional<LayerValues> frozenLayer(Value kernel, Value bias) {
  auto k = frozenValues(kernel);
  std::optional<std::vector<double>> b = bias ? frozenValues(bias) : std::vector<double>();
  if (!k || !b)
    return std::nullopt;
  if (b->empty())
    b->assign((size_t)llvm::cast<RankedTensorType>(kernel.getType()).getShape().back(), 0.0);
  return LayerValues{std::move(*k), std::move(*b)};
}

void setFrozenLayer(Operation *layer, const LayerValues &values, StringRef suffix) {
  Value kernel = layer->getOperand(1);
  auto kType = llvm::cast<RankedTensorType>(kernel.getType());
  auto bType = RankedTensorType::get({kType.getShape().back()}, kType.getElementType());
  StringRef name = variableName(kernel);
  std::string base = name.substr(0, name.rfind('.')).str();
  layer->setOperand(1, newFrozen(layer, name.str() + "/" + suffix.str(), kType, values.kernel));
  Value bias = newFrozen(layer, base + ".bias/" + suffix.str(), bType, values.bias);
  if (layer->getNumOperands() > 2)
    layer->setOperand(2, bias);
  else
    layer->insertOperands(2, bias);
}

void eraseUnusedFrozen(ModuleOp module) {
  SmallVector<nn::ReadOp> reads; // reads left unused by a fold
  module.walk([&](nn::ReadOp r) {
    if (r.use_empty())
      reads.push_back(r);
  });
  for (nn::ReadOp r : reads)
    r.erase();
  SmallVector<nn::VariableOp> dead;
  for (auto var : module.getOps<nn::VariableOp>())
    if (var.getValueAttr() && SymbolTable::symbolKnownUseEmpty(var, module))
      dead.push_back(var);
  for (auto var : dead)
    var.erase();
}

} // namespace nnc::passes
