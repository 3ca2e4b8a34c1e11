// libFuzzer target: the ONNX importer (protobuf parsing, initializer decoding, the graph
// walk, shape-subgraph folding, every converter and the nn ops' shape inference), then
// what nnc does next with a model it accepted: the summary and the -O2 pipeline.
#include "ir/ModelSummary.h"
#include "ir/NNDialect.h"
#include "onnx/Import.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context every 256 inputs keeps a long run's interned names bounded.
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<mlir::MLIRContext>(mlir::MLIRContext::Threading::DISABLED);
    context->loadDialect<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  }
  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlir::ScopedDiagnosticHandler drop(context.get(), [&](mlir::Diagnostic &d) {
    os << d.str(); // render the message (code under test), then drop it
    return mlir::success();
  });
  // External data resolves under a folder that does not exist: no file is read.
  mlir::OwningOpRef<mlir::ModuleOp> module = nnc::onnxfe::importOnnxBytes(
      std::string(reinterpret_cast<const char *>(data), size), "/nonexistent/fuzz.onnx",
      context.get(), os);
  if (!module)
    return 0;
  if (mlir::failed(mlir::verify(*module)))
    __builtin_trap(); // the importer returned a module that does not verify
  std::string summary;
  llvm::raw_string_ostream out(summary);
  (void)nnc::nn::printSummary(*module, out);
  (void)nnc::passes::optimize(*module, 2);
  return 0;
}
