// Shape: ops that only change how elements are indexed or joined.
#ifndef NNC_IR_OPS_SHAPE_TD
#define NNC_IR_OPS_SHAPE_TD

def NN_FlattenOp : NN_LayerOp<"flatten", "Flatten"> {
  let summary = "collapses all but the batch dimension: [N, a, b, ...] -> [N, a*b*...]";
  let arguments = !con((ins NN_Tensor:$input), NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_ReshapeOp : NN_LayerOp<"reshape", "Reshape"> {
  let summary = "reshapes the non-batch dimensions to `shape` (one entry may be -1)";
  let arguments = !con((ins NN_Tensor:$input, DenseI64ArrayAttr:$shape),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_ConcatenateOp : NN_LayerOp<"concatenate", "Concatenate"> {
  let summary = "joins tensors along `axis` (negative counts from the end; the batch axis is not allowed)";
  let arguments = !con((ins Variadic<NN_Tensor>:$inputs,
                            DefaultValuedAttr<I64Attr, "-1">:$axis),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def NN_TransposeOp : NN_LayerOp<"transpose", "Permute"> {
  let summary = "permutes the non-batch axes: output axis i is input axis perm[i] (perm[0] = 0)";
  let description = [{
    Keras's Permute(dims) is `perm = [0, dims...]`; the ONNX importer uses it to
    move between ONNX's NCHW and the kernels' NHWC at the graph boundary.

    ```mlir
    %y = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>}
        : (tensor<?x3x8x8xf32>) -> tensor<?x8x8x3xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, DenseI64ArrayAttr:$perm), NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_SHAPE_TD
