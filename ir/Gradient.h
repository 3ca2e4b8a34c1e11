// The reverse sweep's state as the ops' gradient implementations see it, and the
// generated GradientOpInterface.
#ifndef NNC_IR_GRADIENT_H
#define NNC_IR_GRADIENT_H

#include "mlir/IR/OpDefinition.h"

namespace mlir {
class OpBuilder;
class IRMapping;
} // namespace mlir

namespace nnc::nn {

class GradientState {
public:
  virtual ~GradientState() = default;
  /// d loss / d `v` as accumulated so far (null when nothing depends on it).
  virtual mlir::Value gradientOf(mlir::Value v) = 0;
  /// Whether `v` (an operand) depends on a trainable variable, so needs a gradient.
  virtual bool needsGradient(mlir::Value v) = 0;
  /// Adds `gradient` to d loss / d `v` (summing with nn.add on fan-out).
  virtual void accumulate(mlir::OpBuilder &b, mlir::Value v, mlir::Value gradient) = 0;
  /// The gradient given for `op`'s result is already that of its pre-activation
  /// (the loss fused softmax / sigmoid with cross-entropy).
  virtual bool gradientIsPreActivation(mlir::Operation *op) = 0;
  /// The step's random counter (tensor<2xi32>: seed, step) for Dropout's mask.
  virtual mlir::Value counter() = 0;
};

/// What a layer's training form (TrainingFormOpInterface) may ask of the autodiff pass.
class TrainingContext {
public:
  virtual ~TrainingContext() = default;
  /// The step's random counter (tensor<2xi32>: seed, step).
  virtual mlir::Value counter() = 0;
  /// 1, 2, ... for the random layers of one kind ("dropout", "augment") in the
  /// order the forward pass meets them: each draws its own numbers.
  virtual int64_t nextSalt(llvm::StringRef kind) = 0;
  /// The variable `v` reads (its symbol), or null when `v` is not an nn.read.
  virtual mlir::StringAttr variableOf(mlir::Value v) = 0;
  /// Whether that variable is trainable.
  virtual bool isTrainable(mlir::StringAttr variable) = 0;
  /// Stores `value` into `variable` at the end of the step, after every read.
  virtual void assign(mlir::StringAttr variable, mlir::Value value) = 0;
};

} // namespace nnc::nn

#include "ir/GradientInterface.h.inc"

#endif
