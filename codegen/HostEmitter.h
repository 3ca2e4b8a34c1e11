// Host code of a build: the model descriptor, the forward pass (and, for a compiled
// model, the evaluation and training step) as calls of the kernels, and the exported
// NAME_* C functions, in MLIR's LLVM dialect.
#ifndef NNC_CODEGEN_HOSTEMITTER_H
#define NNC_CODEGEN_HOSTEMITTER_H

#include "codegen/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nnc::codegen {

struct Kernel;

struct ModelBuild {
  std::string name; // the C prefix of every exported function
  mlir::OwningOpRef<mlir::ModuleOp> host;
  /// Kernels to compile: (symbol, kernel); the host calls symbol_argv.
  std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> kernels;
  int64_t inputSize = 0, outputSize = 0; // floats per sample
  /// A model of several inputs (nn-pack-inputs): each one's place in the sample row.
  struct Input {
    std::string name;
    int64_t offset = 0, size = 0;
  };
  std::vector<Input> inputs;
  /// A model of several outputs (nn-pack-outputs): each one's place in the output row
  /// and, for one with a loss (NNRT_LOSS_*, else -1), its labels' place in the label row.
  struct Output : Input {
    int64_t loss = -1, labelOffset = 0, labelSize = 0;
  };
  std::vector<Output> outputs;
  int64_t arenaFloats = 0;               // per sample
  int64_t arenaFixedFloats = 0;          // whatever the batch
  int64_t arenaMinBatch = 1;             // train_step's arena: at least this many samples
  int64_t paramCount = 0;                // the model's weights (no optimizer state)
  bool training = false;                 // NAME_evaluate exists (the model was compiled)
  bool trainStep = false;                // NAME_train_step exists (not --inference)
  bool frozen = false;                   // weights compiled in (nnc --weights)
  int64_t labelSize = 0;                 // label floats per sample
  int64_t metricCount = 0;
  std::vector<std::string> metricNames;
  /// Per function (forward, evaluate, train_step): the arena as planned and the sum
  /// of its intermediate buffers, in floats (per sample, and fixed).
  struct Memory {
    std::string function;
    int64_t plannedPerSample = 0, plannedFixed = 0, buffersPerSample = 0, buffersFixed = 0;
    int64_t planBatch = 1; // planned for at least this many samples
  };
  std::vector<Memory> memory;
};

/// Plans buffers and emits the host module of `model`, a module the -O pipeline has
/// run on (passes::optimize: a compiled model has @train_step and @evaluate). `name` must be a C
/// identifier. With `exeSummary`, also emits nnrt_exe_program() for the standalone
/// executable's main, whose `summary` subcommand prints that text. Fails with a
/// diagnostic on what it cannot compile yet.
/// `optLevel` (-O): below 2 every intermediate buffer gets its own arena range (no
/// liveness-based reuse).
/// Kernels are built for `target`.
mlir::FailureOr<ModelBuild> buildHost(mlir::ModuleOp model, const std::string &name,
                                      const std::string *exeSummary = nullptr,
                                      unsigned optLevel = 2,
                                      const TargetInfo &target = TargetInfo());

/// The memory plan in words, for --emit=summary: per function, the planned arena and
/// the sum of the intermediate buffers at `batch` samples.
/// With `asWritten` (the same model built at -O0), each line also gives the buffers
/// the unfused, unplanned functions take and the planned arena's share of them.
std::string memoryReport(const ModelBuild &build, int64_t batch,
                         const ModelBuild *asWritten = nullptr);

/// The C header declaring NAME's functions and size macros.
std::string modelHeader(const ModelBuild &build);

} // namespace nnc::codegen

#endif
