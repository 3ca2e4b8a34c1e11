// RUN: nnc-opt %s --nn-fuse-activation -split-input-file | FileCheck %s

// A separate activation layer after Dense or Conv2D becomes their epilogue.
// CHECK-LABEL: func.func @fuse
// CHECK-NEXT: %[[D:.*]] = nn.dense %arg0, %arg1, %arg2 {activation = "leaky_relu", alpha = 1.000000e-01 : f32, layer = "dense"}
// CHECK-NEXT: %[[C:.*]] = nn.conv2d %arg3, %arg4 {activation = "softmax", padding = "same"}
// CHECK-NEXT: return %[[D]], %[[C]]
func.func @fuse(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>, %i: tensor<?x5x5x2xf32>, %k: tensor<3x3x2x6xf32>) -> (tensor<?x3xf32>, tensor<?x5x5x6xf32>) {
  %0 = nn.dense %x, %w, %b {layer = "dense"} : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = nn.activation %0 {kind = "leaky_relu", alpha = 0.1 : f32} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %2 = nn.conv2d %i, %k {padding = "same"} : (tensor<?x5x5x2xf32>, tensor<3x3x2x6xf32>) -> tensor<?x5x5x6xf32>
  %3 = nn.activation %2 {kind = "softmax"} : (tensor<?x5x5x6xf32>) -> tensor<?x5x5x6xf32>
  return %1, %3 : tensor<?x3xf32>, tensor<?x5x5x6xf32>
}

// -----

// Not when the op has an activation already, nor when its result has another user.
// CHECK-LABEL: func.func @keep
// CHECK-NEXT: nn.dense {{.*}}activation = "relu"
// CHECK-NEXT: nn.activation {{.*}}kind = "sigmoid"
// CHECK-NEXT: nn.dense
// CHECK-NOT: activation =
// CHECK-NEXT: nn.activation {{.*}}kind = "tanh"
func.func @keep(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = nn.dense %x, %w {activation = "relu"} : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = nn.activation %0 {kind = "sigmoid"} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %2 = nn.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %3 = nn.activation %2 {kind = "tanh"} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %1, %2, %3 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}
