// Backward and training-only ops, emitted by the autodiff pass (nn-build-training).
// Result types are spelled out: each gradient has the type of the value it is the
// gradient of.
#ifndef NNC_IR_OPS_GRAD_TD
#define NNC_IR_OPS_GRAD_TD

class NN_GradOp<string mnemonic, string what, dag args, dag res = (outs NN_Tensor:$grad),
                list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = what;
  let arguments = args;
  let results = res;
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

defvar NN_ActivationKind = (ins StrAttr:$kind, DefaultValuedAttr<F32Attr, "0.3">:$alpha);
defvar NN_ConvAttrs = (ins DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilation,
                           StrAttr:$padding);
defvar NN_PoolAttrs = (ins DenseI64ArrayAttr:$pool_size, DenseI64ArrayAttr:$strides,
                           StrAttr:$padding);

def NN_ActivationGradOp : NN_GradOp<"activation_grad",
    "d/d(pre-activation) from the activation's output y (its input x for "
    "activations whose derivative needs it: gelu, swish) and d/dy",
    !con((ins NN_Tensor:$output, NN_Tensor:$output_grad), NN_ActivationKind)>;

def NN_DenseGradInputOp : NN_GradOp<"dense_grad_input",
    "dX = dZ . kernel^T", (ins NN_Tensor:$pre_grad, NN_Tensor:$kernel)>;
def NN_DenseGradKernelOp : NN_GradOp<"dense_grad_kernel",
    "dKernel = X^T . dZ over every row", (ins NN_Tensor:$input, NN_Tensor:$pre_grad)>;
def NN_BiasGradOp : NN_GradOp<"bias_grad",
    "dBias: dZ summed over every axis but the last", (ins NN_Tensor:$pre_grad)>;

def NN_Conv2DGradInputOp : NN_GradOp<"conv2d_grad_input",
    "Conv2D's input gradient (the transposed convolution of dZ)",
    !con((ins NN_Tensor:$pre_grad, NN_Tensor:$kernel), NN_ConvAttrs)>;
def NN_Conv2DGradKernelOp : NN_GradOp<"conv2d_grad_kernel",
    "Conv2D's kernel gradient (input correlated with dZ)",
    !con((ins NN_Tensor:$input, NN_Tensor:$pre_grad), NN_ConvAttrs)>;

def NN_MaxPool2DGradOp : NN_GradOp<"max_pool2d_grad",
    "routes each window's gradient to its (first) maximum",
    !con((ins NN_Tensor:$input, NN_Tensor:$output_grad), NN_PoolAttrs)>;
def NN_AvgPool2DGradOp : NN_GradOp<"avg_pool2d_grad",
    "spreads each window's gradient over its in-image elements",
    !con((ins NN_Tensor:$output_grad), NN_PoolAttrs)>;
def NN_GlobalAvgPool2DGradOp : NN_GradOp<"global_avg_pool2d_grad",
    "spreads dY over height and width", (ins NN_Tensor:$output_grad)>;

def NN_UpSampling2DGradOp : NN_GradOp<"up_sampling2d_grad",
    "bilinear UpSampling2D's gradient: each dY value spread back over its source pixels "
    "with the forward pass's weights", (ins NN_Tensor:$output_grad, DenseI64ArrayAttr:$size)>;

def NN_SliceOp : NN_GradOp<"slice",
    "the [offset, offset + length) part of `axis` (Concatenate's gradient)",
    (ins NN_Tensor:$input, I64Attr:$axis, I64Attr:$offset)>;

def NN_DropoutTrainOp : NN_GradOp<"dropout_train",
    "Dropout in training: the mask drawn from (counter, salt)",
    (ins NN_Tensor:$input, NN_Counter:$counter, F32Attr:$rate, I64Attr:$salt),
    (outs NN_Tensor:$output), [DeclareOpInterfaceMethods<NN_GradientOpInterface>]>;
def NN_DropoutGradOp : NN_GradOp<"dropout_grad",
    "Dropout's gradient: the same mask, recomputed",
    (ins NN_Tensor:$output_grad, NN_Counter:$counter, F32Attr:$rate, I64Attr:$salt)>;

def NN_BatchNormStatsOp : NN_GradOp<"batch_norm_stats",
    "per-channel batch mean, variance, and the variance the moving average takes "
    "(unbiased when `unbiased_moving`, as Keras's fused 4-D path)",
    (ins NN_Tensor:$input, BoolAttr:$unbiased_moving),
    (outs NN_Tensor:$mean, NN_Tensor:$variance, NN_Tensor:$moving_sample)>;
def NN_MovingAverageOp : NN_GradOp<"moving_average",
    "moving = moving * momentum + batch * (1 - momentum), for mean and variance",
    (ins NN_Tensor:$moving_mean, NN_Tensor:$moving_variance, NN_Tensor:$mean,
         NN_Tensor:$variance, F32Attr:$momentum),
    (outs NN_Tensor:$new_mean, NN_Tensor:$new_variance)>;
def NN_BatchNormParamGradOp : NN_GradOp<"batch_norm_param_grad",
    "(dgamma, dbeta) = (sum dy * xhat, sum dy) per channel",
    (ins NN_Tensor:$input, NN_Tensor:$output_grad, NN_Tensor:$mean, NN_Tensor:$variance,
         F32Attr:$epsilon),
    (outs NN_Tensor:$gamma_grad, NN_Tensor:$beta_grad)>;
def NN_BatchNormInputGradOp : NN_GradOp<"batch_norm_input_grad",
    "dx of a batch normalised with its own statistics",
    (ins NN_Tensor:$input, NN_Tensor:$output_grad, NN_Tensor:$gamma, NN_Tensor:$mean,
         NN_Tensor:$variance, NN_Tensor:$gamma_grad, NN_Tensor:$beta_grad,
         F32Attr:$epsilon)>;
def NN_BatchNormFrozenGradOp : NN_GradOp<"batch_norm_frozen_grad",
    "dx of a BatchNormalization in inference mode (a frozen layer between trainable "
    "ones): dy * gamma / sqrt(moving_variance + epsilon)",
    (ins NN_Tensor:$output_grad, NN_Tensor:$gamma, NN_Tensor:$moving_variance,
         F32Attr:$epsilon)>;

def NN_LossGradOp : NN_GradOp<"loss_grad",
    "d(mean loss)/d(prediction); with `through_activation`, d/d(the pre-activation "
    "of the softmax or sigmoid that produced the prediction): the stable fused form. "
    "`scale` multiplies it: the head's loss weight in a model of several outputs",
    (ins NN_Tensor:$prediction, NN_LabelTensor:$labels, StrAttr:$loss,
         BoolAttr:$from_logits, BoolAttr:$through_activation,
         DefaultValuedAttr<F32Attr, "1.0f">:$scale)>;

def NN_MetricOp : NN_GradOp<"metric",
    "a batch-mean metric: sparse_categorical_accuracy, categorical_accuracy, "
    "binary_accuracy, mean_squared_error or mean_absolute_error",
    (ins NN_Tensor:$prediction, NN_LabelTensor:$labels, StrAttr:$name),
    (outs NN_Scalar:$value)>;

#endif // NNC_IR_OPS_GRAD_TD
