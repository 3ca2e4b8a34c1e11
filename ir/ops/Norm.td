// Norm: batch normalization over the channel (last) axis.
#ifndef NNC_IR_OPS_NORM_TD
#define NNC_IR_OPS_NORM_TD

def NN_BatchNormOp : NN_LayerOp<"batch_norm", "BatchNormalization"> {
  let summary = "batch normalization over the last axis";
  let description = [{
    Training: normalise with the batch mean and variance over all but the
    last axis, then update moving = moving * momentum + batch * (1 - momentum).
    Inference: (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta.
    `gamma`, `beta`, `moving_mean` and `moving_variance` are `[C]`.
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$gamma, NN_Tensor:$beta,
                            NN_Tensor:$moving_mean, NN_Tensor:$moving_variance,
                            DefaultValuedAttr<F32Attr, "0.99">:$momentum,
                            DefaultValuedAttr<F32Attr, "0.001">:$epsilon),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $moving_mean `,` $moving_variance attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // NNC_IR_OPS_NORM_TD
