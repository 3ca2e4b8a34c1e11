// LLVM-dialect module -> LLVM IR -> native object file (LLVM 19 TargetMachine).
#ifndef NNC_CODEGEN_OBJECTEMITTER_H
#define NNC_CODEGEN_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace nnc::codegen {

/// Translates `host` to LLVM IR and writes an object file (or, with `assembly`,
/// assembly text) to `path`, position-independent, for this CPU or, when
/// `portable`, for baseline x86-64. With `llvmIR`, also returns the IR.
mlir::LogicalResult emitObject(mlir::ModuleOp host, const std::string &path,
                               std::string *llvmIR = nullptr, bool assembly = false,
                               bool portable = false);

} // namespace nnc::codegen

#endif
