// Keras-style model.summary() computed from an nn module.
#ifndef NNC_IR_MODELSUMMARY_H
#define NNC_IR_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace nnc::nn {

/// Parameter totals of a model.
struct ParamCounts {
  int64_t trainable = 0;
  int64_t nonTrainable = 0;
  int64_t total() const { return trainable + nonTrainable; }
};

/// The Keras class a layer op came from ("Conv2D", "ReLU").
std::string kerasClassOf(mlir::Operation *op);

/// Counts the elements of every nn.variable in the module.
ParamCounts countParams(mlir::ModuleOp module);

/// Prints the table Keras's model.summary() prints: one row per layer of the
/// module's @forward function (name (class), output shape, parameter count),
/// then total / trainable / non-trainable parameters with their size.
/// Fails (with a diagnostic) when the module has no @forward function.
mlir::LogicalResult printSummary(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace nnc::nn

#endif // NNC_IR_MODELSUMMARY_H
