// Every nn op parses, verifies and prints back to the same text.
// RUN: nnc-opt %s | FileCheck %s
// RUN: nnc-opt %s | nnc-opt | FileCheck %s
// RUN: nnc-opt %s -mlir-print-op-generic | nnc-opt | FileCheck %s

module {
  nn.variable @k : tensor<3x3x4x8xf32> {init = "he_normal"}
  nn.variable @frozen : tensor<8xf32> {init = "ones", trainable = false}

  // CHECK-LABEL: func.func @layers
  func.func @layers(%x: tensor<?x16x16x4xf32>, %k: tensor<3x3x4x8xf32>, %b: tensor<8xf32>,
                    %w: tensor<8x10xf32>, %b10: tensor<10xf32>) -> tensor<?x10xf32> {
    // CHECK: nn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {activation = "relu", dilation = array<i64: 2, 2>, padding = "same"} : (tensor<?x16x16x4xf32>, tensor<3x3x4x8xf32>, tensor<8xf32>) -> tensor<?x16x16x8xf32>
    %c = nn.conv2d %x, %k, %b {activation = "relu", dilation = array<i64: 2, 2>, padding = "same"} : (tensor<?x16x16x4xf32>, tensor<3x3x4x8xf32>, tensor<8xf32>) -> tensor<?x16x16x8xf32>
    // CHECK: nn.conv2d %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>} : (tensor<?x16x16x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x7x7x8xf32>
    %c2 = nn.conv2d %x, %k {strides = array<i64: 2, 2>} : (tensor<?x16x16x4xf32>, tensor<3x3x4x8xf32>) -> tensor<?x7x7x8xf32>
    // CHECK: nn.max_pool2d %{{.*}} : (tensor<?x16x16x8xf32>) -> tensor<?x8x8x8xf32>
    %p = nn.max_pool2d %c : (tensor<?x16x16x8xf32>) -> tensor<?x8x8x8xf32>
    // CHECK: nn.avg_pool2d %{{.*}} {padding = "same", pool_size = array<i64: 3, 3>} : (tensor<?x8x8x8xf32>) -> tensor<?x4x4x8xf32>
    %a = nn.avg_pool2d %p {pool_size = array<i64: 3, 3>, padding = "same"} : (tensor<?x8x8x8xf32>) -> tensor<?x4x4x8xf32>
    // CHECK: nn.global_avg_pool2d %{{.*}} {keepdims = true} : (tensor<?x4x4x8xf32>) -> tensor<?x1x1x8xf32>
    %gk = nn.global_avg_pool2d %a {keepdims = true} : (tensor<?x4x4x8xf32>) -> tensor<?x1x1x8xf32>
    // CHECK: nn.global_avg_pool2d %{{.*}} : (tensor<?x7x7x8xf32>) -> tensor<?x8xf32>
    %g = nn.global_avg_pool2d %c2 : (tensor<?x7x7x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.flatten %{{.*}} : (tensor<?x1x1x8xf32>) -> tensor<?x8xf32>
    %f = nn.flatten %gk : (tensor<?x1x1x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.reshape %{{.*}} {shape = array<i64: 2, -1>} : (tensor<?x8xf32>) -> tensor<?x2x4xf32>
    %r = nn.reshape %f {shape = array<i64: 2, -1>} : (tensor<?x8xf32>) -> tensor<?x2x4xf32>
    // CHECK: nn.concatenate %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x4x4xf32>
    %cat = nn.concatenate %r, %r {axis = 1} : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<?x4x4xf32>
    // CHECK: nn.add %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    %s = nn.add %f, %g, %g : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.rescaling %{{.*}} {offset = -1.000000e+00 : f32, scale = 2.000000e+00 : f32}
    %sc = nn.rescaling %s {scale = 2.0 : f32, offset = -1.0 : f32} : (tensor<?x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.dropout %{{.*}} {rate = 5.000000e-01 : f32, seed = 7 : i64}
    %d = nn.dropout %sc {rate = 0.5 : f32, seed = 7} : (tensor<?x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
    %bn = nn.batch_norm %d, %b, %b, %b, %b {epsilon = 1.0e-5 : f32} : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.activation %{{.*}} {alpha = 1.000000e-01 : f32, kind = "leaky_relu", layer = "leaky"}
    %l = nn.activation %bn {kind = "leaky_relu", alpha = 0.1 : f32, layer = "leaky"} : (tensor<?x8xf32>) -> tensor<?x8xf32>
    // CHECK: nn.dense %{{.*}}, %{{.*}}, %{{.*}} {activation = "softmax"} : (tensor<?x8xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
    %y = nn.dense %l, %w, %b10 {activation = "softmax"} : (tensor<?x8xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
    return %y : tensor<?x10xf32>
  }

  // CHECK-LABEL: func.func @augment
  func.func @augment(%x: tensor<?x32x32x3xf32>) -> tensor<?x32x32x3xf32> {
    // CHECK: nn.random_flip %{{.*}} {mode = "horizontal", seed = 1 : i64}
    %0 = nn.random_flip %x {mode = "horizontal", seed = 1} : (tensor<?x32x32x3xf32>) -> tensor<?x32x32x3xf32>
    // CHECK: nn.random_rotation %{{.*}} {factor = array<f32: -2.000000e-01, 3.000000e-01>, fill_mode = "constant", fill_value = 5.000000e-01 : f32}
    %1 = nn.random_rotation %0 {factor = array<f32: -0.2, 0.3>, fill_mode = "constant", fill_value = 0.5 : f32} : (tensor<?x32x32x3xf32>) -> tensor<?x32x32x3xf32>
    // CHECK: nn.random_zoom %{{.*}} {height_factor = array<f32: -1.000000e-01, 1.000000e-01>, interpolation = "nearest", width_factor = array<f32: 0.000000e+00, 2.000000e-01>}
    %2 = nn.random_zoom %1 {height_factor = array<f32: -0.1, 0.1>, width_factor = array<f32: 0.0, 0.2>, interpolation = "nearest"} : (tensor<?x32x32x3xf32>) -> tensor<?x32x32x3xf32>
    return %2 : tensor<?x32x32x3xf32>
  }

  // CHECK-LABEL: func.func @losses
  func.func @losses(%p: tensor<?x10xf32>, %ids: tensor<?xi32>, %ids2: tensor<?x1xi64>, %onehot: tensor<?x10xf32>) -> tensor<f32> {
    // CHECK: nn.sparse_categorical_crossentropy %{{.*}}, %{{.*}} {from_logits = true} : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
    %0 = nn.sparse_categorical_crossentropy %p, %ids {from_logits = true} : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
    // CHECK: nn.sparse_categorical_crossentropy %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<?x1xi64>) -> tensor<f32>
    %1 = nn.sparse_categorical_crossentropy %p, %ids2 : (tensor<?x10xf32>, tensor<?x1xi64>) -> tensor<f32>
    // CHECK: nn.categorical_crossentropy
    %2 = nn.categorical_crossentropy %p, %onehot : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<f32>
    // CHECK: nn.binary_crossentropy
    %3 = nn.binary_crossentropy %p, %onehot : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<f32>
    // CHECK: nn.mean_squared_error
    %4 = nn.mean_squared_error %p, %onehot : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<f32>
    return %4 : tensor<f32>
  }

  // CHECK-LABEL: func.func @optimizers
  func.func @optimizers(%p: tensor<8xf32>, %g: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %t: tensor<2xi32>) {
    // CHECK: nn.sgd_update %{{.*}}, %{{.*}} : tensor<8xf32> -> tensor<8xf32>
    %0 = nn.sgd_update %p, %g : tensor<8xf32> -> tensor<8xf32>
    // CHECK: nn.sgd_update %{{.*}}, %{{.*}}, %{{.*}} {momentum = 0.899999976 : f32, nesterov = true} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>
    %1:2 = nn.sgd_update %p, %g, %m {momentum = 0.9 : f32, nesterov = true} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>
    // CHECK: nn.adam_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} step %{{.*}} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
    %2:3 = nn.adam_update %p, %g, %m, %v step %t : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
    // CHECK: nn.rmsprop_update %{{.*}}, %{{.*}}, %{{.*}} {learning_rate = 0.00999999977 : f32} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>
    %3:2 = nn.rmsprop_update %p, %g, %m {learning_rate = 0.01 : f32} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>, tensor<8xf32>
    return
  }

  // CHECK-LABEL: func.func @state
  func.func @state() -> tensor<3x3x4x8xf32> {
    // CHECK: %[[K:.*]] = nn.read @k : tensor<3x3x4x8xf32>
    %k = nn.read @k : tensor<3x3x4x8xf32>
    // CHECK: nn.assign @k, %[[K]] : tensor<3x3x4x8xf32>
    nn.assign @k, %k : tensor<3x3x4x8xf32>
    return %k : tensor<3x3x4x8xf32>
  }
}
