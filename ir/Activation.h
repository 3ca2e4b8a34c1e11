// The activation functions nn ops know, by their Keras names.
#ifndef NNC_IR_ACTIVATION_H
#define NNC_IR_ACTIVATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace nnc::nn {

/// Keras activation names the dialect accepts (fused or standalone).
llvm::ArrayRef<llvm::StringRef> knownActivations();

bool isKnownActivation(llvm::StringRef name);

} // namespace nnc::nn

#endif // NNC_IR_ACTIVATION_H
