// The frontend's layer table: one row per Keras layer class (signature + emitter).
#ifndef NNC_FRONTEND_LAYERTABLE_H
#define NNC_FRONTEND_LAYERTABLE_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace nnc::frontend {

class LayerEmitter;

struct LayerRow {
  llvm::StringRef cls;                  // canonical Keras class name
  std::vector<llvm::StringRef> aliases; // other names of the same class
  std::vector<llvm::StringRef> params;  // Keras's positional order; '!' = unsupported
  bool listInput;                       // called on a list of tensors (Add, Concatenate)
  /// Emits the layer applied to `inputs`; throws SourceError on bad arguments.
  mlir::Value (*emit)(LayerEmitter &e, llvm::ArrayRef<mlir::Value> inputs);
};

/// The row for a class name or alias, or null.
const LayerRow *findLayer(llvm::StringRef name);

/// Every class name and alias in the table (for suggestions).
std::vector<llvm::StringRef> layerNames();

/// Keyword arguments every layer accepts (Keras's base Layer).
llvm::ArrayRef<llvm::StringRef> commonLayerKeywords();

} // namespace nnc::frontend

#endif // NNC_FRONTEND_LAYERTABLE_H
