// Pool: max / average pooling over windows, global average pooling, and the spatial
// resampling layers (ZeroPadding2D, Cropping2D, UpSampling2D).
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

// Spatial resampling of NHWC images: zero padding, cropping and upsampling.
// `sides` lists (top, bottom, left, right).
class NN_SpatialOp<string mnemonic, string keras, string what, dag attrs>
    : NN_LayerOp<mnemonic, keras> {
  let summary = what # " of an NHWC tensor";
  let arguments = !con((ins NN_Tensor:$input), attrs, NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_ZeroPadding2DOp : NN_SpatialOp<"zero_padding2d", "ZeroPadding2D",
    "constant rows and columns around each image (zeros unless `value` says; the ONNX "
    "importer pads max pooling with -inf)",
    (ins DenseI64ArrayAttr:$sides, DefaultValuedAttr<F32Attr, "0.0f">:$value)>;
def NN_Cropping2DOp : NN_SpatialOp<"cropping2d", "Cropping2D",
    "rows and columns removed from each image's sides", (ins DenseI64ArrayAttr:$sides)>;
// interpolation "nearest" repeats each pixel; "bilinear" interpolates between the four
// nearest input pixels with half-pixel centres and clamped edges (TF2's
// tf.image.resize, which Keras's UpSampling2D calls).
def NN_UpSampling2DOp : NN_SpatialOp<"up_sampling2d", "UpSampling2D",
    "images enlarged size[0] x size[1] times",
    (ins DenseI64ArrayAttr:$size, DefaultValuedStrAttr<StrAttr, "nearest">:$interpolation)>;

#endif // NNC_IR_OPS_POOL_TD
