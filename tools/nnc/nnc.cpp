// nnc: the compiler driver. Reads a .nn model and emits IR, a summary, or (later) binaries.
#include "codegen/Build.h"
#include "codegen/Target.h"
#include "frontend/Frontend.h"
#include "onnx/Export.h"
#include "onnx/Import.h"
#include "ir/ModelGraph.h"
#include "ir/ModelSummary.h"
#include "ir/Passes.h"
#include "ir/NNDialect.h"
#include "passes/Passes.h"
#include "tools/nnc/OutputPaths.h"
#include "tools/nnc/ShortDiagnostics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <functional>

namespace cl = llvm::cl;

namespace {

enum class Emit { None, MLIR, TrainMLIR, Summary, Dot, LLVM, Obj, Header, Halide, Asm, Onnx };

cl::OptionCategory nncCategory("nnc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.nn>"), cl::Required,
                               cl::cat(nncCategory));

cl::opt<std::string> outputFile("o", cl::desc("Output file (default: standard output)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::cat(nncCategory));

cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::None),
    cl::values(clEnumValN(Emit::MLIR, "mlir", "the model in the nn MLIR dialect"),
               clEnumValN(Emit::TrainMLIR, "train-mlir",
                          "the nn IR after the autodiff pass (@train_step, @evaluate)"),
               clEnumValN(Emit::Summary, "summary",
                          "a Keras-style model.summary() table"),
               clEnumValN(Emit::Dot, "dot",
                          "the layer graph in Graphviz DOT (SVG with -o X.svg and graphviz)"),
               clEnumValN(Emit::LLVM, "llvm", "the host code as LLVM IR"),
               clEnumValN(Emit::Obj, "obj", "the host code as an object file"),
               clEnumValN(Emit::Header, "header", "the C header of the output"),
               clEnumValN(Emit::Halide, "halide", "every kernel's Halide lowered statement"),
               clEnumValN(Emit::Asm, "asm", "the host code's and every kernel's assembly"),
               clEnumValN(Emit::Onnx, "onnx",
                          "the inference graph as an ONNX model (opset 13; needs --weights)")),
    cl::cat(nncCategory));

cl::opt<std::string> target("target",
                            cl::desc("where the kernels run: host (this CPU, the default), cuda (this "
                                     "CPU plus an NVIDIA GPU), or a Halide target string"),
                            cl::value_desc("host|cuda|HALIDE-TARGET"), cl::init("host"),
                            cl::cat(nncCategory));

cl::opt<unsigned> optLevel("O", cl::Prefix, cl::init(2), cl::cat(nncCategory),
                           cl::desc("Optimisation level: -O0 compiles the model as written, every "
                                    "intermediate buffer in its own memory; -O1 fuses ops (passes/); "
                                    "-O2 (default) also plans the arena by liveness"));
cl::opt<bool> inference("inference",
                        cl::desc("Compile for inference only: predict and evaluate, no train step"),
                        cl::init(false), cl::cat(nncCategory));
cl::opt<std::string> weightsFile(
    "weights",
    cl::desc("With --inference: freeze this checkpoint's weights into the output (BatchNormalization "
             "and Rescaling fold into the kernels at -O1 and up)"),
    cl::value_desc("checkpoint"), cl::init(""), cl::cat(nncCategory));
cl::opt<bool> noCache("no-cache",
                      cl::desc("Compile every kernel, neither reading nor filling the kernel "
                               "cache (NNC_CACHE_DIR, else $XDG_CACHE_HOME/nnc)"),
                      cl::init(false), cl::cat(nncCategory));
cl::opt<bool> timeReport("time-report", cl::desc("Print compile phase times and output size"),
                         cl::init(false), cl::cat(nncCategory));

void printVersion(llvm::raw_ostream &os) {
  os << "nnc " NNC_VERSION " (MLIR " NNC_MLIR_VERSION ")\n";
}

int error(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "nnc") << message << "\n";
  return 1;
}

/// The largest model source and checkpoint nnc reads.
constexpr uint64_t kMaxModelBytes = 64ull << 20, kMaxCheckpointBytes = 16ull << 30;
/// protobuf's limit for one message: larger ONNX weights travel as external data.
constexpr uint64_t kMaxOnnxBytes = (2ull << 30) - 1;

/// The files this run reads and writes, for checkOutputs: an output never
/// replaces the model, the checkpoint it freezes, or another output.
std::string checkPaths() {
  std::vector<nnc::tools::RolePath> inputs{{inputFile, "the model"}}, outputs;
  if (!weightsFile.empty())
    inputs.push_back({weightsFile, "the --weights checkpoint"});
  if (outputFile != "-")
    outputs.push_back({outputFile, "the output"});
  if (emit == Emit::None && outputFile != "-") {
    llvm::SmallString<128> header(outputFile);
    llvm::sys::path::replace_extension(header, "h");
    outputs.push_back({std::string(header), "the generated header"});
    outputs.push_back({outputFile + ".partial", "the output's temporary file"});
  } else if (emit == Emit::Dot && outputFile != "-") {
    outputs.push_back({outputFile + ".partial", "the output's temporary file"});
  }
  return nnc::tools::checkOutputs(inputs, outputs);
}

