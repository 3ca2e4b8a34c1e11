// Verifier and shape-inference errors of the nn dialect, one per case.
// RUN: nnc-opt %s -split-input-file -verify-diagnostics

func.func @dense_features(%x: tensor<?x4xf32>, %w: tensor<8x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Dense kernel expects 8 input features but the input (None, 4) has 4}}
  %0 = nn.dense %x, %w : (tensor<?x4xf32>, tensor<8x2xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @dense_bias(%x: tensor<?x4xf32>, %w: tensor<4x2xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Dense bias must have shape (2,)}}
  %0 = nn.dense %x, %w, %b : (tensor<?x4xf32>, tensor<4x2xf32>, tensor<3xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @dense_result(%x: tensor<?x4xf32>, %w: tensor<4x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'nn.dense' op inferred type(s) 'tensor<?x2xf32>' are incompatible with return type(s) of operation 'tensor<?x3xf32>'}}
  %0 = nn.dense %x, %w : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @dense_activation(%x: tensor<?x4xf32>, %w: tensor<4x2xf32>) {
  // expected-error @+1 {{'nn.dense' op unknown activation "rleu"}}
  %0 = nn.dense %x, %w {activation = "rleu"} : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Conv2D kernel expects 4 input channels but the input (None, 8, 8, 3) has 3}}
  %0 = nn.conv2d %x, %k : (tensor<?x8x8x3xf32>, tensor<3x3x4x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @conv_strided_dilated(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Conv2D cannot combine strides > 1 with dilation_rate > 1}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 2, 2>, dilation = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x2x2x8xf32>
  return
}

// -----

func.func @conv_padding(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{padding must be "valid" or "same", got "full"}}
  %0 = nn.conv2d %x, %k {padding = "full"} : (tensor<?x8x8x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x10x10x8xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<?x2x2x4xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Conv2D kernel 3x3 does not fit the input (None, 2, 2, 4) with padding "valid"}}
  %0 = nn.conv2d %x, %k : (tensor<?x2x2x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x1x1x8xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{strides must be positive, got (0, 1)}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 0, 1>} : (tensor<?x8x8x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x6x6x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<?x8x4xf32>, %k: tensor<3x3x4x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Conv2D needs a 4-D input (batch, height, width, channels), got (None, 8, 4)}}
  %0 = nn.conv2d %x, %k : (tensor<?x8x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x6x8xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<?x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{MaxPooling2D needs a 4-D input (batch, height, width, channels), got (None, 8)}}
  %0 = nn.max_pool2d %x : (tensor<?x8xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @pool_window(%x: tensor<?x3x3x1xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{AveragePooling2D window 4x4 does not fit the input (None, 3, 3, 1) with padding "valid"}}
  %0 = nn.avg_pool2d %x {pool_size = array<i64: 4, 4>} : (tensor<?x3x3x1xf32>) -> tensor<?x1x1x1xf32>
  return
}

// -----

func.func @gap_rank(%x: tensor<?x8x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{GlobalAveragePooling2D needs a 4-D input (batch, height, width, channels), got (None, 8, 8)}}
  %0 = nn.global_avg_pool2d %x : (tensor<?x8x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<?x28x28xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{cannot reshape (None, 28, 28) (784 values per sample) to target_shape with 25 values}}
  %0 = nn.reshape %x {shape = array<i64: 5, 5>} : (tensor<?x28x28xf32>) -> tensor<?x5x5xf32>
  return
}

// -----

func.func @reshape_two_unknowns(%x: tensor<?x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Reshape target_shape may contain -1 only once}}
  %0 = nn.reshape %x {shape = array<i64: -1, -1>} : (tensor<?x8xf32>) -> tensor<?x2x4xf32>
  return
}

// -----

func.func @concat_batch_axis(%x: tensor<?x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Concatenate axis 0 is out of range for inputs of rank 2 (the batch axis 0 cannot be joined)}}
  %0 = nn.concatenate %x, %x {axis = 0} : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @add_shapes(%a: tensor<?x8xf32>, %b: tensor<?x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Add inputs must have the same shape, got (None, 8) and (None, 4)}}
  %0 = nn.add %a, %b : (tensor<?x8xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @add_one(%a: tensor<?x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Add needs at least 2 inputs, got 1}}
  %0 = nn.add %a : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @dropout_rate(%a: tensor<?x8xf32>) {
  // expected-error @+1 {{'nn.dropout' op rate must be in [0, 1), got 1}}
  %0 = nn.dropout %a {rate = 1.0 : f32} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @activation_kind(%a: tensor<?x8xf32>) {
  // expected-error @+1 {{'nn.activation' op unknown activation "swishy"}}
  %0 = nn.activation %a {kind = "swishy"} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<?x8xf32>, %p: tensor<8xf32>, %q: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{BatchNormalization moving_variance must have shape (8,)}}
  %0 = nn.batch_norm %x, %p, %p, %p, %q : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @batch_norm_epsilon(%x: tensor<?x8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{'nn.batch_norm' op epsilon must be positive, got 0}}
  %0 = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f32} : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @flip_mode(%x: tensor<?x8x8x3xf32>) {
  // expected-error @+1 {{'nn.random_flip' op mode must be horizontal, vertical or horizontal_and_vertical, got "diagonal"}}
  %0 = nn.random_flip %x {mode = "diagonal"} : (tensor<?x8x8x3xf32>) -> tensor<?x8x8x3xf32>
  return
}

