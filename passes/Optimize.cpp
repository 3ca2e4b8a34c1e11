// The -O pipelines (autodiff, fusions, canonicalisation) and the registration of the
// passes (generated from Passes.td) and pipelines.
#include "passes/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace nnc::passes {

namespace {

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

void buildPipeline(mlir::OpPassManager &pm, unsigned level) {
  pm.addPass(createPackInputsPass());
  pm.addPass(createBuildTrainingPass());
  pm.addPass(createPackOutputsPass());
  if (level == 0)
    return;
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
}

} // namespace

mlir::LogicalResult optimize(mlir::ModuleOp module, unsigned level) {
  mlir::PassManager pm(module.getContext());
  // Only takes effect where the tool registered MLIR's pass manager options.
  (void)mlir::applyPassManagerCLOptions(pm);
  buildPipeline(pm, level);
  return pm.run(module);
}

void registerPasses() {
  registerNNPasses();
  static const char *const descriptions[] = {
      "nnc -O0: input and output packing and the autodiff pass only (nn-pack-inputs, "
      "nn-build-training, nn-pack-outputs)",
      "nnc -O1: -O0, the fusions and folds, canonicalisation",
      "nnc -O2: -O1 and the update scheduling (nn-schedule-updates)"};
  for (unsigned level = 0; level <= 2; ++level)
    mlir::PassPipelineRegistration<>(
        "nn-O" + std::to_string(level), descriptions[level],
        [level](mlir::OpPassManager &pm) { buildPipeline(pm, level); });
}

} // namespace nnc::passes
