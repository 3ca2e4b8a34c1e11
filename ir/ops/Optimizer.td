// Optimizer: one parameter's update step; slots (momenta) come in and go out as values.
#ifndef NNC_IR_OPS_OPTIMIZER_TD
#define NNC_IR_OPS_OPTIMIZER_TD

class NN_UpdateOp<string mnemonic, string what, dag extra>
    : NN_Op<mnemonic, [Pure, AllTypesMatch<["param", "grad", "new_param"]>]> {
  let summary = what;
  let arguments = !con((ins NN_Tensor:$param, NN_Tensor:$grad,
                            Variadic<NN_Tensor>:$slots), extra);
  let results = (outs NN_Tensor:$new_param, Variadic<NN_Tensor>:$new_slots);
  let assemblyFormat = [{
    $param `,` $grad (`,` $slots^)? attr-dict `:` type($param) (`,` type($slots)^)?
    `->` type(results)
  }];
  let hasVerifier = 1;
}

// Keras SGD: v = momentum * v - lr * g; p += v (nesterov: p += momentum * v - lr * g).
// One slot (velocity) when momentum > 0, none otherwise.
def NN_SGDUpdateOp : NN_UpdateOp<"sgd_update", "SGD step with optional (Nesterov) momentum",
    (ins DefaultValuedAttr<F32Attr, "0.01">:$learning_rate,
         DefaultValuedAttr<F32Attr, "0.0">:$momentum,
         DefaultValuedAttr<BoolAttr, "false">:$nesterov)>;

// Keras Adam: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
// p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps). Slots: m, v.
// `step` is the step's counter (seed, t) with t the 1-based iteration count.
def NN_AdamUpdateOp : NN_UpdateOp<"adam_update", "Adam step",
    (ins NN_Counter:$step,
         DefaultValuedAttr<F32Attr, "0.001">:$learning_rate,
         DefaultValuedAttr<F32Attr, "0.9">:$beta_1,
         DefaultValuedAttr<F32Attr, "0.999">:$beta_2,
         DefaultValuedAttr<F32Attr, "1.0e-7">:$epsilon)> {
  let assemblyFormat = [{
    $param `,` $grad (`,` $slots^)? `step` $step attr-dict `:` type($param)
    (`,` type($slots)^)? `->` type(results)
  }];
}

// Keras RMSprop: ms = rho*ms + (1-rho)*g^2; p -= lr * g / sqrt(ms + eps).
// Slots: ms, then the momentum buffer when momentum > 0.
def NN_RMSpropUpdateOp : NN_UpdateOp<"rmsprop_update", "RMSprop step",
    (ins DefaultValuedAttr<F32Attr, "0.001">:$learning_rate,
         DefaultValuedAttr<F32Attr, "0.9">:$rho,
         DefaultValuedAttr<F32Attr, "0.0">:$momentum,
         DefaultValuedAttr<F32Attr, "1.0e-7">:$epsilon)>;

#endif // NNC_IR_OPS_OPTIMIZER_TD
