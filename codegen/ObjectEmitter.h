// LLVM-dialect module -> LLVM IR -> native object file (LLVM 19 TargetMachine).
#ifndef NNC_CODEGEN_OBJECTEMITTER_H
#define NNC_CODEGEN_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace nnc::codegen {

/// Translates `host` to LLVM IR, optimises it, and writes an object file for the
/// host CPU to `path` (position-independent). With `llvmIR`, also returns the IR.
mlir::LogicalResult emitObject(mlir::ModuleOp host, const std::string &path,
                               std::string *llvmIR = nullptr);

} // namespace nnc::codegen

#endif
