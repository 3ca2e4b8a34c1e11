// libFuzzer target: the ONNX importer (protobuf parsing, initializer decoding, the graph
// walk, shape-subgraph folding, every converter and the nn ops' shape inference), then
// what nnc does next with a model it accepted: the summary and the -O2 pipeline.
#include "fuzz/FuzzModel.h"
#include "onnx/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = nnc::fuzz::nextContext();
  std::string sink;
  llvm::raw_string_ostream os(sink);
  mlir::ScopedDiagnosticHandler drop(&context, [&](mlir::Diagnostic &d) {
    os << d.str(); // render the message (code under test), then drop it
    return mlir::success();
  });
  // External data resolves under a folder that does not exist: no file is read.
  mlir::OwningOpRef<mlir::ModuleOp> module = nnc::onnxfe::importOnnxBytes(
      std::string(reinterpret_cast<const char *>(data), size), "/nonexistent/fuzz.onnx",
      &context, os);
  if (!module)
    return 0;
  if (mlir::failed(mlir::verify(*module)))
    __builtin_trap(); // the importer returned a module that does not verify
  nnc::fuzz::checkAccepted(*module, os);
  return 0;
}
