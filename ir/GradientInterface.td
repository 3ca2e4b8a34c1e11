// The gradient op interface: how a layer op contributes to the reverse sweep of the
// autodiff pass (ir/transforms/BuildTraining.cpp).
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

#endif // NNC_IR_GRADIENTINTERFACE_TD
