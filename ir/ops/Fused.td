// Fused ops: made by the -O2 passes (passes/), never by the frontend. Each replaces a
// chain of layer or training ops by one kernel; result types are spelled out.
#ifndef NNC_IR_OPS_FUSED_TD
#define NNC_IR_OPS_FUSED_TD

// The layers a fused op came from, in order ("conv2d", "batch_normalization", ...).
defvar NN_FusedFrom = (ins StrArrayAttr:$layers);

def NN_Conv2DBNOp : NN_Op<"conv2d_bn", [Pure]> {
  let summary = "Conv2D + BatchNormalization (moving statistics) + activation, one kernel";
  let description = [{
    Inference: out = act((conv2d(input, kernel) + bias - mean) * gamma /
    sqrt(variance + epsilon) + beta). Made by --nn-fuse-conv-bn-act from
    nn.conv2d -> nn.batch_norm (-> nn.activation).
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel, NN_Tensor:$gamma,
                            NN_Tensor:$beta, NN_Tensor:$mean, NN_Tensor:$variance,
                            Optional<NN_Tensor>:$bias),
                       NN_ConvAttrs, (ins F32Attr:$epsilon), NN_FusedActivation,
                       NN_FusedFrom);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_Conv2DBNTrainOp : NN_Op<"conv2d_bn_train", [Pure]> {
  let summary = "training Conv2D + BatchNormalization (batch statistics) + activation, "
                "one kernel";
  let description = [{
    One pipeline computes the convolution `conv` (kept: the backward reads it),
    its batch statistics (`mean`, biased `variance`, and `moving_sample`, the
    variance the moving average takes: unbiased when `unbiased_moving`) and
    output = act((conv - mean) * gamma / sqrt(variance + epsilon) + beta); the
    normalised value before the activation is never stored. Made by
    --nn-fuse-conv-bn-act in @train_step from nn.conv2d -> nn.batch_norm_stats +
    nn.batch_norm (-> nn.activation).
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel, NN_Tensor:$gamma,
                            NN_Tensor:$beta, Optional<NN_Tensor>:$bias),
                       NN_ConvAttrs, (ins F32Attr:$epsilon, BoolAttr:$unbiased_moving),
                       NN_FusedActivation, NN_FusedFrom);
  let results = (outs NN_Tensor:$output, NN_Tensor:$conv, NN_Tensor:$mean,
                      NN_Tensor:$variance, NN_Tensor:$moving_sample);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_BNActivationGradOp : NN_Op<"batch_norm_activation_grad", [Pure]> {
  let summary = "backward of BatchNormalization (batch statistics) + activation, one kernel";
  let description = [{
    From the activation's output y and its gradient: du = act'(y) * output_grad
    (never stored), then gamma_grad = sum du * xhat, beta_grad = sum du and the
    input gradient, with xhat = (input - mean) / sqrt(variance + epsilon). Made by
    --nn-fuse-conv-bn-act from nn.activation_grad -> nn.batch_norm_param_grad +
    nn.batch_norm_input_grad.
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$output, NN_Tensor:$output_grad,
                            NN_Tensor:$gamma, NN_Tensor:$mean, NN_Tensor:$variance,
                            F32Attr:$epsilon),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$input_grad, NN_Tensor:$gamma_grad, NN_Tensor:$beta_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_MaxPool2DArgmaxOp : NN_Op<"max_pool2d_argmax", [Pure]> {
  let summary = "training MaxPooling2D that also records where each maximum came from";
  let description = [{
    `index` holds, per output element, the window offset kx + pool_w * ky of the
    window's first maximum (as f32). With it the backward needs neither the
    pooling's input nor, for an activation before the pooling, that activation's
    output: the input can die right after this op. Made by --nn-fuse-pool-activation.
  }];
  let arguments = !con((ins NN_Tensor:$input), NN_PoolAttrs);
  let results = (outs NN_Tensor:$output, NN_Tensor:$index);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_Conv2DMaxPoolArgmaxOp : NN_Op<"conv2d_max_pool2d_argmax", [Pure]> {
  let summary = "training Conv2D + activation + MaxPooling2D with recorded maxima, one kernel";
  let description = [{
    The results of nn.max_pool2d_argmax (windows pool_size, strides pool_size,
    "valid") applied to nn.conv2d's output, computed without storing that output:
    each window's conv values are made in registers and reduced at once. Made by
    --nn-fuse-conv-pool when the conv output has no other user.
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel, Optional<NN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilation,
                            StrAttr:$padding, DenseI64ArrayAttr:$pool_size),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$output, NN_Tensor:$index);
  let assemblyFormat =
      "$input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def NN_Conv2DMaxPoolOp : NN_Op<"conv2d_max_pool2d", [Pure]> {
  let summary = "inference Conv2D + activation + MaxPooling2D, one kernel";
  let description = [{
    nn.max_pool2d (windows pool_size, strides pool_size, "valid") applied to
    nn.conv2d's output, computed without storing that output: each window's conv
    values are made in registers and reduced at once (the pooled values of
    nn.conv2d_max_pool2d_argmax, without the recorded maxima). Made by
    --nn-fuse-conv-pool when the conv output has no other user.
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$kernel, Optional<NN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilation,
                            StrAttr:$padding, DenseI64ArrayAttr:$pool_size),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat =
      "$input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def NN_MaxPool2DActivationGradOp : NN_Op<"max_pool2d_activation_grad", [Pure]> {
  let summary = "backward of activation + MaxPooling2D from the recorded maxima";
  let description = [{
    Each window's gradient goes to its recorded maximum, times the activation's
    derivative there, computed from the pooled value (which is the activation's
    output at that maximum). Made by --nn-fuse-pool-activation from
    nn.max_pool2d_grad -> nn.activation_grad.
  }];
  let arguments = !con((ins NN_Tensor:$index, NN_Tensor:$output, NN_Tensor:$output_grad),
                       NN_PoolAttrs, NN_FusedActivation);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_DenseGradInputActivationOp : NN_Op<"dense_grad_input_activation",
    [Pure, AllTypesMatch<["output", "input_grad"]>]> {
  let summary = "Dense's input gradient and the previous activation's backward, one kernel";
  let description = [{
    input_grad = activation'(output) * (pre_grad . kernel^T), reshaped to the
    activation output's shape: the product's rows go through the activation's
    derivative before they are stored, so dX is never written or read back. Made
    by --nn-fuse-dense-grad-activation from nn.dense_grad_input [-> nn.reshape] ->
    nn.activation_grad (not softmax, whose derivative reads a whole row).
  }];
  let arguments = !con((ins NN_Tensor:$pre_grad, NN_Tensor:$kernel, NN_Tensor:$output),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_Conv2DMaxPoolGradKernelOp : NN_Op<"conv2d_max_pool2d_grad_kernel", [Pure]> {
  let summary = "Conv2D's kernel and bias gradients through activation + MaxPooling2D, "
                "one kernel";
  let description = [{
    nn.conv2d_grad_kernel and nn.bias_grad of the conv-output gradient that
    nn.max_pool2d_activation_grad (windows pool_size, strides pool_size, "valid")
    makes from the recorded maxima, computed without storing that gradient: each
    position's value is made where the reduction reads it. Made by
    --nn-fuse-conv-pool when the gradient has no other user (no input gradient:
    a first layer).
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$index, NN_Tensor:$pooled,
                            NN_Tensor:$output_grad, DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$dilation, StrAttr:$padding,
                            DenseI64ArrayAttr:$pool_size),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$kernel_grad, NN_Tensor:$bias_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def NN_DropoutActivationGradOp : NN_Op<"dropout_activation_grad",
    [Pure, AllTypesMatch<["output", "output_grad", "input_grad"]>]> {
  let summary = "backward of activation + Dropout in one pass";
  let description = [{
    input_grad = activation'(output) * (kept ? output_grad / (1 - rate) : 0), the
    mask recomputed from (counter, salt) as nn.dropout_grad does. `output` is the
    activation's output, or, for relu, leaky_relu and linear (whose derivative
    needs only the sign), the Dropout's output: the activation's output then dies
    in the forward pass. Made by --nn-fuse-dropout-activation from nn.dropout_grad
    -> nn.activation_grad.
  }];
  let arguments = !con((ins NN_Tensor:$output, NN_Tensor:$output_grad, NN_Counter:$counter,
                            F32Attr:$rate, I64Attr:$salt),
                       NN_FusedActivation);
  let results = (outs NN_Tensor:$input_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_FUSED_TD
