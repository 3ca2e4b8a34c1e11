// Loss: batch-mean losses of predictions against labels; the result is a 0-d tensor.
#ifndef NNC_IR_OPS_LOSS_TD
#define NNC_IR_OPS_LOSS_TD

class NN_LossOp<string mnemonic, string what> : NN_Op<mnemonic, [Pure]> {
  let summary = what # " averaged over the batch";
  let arguments = (ins NN_Tensor:$prediction, NN_LabelTensor:$labels,
                       DefaultValuedAttr<BoolAttr, "false">:$from_logits);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat =
      "$prediction `,` $labels attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

// labels: integer class ids [N] or [N, 1]; prediction: [N, C] probabilities (or logits).
def NN_SparseCategoricalCrossentropyOp : NN_LossOp<
    "sparse_categorical_crossentropy", "cross-entropy with integer class labels">;
// labels: one-hot [N, C], the prediction's shape.
def NN_CategoricalCrossentropyOp : NN_LossOp<
    "categorical_crossentropy", "cross-entropy with one-hot labels">;
// labels: 0/1 targets with the prediction's shape.
def NN_BinaryCrossentropyOp : NN_LossOp<
    "binary_crossentropy", "binary cross-entropy">;
// labels: targets with the prediction's shape; `from_logits` must be false.
def NN_MeanSquaredErrorOp : NN_LossOp<
    "mean_squared_error", "mean squared error">;

// The total loss of a model of several outputs: sum_i weights[i] * losses[i]
// (Keras's compile(loss_weights=...)).
def NN_LossSumOp : NN_Op<"loss_sum", [Pure]> {
  let summary = "the weighted sum of the heads' losses";
  let arguments = (ins Variadic<NN_Scalar>:$losses, DenseF32ArrayAttr:$weights);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = "$losses attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // NNC_IR_OPS_LOSS_TD
