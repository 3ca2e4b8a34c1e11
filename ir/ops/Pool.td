// Pool: max / average pooling over windows, and global average pooling.
#ifndef NNC_IR_OPS_POOL_TD
#define NNC_IR_OPS_POOL_TD

class NN_Pool2DOp<string mnemonic, string what, string keras>
    : NN_LayerOp<mnemonic, keras> {
  let summary = what # " pooling over 2-D windows of an NHWC tensor";
  let description = [{
    Output size follows Keras: "valid" gives floor((in - pool) / stride) + 1,
    "same" gives ceil(in / stride). Strides default to the pool size.
  }];
  let arguments = !con((ins NN_Tensor:$input,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{2, 2}">:$pool_size,
                            DefaultValuedAttr<DenseI64ArrayAttr, "{2, 2}">:$strides,
                            DefaultValuedStrAttr<StrAttr, "valid">:$padding),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_MaxPool2DOp : NN_Pool2DOp<"max_pool2d", "maximum", "MaxPooling2D">;
def NN_AvgPool2DOp : NN_Pool2DOp<"avg_pool2d", "average", "AveragePooling2D">;

def NN_GlobalAvgPool2DOp : NN_LayerOp<"global_avg_pool2d", "GlobalAveragePooling2D"> {
  let summary = "mean over height and width: [N,H,W,C] -> [N,C] (or [N,1,1,C] with keepdims)";
  let arguments = !con((ins NN_Tensor:$input,
                            DefaultValuedAttr<BoolAttr, "false">:$keepdims),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // NNC_IR_OPS_POOL_TD
