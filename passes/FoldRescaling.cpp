// --nn-fold-rescaling: constant folding of frozen weights: x * scale + offset
// (Rescaling) feeding a Dense or Conv2D with a frozen kernel is the layer on x with
// kernel * scale and bias + offset * (the kernel summed over its inputs).
#include "passes/Frozen.h"
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace nnc::passes {

namespace {

template <typename LayerOp> bool foldInto(nn::RescalingOp r) {
  if (!r.getResult().hasOneUse())
    return false;
  auto layer = dyn_cast<LayerOp>(*r.getResult().getUsers().begin());
  if (!layer || layer.getInput() != r.getResult())
    return false;
  double scale = r.getScale().convertToFloat(), offset = r.getOffset().convertToFloat();
  // Zero padding sees 0, not the offset: only unpadded convolutions take one.
  if (offset != 0.0)
    if (auto conv = dyn_cast<nn::Conv2DOp>(layer.getOperation()); conv && conv.getPadding() != "valid")
      return false;
  auto k = frozenValues(layer.getKernel());
  std::optional<std::vector<double>> b =
      layer.getBias() ? frozenValues(layer.getBias()) : std::vector<double>();
  if (!k || !b)
    return false;
  auto kType = llvm::cast<RankedTensorType>(layer.getKernel().getType());
  size_t channels = (size_t)kType.getShape().back();
  if (b->empty())
    b->assign(channels, 0.0);
  for (size_t i = 0; i < k->size(); ++i) {
    (*b)[i % channels] += offset * (*k)[i];
    (*k)[i] *= scale;
  }
  StringRef name = variableName(layer.getKernel());
  std::string base = name.substr(0, name.rfind('.')).str();
  layer.getKernelMutable().assign(newFrozen(layer, name.str() + "/rescaled", kType, *k));
  Value bias = newFrozen(layer, base + ".bias/rescaled",
                         RankedTensorType::get({(int64_t)channels}, kType.getElementType()), *b);
  if (layer.getBias())
    layer.getBiasMutable().assign(bias);
  else
    layer.getBiasMutable().append(bias);
  layer.getInputMutable().assign(r.getInput());
  r.erase();
  return true;
}

struct FoldRescalingPass : PassWrapper<FoldRescalingPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FoldRescalingPass)
  StringRef getArgument() const override { return "nn-fold-rescaling"; }
  StringRef getDescription() const override {
    return "folds a Rescaling into the frozen kernel and bias of the Dense/Conv2D it feeds";
  }
  void runOnOperation() override {
    SmallVector<nn::RescalingOp> ops;
    getOperation().walk([&](nn::RescalingOp r) { ops.push_back(r); });
    for (nn::RescalingOp r : ops)
      if (!foldInto<nn::DenseOp>(r))
        foldInto<nn::Conv2DOp>(r);
    eraseUnusedFrozen(getOperation());
  }
};

} // namespace

std::unique_ptr<Pass> createFoldRescalingPass() { return std::make_unique<FoldRescalingPass>(); }

} // namespace nnc::passes
