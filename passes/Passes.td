// The nn passes: declarations, options and documentation. Registration
// (registerNNPasses), the pass base classes and `nnc-opt --help` come from here;
// each pass's code is its own file in passes/.
#ifndef NNC_PASSES_PASSES_TD
#define NNC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

class NN_ModulePass<string arg, string name> : Pass<arg, "::mlir::ModuleOp"> {
  let constructor = "::nnc::passes::create" # name # "Pass()";
}

def PackInputs : NN_ModulePass<"nn-pack-inputs", "PackInputs"> {
  let summary = "gives a model of several inputs one input row per sample: the inputs "
                "flattened and concatenated in order";
  let description = [{
    @forward(x1, ..., xk) becomes @forward(inputs: tensor<N x (size1 + ... +
    sizek)>) whose body takes each input back out with nn.slice (and
    nn.reshape for an image); @loss, which passes its leading arguments on to
    @forward, takes the packed row too. `nn.inputs` on @forward lists each
    input's name, shape and offset in the row. A model of one input is left
    as it is. Runs first at every -O level: the autodiff pass, the code
    generator, the runtime and the C API handle one input.
  }];
}

def BuildTraining : NN_ModulePass<"nn-build-training", "BuildTraining"> {
  let summary = "adds @train_step (autodiff + optimizer) and @evaluate to a compiled model";
  let description = [{
    For a compiled model (nn.loss and nn.optimizer set) adds @train_step(x,
    labels, counter) -> (loss, metrics...): the forward pass in training mode
    (batch statistics, Dropout masks, active augmentation), the loss and
    metrics, the reverse sweep built from each op's GradientOpInterface, and
    the optimizer and moving-average updates as nn.assign; and @evaluate(x,
    labels) -> (loss, metrics...) in inference mode. A module without a loss
    or optimizer, or that has @train_step already, is left as it is.
  }];
}

def PackOutputs : NN_ModulePass<"nn-pack-outputs", "PackOutputs"> {
  let summary = "gives a model of several outputs one output row and one label row per "
                "sample: the outputs (and the heads' labels) flattened and concatenated";
  let description = [{
    @forward's results become one tensor<N x (size1 + ... + sizek)>
    (nn.reshape, nn.concatenate); callers of @forward (@loss) slice it back.
    @evaluate and @train_step, which take each head's labels after the input,
    take one f32 label row instead, sliced per head (a sparse head's class ids
    are one whole-valued column). `nn.outputs` on @forward lists each output's
    name, shape and offset and, for a head with a loss, the loss and its
    labels' offset and size. A model of one output is left as it is. Runs
    after nn-build-training at every -O level: the code generator, the runtime
    and the C API handle one output and one label row.
  }];
}

def FuseConvBNAct : NN_ModulePass<"nn-fuse-conv-bn-act", "FuseConvBNAct"> {
  let summary = "fuses Conv2D + BatchNormalization + activation (and its backward) into one op";
  let description = [{
    Conv2D -> BatchNormalization (-> elementwise activation) becomes
    nn.conv2d_bn (inference: @forward, @evaluate) or nn.conv2d_bn_train
    (@train_step, with the batch statistics), and the backward chain
    activation_grad -> batch_norm_param_grad + batch_norm_input_grad becomes
    nn.batch_norm_activation_grad. Nothing fuses where an intermediate value
    has another user.
  }];
}

def FoldBatchNorm : NN_ModulePass<"nn-fold-batch-norm", "FoldBatchNorm"> {
  let summary = "folds inference BatchNormalization into the frozen kernel and bias of "
                "the Dense/Conv2D before it";
  let description = [{
    With frozen weights (nn.variable `value`), an inference nn.conv2d_bn, or a
    BatchNormalization on the moving statistics after a Dense or Conv2D with no
    activation of its own and no other user, becomes that Dense/Conv2D with
    kernel * gamma / sqrt(variance + epsilon) and bias (bias - mean) * that +
    beta, as new frozen variables; frozen variables nothing reads any more go.
  }];
}

def FoldRescaling : NN_ModulePass<"nn-fold-rescaling", "FoldRescaling"> {
  let summary = "folds a Rescaling into the frozen kernel and bias of the Dense/Conv2D it feeds";
  let description = [{
    With a frozen kernel, Rescaling(scale, offset) whose only user is a Dense
    or Conv2D folds into it: kernel * scale, and bias + offset times the
    kernel's sums (offset only for Dense and unpadded Conv2D: zero padding
    would not see it).
  }];
}

def FuseActivation : NN_ModulePass<"nn-fuse-activation", "FuseActivation"> {
  let summary = "fuses an activation layer into the Dense or Conv2D that produces its input";
  let description = [{
    An nn.activation whose input is a Dense or Conv2D result with no other
    user becomes that op's fused activation epilogue.
  }];
}

def FusePoolActivation : NN_ModulePass<"nn-fuse-pool-activation", "FusePoolActivation"> {
  let summary = "fuses the backward of an activation and the MaxPooling2D after it, from "
                "maxima recorded in the forward pass";
  let description = [{
    In @train_step, max_pool2d_grad -> activation_grad on the pooled
    activation output becomes nn.max_pool2d_activation_grad, reading maxima
    recorded by nn.max_pool2d_argmax (which replaces the forward max_pool2d):
    the activation's output is no longer needed by the backward pass.
  }];
}

def FuseConvPool : NN_ModulePass<"nn-fuse-conv-pool", "FuseConvPool"> {
  let summary = "fuses a Conv2D into the max_pool2d or max_pool2d_argmax that is its only user";
  let description = [{
    A Conv2D whose only user is a max pooling with windows tiling its output
    (strides = pool size, "valid") becomes nn.conv2d_max_pool2d (inference) or
    nn.conv2d_max_pool2d_argmax (training): the conv output is never stored; a
    first layer's backward (kernel and bias gradients of that pooling's
    gradient) becomes nn.conv2d_max_pool2d_grad_kernel.
  }];
}

def FuseDropoutActivation
    : NN_ModulePass<"nn-fuse-dropout-activation", "FuseDropoutActivation"> {
  let summary = "fuses dropout_grad -> activation_grad into one elementwise backward kernel";
  let description = [{
    In @train_step, dropout_grad -> activation_grad (dropout's gradient used
    only there) becomes nn.dropout_activation_grad; for relu, leaky_relu and
    linear it reads the Dropout's output (same sign where kept), so the
    activation's output dies at the Dropout.
  }];
}

def FuseDenseGradActivation
    : NN_ModulePass<"nn-fuse-dense-grad-activation", "FuseDenseGradActivation"> {
  let summary = "fuses dense_grad_input -> activation_grad into one product with the "
                "derivative as its epilogue";
  let description = [{
    In @train_step, dense_grad_input [-> reshape] -> activation_grad (not
    softmax; the product used only there) becomes
    nn.dense_grad_input_activation.
  }];
}

def ScheduleUpdates : NN_ModulePass<"nn-schedule-updates", "ScheduleUpdates"> {
  let summary = "applies each optimizer/statistics update as soon as its variable's old "
                "value has no reader left";
  let description = [{
    Each state update (optimizer step, BN moving average) and its nn.assign
    ops move to the earliest point after the last reader of the variables' old
    values, so a weight gradient's buffer is free once applied (-O2: it is part
    of memory planning).
  }];
}

#endif // NNC_PASSES_PASSES_TD
