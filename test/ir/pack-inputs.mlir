// RUN: nnc-opt %s --nn-pack-inputs -split-input-file -verify-diagnostics | FileCheck %s

// Two inputs, a vector and an image, become one row of 4 + 2*3*1 floats: each is
// sliced back out (the image reshaped), and @loss, which passes its own leading
// arguments on to @forward, takes the row as well. nn.inputs keeps the layout.
// CHECK-LABEL: func.func @forward(%arg0: tensor<?x10xf32> {nn.name = "inputs"}) -> tensor<?x4xf32>
// CHECK-SAME: nn.inputs = [{name = "a", offset = 0 : i64, shape = array<i64: 4>}, {name = "b", offset = 4 : i64, shape = array<i64: 2, 3, 1>}]
// CHECK-NEXT: %[[A:.*]] = nn.slice %arg0 {axis = 1 : i64, offset = 0 : i64} : (tensor<?x10xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: %[[S:.*]] = nn.slice %arg0 {axis = 1 : i64, offset = 4 : i64} : (tensor<?x10xf32>) -> tensor<?x6xf32>
// CHECK-NEXT: %[[B:.*]] = nn.reshape %[[S]] {shape = array<i64: 2, 3, 1>} : (tensor<?x6xf32>) -> tensor<?x2x3x1xf32>
// CHECK-NEXT: %[[F:.*]] = nn.flatten %[[B]]
// CHECK-NEXT: nn.concatenate %[[A]], %[[F]]
// CHECK-LABEL: func.func @loss(%arg0: tensor<?x10xf32>, %arg1: tensor<?x4xf32>) -> tensor<f32>
// CHECK-NEXT: call @forward(%arg0) : (tensor<?x10xf32>) -> tensor<?x4xf32>
func.func @forward(%a: tensor<?x4xf32> {nn.name = "a"}, %b: tensor<?x2x3x1xf32> {nn.name = "b"}) -> tensor<?x4xf32> {
  %f = nn.flatten %b : (tensor<?x2x3x1xf32>) -> tensor<?x6xf32>
  %c = nn.concatenate %a, %f {axis = -1 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
  %s = nn.slice %c {axis = 1 : i64, offset = 0 : i64} : (tensor<?x10xf32>) -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}
func.func @loss(%a: tensor<?x4xf32>, %b: tensor<?x2x3x1xf32>, %y: tensor<?x4xf32>) -> tensor<f32> {
  %p = call @forward(%a, %b) : (tensor<?x4xf32>, tensor<?x2x3x1xf32>) -> tensor<?x4xf32>
  %l = nn.mean_squared_error %p, %y : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A model of one input is left as it is.
// CHECK-LABEL: func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
// CHECK-NEXT: return %arg0
func.func @forward(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

// -----

// A caller that hands @forward other values cannot be rewritten.
func.func @forward(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}
func.func @twice(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{@forward is called with other values than its caller's own leading arguments; its inputs cannot be packed}}
  %p = call @forward(%a, %a) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %p : tensor<?x4xf32>
}
