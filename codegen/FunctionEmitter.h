// One nn function (@forward, @evaluate or @train_step) as an LLVM function that calls
// its kernels through nnrt_invoke, with the buffer plan behind it.
#ifndef NNC_CODEGEN_FUNCTIONEMITTER_H
#define NNC_CODEGEN_FUNCTIONEMITTER_H

#include "codegen/HostBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <memory>
#include <utility>
#include <vector>

namespace nnc {
struct TargetInfo;
} // namespace nnc

namespace nnc::codegen {

struct Kernel;

struct EmittedFunction {
  mlir::LLVM::LLVMFuncOp fn;
  int64_t arenaPerSample = 0; // floats per sample, as planned
  int64_t arenaFixed = 0;     // floats, whatever the batch, as planned
  int64_t buffersPerSample = 0, buffersFixed = 0; // every intermediate buffer's size summed
  int64_t planBatch = 1; // the arena holds fixed + max(n, planBatch) * perSample floats
};

/// Emits `f` as the internal function `symbol` of type nnrt_fn (runtime/nnrt.h):
///   int symbol(float **weights, const float *x, const float *labels,
///              const uint32_t *counter, int64_t n, float *out, float *arena)
/// Arguments map in order to x, labels and counter. A tensor result goes to out; 0-d
/// results go to out[0], out[1], ... Values assigned to a variable (nn.assign) are
/// written in place into its weights. Kernels, built for `target`, to compile are appended to `kernels`.
/// With `reuse`, intermediate buffers whose lifetimes do not overlap share arena
/// memory (liveness-based planning); without, each has its own range (-O0). With
/// reuse and `planBatch` > 1 the plan is made for at least planBatch samples, so
/// fixed-size buffers reuse the space of per-sample ones (the train step's weight
/// gradients share memory with activations); calls on fewer samples use the arena of
/// planBatch.
mlir::FailureOr<EmittedFunction>
emitFunction(HostBuilder &h, mlir::func::FuncOp f, const llvm::StringMap<int64_t> &varIndex,
             const std::string &symbol, const TargetInfo &target,
             std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels,
             bool reuse = true, int64_t planBatch = 1);

} // namespace nnc::codegen

#endif
