// RUN: nnc-opt %s --nn-pack-outputs -split-input-file -verify-diagnostics | FileCheck %s

// Two outputs, a vector and an image, become one row of 3 + 2*2*1 floats (the image
// reshaped flat, then concatenated); @loss takes them back out of the row. The label
// arguments of @evaluate and @train_step become one f32 row: a sparse head's class ids
// one column, the image head's targets four, each sliced back (and the targets
// reshaped). nn.outputs records the layout with each head's loss.
// CHECK-LABEL: func.func @forward(%arg0: tensor<?x4xf32>) -> (tensor<?x7xf32> {nn.name = "outputs"})
// CHECK-SAME: nn.outputs = [{label_offset = 0 : i64, label_size = 1 : i64, loss = "sparse_categorical_crossentropy", name = "kind", offset = 0 : i64, shape = array<i64: 3>}, {label_offset = 1 : i64, label_size = 4 : i64, loss = "mean_squared_error", name = "output_2", offset = 3 : i64, shape = array<i64: 2, 2, 1>}]
// CHECK: %[[IMG:.*]] = nn.reshape %{{.*}} {shape = array<i64: 4>} : (tensor<?x2x2x1xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: %[[ROW:.*]] = nn.concatenate %{{.*}}, %[[IMG]] {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?x4xf32>) -> tensor<?x7xf32>
// CHECK-NEXT: return %[[ROW]]
// CHECK-LABEL: func.func @loss(
// CHECK-NEXT: %[[P:.*]] = call @forward(%arg0) : (tensor<?x4xf32>) -> tensor<?x7xf32>
// CHECK-NEXT: %[[K:.*]] = nn.slice %[[P]] {axis = 1 : i64, offset = 0 : i64} : (tensor<?x7xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %[[S:.*]] = nn.slice %[[P]] {axis = 1 : i64, offset = 3 : i64} : (tensor<?x7xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: nn.reshape %[[S]] {shape = array<i64: 2, 2, 1>} : (tensor<?x4xf32>) -> tensor<?x2x2x1xf32>
// CHECK-LABEL: func.func @evaluate(%arg0: tensor<?x4xf32>, %arg1: tensor<?x5xf32> {nn.name = "labels"}) -> tensor<f32>
// CHECK-NEXT: %[[Y0:.*]] = nn.slice %arg1 {axis = 1 : i64, offset = 0 : i64} : (tensor<?x5xf32>) -> tensor<?x1xf32>
// CHECK-NEXT: %[[Y1F:.*]] = nn.slice %arg1 {axis = 1 : i64, offset = 1 : i64} : (tensor<?x5xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: %[[Y1:.*]] = nn.reshape %[[Y1F]] {shape = array<i64: 2, 2, 1>} : (tensor<?x4xf32>) -> tensor<?x2x2x1xf32>
// CHECK: nn.sparse_categorical_crossentropy %{{.*}}, %[[Y0]] : (tensor<?x3xf32>, tensor<?x1xf32>)
// CHECK: nn.mean_squared_error %{{.*}}, %[[Y1]]
module attributes {nn.heads = [{name = "kind", output = 0 : i64, loss = "sparse_categorical_crossentropy", weight = 1.0 : f32}, {name = "output_2", output = 1 : i64, loss = "mean_squared_error", weight = 0.5 : f32}]} {
func.func @forward(%x: tensor<?x4xf32>) -> (tensor<?x3xf32> {nn.name = "kind"}, tensor<?x2x2x1xf32>) {
  %k = nn.activation %x {kind = "softmax"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = nn.slice %k {axis = 1 : i64, offset = 0 : i64} : (tensor<?x4xf32>) -> tensor<?x3xf32>
  %i = nn.reshape %x {shape = array<i64: 2, 2, 1>} : (tensor<?x4xf32>) -> tensor<?x2x2x1xf32>
  return %a, %i : tensor<?x3xf32>, tensor<?x2x2x1xf32>
}
func.func @loss(%x: tensor<?x4xf32>, %y0: tensor<?xi32>, %y1: tensor<?x2x2x1xf32>) -> tensor<f32> {
  %p:2 = call @forward(%x) : (tensor<?x4xf32>) -> (tensor<?x3xf32>, tensor<?x2x2x1xf32>)
  %l0 = nn.sparse_categorical_crossentropy %p#0, %y0 : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  %l1 = nn.mean_squared_error %p#1, %y1 : (tensor<?x2x2x1xf32>, tensor<?x2x2x1xf32>) -> tensor<f32>
  %t = nn.loss_sum %l0, %l1 {weights = array<f32: 1.0, 0.5>} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %t : tensor<f32>
}
func.func @evaluate(%x: tensor<?x4xf32>, %y0: tensor<?xi32>, %y1: tensor<?x2x2x1xf32>) -> tensor<f32> {
  %k = nn.activation %x {kind = "softmax"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = nn.slice %k {axis = 1 : i64, offset = 0 : i64} : (tensor<?x4xf32>) -> tensor<?x3xf32>
  %i = nn.reshape %x {shape = array<i64: 2, 2, 1>} : (tensor<?x4xf32>) -> tensor<?x2x2x1xf32>
  %l0 = nn.sparse_categorical_crossentropy %a, %y0 : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  %l1 = nn.mean_squared_error %i, %y1 : (tensor<?x2x2x1xf32>, tensor<?x2x2x1xf32>) -> tensor<f32>
  %t = nn.loss_sum %l0, %l1 {weights = array<f32: 1.0, 0.5>} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %t : tensor<f32>
}
}

// -----

// A model of one output is left as it is.
// CHECK-LABEL: func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
// CHECK-NEXT: return %arg0
func.func @forward(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

// -----

// An output without a static size per sample cannot be packed.
// expected-error @+1 {{output 1 needs a static f32 shape besides the batch}}
func.func @forward(%a: tensor<?x4xf32>, %b: tensor<?x?xf32>) -> (tensor<?x4xf32>, tensor<?x?xf32>) {
  return %a, %b : tensor<?x4xf32>, tensor<?x?xf32>
}

// -----

// The weights of the heads' losses must match the losses.
func.func @sum(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'nn.loss_sum' op has 2 losses but 1 weights}}
  %t = nn.loss_sum %a, %b {weights = array<f32: 1.0>} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %t : tensor<f32>
}
