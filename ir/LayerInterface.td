// The layer op interface: what a Keras layer's op knows about the layer it came from.
#ifndef NNC_IR_LAYERINTERFACE_TD
#define NNC_IR_LAYERINTERFACE_TD

include "mlir/IR/OpBase.td"

def NN_LayerOpInterface : OpInterface<"LayerOpInterface"> {
  let cppNamespace = "::nnc::nn";
  let description = [{
    An op the frontend emits for a Keras layer. `getKerasClass` is the layer's
    Keras class ("Conv2D"), given in the op's ODS definition (NN_LayerOp); model
    summaries and graphs print it.
  }];
  let methods = [
    StaticInterfaceMethod<"The Keras class of the layer.", "::llvm::StringRef",
      "getKerasClass">
  ];
}

#endif // NNC_IR_LAYERINTERFACE_TD