// -----

func.func @zoom_range(%x: tensor<?x8x8x3xf32>) {
  // expected-error @+1 {{'nn.random_zoom' op height_factor lower bound 2.000000e-01 exceeds upper bound 1.000000e-01}}
  %0 = nn.random_zoom %x {height_factor = array<f32: 0.2, 0.1>, width_factor = array<f32: 0.0, 0.1>} : (tensor<?x8x8x3xf32>) -> tensor<?x8x8x3xf32>
  return
}

// -----

func.func @rotation_fill(%x: tensor<?x8x8x3xf32>) {
  // expected-error @+1 {{'nn.random_rotation' op fill_mode must be reflect, wrap, constant or nearest, got "mirror"}}
  %0 = nn.random_rotation %x {factor = array<f32: -0.1, 0.1>, fill_mode = "mirror"} : (tensor<?x8x8x3xf32>) -> tensor<?x8x8x3xf32>
  return
}

// -----

func.func @augment_rank(%x: tensor<?x64xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{RandomFlip needs 4-D images (batch, height, width, channels), got (None, 64)}}
  %0 = nn.random_flip %x : (tensor<?x64xf32>) -> tensor<?x64xf32>
  return
}

// -----

func.func @sparse_labels(%p: tensor<?x10xf32>, %y: tensor<?x10xi32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.sparse_categorical_crossentropy' op Shapes (None, 10) and (None, 10) are incompatible: sparse_categorical_crossentropy takes one integer class id per sample; for one-hot labels use categorical_crossentropy}}
  %0 = nn.sparse_categorical_crossentropy %p, %y : (tensor<?x10xf32>, tensor<?x10xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @categorical_labels(%p: tensor<?x10xf32>, %y: tensor<?x1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.categorical_crossentropy' op Shapes (None, 1) and (None, 10) are incompatible: categorical_crossentropy takes one-hot labels of the prediction's shape; for integer class ids use sparse_categorical_crossentropy (or one-hot encode the labels)}}
  %0 = nn.categorical_crossentropy %p, %y : (tensor<?x10xf32>, tensor<?x1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @mse_logits(%p: tensor<?x1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.mean_squared_error' op mean_squared_error has no from_logits form}}
  %0 = nn.mean_squared_error %p, %p {from_logits = true} : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @sgd_slots(%p: tensor<8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'nn.sgd_update' op expects 1 optimizer slot(s), got 0}}
  %0 = nn.sgd_update %p, %g {momentum = 0.9 : f32} : tensor<8xf32> -> tensor<8xf32>
  return
}

// -----

func.func @adam_beta(%p: tensor<8xf32>, %g: tensor<8xf32>, %t: tensor<2xi32>) {
  // expected-error @+1 {{'nn.adam_update' op beta_1 must be in [0, 1), got 1}}
  %0:3 = nn.adam_update %p, %g, %p, %p step %t {beta_1 = 1.0 : f32} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
  return
}

// -----

func.func @rmsprop_lr(%p: tensor<8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'nn.rmsprop_update' op learning_rate must be positive, got -1.000000e-01}}
  %0:2 = nn.rmsprop_update %p, %g, %p {learning_rate = -0.1 : f32} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>
  return
}

// -----

func.func @optimizer_slot_type(%p: tensor<8xf32>, %g: tensor<8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'nn.rmsprop_update' op slot type 'tensor<4xf32>' differs from the parameter's 'tensor<8xf32>'}}
  %0:2 = nn.rmsprop_update %p, %g, %s : tensor<8xf32>, tensor<4xf32> -> tensor<8xf32>, tensor<4xf32>
  return
}

// -----

func.func @read_missing() {
  // expected-error @+1 {{'nn.read' op no nn.variable named @nowhere}}
  %0 = nn.read @nowhere : tensor<8xf32>
  return
}

// -----

nn.variable @w : tensor<8xf32>
func.func @read_type() {
  // expected-error @+1 {{'nn.read' op type 'tensor<4xf32>' does not match variable @w of type 'tensor<8xf32>'}}
  %0 = nn.read @w : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{'nn.variable' op unknown initializer "xavier"}}
nn.variable @v : tensor<8xf32> {init = "xavier"}

// -----

// expected-error @+1 {{'nn.variable' op value of type 'tensor<4xf32>' for a variable of type 'tensor<8xf32>'}}
nn.variable @v : tensor<8xf32> {value = dense<1.0> : tensor<4xf32>}

// -----

// expected-error @+1 {{'nn.variable' op variable shapes must be static, got 'tensor<?xf32>'}}
nn.variable @v : tensor<?xf32>
