// The activation functions nn ops know, by their Keras names.
#include "ir/Activation.h"

#include "llvm/ADT/STLExtras.h"

namespace nnc::nn {

llvm::ArrayRef<llvm::StringRef> knownActivations() {
  static const llvm::StringRef names[] = {"linear", "relu", "sigmoid",
                                          "tanh", "softmax", "leaky_relu"};
  return names;
}

bool isKnownActivation(llvm::StringRef name) {
  return llvm::is_contained(knownActivations(), name);
}

} // namespace nnc::nn
