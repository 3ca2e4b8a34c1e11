// --nn-build-training: the autodiff transform (ir/transforms/BuildTraining.cpp) as a pass.
#include "passes/Passes.h"

#include "ir/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace nnc::passes {

#define GEN_PASS_DEF_BUILDTRAINING
#include "passes/Passes.h.inc"

namespace {

struct BuildTrainingPass : impl::BuildTrainingBase<BuildTrainingPass> {
  void runOnOperation() override {
    if (mlir::failed(nn::buildTraining(getOperation())))
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<mlir::Pass> createBuildTrainingPass() {
  return std::make_unique<BuildTrainingPass>();
}

} // namespace nnc::passes
