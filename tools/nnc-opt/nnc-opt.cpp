// nnc-opt: mlir-opt for the nn dialect (parse, verify, run passes, print); used by lit tests.
#include "ir/NNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  mlir::registerTransformsPasses();
  nnc::passes::registerPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "nnc-opt: nn dialect test driver\n", registry));
}
