// What the two model fuzz targets (fuzz-frontend, fuzz-onnx) share: a long-lived MLIR
// context, and what nnc does with a model it accepted.
#ifndef NNC_FUZZ_FUZZMODEL_H
#define NNC_FUZZ_FUZZMODEL_H

#include "ir/ModelSummary.h"
#include "ir/NNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace nnc::fuzz {

/// The context for the next input. A context interns every name and attribute it sees
/// for its whole life: a fresh one every 256 inputs keeps a long run's memory flat.
inline mlir::MLIRContext &nextContext() {
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<mlir::MLIRContext>(mlir::MLIRContext::Threading::DISABLED);
    context->loadDialect<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  }
  return *context;
}

/// An accepted model: its summary and the -O2 pipeline. What the passes accept must
/// verify: anything else is a bug in a pass.
inline void checkAccepted(mlir::ModuleOp module, llvm::raw_ostream &os) {
  (void)nnc::nn::printSummary(module, os);
  if (mlir::succeeded(nnc::passes::optimize(module, 2)) && mlir::failed(mlir::verify(module)))
    __builtin_trap();
}

} // namespace nnc::fuzz

#endif // NNC_FUZZ_FUZZMODEL_H
