// Augment: random image transforms, active in training only (identity in inference).
#ifndef NNC_IR_OPS_AUGMENT_TD
#define NNC_IR_OPS_AUGMENT_TD

// As written (no counter) the op is the identity: inference and evaluate. The
// training builder (nn-build-training) adds the step counter and a `salt` that tells
// the model's augmentation layers apart; with them each sample is transformed by
// parameters drawn from (seed, step, salt).
class NN_AugmentOp<string mnemonic, string keras, string what, dag attrs>
    : NN_LayerOp<mnemonic, keras, [NN_TrainingForm]> {
  let summary = what # " of NHWC images in training; identity in inference";
  let arguments = !con((ins NN_Tensor:$input, Optional<NN_Counter>:$counter), attrs,
                       (ins OptionalAttr<I64Attr>:$seed, OptionalAttr<I64Attr>:$salt),
                       NN_LayerName);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat =
      "$input (`,` $counter^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

// `mode` is horizontal, vertical or horizontal_and_vertical.
def NN_RandomFlipOp : NN_AugmentOp<"random_flip", "RandomFlip", "random mirroring",
    (ins DefaultValuedStrAttr<StrAttr, "horizontal_and_vertical">:$mode)>;

// Angles are drawn from [lower, upper] * 2*pi (Keras's factor convention).
def NN_RandomRotationOp : NN_AugmentOp<"random_rotation", "RandomRotation", "random rotation",
    (ins DenseF32ArrayAttr:$factor,
         DefaultValuedStrAttr<StrAttr, "reflect">:$fill_mode,
         DefaultValuedStrAttr<StrAttr, "bilinear">:$interpolation,
         DefaultValuedAttr<F32Attr, "0.0">:$fill_value)>;

// Zoom factors are [lower, upper]; negative zooms in, positive zooms out. Without
// width_factor the width takes the height's zoom (Keras's width_factor=None).
def NN_RandomZoomOp : NN_AugmentOp<"random_zoom", "RandomZoom", "random zoom",
    (ins DenseF32ArrayAttr:$height_factor,
         OptionalAttr<DenseF32ArrayAttr>:$width_factor,
         DefaultValuedStrAttr<StrAttr, "reflect">:$fill_mode,
         DefaultValuedStrAttr<StrAttr, "bilinear">:$interpolation,
         DefaultValuedAttr<F32Attr, "0.0">:$fill_value)>;

#endif // NNC_IR_OPS_AUGMENT_TD
