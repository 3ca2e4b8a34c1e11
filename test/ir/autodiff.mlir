// The autodiff pass (nn-build-training): @train_step and @evaluate from @forward/@loss.
// RUN: nnc-opt --nn-build-training --split-input-file --verify-diagnostics %s | FileCheck %s

// A Dense -> BatchNormalization -> Dropout -> Dense(softmax) model with SGD + momentum;
// the first Dense is frozen (no gradient for its weights, no slot).
module attributes {nn.loss = {from_logits = false, name = "sparse_categorical_crossentropy"},
                   nn.metrics = ["accuracy"],
                   nn.optimizer = {learning_rate = 0.1 : f32, momentum = 0.9 : f32, name = "sgd", nesterov = false}} {
  nn.variable @frozen.kernel : tensor<4x8xf32> {init = "glorot_uniform", trainable = false}
  nn.variable @bn.gamma : tensor<8xf32> {init = "ones"}
  nn.variable @bn.beta : tensor<8xf32>
  nn.variable @bn.moving_mean : tensor<8xf32> {trainable = false}
  nn.variable @bn.moving_variance : tensor<8xf32> {init = "ones", trainable = false}
  nn.variable @out.kernel : tensor<8x3xf32> {init = "glorot_uniform"}
  func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
    %k = nn.read @frozen.kernel : tensor<4x8xf32>
    %h = nn.dense %x, %k {activation = "relu"} : (tensor<?x4xf32>, tensor<4x8xf32>) -> tensor<?x8xf32>
    %g = nn.read @bn.gamma : tensor<8xf32>
    %b = nn.read @bn.beta : tensor<8xf32>
    %m = nn.read @bn.moving_mean : tensor<8xf32>
    %v = nn.read @bn.moving_variance : tensor<8xf32>
    %n = nn.batch_norm %h, %g, %b, %m, %v : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
    %d = nn.dropout %n {rate = 0.5 : f32} : (tensor<?x8xf32>) -> tensor<?x8xf32>
    %w = nn.read @out.kernel : tensor<8x3xf32>
    %y = nn.dense %d, %w {activation = "softmax"} : (tensor<?x8xf32>, tensor<8x3xf32>) -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
  func.func @loss(%x: tensor<?x4xf32>, %t: tensor<?xi32>) -> tensor<f32> {
    %y = call @forward(%x) : (tensor<?x4xf32>) -> tensor<?x3xf32>
    %l = nn.sparse_categorical_crossentropy %y, %t : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}
// Slots for the trainable weights only, and the step counter.
// CHECK-NOT: nn.variable @"frozen.kernel/momentum"
// CHECK-DAG: nn.variable @"bn.gamma/momentum" : tensor<8xf32> {role = "slot", trainable = false}
// CHECK-DAG: nn.variable @"bn.beta/momentum" : tensor<8xf32> {role = "slot", trainable = false}
// CHECK-DAG: nn.variable @"out.kernel/momentum" : tensor<8x3xf32> {role = "slot", trainable = false}
// CHECK-DAG: nn.variable @optimizer.iterations : tensor<1xf32> {role = "iterations", trainable = false}
// Evaluation runs the layers in inference mode.
// CHECK-LABEL: func.func @evaluate(
// CHECK: nn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: nn.dropout
// CHECK: %[[EL:.*]] = nn.sparse_categorical_crossentropy
// CHECK: %[[EA:.*]] = nn.metric {{.*}} {name = "sparse_categorical_accuracy"}
// CHECK: return %[[EL]], %[[EA]] : tensor<f32>, tensor<f32>
// Training: batch statistics, a Dropout mask from the counter, the fused loss gradient.
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[C:[^:]*]]: tensor<2xi32>)
// CHECK: %[[MEAN:[^,]*]], %[[VAR:[^,]*]], %[[MS:[^ ]*]] = nn.batch_norm_stats %[[H:[^ ]*]] {unbiased_moving = false}
// CHECK: %[[N:.*]] = nn.batch_norm %[[H]], %{{[^,]*}}, %{{[^,]*}}, %[[MEAN]], %[[VAR]] :
// CHECK: %[[NM:[^,]*]], %[[NV:[^ ]*]] = nn.moving_average %{{.*}}, %{{.*}}, %[[MEAN]], %[[MS]] {momentum = 9.900000e-01 : f32}
// CHECK: %[[D:.*]] = nn.dropout_train %[[N]], %[[C]] {rate = 5.000000e-01 : f32, salt = 1 : i64}
// CHECK: %[[Y:.*]] = nn.dense %[[D]]
// CHECK: %[[DY:.*]] = nn.loss_grad %[[Y]], %{{.*}} {from_logits = false, loss = "sparse_categorical_crossentropy", through_activation = true}
// CHECK-NOT: nn.activation_grad %[[Y]]
// CHECK: %[[DX:.*]] = nn.dense_grad_input %[[DY]]
// CHECK: nn.dense_grad_kernel %[[D]], %[[DY]]
// CHECK: %[[DD:.*]] = nn.dropout_grad %[[DX]], %[[C]] {rate = 5.000000e-01 : f32, salt = 1 : i64}
// CHECK: nn.batch_norm_param_grad %[[H]], %[[DD]], %[[MEAN]], %[[VAR]]
// The frozen Dense needs neither an input nor a kernel gradient, so nothing flows
// below BatchNormalization's parameters.
// CHECK-NOT: nn.batch_norm_input_grad
// CHECK-NOT: nn.activation_grad
// CHECK: nn.sgd_update {{.*}}momentum = 0.899999976
// CHECK: nn.assign @bn.moving_mean, %[[NM]]
// CHECK: nn.assign @bn.moving_variance, %[[NV]]
// CHECK: nn.assign @bn.gamma
// CHECK: nn.assign @"bn.gamma/momentum"
// CHECK-NOT: nn.assign @frozen.kernel
// CHECK: return

