// The activation table.
#include "ir/Activation.h"

#include <vector>

namespace nnc::nn {

llvm::ArrayRef<ActivationInfo> activationTable() {
  using K = ActivationKind;
  // {name, kind, gradientFromInput, signOnly, rowwise}
  static const ActivationInfo table[] = {
      {"linear", K::Linear, false, true, false},
      {"relu", K::Relu, false, true, false},
      {"sigmoid", K::Sigmoid, false, false, false},
      {"tanh", K::Tanh, false, false, false},
      {"softmax", K::Softmax, false, false, true},
      {"leaky_relu", K::LeakyRelu, false, true, false},
      {"elu", K::Elu, false, false, false},
      {"selu", K::Selu, false, false, false},
      {"gelu", K::Gelu, true, false, false},
      {"swish", K::Swish, true, false, false},
      {"silu", K::Swish, true, false, false},
      {"hard_sigmoid", K::HardSigmoid, false, false, false},
      {"softplus", K::Softplus, false, false, false},
      {"relu6", K::Relu6, false, false, false},
      {"exponential", K::Exponential, false, false, false},
      {"softsign", K::Softsign, false, false, false},
      {"log", K::Log, true, false, false, false},
      {"sqrt", K::Sqrt, false, false, false, false},
      {"abs", K::Abs, true, false, false, false},
      {"reciprocal", K::Reciprocal, false, false, false, false},
      {"floor", K::Floor, false, false, false, false},
      {"ceil", K::Ceil, false, false, false, false},
      {"sin", K::Sin, true, false, false, false},
      {"cos", K::Cos, true, false, false, false},
      {"erf", K::Erf, true, false, false, false},
  };
  return table;
}

const ActivationInfo *findActivation(llvm::StringRef name) {
  for (const ActivationInfo &a : activationTable())
    if (a.name == name)
      return &a;
  return nullptr;
}

llvm::ArrayRef<llvm::StringRef> knownActivations() {
  static const std::vector<llvm::StringRef> names = [] {
    std::vector<llvm::StringRef> n;
    for (const ActivationInfo &a : activationTable())
      if (a.keras)
        n.push_back(a.name);
    return n;
  }();
  return names;
}

bool isKnownActivation(llvm::StringRef name) { return findActivation(name) != nullptr; }

bool isKerasActivation(llvm::StringRef name) {
  const ActivationInfo *a = findActivation(name);
  return a && a->keras;
}

bool activationNeedsInput(llvm::StringRef name) {
  const ActivationInfo *a = findActivation(name);
  return a && a->gradientFromInput;
}

} // namespace nnc::nn
