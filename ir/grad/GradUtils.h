// Helpers shared by the ops' gradient implementations (ir/grad/*.cpp).
#ifndef NNC_IR_GRAD_GRADUTILS_H
#define NNC_IR_GRAD_GRADUTILS_H

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"

namespace nnc::nn {

/// d loss / d(pre-activation) of `op`, whose result `y` went through the
/// activation `kind`: null when nothing reached `y`; dY itself for linear or when
/// the loss already produced the pre-activation gradient; else nn.activation_grad.
mlir::Value preActivationGradient(mlir::OpBuilder &b, GradientState &s, mlir::Operation *op,
                                  mlir::Value y, llvm::StringRef kind, llvm::APFloat alpha);

/// Passes dY unchanged to operand `index` (identity-like ops), when it needs one.
mlir::LogicalResult passThrough(mlir::OpBuilder &b, GradientState &s, mlir::Operation *op,
                                unsigned index = 0);

} // namespace nnc::nn

#endif
