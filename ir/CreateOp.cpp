// Creation of an nn op by name with inferred result types (see CreateOp.h).
#include "ir/CreateOp.h"

#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <cassert>

namespace nnc::nn {

mlir::Operation *createInferred(mlir::OpBuilder &b, mlir::Location at, llvm::StringRef name,
                                mlir::ValueRange operands,
                                llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  mlir::MLIRContext *ctx = b.getContext();
  mlir::OperationState state(at, ("nn." + name).str());
  state.addOperands(operands);
  state.addAttributes(attrs);
  auto info = state.name.getRegisteredInfo();
  assert(info && "unregistered nn op");
  info->populateDefaultAttrs(state.attributes);
  auto *infer = info->getInterface<mlir::InferTypeOpInterface>();
  assert(infer && "nn layer ops infer their result types");
  llvm::SmallVector<mlir::Type> types;
  if (mlir::failed(infer->inferReturnTypes(ctx, at, state.operands,
                                           state.attributes.getDictionary(ctx),
                                           state.getRawProperties(), state.regions, types)))
    return nullptr;
  state.addTypes(types);
  mlir::Operation *op = b.create(state);
  if (mlir::failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return nullptr;
  }
  return op;
}

} // namespace nnc::nn
