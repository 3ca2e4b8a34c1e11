// The autodiff pass's op interfaces (ir/transforms/BuildTraining.cpp): how a layer op
// contributes to the reverse sweep, and what it computes in training instead.
#ifndef NNC_IR_GRADIENTINTERFACE_TD
#define NNC_IR_GRADIENTINTERFACE_TD

include "mlir/IR/OpBase.td"

def NN_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::nnc::nn";
  let description = [{
    A differentiable op. Given the gradient of the loss with respect to its
    result (`state.gradientOf(result)`), the op emits, at the builder's
    insertion point, the ops computing the gradients of the operands that
    `state.needsGradient` reports, and hands each to `state.accumulate`.
    Ops fail (with a diagnostic) when a needed gradient is not supported.
  }];
  let methods = [
    InterfaceMethod<"Emits the gradients of the operands that need one.",
      "::mlir::LogicalResult", "buildGradient",
      (ins "::mlir::OpBuilder &":$builder, "::nnc::nn::GradientState &":$state)>
  ];
}

def NN_TrainingFormOpInterface : OpInterface<"TrainingFormOpInterface"> {
  let cppNamespace = "::nnc::nn";
  let description = [{
    A layer that computes something else in training (`fit`, @train_step) than
    in inference: Dropout draws its mask, the augmentation layers draw their
    transforms, a trainable BatchNormalization normalises with the batch's
    statistics and updates its moving ones. The autodiff pass asks each op of
    @forward for its training form while it clones the forward pass.
  }];
  let methods = [
    InterfaceMethod<[{Emits the op's training form at the builder's insertion point,
      its operands mapped through `map`, and returns its result; a null value
      keeps the inference form (a frozen BatchNormalization).}],
      "::mlir::Value", "buildTrainingForm",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::IRMapping &":$map,
           "::nnc::nn::TrainingContext &":$context)>
  ];
}

#endif // NNC_IR_GRADIENTINTERFACE_TD
