// The reverse sweep of the autodiff pass: which values need gradients, and the
// gradients accumulated while walking a function's ops backwards.
#ifndef NNC_IR_TRANSFORMS_REVERSESWEEP_H
#define NNC_IR_TRANSFORMS_REVERSESWEEP_H

#include "ir/Gradient.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

namespace nnc::nn {

class ReverseSweep : public GradientState {
public:
  /// `trainable`: the values (reads of trainable variables) gradients are for.
  ReverseSweep(llvm::ArrayRef<mlir::Operation *> forwardOps,
               const llvm::DenseSet<mlir::Value> &trainable, mlir::Value counter);

  /// Seeds d loss / d `v` and notes whether it is a pre-activation gradient of
  /// v's producer.
  void seed(mlir::Value v, mlir::Value gradient, bool preActivation);
  /// Walks the forward ops backwards, emitting gradient ops at `b`'s insertion point.
  mlir::LogicalResult run(mlir::OpBuilder &b);

  mlir::Value gradientOf(mlir::Value v) override { return grads.lookup(v); }
  bool needsGradient(mlir::Value v) override { return needs.contains(v); }
  void accumulate(mlir::OpBuilder &b, mlir::Value v, mlir::Value gradient) override;
  bool gradientIsPreActivation(mlir::Operation *op) override { return preActivation.contains(op); }
  mlir::Value counter() override { return counterValue; }

private:
  llvm::SmallVector<mlir::Operation *> ops;
  llvm::DenseSet<mlir::Value> needs;
  llvm::DenseMap<mlir::Value, mlir::Value> grads;
  llvm::DenseSet<mlir::Operation *> preActivation;
  mlir::Value counterValue;
};

} // namespace nnc::nn

#endif
