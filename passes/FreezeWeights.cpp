// nnc --inference [--weights W]: an inference-only module, optionally with every
// weight's value read from a checkpoint at compile time (nn.variable's `value`).
#include "passes/Passes.h"

#include "ir/NNOps.h"
#include "runtime/nnrt.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <cstring>
#include <vector>

using namespace mlir;

namespace nnc::passes {

namespace {

int collect(const char *name, int64_t count, const float *data, void *ctx) {
  auto &tensors = *static_cast<llvm::StringMap<std::vector<float>> *>(ctx);
  std::vector<float> &values = tensors[name];
  values.resize((size_t)count);
  std::memcpy(values.data(), data, (size_t)count * sizeof(float)); // data may be unaligned
  return 0;
}

} // namespace

LogicalResult freezeWeights(ModuleOp module, StringRef checkpoint) {
  module->setAttr("nn.inference", UnitAttr::get(module.getContext()));
  if (checkpoint.empty())
    return success();
  llvm::StringMap<std::vector<float>> tensors;
  if (nnrt_read_checkpoint(checkpoint.str().c_str(), collect, &tensors) != 0)
    return module.emitError() << "--weights: " << nnc_last_error();
  bool ok = true;
  for (auto var : module.getOps<nn::VariableOp>()) {
    auto type = llvm::cast<RankedTensorType>(var.getType());
    auto it = tensors.find(var.getSymName());
    if (it == tensors.end()) {
      var.emitError() << "checkpoint '" << checkpoint << "' has no tensor '" << var.getSymName()
                      << "': it was saved from another model";
      ok = false;
      continue;
    }
    if ((int64_t)it->second.size() != type.getNumElements()) {
      var.emitError() << "checkpoint '" << checkpoint << "' holds " << it->second.size()
                      << " values for '" << var.getSymName() << "', the model's " << type
                      << " has " << type.getNumElements();
      ok = false;
      continue;
    }
    var.setValueAttr(DenseElementsAttr::get(type, llvm::ArrayRef<float>(it->second)));
  }
  return success(ok);
}

} // namespace nnc::passes
