// RUN: nnc-opt %s --nn-fuse-dense-grad-activation -split-input-file | FileCheck %s

// Through the Flatten's reshape: the fused op takes the activation's output and has
// its shape; the product, the reshape and the activation_grad are gone.
// CHECK-LABEL: func.func @flatten
// CHECK-NEXT: %[[G:.*]] = nn.dense_grad_input_activation %arg1, %arg2, %arg0 {activation = "relu"} : (tensor<?x10xf32>, tensor<12x10xf32>, tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: return %[[G]]
func.func @flatten(%y: tensor<?x3x4xf32>, %dz: tensor<?x10xf32>, %w: tensor<12x10xf32>) -> tensor<?x3x4xf32> {
  %0 = nn.dense_grad_input %dz, %w : (tensor<?x10xf32>, tensor<12x10xf32>) -> tensor<?x12xf32>
  %1 = nn.reshape %0 {shape = array<i64: 3, 4>} : (tensor<?x12xf32>) -> tensor<?x3x4xf32>
  %2 = nn.activation_grad %y, %1 {kind = "relu"} : (tensor<?x3x4xf32>, tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
  return %2 : tensor<?x3x4xf32>
}

// -----

// Directly, with the activation's alpha carried over.
// CHECK-LABEL: func.func @leaky
// CHECK-NEXT: nn.dense_grad_input_activation %arg1, %arg2, %arg0 {activation = "leaky_relu", alpha = 1.000000e-01 : f32}
// CHECK-NEXT: return
func.func @leaky(%y: tensor<?x8xf32>, %dz: tensor<?x4xf32>, %w: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %0 = nn.dense_grad_input %dz, %w : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %1 = nn.activation_grad %y, %0 {kind = "leaky_relu", alpha = 0.1 : f32} : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %1 : tensor<?x8xf32>
}

// -----

// Not fused: the product has a second user; softmax's derivative reads a whole row;
// the reshape's result has a second user.
// CHECK-LABEL: func.func @keep
// CHECK-NEXT: nn.dense_grad_input
// CHECK-NEXT: nn.activation_grad
// CHECK-NEXT: nn.dense_grad_input
// CHECK-NEXT: nn.activation_grad {{.*}}softmax
// CHECK-NEXT: nn.dense_grad_input
// CHECK-NEXT: nn.reshape
// CHECK-NEXT: nn.activation_grad
// CHECK-NEXT: return
func.func @keep(%y: tensor<?x8xf32>, %dz: tensor<?x4xf32>, %w: tensor<8x4xf32>, %y3: tensor<?x2x4xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32>) {
  %0 = nn.dense_grad_input %dz, %w : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %1 = nn.activation_grad %y, %0 {kind = "relu"} : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %2 = nn.dense_grad_input %dz, %w : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %3 = nn.activation_grad %y, %2 {kind = "softmax"} : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %4 = nn.dense_grad_input %dz, %w : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %5 = nn.reshape %4 {shape = array<i64: 2, 4>} : (tensor<?x8xf32>) -> tensor<?x2x4xf32>
  %6 = nn.activation_grad %y3, %5 {kind = "tanh"} : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  return %0, %1, %3, %5, %6 : tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32>
}
