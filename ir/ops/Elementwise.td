// Elementwise: activations, scaling, dropout and sums; the result has the input's shape.
#ifndef NNC_IR_OPS_ELEMENTWISE_TD
#define NNC_IR_OPS_ELEMENTWISE_TD

def NN_ActivationOp : NN_LayerOp<"activation", "Activation"> {
  let summary = "a standalone activation (Activation, LeakyReLU, ReLU, Softmax layers)";
  let description = [{
    `kind` is one of linear, relu, sigmoid, tanh, softmax, leaky_relu.
    softmax normalises over the last axis; leaky_relu uses `alpha`.

    ```mlir
    %y = nn.activation %x {kind = "leaky_relu", alpha = 1.0e-01 : f32}
        : (tensor<?x64xf32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, StrAttr:$kind,
                            DefaultValuedAttr<F32Attr, "0.3">:$alpha),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_RescalingOp : NN_LayerOp<"rescaling", "Rescaling"> {
  let summary = "y = x * scale + offset";
  let arguments = !con((ins NN_Tensor:$input, F32Attr:$scale,
                            DefaultValuedAttr<F32Attr, "0.0">:$offset),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_DropoutOp : NN_LayerOp<"dropout", "Dropout", [NN_TrainingForm]> {
  let summary = "zeroes a `rate` fraction of elements in training and scales the rest by 1/(1-rate); identity in inference";
  let arguments = !con((ins NN_Tensor:$input, F32Attr:$rate,
                            OptionalAttr<I64Attr>:$seed),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_AddOp : NN_LayerOp<"add", "Add"> {
  let summary = "elementwise sum of two or more tensors of the same shape";
  let arguments = !con((ins Variadic<NN_Tensor>:$inputs), NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def NN_MergeOp : NN_LayerOp<"merge", "Merge"> {
  let summary = "elementwise product, difference, mean, maximum or minimum of tensors "
                "of the same shape (Keras's merge layers; the frontend records which in "
                "nn.class)";
  let description = [{
    `kind` is "multiply", "subtract" (exactly two inputs: the first minus the
    second), "average", "maximum" or "minimum". A NaN input makes the maximum
    and minimum NaN.
  }];
  let arguments = !con((ins Variadic<NN_Tensor>:$inputs, StrAttr:$kind), NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def NN_MergeGradOp : NN_Op<"merge_grad", [Pure]> {
  let summary = "nn.merge's gradient for its input `index`, from every input and dY: "
                "dY times the other inputs' product (multiply), +-dY (subtract), dY / n "
                "(average), dY where that input is the first maximum (minimum)";
  let arguments = (ins Variadic<NN_Tensor>:$operands, StrAttr:$kind, I64Attr:$index);
  let results = (outs NN_Tensor:$grad);
  let assemblyFormat = "$operands attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_ELEMENTWISE_TD
