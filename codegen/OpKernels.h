// Lowering of one nn op to a Halide kernel plus the buffer shapes its call takes.
#ifndef NNC_CODEGEN_OPKERNELS_H
#define NNC_CODEGEN_OPKERNELS_H

#include "mlir/IR/Operation.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::codegen {

struct Kernel;

/// How the forward pass runs one op.
struct OpLowering {
  enum class Kind {
    Kernel, // call `kernel` on operands then the result
    Alias,  // the result is operand 0's memory (Flatten, Reshape, Dropout and
            // augmentation layers at inference)
  } kind = Kind::Alias;
  std::shared_ptr<Kernel> kernel;
  /// The kernel's tensors, in call order: the op's operands used, then its results.
  std::vector<mlir::Value> tensors;
  /// Per tensor: its Halide extents innermost first; -k stands for k * batch.
  std::vector<std::vector<int64_t>> extents;
  /// An operand whose memory the (single) result may take over when the operand dies
  /// here: the kernel is pointwise in it (each output element reads only the same
  /// element of it). -1: none.
  int inPlace = -1;
};

/// Lowers `op` (an nn op of @forward, @evaluate or @train_step). Fails with a
/// diagnostic on ops the code generator does not handle.
mlir::FailureOr<OpLowering> lowerOp(mlir::Operation *op);

/// Compiles `kernel` to an object file at `path` whose entry points are `symbol`
/// and `symbol`_argv, for the Halide target string `target` ("host" or e.g.
/// "x86-64-linux-avx2"), without a Halide runtime.
void compileKernel(const Kernel &kernel, const std::string &path, const std::string &symbol,
                   const std::string &target);

/// Writes the kernel's Halide lowered statement (`assembly` false) or its
/// assembly to `path`, for --emit=halide and --emit=asm.
void writeKernelText(const Kernel &kernel, const std::string &path, const std::string &symbol,
                     const std::string &target, bool assembly);

/// Whether `target` is "host", "cuda" or a Halide target string.
bool isValidTarget(const std::string &target);

/// Why nnc cannot build outputs for `target` (valid) on this machine, or "": a GPU
/// API other than CUDA (nnc's runtime drives CUDA only), or, when `linking`, another
/// architecture or OS than this machine's (outputs are linked with its `cc`).
std::string targetProblem(const std::string &target, bool linking);

/// The kernels' Halide target string for `target` ("host" resolved to this CPU's
/// features): part of the kernel cache's keys.
std::string resolvedTarget(const std::string &target);

/// Whether `target` (valid) runs kernels on a GPU ("cuda", or a Halide target with
/// a GPU feature).
bool isGpuTarget(const std::string &target);

/// Writes the one Halide runtime every output links.
void compileRuntime(const std::string &path, const std::string &target);

} // namespace nnc::codegen

#endif
