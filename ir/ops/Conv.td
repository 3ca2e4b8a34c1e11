// Conv: 2-D convolutions in NHWC: Conv2D (HWIO kernels), grouped Conv2D and
// DepthwiseConv2D (one set of filters per channel), with their gradient ops.
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

def NN_DepthwiseConv2DOp : NN_LayerOp<"depthwise_conv2d", "DepthwiseConv2D"> {
  let summary = "depthwise 2-D convolution (NHWC input, (kh, kw, channels, multiplier) kernel) "
                "with fused bias and activation";
  let description = [{
    Each input channel c is convolved with its own `multiplier` filters; output
    channel c * multiplier + m is channel c through filter m, as Keras's
    DepthwiseConv2D. Strides, dilation and padding as nn.conv2d.

    ```mlir
    %y = nn.depthwise_conv2d %x, %k {padding = "same"}
        : (tensor<?x28x28x8xf32>, tensor<3x3x8x1xf32>) -> tensor<?x28x28x8xf32>
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

def NN_DepthwiseConv2DGradInputOp : NN_Op<"depthwise_conv2d_grad_input", [Pure]> {
  let summary = "DepthwiseConv2D's input gradient (each channel's transposed convolution)";
  let arguments = (ins NN_Tensor:$pre_grad, NN_Tensor:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation, StrAttr:$padding);
  let results = (outs NN_Tensor:$grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_DepthwiseConv2DGradKernelOp : NN_Op<"depthwise_conv2d_grad_kernel", [Pure]> {
  let summary = "DepthwiseConv2D's kernel gradient (each channel correlated with its dZ)";
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$pre_grad, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation, StrAttr:$padding);
  let results = (outs NN_Tensor:$grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_GroupedConv2DOp : NN_LayerOp<"grouped_conv2d", "Conv2D"> {
  let summary = "Conv2D(groups=G): G convolutions side by side, each over its share of "
                "the channels, with fused bias and activation";
  let description = [{
    The kernel is (kh, kw, channels / groups, filters), as Keras's. Output
    channel co belongs to group g = co / (filters / groups), which reads input
    channels [g * channels / groups, (g + 1) * channels / groups). Strides,
    dilation and padding as nn.conv2d.

    ```mlir
    %y = nn.grouped_conv2d %x, %k {groups = 2 : i64, padding = "same"}
        : (tensor<?x8x8x4xf32>, tensor<3x3x2x6xf32>) -> tensor<?x8x8x6xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel,
                            Optional<NN_Tensor>:$bias, I64Attr:$groups,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                            DefaultValuedStrAttr<StrAttr, "valid">:$padding),
                       NN_FusedActivation, NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat =
      "$input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_GroupedConv2DGradInputOp : NN_Op<"grouped_conv2d_grad_input", [Pure]> {
  let summary = "grouped Conv2D's input gradient (each group's transposed convolution)";
  let arguments = (ins NN_Tensor:$pre_grad, NN_Tensor:$kernel, I64Attr:$groups,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilation,
                       StrAttr:$padding);
  let results = (outs NN_Tensor:$grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_GroupedConv2DGradKernelOp : NN_Op<"grouped_conv2d_grad_kernel", [Pure]> {
  let summary = "grouped Conv2D's kernel gradient (each group's input correlated with its dZ)";
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$pre_grad, I64Attr:$groups,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilation,
                       StrAttr:$padding);
  let results = (outs NN_Tensor:$grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_CONV_TD