// -----

// A frozen BatchNormalization between trainable layers stays in inference mode (the
// moving statistics, no update) and passes dy * gamma / sqrt(variance + epsilon) back.
// CHECK-LABEL: func.func @train_step(
// CHECK: %[[H:.*]] = nn.dense
// CHECK: %[[G:.*]] = nn.read @bn.gamma
// CHECK: %[[V:.*]] = nn.read @bn.var
// CHECK: nn.batch_norm %[[H]], %[[G]], %{{.*}}, %{{.*}}, %[[V]] :
// CHECK-NOT: nn.batch_norm_stats
// CHECK: %[[DN:.*]] = nn.dense_grad_input
// CHECK: nn.batch_norm_frozen_grad %[[DN]], %[[G]], %[[V]] {epsilon = 1.000000e-03 : f32}
// CHECK-NOT: nn.assign @bn.
module attributes {nn.loss = {from_logits = false, name = "mean_squared_error"},
                   nn.optimizer = {learning_rate = 0.1 : f32, name = "sgd"}} {
  nn.variable @a.kernel : tensor<2x2xf32>
  nn.variable @bn.gamma : tensor<2xf32> {trainable = false}
  nn.variable @bn.beta : tensor<2xf32> {trainable = false}
  nn.variable @bn.mean : tensor<2xf32> {trainable = false}
  nn.variable @bn.var : tensor<2xf32> {trainable = false}
  nn.variable @b.kernel : tensor<2x1xf32>
  func.func @forward(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
    %a = nn.read @a.kernel : tensor<2x2xf32>
    %h = nn.dense %x, %a : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
    %g = nn.read @bn.gamma : tensor<2xf32>
    %b = nn.read @bn.beta : tensor<2xf32>
    %m = nn.read @bn.mean : tensor<2xf32>
    %v = nn.read @bn.var : tensor<2xf32>
    %n = nn.batch_norm %h, %g, %b, %m, %v : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
    %k = nn.read @b.kernel : tensor<2x1xf32>
    %y = nn.dense %n, %k : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
    return %y : tensor<?x1xf32>
  }
  func.func @loss(%x: tensor<?x2xf32>, %t: tensor<?x1xf32>) -> tensor<f32> {
    %y = call @forward(%x) : (tensor<?x2xf32>) -> tensor<?x1xf32>
    %l = nn.mean_squared_error %y, %t : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Every weight frozen: nothing to train.
module attributes {nn.loss = {from_logits = false, name = "mean_squared_error"},
                   nn.optimizer = {learning_rate = 0.1 : f32, name = "sgd"}} {
  nn.variable @a.kernel : tensor<2x1xf32> {trainable = false}
  // expected-error @+1 {{the model has no trainable weights}}
  func.func @forward(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
    %a = nn.read @a.kernel : tensor<2x1xf32>
    %y = nn.dense %x, %a : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
    return %y : tensor<?x1xf32>
  }
  func.func @loss(%x: tensor<?x2xf32>, %t: tensor<?x1xf32>) -> tensor<f32> {
    %y = call @forward(%x) : (tensor<?x2xf32>) -> tensor<?x1xf32>
    %l = nn.mean_squared_error %y, %t : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
    return %l : tensor<f32>
  }
}
