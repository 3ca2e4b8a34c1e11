// Norm: batch and layer normalization over the channel (last) axis.
#ifndef NNC_IR_OPS_NORM_TD
#define NNC_IR_OPS_NORM_TD

def NN_BatchNormOp : NN_LayerOp<"batch_norm", "BatchNormalization", [NN_TrainingForm]> {
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

def NN_LayerNormOp : NN_LayerOp<"layer_norm", "LayerNormalization"> {
  let summary = "layer normalization over the last axis";
  let description = [{
    Each sample's values along the last axis (a row) are normalised with that
    row's mean and variance: (x - mean) / sqrt(variance + epsilon) * gamma + beta,
    `gamma` and `beta` `[C]`. The same in training and inference.
  }];
  let arguments = !con((ins NN_Tensor:$input, NN_Tensor:$gamma, NN_Tensor:$beta,
                            DefaultValuedAttr<F32Attr, "0.001">:$epsilon),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_LayerNormGradOp : NN_Op<"layer_norm_grad", [Pure]> {
  let summary = "LayerNormalization's gradients: dx, dgamma, dbeta from x, dy and gamma";
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$output_grad, NN_Tensor:$gamma,
                       F32Attr:$epsilon);
  let results = (outs NN_Tensor:$input_grad, NN_Tensor:$gamma_grad, NN_Tensor:$beta_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_NORM_TD
