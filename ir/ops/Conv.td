// Conv: 2-D convolution in NHWC with HWIO kernels.
#ifndef NNC_IR_OPS_CONV_TD
#define NNC_IR_OPS_CONV_TD

def NN_Conv2DOp : NN_LayerOp<"conv2d", "Conv2D"> {
  let summary = "2-D convolution (NHWC input, HWIO kernel) with fused bias and activation";
  let description = [{
    `padding` is "valid" (no padding: out = floor((in - d*(k-1) - 1) / s) + 1)
    or "same" (out = ceil(in / s), zero padding split as TensorFlow does,
    the extra pixel at the bottom/right).

    ```mlir
    %y = nn.conv2d %x, %k, %b {padding = "same", activation = "relu"}
        : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>) -> tensor<?x28x28x32xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel,
                            Optional<NN_Tensor>:$bias,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                            DefaultValuedStrAttr<StrAttr, "valid">:$padding),
                       NN_FusedActivation, NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat =
      "$input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // NNC_IR_OPS_CONV_TD
