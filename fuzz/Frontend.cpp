// libFuzzer target: the .nn frontend (lexer, parser, evaluator of the Keras subset, nn
// dialect emission and verification), then what nnc does next with a model it accepted:
// the summary and the -O2 pipeline (autodiff, fusion passes).
#include "frontend/Frontend.h"
#include "ir/ModelSummary.h"
#include "ir/NNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context interns every name and attribute it sees for its whole life: a fresh one
  // every 256 inputs keeps a long run's memory flat.
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<mlir::MLIRContext>(mlir::MLIRContext::Threading::DISABLED);
    context->loadDialect<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.nn"),
      llvm::SMLoc());
  // Render every diagnostic (the message path is code under test too), then drop it.
  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, context.get(), os);
  mlir::OwningOpRef<mlir::ModuleOp> module = nnc::frontend::importNNFile(sourceMgr, context.get());
  if (!module)
    return 0;
  (void)nnc::nn::printSummary(*module, os);
  // What the passes accept must verify: anything else is a bug in a pass.
  if (mlir::succeeded(nnc::passes::optimize(*module, 2)) && mlir::failed(mlir::verify(*module)))
    __builtin_trap();
  return 0;
}
