// Building an output file from an nn module: kernels, host code, runtime, link, header.
#ifndef NNC_CODEGEN_BUILD_H
#define NNC_CODEGEN_BUILD_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace nnc::codegen {

struct BuildOptions {
  std::string output;          // NAME.so (a shared library) or NAME (an executable)
  std::string target = "host"; // Halide target of the kernels
  bool timeReport = false;     // print phase times and the output size
  unsigned optLevel = 2;       // -O the module was optimised at: 2 also plans the arena
  std::string summary;         // the executable's `summary` text (the model as written)
  bool cache = true;           // kernels from / into the kernel cache (--no-cache: false)
};

/// The C prefix of an output: its file stem with every non-identifier character
/// replaced by '_' ("fashion-cnn.so" -> "fashion_cnn").
std::string outputName(const std::string &path);

/// Every function below takes a module the driver has run the -O pipeline on
/// (passes::optimize): the code generator runs no pass.

/// Compiles `model` into options.output (a shared library when it ends in .so,
/// else a standalone executable with predict/summary subcommands) plus NAME.h
/// beside it. Both appear only when everything succeeded (written, then renamed).
mlir::LogicalResult buildOutput(mlir::ModuleOp model, const BuildOptions &options);

/// Host code only: the LLVM IR text (--emit=llvm) or an object file (--emit=obj).
mlir::LogicalResult emitHostLLVM(mlir::ModuleOp model, const std::string &name, std::string &ir);
mlir::LogicalResult emitHostObject(mlir::ModuleOp model, const std::string &name,
                                   const std::string &path);
/// Every kernel's Halide lowered statement (--emit=halide) or the host code's and
/// every kernel's assembly (--emit=asm).
mlir::LogicalResult emitKernelText(mlir::ModuleOp model, const std::string &name,
                                   const std::string &target, bool assembly, std::string &text);
/// The C header of the output `name` (--emit=header).
mlir::LogicalResult emitHeader(mlir::ModuleOp model, const std::string &name, std::string &text,
                               unsigned optLevel = 2);
/// The memory plan's lines for --emit=summary ("" when the model cannot be compiled).
/// `asWritten`: the same model through the -O0 pipeline (unfused, for comparison),
/// or null.
std::string memorySummary(mlir::ModuleOp model, mlir::ModuleOp asWritten, unsigned optLevel = 2);

} // namespace nnc::codegen

#endif
