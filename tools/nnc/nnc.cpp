// nnc: the compiler driver. Reads a .nn model and emits IR, a summary, or (later) binaries.
#include "frontend/Frontend.h"
#include "ir/ModelSummary.h"
#include "ir/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace cl = llvm::cl;

namespace {

enum class Emit { None, MLIR, Summary };

cl::OptionCategory nncCategory("nnc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.nn>"), cl::Required,
                               cl::cat(nncCategory));

cl::opt<std::string> outputFile("o", cl::desc("Output file (default: standard output)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::cat(nncCategory));

cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::None),
    cl::values(clEnumValN(Emit::MLIR, "mlir", "the model in the nn MLIR dialect"),
               clEnumValN(Emit::Summary, "summary",
                          "a Keras-style model.summary() table")),
    cl::cat(nncCategory));

void printVersion(llvm::raw_ostream &os) {
  os << "nnc " NNC_VERSION " (MLIR " NNC_MLIR_VERSION ")\n";
}

int error(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "nnc") << message << "\n";
  return 1;
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

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::SetVersionPrinter(printVersion);
  cl::HideUnrelatedOptions(nncCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "nnc: ahead-of-time compiler for Keras-style models\n\n"
                              "  nnc model.nn --emit=mlir        print the nn dialect IR\n"
                              "  nnc model.nn --emit=summary     print model.summary()\n");

  std::string errorMessage;
  auto file = mlir::openInputFile(inputFile, &errorMessage);
  if (!file)
    return error("cannot open '" + inputFile + "': " + errorMessage);

  mlir::MLIRContext context;
  context.loadDialect<nnc::nn::NNDialect, mlir::func::FuncDialect>();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      nnc::frontend::importNNFile(sourceMgr, &context);
  if (!module)
    return 1;

  switch (emit) {
  case Emit::MLIR:
    return writeOutput([&](llvm::raw_ostream &os) {
      module->print(os);
      os << "\n";
    });
  case Emit::Summary: {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (mlir::failed(nnc::nn::printSummary(*module, os)))
      return 1;
    return writeOutput([&](llvm::raw_ostream &out) { out << text; });
  }
  case Emit::None:
    break;
  }
  return error("choose an output with --emit=mlir or --emit=summary (shared libraries and "
               "executables come with the code generator, not in this version)");
}
