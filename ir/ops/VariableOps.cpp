// Variable, read and assign: verifiers and symbol checks.
#include "ir/NNOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace nnc::nn {

static const llvm::StringRef kInitializers[] = {
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
    "lecun_uniform",  "lecun_normal",  "zeros",      "ones"};

LogicalResult VariableOp::verify() {
  if (!llvm::is_contained(kInitializers, getInit()))
    return emitOpError("unknown initializer \"") << getInit() << "\"";
  auto type = llvm::cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return emitOpError("variable shapes must be static, got ") << type;
  if (getRole() != "weight" && getRole() != "slot" && getRole() != "iterations")
    return emitOpError("role must be weight, slot or iterations, got \"") << getRole() << "\"";
  if (auto value = getValueAttr(); value && value.getShapedType() != llvm::cast<ShapedType>(type))
    return emitOpError("value of type ") << value.getShapedType() << " for a variable of type "
                                         << type;
  return success();
}

/// Finds the variable `ref` names and checks its type against `type`.
static LogicalResult checkVariableUse(Operation *op, FlatSymbolRefAttr ref,
                                      Type type,
                                      SymbolTableCollection &symbols) {
  auto var = symbols.lookupNearestSymbolFrom<VariableOp>(op, ref);
  if (!var)
    return op->emitOpError("no nn.variable named ") << ref;
  if (var.getType() != type)
    return op->emitOpError("type ")
           << type << " does not match variable " << ref << " of type "
           << var.getType();
  return success();
}

LogicalResult ReadOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return checkVariableUse(*this, getVariableAttr(), getValue().getType(),
                          symbols);
}

LogicalResult AssignOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return checkVariableUse(*this, getVariableAttr(), getValue().getType(),
                          symbols);
}

} // namespace nnc::nn
