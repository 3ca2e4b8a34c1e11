// RUN: nnc-opt %s --nn-fuse-pool-activation -split-input-file | FileCheck %s

// The train step's pooling records its maxima; the pooling's and the activation's
// backward become one op that reads them (not the activation's output).
// CHECK-LABEL: func.func @train
// CHECK-NEXT: %[[P:.*]], %[[I:.*]] = nn.max_pool2d_argmax %arg0 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK-NEXT: %[[DX:.*]] = nn.max_pool2d_activation_grad %[[I]], %[[P]], %arg1 {activation = "relu", padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK-NEXT: return %[[P]], %[[DX]]
func.func @train(%y: tensor<?x4x4x3xf32>, %dp: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) {
  %0 = nn.max_pool2d %y : (tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32>
  %1 = nn.max_pool2d_grad %y, %dp {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x4x3xf32>, tensor<?x2x2x3xf32>) -> tensor<?x4x4x3xf32>
  %2 = nn.activation_grad %y, %1 {kind = "relu"} : (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  return %0, %2 : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
}

// -----

// The pooling's gradient has another user (summed with another path): nothing fuses.
// CHECK-LABEL: func.func @shared
// CHECK-NEXT: nn.max_pool2d %arg0
// CHECK-NEXT: nn.max_pool2d_grad
// CHECK-NEXT: nn.activation_grad
func.func @shared(%y: tensor<?x4x4x3xf32>, %dp: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) {
  %0 = nn.max_pool2d %y : (tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32>
  %1 = nn.max_pool2d_grad %y, %dp {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x4x3xf32>, tensor<?x2x2x3xf32>) -> tensor<?x4x4x3xf32>
  %2 = nn.activation_grad %y, %1 {kind = "relu"} : (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  return %0, %1, %2 : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>
}

// -----

// The activation gradient reads another tensor than the pooled one: not this pattern.
// CHECK-LABEL: func.func @other_output
// CHECK-NEXT: nn.max_pool2d %arg0
// CHECK-NEXT: nn.max_pool2d_grad
// CHECK-NEXT: nn.activation_grad %arg2
func.func @other_output(%y: tensor<?x4x4x3xf32>, %dp: tensor<?x2x2x3xf32>, %z: tensor<?x4x4x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) {
  %0 = nn.max_pool2d %y : (tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32>
  %1 = nn.max_pool2d_grad %y, %dp {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x4x3xf32>, tensor<?x2x2x3xf32>) -> tensor<?x4x4x3xf32>
  %2 = nn.activation_grad %z, %1 {kind = "tanh"} : (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  return %0, %2 : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
}
