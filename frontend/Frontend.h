// Entry point of the .nn frontend: source text in, verified nn module out.
#ifndef NNC_FRONTEND_FRONTEND_H
#define NNC_FRONTEND_FRONTEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
}

namespace nnc::frontend {

/// Parses and evaluates the main buffer of `sourceMgr` as a .nn program and
/// returns the model it builds as a verified nn module. On error, reports a
/// diagnostic at the offending file:line:col and returns null.
mlir::OwningOpRef<mlir::ModuleOp> importNNFile(llvm::SourceMgr &sourceMgr,
                                               mlir::MLIRContext *ctx);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_FRONTEND_H
