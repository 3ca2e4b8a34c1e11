// The nn dialect, its op base class and the attribute/type constraints its ops share.
#ifndef NNC_IR_NNBASE_TD
#define NNC_IR_NNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "ir/GradientInterface.td"
include "ir/LayerInterface.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::nnc::nn";
  let summary = "Keras-style neural network layers, losses and optimizer updates";
  let description = [{
    The `nn` dialect holds a Keras model as a graph of layer ops over ranked f32
    tensors in NHWC layout. The batch dimension is dynamic (`?`); every other
    dimension is inferred statically from the layer attributes. Trainable and
    non-trainable weights are module-level `nn.variable` symbols read with
    `nn.read`, so the autodiff pass can tell parameters from activations.
  }];
  // Inherent attributes live in the attribute dictionary: shape inference and
  // the frontend's generic op construction read them from there.
  let usePropertiesForAttributes = 0;
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

// A float tensor of any rank with known rank.
def NN_Tensor : RankedTensorOf<[F32]>;
// Integer class ids or float targets.
def NN_LabelTensor : RankedTensorOf<[I32, I64, F32]>;
// A 0-d f32 tensor (a loss value).
def NN_Scalar : 0DTensorOf<[F32]>;
// A training step's random counter: tensor<2xi32> holding (seed, step).
def NN_Counter : Type<CPred<"::llvm::isa<::mlir::RankedTensorType>($_self) && "
    "::llvm::cast<::mlir::RankedTensorType>($_self).getShape() == ::llvm::ArrayRef<int64_t>{2} && "
    "::llvm::cast<::mlir::RankedTensorType>($_self).getElementType().isInteger(32)">,
    "tensor<2xi32> (seed, step)">,
    BuildableType<"::mlir::RankedTensorType::get({2}, $_builder.getI32Type())">;

// The Keras layer name the op came from ("conv2d_1"); summaries and
// checkpoints use it. Optional so hand-written IR stays short.
defvar NN_LayerName = (ins OptionalAttr<StrAttr>:$layer);

// A fused activation: `activation` is one of linear, relu, sigmoid, tanh,
// softmax, leaky_relu; `alpha` is the leaky_relu slope.
defvar NN_FusedActivation = (ins
    DefaultValuedStrAttr<StrAttr, "linear">:$activation,
    DefaultValuedAttr<F32Attr, "0.3">:$alpha);

// Ops whose single result type is computed from operands and attributes.
defvar NN_Inferred = [Pure, InferTypeOpAdaptor];
// Layer ops: inferred, and differentiable through the gradient op interface.
defvar NN_Layer = [Pure, InferTypeOpAdaptor,
                   DeclareOpInterfaceMethods<NN_GradientOpInterface>];
// A layer with a training form of its own (Dropout, augmentation, BatchNormalization).
defvar NN_TrainingForm = DeclareOpInterfaceMethods<NN_TrainingFormOpInterface>;

// The op of the Keras layer class `kerasClass`: a layer op (NN_Layer) that
// answers LayerOpInterface::getKerasClass.
class NN_LayerOp<string mnemonic, string kerasClass, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(NN_Layer, [NN_LayerOpInterface], traits)> {
  let extraClassDeclaration =
      "static ::llvm::StringRef getKerasClass() { return \"" # kerasClass # "\"; }";
}

#endif // NNC_IR_NNBASE_TD
