// The kernel op interface: how an op becomes one call of a generated kernel. Each op
// family's codegen file (codegen/kernels/<Family>.cpp) implements it for its ops as
// external models, so the dialect itself does not depend on Halide.
#ifndef NNC_IR_KERNELINTERFACE_TD
#define NNC_IR_KERNELINTERFACE_TD

include "mlir/IR/OpBase.td"

def NN_KernelOpInterface : OpInterface<"KernelOpInterface"> {
  let cppNamespace = "::nnc::nn";
  let description = [{
    An op the code generator can run: `buildKernel` fills `lowering` with the
    Halide kernel built for `target` and the tensors (operands, then results) its
    call takes, or marks the result an alias of operand 0 (Flatten, Reshape, and
    Dropout or augmentation at inference). An op without this interface is
    rejected by the code generator with a diagnostic.
  }];
  let methods = [
    InterfaceMethod<"Builds the op's kernel call for `target`.",
      "::mlir::LogicalResult", "buildKernel",
      (ins "const ::nnc::TargetInfo &":$target,
           "::nnc::codegen::OpLowering &":$lowering)>
  ];
}

#endif // NNC_IR_KERNELINTERFACE_TD
