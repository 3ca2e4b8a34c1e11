// The -O pipeline: autodiff, fusions, canonicalisation; and the passes' registration.
#include "passes/Passes.h"

#include "ir/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace nnc::passes {

mlir::LogicalResult optimize(mlir::ModuleOp module, unsigned level) {
  if (level == 0)
    return mlir::success();
  mlir::PassManager pm(module.getContext());
  // Only takes effect where the tool registered MLIR's pass manager options.
  (void)mlir::applyPassManagerCLOptions(pm);
  pm.addPass(nn::createBuildTrainingPass());
  pm.addPass(createFuseConvBNActPass());
  pm.addPass(createFoldBatchNormPass());
  pm.addPass(createFoldRescalingPass());
  pm.addPass(createFuseActivationPass());
  pm.addPass(createFusePoolActivationPass());
  pm.addPass(createFuseConvPoolPass());
  pm.addPass(createFuseDropoutActivationPass());
  pm.addPass(createFuseDenseGradActivationPass());
  pm.addPass(mlir::createCanonicalizerPass());
  if (level >= 2)
    pm.addPass(createScheduleUpdatesPass());
  return pm.run(module);
}

void registerPasses() {
  mlir::registerPass([] { return createFuseConvBNActPass(); });
  mlir::registerPass([] { return createFuseActivationPass(); });
  mlir::registerPass([] { return createFusePoolActivationPass(); });
  mlir::registerPass([] { return createFuseConvPoolPass(); });
  mlir::registerPass([] { return createScheduleUpdatesPass(); });
  mlir::registerPass([] { return createFuseDropoutActivationPass(); });
  mlir::registerPass([] { return createFuseDenseGradActivationPass(); });
  mlir::registerPass([] { return createFoldBatchNormPass(); });
  mlir::registerPass([] { return createFoldRescalingPass(); });
}

} // namespace nnc::passes
