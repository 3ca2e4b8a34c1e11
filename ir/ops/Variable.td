// Model state: weights and statistics as module-level symbols, read and written by functions.
#ifndef NNC_IR_OPS_VARIABLE_TD
#define NNC_IR_OPS_VARIABLE_TD

def NN_VariableOp : NN_Op<"variable", [Symbol]> {
  let summary = "a weight tensor of the model (trainable or not)";
  let description = [{
    Declares one tensor of model state. `init` names its Keras initializer
    (glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform,
    lecun_normal, zeros, ones); fans are derived from the shape as Keras does
    (receptive field = product of all but the last two dimensions).
    Non-trainable variables (BatchNormalization moving statistics, frozen
    layers) get no gradient and no optimizer slots. `role` is "weight" for the
    model's own tensors, "slot" for an optimizer's per-parameter state and
    "iterations" for the optimizer's step count (both added by the autodiff pass
    and saved in checkpoints so training resumes). A `value` freezes the
    variable's contents at compile time (`nnc --inference --weights W`): the
    binary carries them, and the constant-folding passes may rewrite them.

    ```mlir
    nn.variable @dense.kernel : tensor<784x10xf32> {init = "glorot_uniform"}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<NN_Tensor>:$type,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$init,
                       DefaultValuedAttr<BoolAttr, "true">:$trainable,
                       DefaultValuedStrAttr<StrAttr, "weight">:$role,
                       OptionalAttr<ElementsAttr>:$value);
  let assemblyFormat = "$sym_name `:` $type attr-dict";
  let hasVerifier = 1;
}

def NN_ReadOp : NN_Op<"read", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the current value of a variable";
  let arguments = (ins FlatSymbolRefAttr:$variable);
  let results = (outs NN_Tensor:$value);
  let assemblyFormat = "$variable attr-dict `:` type($value)";
}

def NN_AssignOp : NN_Op<"assign", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "stores a new value into a variable (optimizer and BN updates)";
  let arguments = (ins FlatSymbolRefAttr:$variable, NN_Tensor:$value);
  let assemblyFormat = "$variable `,` $value attr-dict `:` type($value)";
}

#endif // NNC_IR_OPS_VARIABLE_TD