/// Why the output's C prefix cannot be used, or "": NAME_create etc. must not clash
/// with the runtime linked into the output (nnrt_*, halide_*, nnc_last_error).
std::string reservedName(const std::string &name) {
  for (llvm::StringRef prefix : {"nnrt", "halide", "nnc"})
    if (name == prefix || llvm::StringRef(name).starts_with((prefix + "_").str()))
      return fmt::format("the output name '{}' would give C functions ({}_create, {}_predict, "
                         "...) in the namespace of nnc's runtime ({}_*); rename the output, "
                         "e.g. -o my_{}",
                         name, name, name, prefix.str(), llvm::sys::path::filename(outputFile).str());
  return "";
}

/// Writes through a temporary file renamed into place, so a failed run
/// leaves no partial output; "-" is standard output.
int writeOutput(const std::function<void(llvm::raw_ostream &)> &write) {
  if (llvm::Error err = llvm::writeToOutput(outputFile, [&](llvm::raw_ostream &os) {
        write(os);
        return llvm::Error::success();
      }))
    return error("cannot write '" + outputFile + "': " + llvm::toString(std::move(err)));
  return 0;
}

/// Renders DOT text to the .svg output through Graphviz's dot, when installed.
int renderSvg(const std::string &dot) {
  auto program = llvm::sys::findProgramByName("dot");
  if (!program)
    return error("writing '" + outputFile + "' needs Graphviz's dot (apt-get install graphviz); "
                 "-o FILE.dot writes the graph itself");
  llvm::SmallString<128> input;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("nnc-graph", "dot", fd, input))
    return error("cannot create a temporary file");
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << dot;
  }
  std::string partial = outputFile + ".partial";
  llvm::StringRef args[] = {*program, "-Tsvg", input, "-o", partial};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, args, std::nullopt, {}, 0, 0, &message);
  llvm::sys::fs::remove(input);
  if (rc != 0 || llvm::sys::fs::rename(partial, outputFile)) {
    llvm::sys::fs::remove(partial);
    return error("graphviz's dot failed" + (message.empty() ? "" : ": " + message));
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions(); // --mlir-print-ir-after-all, --mlir-timing
  cl::SetVersionPrinter(printVersion);
  cl::HideUnrelatedOptions(nncCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "nnc: ahead-of-time compiler for Keras-style models\n\n"
                              "  nnc model.nn -o model.so        shared library + model.h\n"
                              "  nnc model.nn -o model           executable (predict, summary)\n"
                              "  nnc model.nn --emit=mlir        print the nn dialect IR\n"
                              "  nnc model.nn --emit=summary     print model.summary()\n"
                              "  nnc model.nn --emit=dot -o m.svg  plot_model: the layer graph\n");

  if (optLevel > 2)
    return error(fmt::format("-O{} is not an optimisation level: use -O0, -O1 or -O2 (the "
                             "default)",
                             (unsigned)optLevel));
  if (!nnc::codegen::isValidTarget(target))
    return error("unknown --target '" + target +
                 "': use host, cuda or a Halide target such as x86-64-linux-avx2");
  bool linking = emit == Emit::None;
  if (std::string problem = nnc::codegen::targetProblem(target, linking); !problem.empty())
    return error(problem);
  if (std::string problem = checkPaths(); !problem.empty())
    return error(problem);
  if (linking && outputFile != "-")
    if (std::string problem = reservedName(nnc::codegen::outputName(outputFile));
        !problem.empty())
      return error(problem);
  if (outputFile != "-") {
    llvm::StringRef dir = llvm::sys::path::parent_path(outputFile);
    if (!dir.empty() && !llvm::sys::fs::exists(dir))
      return error("cannot write '" + outputFile + "': the folder '" + dir + "' does not exist");
  }
  if (inputFile != "-")
    if (std::string problem = nnc::tools::checkInput(
            inputFile, "the model",
            llvm::StringRef(inputFile).ends_with(".onnx") ? kMaxOnnxBytes : kMaxModelBytes);
        !problem.empty())
      return error(problem);
  if (weightsFile.getNumOccurrences() && weightsFile.empty())
    return error("--weights needs a checkpoint file: --weights=W.ckpt");
  if (!weightsFile.empty())
    if (std::string problem = nnc::tools::checkInput(weightsFile, "the --weights checkpoint",
                                                     kMaxCheckpointBytes);
        !problem.empty())
      return error(problem);
  if (!weightsFile.empty() && !inference && emit != Emit::Onnx)
    return error("--weights freezes a checkpoint into an inference build: add --inference (to "
                 "start training from a checkpoint, run the executable's fit --weights W)");
  std::string errorMessage;
  auto file = mlir::openInputFile(inputFile, &errorMessage);
  if (!file)
    return error("cannot open '" + inputFile + "': " + errorMessage);

  mlir::MLIRContext context;
  context.loadDialect<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  context.printOpOnDiagnostic(false); // errors point at the .nn source, not at IR
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  nnc::tools::registerShortLineHandler(context, sourceMgr);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      llvm::StringRef(inputFile).ends_with(".onnx")
          ? nnc::onnxfe::importOnnxFile(inputFile, &context)
          : nnc::frontend::importNNFile(sourceMgr, &context);
  if (!module)
    return 1;
  if (inference && mlir::failed(nnc::passes::freezeWeights(*module, weightsFile)))
    return 1;
  if (emit == Emit::Onnx) { // the model as written, its weights frozen
    std::string bytes;
    if (mlir::failed(nnc::passes::freezeWeights(*module, weightsFile)) ||
        mlir::failed(nnc::onnxfe::exportOnnx(*module, bytes)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &os) { os << bytes; });
  }

  // The model as written: its summary, the graph, and the -O0 build the memory
  // report compares with. Everything else takes the module after the -O pipeline.
  std::string summary;
  if (emit == Emit::Summary || (emit == Emit::None && !llvm::StringRef(outputFile).ends_with(".so"))) {
    llvm::raw_string_ostream os(summary);
    if (mlir::failed(nnc::nn::printSummary(*module, os)))
      return 1;
  }
  mlir::OwningOpRef<mlir::ModuleOp> asWritten;
  if (emit == Emit::Summary && optLevel) {
    asWritten = module->clone();
    if (mlir::failed(nnc::passes::optimize(*asWritten, 0)))
      asWritten = nullptr;
  }
  if (emit != Emit::Dot && emit != Emit::TrainMLIR &&
      mlir::failed(nnc::passes::optimize(*module, optLevel)))
    return 1;

  switch (emit) {
  case Emit::MLIR: // the IR code generation takes: after the -O pipeline
    return writeOutput([&](llvm::raw_ostream &os) {
      module->print(os);
      os << "\n";
    });
  case Emit::TrainMLIR:
    if (mlir::failed(nnc::nn::buildTraining(*module)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &os) {
      module->print(os);
      os << "\n";
    });
  case Emit::Dot: {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (mlir::failed(nnc::nn::printGraph(*module, os)))
      return 1;
    if (!llvm::StringRef(outputFile).ends_with(".svg"))
      return writeOutput([&](llvm::raw_ostream &out) { out << text; });
    return renderSvg(text);
  }
  case Emit::Summary: {
    std::string text = summary + nnc::codegen::memorySummary(
                                     *module, asWritten ? *asWritten : nullptr, optLevel);
    return writeOutput([&](llvm::raw_ostream &out) { out << text; });
  }
  case Emit::LLVM: {
    std::string ir;
    if (mlir::failed(nnc::codegen::emitHostLLVM(*module, nnc::codegen::outputName(inputFile), ir)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &os) { os << ir; });
  }
  case Emit::Header: {
    std::string text;
    std::string name = nnc::codegen::outputName(outputFile == "-" ? inputFile : outputFile);
    if (mlir::failed(nnc::codegen::emitHeader(*module, name, text, optLevel)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &os) { os << text; });
  }
  case Emit::Obj:
    if (outputFile == "-")
      return error("--emit=obj needs -o FILE.o");
    return mlir::failed(nnc::codegen::emitHostObject(
               *module, nnc::codegen::outputName(inputFile), outputFile))
               ? 1
               : 0;
  case Emit::Halide:
  case Emit::Asm: {
    std::string text;
    if (mlir::failed(nnc::codegen::emitKernelText(*module, nnc::codegen::outputName(inputFile),
                                                  target, emit == Emit::Asm, text)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &os) { os << text; });
  }
  case Emit::None:
    break;
  }
  if (outputFile == "-")
    return error("choose an output: -o NAME.so (a shared library and NAME.h), -o NAME (an "
                 "executable), or --emit=mlir|train-mlir|summary|dot|llvm|obj|header|halide|asm");
  nnc::codegen::BuildOptions options;
  options.output = outputFile;
  options.target = target;
  options.timeReport = timeReport;
  options.optLevel = optLevel;
  options.cache = !noCache;
  options.summary = std::move(summary);
  return mlir::failed(nnc::codegen::buildOutput(*module, options)) ? 1 : 0;
}
