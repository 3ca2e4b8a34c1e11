// The LLVM-dialect module the host code is built in, with the helpers every part of
// it uses: function declarations, constant globals, integer constants.
#ifndef NNC_CODEGEN_HOSTBUILDER_H
#define NNC_CODEGEN_HOSTBUILDER_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace nnc::codegen {

struct HostBuilder {
  HostBuilder(mlir::MLIRContext *ctx, const std::string &name);

  mlir::MLIRContext *ctx;
  mlir::OpBuilder b;
  mlir::Location loc;
  std::string name; // the C prefix of the output
  mlir::Type ptr, i64, i32;
  mlir::ModuleOp module;

  /// The declaration of external function `sym` (created once).
  mlir::LLVM::LLVMFuncOp declare(llvm::StringRef sym, mlir::Type result,
                                 llvm::ArrayRef<mlir::Type> args);
  mlir::LLVM::GlobalOp constantArray(llvm::ArrayRef<int64_t> values);
  mlir::LLVM::GlobalOp constantString(llvm::StringRef bytes);
  /// A 64-byte aligned constant float array.
  mlir::LLVM::GlobalOp constantFloats(llvm::ArrayRef<float> values);
  mlir::Value constant(mlir::Type t, int64_t v);

private:
  llvm::StringMap<mlir::LLVM::LLVMFuncOp> decls;
  int globals = 0;
};

} // namespace nnc::codegen

#endif
