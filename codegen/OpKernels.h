// How one nn op runs in a generated function: the kernel its KernelOpInterface
// builds (codegen/kernels/<Family>.cpp) and the buffer shapes its call takes.
#ifndef NNC_CODEGEN_OPKERNELS_H
#define NNC_CODEGEN_OPKERNELS_H

#include "mlir/IR/Operation.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace nnc {
struct TargetInfo;
} // namespace nnc

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

/// Lowers `op` (an nn op of @forward, @evaluate or @train_step) for `target` through
/// its KernelOpInterface. Fails with a diagnostic on ops the code generator does not
/// handle.
mlir::FailureOr<OpLowering> lowerOp(mlir::Operation *op, const TargetInfo &target);

/// Attaches every op family's kernel models (KernelOpInterface) to the nn ops of
/// `ctx`; once per context (later calls do nothing).
void attachKernelModels(mlir::MLIRContext *ctx);

} // namespace nnc::codegen

#endif
