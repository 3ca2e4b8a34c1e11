// RUN: nnc-opt %s --nn-fuse-dropout-activation -split-input-file | FileCheck %s

// relu: the fused backward reads the Dropout's output, so the activation's output
// %y has no user after the Dropout.
// CHECK-LABEL: func.func @relu
// CHECK-NEXT: %[[D:.*]] = nn.dropout_train %arg0, %arg2
// CHECK-NEXT: %[[G:.*]] = nn.dropout_activation_grad %[[D]], %arg1, %arg2 {activation = "relu", rate = 2.500000e-01 : f32, salt = 3 : i64}
// CHECK-NEXT: return %[[D]], %[[G]]
func.func @relu(%y: tensor<?x4xf32>, %dy: tensor<?x4xf32>, %k: tensor<2xi32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %d = nn.dropout_train %y, %k {rate = 0.25 : f32, salt = 3 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %0 = nn.dropout_grad %dy, %k {rate = 0.25 : f32, salt = 3 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %1 = nn.activation_grad %y, %0 {kind = "relu"} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %d, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// sigmoid needs the activation's value: the fused op reads %y itself.
// CHECK-LABEL: func.func @sigmoid
// CHECK: nn.dropout_activation_grad %arg0, %arg1, %arg2 {activation = "sigmoid"
func.func @sigmoid(%y: tensor<?x4xf32>, %dy: tensor<?x4xf32>, %k: tensor<2xi32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %d = nn.dropout_train %y, %k {rate = 0.25 : f32, salt = 3 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %0 = nn.dropout_grad %dy, %k {rate = 0.25 : f32, salt = 3 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %1 = nn.activation_grad %y, %0 {kind = "sigmoid"} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %d, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// Not fused: the dropout gradient has another user; softmax reads a whole row.
// CHECK-LABEL: func.func @keep
// CHECK-NEXT: nn.dropout_grad
// CHECK-NEXT: nn.activation_grad
// CHECK-NEXT: nn.dropout_grad
// CHECK-NEXT: nn.activation_grad {{.*}}softmax
// CHECK-NEXT: return
func.func @keep(%y: tensor<?x4xf32>, %dy: tensor<?x4xf32>, %k: tensor<2xi32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %0 = nn.dropout_grad %dy, %k {rate = 0.25 : f32, salt = 3 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %1 = nn.activation_grad %y, %0 {kind = "relu"} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = nn.dropout_grad %dy, %k {rate = 0.25 : f32, salt = 4 : i64} : (tensor<?x4xf32>, tensor<2xi32>) -> tensor<?x4xf32>
  %3 = nn.activation_grad %y, %2 {kind = "softmax"} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}
