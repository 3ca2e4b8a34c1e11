// The model's layer graph in Graphviz DOT, like Keras's plot_model(show_shapes=True).
#ifndef NNC_IR_MODELGRAPH_H
#define NNC_IR_MODELGRAPH_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace nnc::nn {

/// One node per layer of @forward ("name: Class", input and output shapes), edges
/// along the data flow. Fails (with a diagnostic) without @forward.
mlir::LogicalResult printGraph(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace nnc::nn

#endif
