// RUN: nnc-opt %s --nn-schedule-updates -split-input-file | FileCheck %s

// The update of @w moves up to just after its gradient: nothing reads the old @w
// after that. Its reads move with it; the assign follows it.
// CHECK-LABEL: func.func @early
// CHECK:      %[[G:.*]] = nn.dense_grad_kernel
// CHECK-NEXT: %[[P:.*]] = nn.read @w
// CHECK-NEXT: %[[V:.*]] = nn.read @"w/v"
// CHECK-NEXT: %[[NEW:.*]], %[[S:.*]] = nn.sgd_update %[[P]], %[[G]], %[[V]]
// CHECK-NEXT: nn.assign @w, %[[NEW]]
// CHECK-NEXT: nn.assign @"w/v", %[[S]]
// CHECK-NEXT: nn.activation
// CHECK-NEXT: return
nn.variable @w : tensor<4x3xf32>
nn.variable @"w/v" : tensor<4x3xf32> {role = "slot"}
func.func @early(%x: tensor<?x4xf32>, %dy: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = nn.dense_grad_kernel %x, %dy : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<4x3xf32>
  %1 = nn.activation %dy {kind = "relu"} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %2 = nn.read @w : tensor<4x3xf32>
  %3 = nn.read @"w/v" : tensor<4x3xf32>
  %4, %5 = nn.sgd_update %2, %0, %3 {momentum = 0.9 : f32} : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<4x3xf32>, tensor<4x3xf32>
  nn.assign @w, %4 : tensor<4x3xf32>
  nn.assign @"w/v", %5 : tensor<4x3xf32>
  return %1 : tensor<?x3xf32>
}

// -----

// The old @w is still read after the gradient (the input gradient uses it): the update
// waits for that reader, not longer.
// CHECK-LABEL: func.func @after_reader
// CHECK:      nn.dense_grad_kernel
// CHECK-NEXT: nn.dense_grad_input
// CHECK-NEXT: nn.read @w
// CHECK-NEXT: nn.sgd_update
// CHECK-NEXT: nn.assign @w
// CHECK-NEXT: nn.activation
nn.variable @w : tensor<4x3xf32>
func.func @after_reader(%x: tensor<?x4xf32>, %dy: tensor<?x3xf32>) -> tensor<?x4xf32> {
  %w = nn.read @w : tensor<4x3xf32>
  %0 = nn.dense_grad_kernel %x, %dy : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<4x3xf32>
  %1 = nn.dense_grad_input %dy, %w : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
  %2 = nn.activation %1 {kind = "relu"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = nn.read @w : tensor<4x3xf32>
  %4 = nn.sgd_update %3, %0 : tensor<4x3xf32> -> tensor<4x3xf32>
  nn.assign @w, %4 : tensor<4x3xf32>
  return %2 : tensor<?x4xf32>
}

// -----

// Nothing moves when a value the update computes has a user besides its assign.
// CHECK-LABEL: func.func @stay
// CHECK:      nn.activation
// CHECK-NEXT: nn.read @w
// CHECK-NEXT: nn.sgd_update
// CHECK-NEXT: nn.assign @w
// CHECK-NEXT: return
nn.variable @w : tensor<4x3xf32>
func.func @stay(%x: tensor<?x4xf32>, %dy: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<4x3xf32>) {
  %0 = nn.dense_grad_kernel %x, %dy : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<4x3xf32>
  %1 = nn.activation %dy {kind = "relu"} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %3 = nn.read @w : tensor<4x3xf32>
  %4 = nn.sgd_update %3, %0 : tensor<4x3xf32> -> tensor<4x3xf32>
  nn.assign @w, %4 : tensor<4x3xf32>
  return %1, %4 : tensor<?x3xf32>, tensor<4x3xf32>
}
