// Dense: fully connected layer over the last axis.
#ifndef NNC_IR_OPS_DENSE_TD
#define NNC_IR_OPS_DENSE_TD

def NN_DenseOp : NN_LayerOp<"dense", "Dense"> {
  let summary = "fully connected layer: act(x . kernel + bias) over the last axis";
  let description = [{
    `input` is `[N, ..., K]`, `kernel` is `[K, U]`, the optional `bias` is
    `[U]`; the result is `[N, ..., U]` (Keras applies Dense to the last axis
    of inputs of any rank).

    ```mlir
    %y = nn.dense %x, %w, %b {activation = "relu"}
        : (tensor<?x784xf32>, tensor<784x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel,
                            Optional<NN_Tensor>:$bias),
                       NN_FusedActivation, NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat =
      "$input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // NNC_IR_OPS_DENSE_TD
