// Entry point of the ONNX frontend: a .onnx file in, a verified nn module out.
#ifndef NNC_ONNX_IMPORT_H
#define NNC_ONNX_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace nnc::onnxfe {

/// Reads the ONNX model at `path` (external data from its folder) and returns it
/// as an inference nn module (@forward, initializers as variables with values).
/// On error prints `path: error: ...` naming the node, and returns null.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path, mlir::MLIRContext *ctx);

/// The same for a model already in memory (`bytes`), named `path` in messages and
/// read for external data relative to it; errors go to `errors`.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBytes(const std::string &bytes, llvm::StringRef path,
                                                  mlir::MLIRContext *ctx,
                                                  llvm::raw_ostream &errors);

} // namespace nnc::onnxfe

#endif // NNC_ONNX_IMPORT_H
