// RUN: nnc-opt %s --nn-fuse-conv-bn-act -split-input-file | FileCheck %s
// RUN: nnc-opt %s --nn-fuse-conv-bn-act -split-input-file | nnc-opt -split-input-file > /dev/null

// Inference: Conv2D -> BatchNormalization -> ReLU is one op.
// CHECK-LABEL: func.func @inference
// CHECK-NEXT: %[[Y:.*]] = nn.conv2d_bn %arg0, %arg1, %arg3, %arg4, %arg5, %arg6, %arg2 {activation = "relu", dilation = array<i64: 1, 1>, epsilon = 1.000000e-03 : f32, layers = ["conv", "bn", "act"], padding = "same", strides = array<i64: 1, 1>}
// CHECK-NEXT: return %[[Y]]
func.func @inference(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x8x8x4xf32> {
  %0 = nn.conv2d %x, %k, %b {layer = "conv", padding = "same"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %1 = nn.batch_norm %0, %g, %be, %m, %v {layer = "bn"} : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %2 = nn.activation %1 {kind = "relu", layer = "act"} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  return %2 : tensor<?x8x8x4xf32>
}

// -----

// A conv result with another user keeps its own buffer: nothing fuses.
// CHECK-LABEL: func.func @conv_used_twice
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.batch_norm
// CHECK-NEXT: nn.activation
func.func @conv_used_twice(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) {
  %0 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x8x8x4xf32>
  %1 = nn.batch_norm %0, %g, %be, %m, %v : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %2 = nn.activation %1 {kind = "relu"} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  return %0, %2 : tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// A conv with its own activation cannot take the normalisation after it.
// CHECK-LABEL: func.func @conv_with_activation
// CHECK-NEXT: nn.conv2d {{.*}}activation = "relu"
// CHECK-NEXT: nn.batch_norm
func.func @conv_with_activation(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x8x8x4xf32> {
  %0 = nn.conv2d %x, %k {activation = "relu", padding = "same"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x8x8x4xf32>
  %1 = nn.batch_norm %0, %g, %be, %m, %v : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  return %1 : tensor<?x8x8x4xf32>
}

// -----

// Softmax reads a whole row: conv + BN fuse (linear), the softmax stays. A BN output
// with a second user keeps the activation out too. (A linear epilogue prints no
// activation attribute.)
// CHECK-LABEL: func.func @softmax_and_shared
// CHECK-NEXT: %[[A:.*]] = nn.conv2d_bn %arg0, %arg1, %arg2, %arg3, %arg4, %arg5 {dilation
// CHECK-NEXT: nn.activation %[[A]] {kind = "softmax"}
// CHECK-NEXT: %[[B:.*]] = nn.conv2d_bn %arg0, %arg1, %arg2, %arg3, %arg4, %arg5 {dilation
// CHECK-NEXT: nn.activation %[[B]] {kind = "tanh"}
// CHECK-NEXT: return {{.*}}, %[[B]],
func.func @softmax_and_shared(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) {
  %0 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x8x8x4xf32>
  %1 = nn.batch_norm %0, %g, %be, %m, %v : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %2 = nn.activation %1 {kind = "softmax"} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %3 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x8x8x4xf32>
  %4 = nn.batch_norm %3, %g, %be, %m, %v : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %5 = nn.activation %4 {kind = "tanh"} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  return %2, %4, %5 : tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// Training: the convolution, its batch statistics, the normalisation with them and
// the activation are one op; the moving averages and the backward read its results.
// The backward chain (activation gradient, BN parameter and input gradients) is one op.
// CHECK-LABEL: func.func @train_step
// CHECK-NEXT: %[[Y:.*]], %[[Z:.*]], %[[MEAN:.*]], %[[VAR:.*]], %[[MS:.*]] = nn.conv2d_bn_train %arg0, %arg1, %arg2, %arg3 {activation = "leaky_relu", alpha = 2.000000e-01 : f32, {{.*}}epsilon = 1.000000e-03 : f32, layers = ["conv", "bn", "act"], padding = "valid", strides = array<i64: 1, 1>, unbiased_moving = true}
// CHECK-NEXT: nn.moving_average %arg4, %arg5, %[[MEAN]], %[[MS]]
// CHECK-NEXT: %[[DX:.*]], %[[DG:.*]], %[[DB:.*]] = nn.batch_norm_activation_grad %[[Z]], %[[Y]], %arg6, %arg2, %[[MEAN]], %[[VAR]] {activation = "leaky_relu", alpha = 2.000000e-01 : f32, epsilon = 1.000000e-03 : f32}
// CHECK-NEXT: return %[[Y]], {{.*}}, %[[DG]], %[[DB]], %[[DX]]
func.func @train_step(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %g: tensor<4xf32>, %be: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x6x6x4xf32>) -> (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?x6x6x4xf32>) {
  %0 = nn.conv2d %x, %k {layer = "conv"} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  %mean, %var, %ms = nn.batch_norm_stats %0 {unbiased_moving = true} : (tensor<?x6x6x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  %1 = nn.batch_norm %0, %g, %be, %mean, %var {layer = "bn"} : (tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  %nm, %nv = nn.moving_average %mm, %mv, %mean, %ms {momentum = 0.99 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %2 = nn.activation %1 {kind = "leaky_relu", alpha = 0.2 : f32, layer = "act"} : (tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
  %3 = nn.activation_grad %2, %dy {kind = "leaky_relu", alpha = 0.2 : f32} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
  %gg, %bg = nn.batch_norm_param_grad %0, %3, %mean, %var {epsilon = 1.0e-3 : f32} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %4 = nn.batch_norm_input_grad %0, %3, %g, %mean, %var, %gg, %bg {epsilon = 1.0e-3 : f32} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  return %2, %nm, %nv, %gg, %bg, %4 : tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?x6x6x4xf32>
}

// -----

// An activation gradient with another user is stored: the backward does not fuse.
// CHECK-LABEL: func.func @grad_used_twice
// CHECK-NEXT: nn.activation_grad
// CHECK-NEXT: nn.batch_norm_param_grad
// CHECK-NEXT: nn.batch_norm_input_grad
func.func @grad_used_twice(%z: tensor<?x6x6x4xf32>, %y: tensor<?x6x6x4xf32>, %dy: tensor<?x6x6x4xf32>, %g: tensor<4xf32>, %mean: tensor<4xf32>, %var: tensor<4xf32>) -> (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) {
  %0 = nn.activation_grad %y, %dy {kind = "relu"} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
  %gg, %bg = nn.batch_norm_param_grad %z, %0, %mean, %var {epsilon = 1.0e-3 : f32} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %1 = nn.batch_norm_input_grad %z, %0, %g, %mean, %var, %gg, %bg {epsilon = 1.0e-3 : f32} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x6x6x4xf32>
  return %0, %1 : tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>
}
