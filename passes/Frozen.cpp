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
