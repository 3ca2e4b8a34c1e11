// RUN: nnc-opt %s --nn-fold-rescaling -split-input-file | FileCheck %s

// Rescaling(0.5, offset 1) into a frozen Dense: kernel * 0.5, bias + 1 * column sums.
// CHECK-LABEL: nn.variable @"d.kernel/rescaled" : tensor<2x2xf32> {trainable = false, value = dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}
// CHECK-NEXT: nn.variable @"d.bias/rescaled" : tensor<2xf32> {trainable = false, value = dense<[8.000000e+00, 1.200000e+01]> : tensor<2xf32>}
// CHECK-LABEL: func.func @dense
// CHECK-NEXT: %[[K:.*]] = nn.read @"d.kernel/rescaled"
// CHECK-NEXT: %[[B:.*]] = nn.read @"d.bias/rescaled"
// CHECK-NEXT: nn.dense %arg0, %[[K]], %[[B]] {activation = "relu"}
nn.variable @d.kernel : tensor<2x2xf32> {value = dense<[[2.0, 4.0], [6.0, 8.0]]> : tensor<2x2xf32>}
func.func @dense(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %0 = nn.rescaling %x {scale = 0.5 : f32, offset = 1.0 : f32} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %k = nn.read @d.kernel : tensor<2x2xf32>
  %1 = nn.dense %0, %k {activation = "relu"} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}

// -----

// Kept: an offset before a zero-padded convolution, a kernel that is not frozen, and a
// Rescaling with a second user.
// CHECK-LABEL: func.func @keep
// CHECK-NEXT: nn.rescaling
// CHECK-NEXT: nn.read
// CHECK-NEXT: nn.conv2d
// CHECK-NEXT: nn.rescaling
// CHECK-NEXT: nn.read
// CHECK-NEXT: nn.dense
// CHECK-NEXT: nn.rescaling
// CHECK-NEXT: nn.read
// CHECK-NEXT: nn.dense
nn.variable @c : tensor<1x1x2x2xf32> {value = dense<1.0> : tensor<1x1x2x2xf32>}
nn.variable @t : tensor<2x2xf32>
nn.variable @f : tensor<2x2xf32> {value = dense<1.0> : tensor<2x2xf32>}
func.func @keep(%x: tensor<?x3x3x2xf32>, %y: tensor<?x2xf32>) -> (tensor<?x3x3x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %0 = nn.rescaling %x {scale = 0.5 : f32, offset = 1.0 : f32} : (tensor<?x3x3x2xf32>) -> tensor<?x3x3x2xf32>
  %c = nn.read @c : tensor<1x1x2x2xf32>
  %1 = nn.conv2d %0, %c {padding = "same"} : (tensor<?x3x3x2xf32>, tensor<1x1x2x2xf32>) -> tensor<?x3x3x2xf32>
  %2 = nn.rescaling %y {scale = 0.5 : f32} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %t = nn.read @t : tensor<2x2xf32>
  %3 = nn.dense %2, %t : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %4 = nn.rescaling %y {scale = 0.5 : f32} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %f = nn.read @f : tensor<2x2xf32>
  %5 = nn.dense %4, %f : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %1, %3, %4, %5 : tensor<?x3x3x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}
