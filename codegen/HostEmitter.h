// Host code of an inference build: the forward pass as calls of the kernels, the model
// descriptor, and the exported NAME_* C functions, in MLIR's LLVM dialect.
#ifndef NNC_CODEGEN_HOSTEMITTER_H
#define NNC_CODEGEN_HOSTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nnc::codegen {

struct Kernel;

struct InferenceBuild {
  std::string name; // the C prefix of every exported function
  mlir::OwningOpRef<mlir::ModuleOp> host;
  /// Kernels to compile: (symbol, kernel); the host calls symbol_argv.
  std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> kernels;
  int64_t inputSize = 0, outputSize = 0; // floats per sample
  int64_t arenaFloats = 0;               // per sample
  int64_t paramCount = 0;
};

/// Plans buffers for `model`'s @forward and emits the host module. `name` must be
/// a C identifier. With `exeSummary`, also emits nnrt_exe_program() for the
/// standalone executable's main, whose `summary` subcommand prints that text.
/// Fails with a diagnostic on what it cannot compile yet.
mlir::FailureOr<InferenceBuild> buildInference(mlir::ModuleOp model, const std::string &name,
                                               const std::string *exeSummary = nullptr);

/// The C header declaring NAME's functions and size macros.
std::string inferenceHeader(const InferenceBuild &build);

} // namespace nnc::codegen

#endif
