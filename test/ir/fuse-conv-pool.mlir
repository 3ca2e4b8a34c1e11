// RUN: nnc-opt %s --nn-fuse-conv-pool -split-input-file | FileCheck %s

// The conv's only user is the pooling: one op with the conv's operands and
// attributes, the pooling's results.
// CHECK-LABEL: func.func @fused
// CHECK-NEXT: %[[P:.*]], %[[I:.*]] = nn.conv2d_max_pool2d_argmax %arg0, %arg1, %arg2 {activation = "relu", dilation = array<i64: 1, 1>, padding = "same", pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>)
// CHECK-NEXT: return %[[P]], %[[I]]
func.func @fused(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x16xf32>, %b: tensor<16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>) {
  %0 = nn.conv2d %x, %k, %b {activation = "relu", padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  %p, %i = nn.max_pool2d_argmax %0 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>)
  return %p, %i : tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>
}

// -----

// Without a bias, 3x3 windows over a 7x7 map (the last column and row unused).
// CHECK-LABEL: func.func @nobias
// CHECK-NEXT: nn.conv2d_max_pool2d_argmax %arg0, %arg1 {dilation = array<i64: 1, 1>, padding = "valid", pool_size = array<i64: 3, 3>
// CHECK-NEXT: return
func.func @nobias(%x: tensor<?x9x9x2xf32>, %k: tensor<3x3x2x8xf32>) -> (tensor<?x2x2x8xf32>, tensor<?x2x2x8xf32>) {
  %0 = nn.conv2d %x, %k : (tensor<?x9x9x2xf32>, tensor<3x3x2x8xf32>) -> tensor<?x7x7x8xf32>
  %p, %i = nn.max_pool2d_argmax %0 {padding = "valid", pool_size = array<i64: 3, 3>, strides = array<i64: 3, 3>} : (tensor<?x7x7x8xf32>) -> (tensor<?x2x2x8xf32>, tensor<?x2x2x8xf32>)
  return %p, %i : tensor<?x2x2x8xf32>, tensor<?x2x2x8xf32>
}

// -----

// Not fused: the conv output has a second user; overlapping windows (stride 1);
// "same" pooling; softmax.
// CHECK-LABEL: func.func @keep
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.max_pool2d_argmax
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.max_pool2d_argmax
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.max_pool2d_argmax
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.max_pool2d_argmax
// CHECK-NEXT: return
func.func @keep(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x16xf32>) -> (tensor<?x8x8x16xf32>, tensor<?x4x4x16xf32>, tensor<?x7x7x16xf32>, tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>) {
  %0 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p0, %i0 = nn.max_pool2d_argmax %0 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>)
  %1 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p1, %i1 = nn.max_pool2d_argmax %1 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x8x8x16xf32>) -> (tensor<?x7x7x16xf32>, tensor<?x7x7x16xf32>)
  %2 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p2, %i2 = nn.max_pool2d_argmax %2 {padding = "same", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>)
  %3 = nn.conv2d %x, %k {padding = "same", activation = "softmax"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p3, %i3 = nn.max_pool2d_argmax %3 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>)
  return %0, %p0, %p1, %p2, %p3 : tensor<?x8x8x16xf32>, tensor<?x4x4x16xf32>, tensor<?x7x7x16xf32>, tensor<?x4x4x16xf32>, tensor<?x4x4x16xf32>
}

// -----

// Not fused: a 5x5 window (more than the 16 taps the fused kernel keeps unrolled in
// registers).
// CHECK-LABEL: func.func @bigwindow
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.max_pool2d_argmax
func.func @bigwindow(%x: tensor<?x10x10x1xf32>, %k: tensor<1x1x1x16xf32>) -> (tensor<?x2x2x16xf32>, tensor<?x2x2x16xf32>) {
  %0 = nn.conv2d %x, %k : (tensor<?x10x10x1xf32>, tensor<1x1x1x16xf32>) -> tensor<?x10x10x16xf32>
  %p, %i = nn.max_pool2d_argmax %0 {padding = "valid", pool_size = array<i64: 5, 5>, strides = array<i64: 5, 5>} : (tensor<?x10x10x16xf32>) -> (tensor<?x2x2x16xf32>, tensor<?x2x2x16xf32>)
  return %p, %i : tensor<?x2x2x16xf32>, tensor<?x2x2x16xf32>
}

// -----

// Inference: a conv whose only user is a max_pool2d of tiling windows becomes one
// nn.conv2d_max_pool2d (no recorded maxima); a pooling after a conv with another user,
// or with overlapping windows, stays.
// CHECK-LABEL: func.func @inference
// CHECK-NEXT: %[[P:.*]] = nn.conv2d_max_pool2d %arg0, %arg1, %arg2 {activation = "relu", dilation = array<i64: 1, 1>, padding = "same", pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> tensor<?x4x4x16xf32>
// CHECK-NEXT: %[[C:.*]] = nn.conv2d
// CHECK-NEXT: nn.max_pool2d %[[C]]
// CHECK-NEXT: %[[D:.*]] = nn.conv2d
// CHECK-NEXT: nn.max_pool2d %[[D]]
// CHECK-NEXT: return %[[P]]
func.func @inference(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x16xf32>, %b: tensor<16xf32>) -> (tensor<?x4x4x16xf32>, tensor<?x8x8x16xf32>, tensor<?x4x4x16xf32>, tensor<?x7x7x16xf32>) {
  %0 = nn.conv2d %x, %k, %b {activation = "relu", padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  %p = nn.max_pool2d %0 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  %1 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p1 = nn.max_pool2d %1 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  %2 = nn.conv2d %x, %k {padding = "same"} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %p2 = nn.max_pool2d %2 {padding = "valid", pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x8x8x16xf32>) -> tensor<?x7x7x16xf32>
  return %p, %1, %p1, %p2 : tensor<?x4x4x16xf32>, tensor<?x8x8x16xf32>, tensor<?x4x4x16xf32>, tensor<?x7x7x16xf32>
}
