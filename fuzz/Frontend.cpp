// libFuzzer target: the .nn frontend (lexer, parser, evaluator of the Keras subset, nn
// dialect emission and verification), then what nnc does next with a model it accepted:
// the summary and the -O2 pipeline (autodiff, fusion passes).
#include "frontend/Frontend.h"
#include "fuzz/FuzzModel.h"
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
  mlir::MLIRContext &context = nnc::fuzz::nextContext();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.nn"),
      llvm::SMLoc());
  // Render every diagnostic (the message path is code under test too), then drop it.
  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);
  mlir::OwningOpRef<mlir::ModuleOp> module = nnc::frontend::importNNFile(sourceMgr, &context);
  if (!module)
    return 0;
  nnc::fuzz::checkAccepted(*module, os);
  return 0;
}
