// RUN: nnc-opt %s --nn-fold-batch-norm -split-input-file | FileCheck %s

// Frozen Conv2D + BN (fused, inference): s = gamma / sqrt(variance + epsilon) = [0.5, 0.5],
// kernel [2, 4] * s = [1, 2], bias (0 - mean) * s + beta = [0, -1]. The BN variables go.
// CHECK-LABEL: nn.variable @"k/bn_folded" : tensor<1x1x1x2xf32> {trainable = false, value = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]]]]> : tensor<1x1x1x2xf32>}
// CHECK-NEXT: nn.variable @"k.bias/bn_folded" : tensor<2xf32> {trainable = false, value = dense<[0.000000e+00, -1.000000e+00]> : tensor<2xf32>}
// CHECK-NOT: nn.variable
// CHECK-LABEL: func.func @conv
// CHECK-NEXT: %[[K:.*]] = nn.read @"k/bn_folded"
// CHECK-NEXT: %[[B:.*]] = nn.read @"k.bias/bn_folded"
// CHECK-NEXT: nn.conv2d %arg0, %[[K]], %[[B]] {activation = "relu", layer = "conv", padding = "same"}
// CHECK-NEXT: return
nn.variable @k : tensor<1x1x1x2xf32> {value = dense<[[[[2.0, 4.0]]]]> : tensor<1x1x1x2xf32>}
nn.variable @g : tensor<2xf32> {value = dense<[1.0, 2.0]> : tensor<2xf32>}
nn.variable @b : tensor<2xf32> {value = dense<[0.5, 0.0]> : tensor<2xf32>}
nn.variable @m : tensor<2xf32> {value = dense<[1.0, 2.0]> : tensor<2xf32>}
nn.variable @v : tensor<2xf32> {value = dense<[3.0, 15.0]> : tensor<2xf32>}
func.func @conv(%x: tensor<?x4x4x1xf32>) -> tensor<?x4x4x2xf32> {
  %k = nn.read @k : tensor<1x1x1x2xf32>
  %g = nn.read @g : tensor<2xf32>
  %b = nn.read @b : tensor<2xf32>
  %m = nn.read @m : tensor<2xf32>
  %v = nn.read @v : tensor<2xf32>
  %0 = nn.conv2d_bn %x, %k, %g, %b, %m, %v {activation = "relu", dilation = array<i64: 1, 1>, epsilon = 1.0 : f32, layers = ["conv", "bn", "act"], padding = "same", strides = array<i64: 1, 1>} : (tensor<?x4x4x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  return %0 : tensor<?x4x4x2xf32>
}

// -----

// Dense (with its bias [1, 1]) then BN: bias (1 - mean) * s + beta = [0.5, -0.5].
// CHECK-LABEL: nn.variable @"dense.kernel/bn_folded" : tensor<1x2xf32> {trainable = false, value = dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>}
// CHECK-NEXT: nn.variable @"dense.bias/bn_folded" : tensor<2xf32> {trainable = false, value = dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>}
// CHECK-LABEL: func.func @dense
// CHECK-NEXT: nn.read @"dense.kernel/bn_folded"
// CHECK-NEXT: nn.read @"dense.bias/bn_folded"
// CHECK-NEXT: %[[D:.*]] = nn.dense %arg0
// CHECK-NEXT: return %[[D]]
nn.variable @dense.kernel : tensor<1x2xf32> {value = dense<[[2.0, 4.0]]> : tensor<1x2xf32>}
nn.variable @dense.bias : tensor<2xf32> {value = dense<[1.0, 1.0]> : tensor<2xf32>}
nn.variable @g : tensor<2xf32> {value = dense<[1.0, 2.0]> : tensor<2xf32>}
nn.variable @b : tensor<2xf32> {value = dense<[0.5, 0.0]> : tensor<2xf32>}
nn.variable @m : tensor<2xf32> {value = dense<[1.0, 2.0]> : tensor<2xf32>}
nn.variable @v : tensor<2xf32> {value = dense<[3.0, 15.0]> : tensor<2xf32>}
func.func @dense(%x: tensor<?x1xf32>) -> tensor<?x2xf32> {
  %k = nn.read @dense.kernel : tensor<1x2xf32>
  %c = nn.read @dense.bias : tensor<2xf32>
  %g = nn.read @g : tensor<2xf32>
  %b = nn.read @b : tensor<2xf32>
  %m = nn.read @m : tensor<2xf32>
  %v = nn.read @v : tensor<2xf32>
  %0 = nn.dense %x, %k, %c : (tensor<?x1xf32>, tensor<1x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %1 = nn.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}

// -----

// No fold: weights not frozen (no value), an activation between Dense and BN, or a
// Dense result with another user.
// CHECK-LABEL: func.func @keep
// CHECK: nn.conv2d_bn
// CHECK: nn.dense {{.*}}activation = "relu"
// CHECK-NEXT: nn.batch_norm
// CHECK: nn.dense
// CHECK-NEXT: nn.batch_norm
nn.variable @k : tensor<1x1x1x2xf32>
nn.variable @w : tensor<1x2xf32> {value = dense<[[2.0, 4.0]]> : tensor<1x2xf32>}
nn.variable @g : tensor<2xf32> {value = dense<[1.0, 2.0]> : tensor<2xf32>}
func.func @keep(%x: tensor<?x4x4x1xf32>, %y: tensor<?x1xf32>) -> (tensor<?x4x4x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %k = nn.read @k : tensor<1x1x1x2xf32>
  %w = nn.read @w : tensor<1x2xf32>
  %g = nn.read @g : tensor<2xf32>
  %0 = nn.conv2d_bn %x, %k, %g, %g, %g, %g {dilation = array<i64: 1, 1>, epsilon = 1.0 : f32, layers = ["conv", "bn"], padding = "same", strides = array<i64: 1, 1>} : (tensor<?x4x4x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x4x2xf32>
  %1 = nn.dense %y, %w {activation = "relu"} : (tensor<?x1xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  %2 = nn.batch_norm %1, %g, %g, %g, %g : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %3 = nn.dense %y, %w : (tensor<?x1xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  %4 = nn.batch_norm %3, %g, %g, %g, %g : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %0, %2, %3, %4 : tensor<?x4x4x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}
