// Diagnostics on very long source lines: the echoed line is cut around the caret.
#ifndef NNC_TOOLS_NNC_SHORTDIAGNOSTICS_H
#define NNC_TOOLS_NNC_SHORTDIAGNOSTICS_H

namespace llvm {
class SourceMgr;
}
namespace mlir {
class MLIRContext;
}

namespace nnc::tools {

/// The most source characters an error echoes around its caret.
constexpr unsigned kMaxEchoedLine = 200;

/// Registers a handler, ahead of the SourceMgr handler already registered, that
/// prints a diagnostic whose source line is longer than kMaxEchoedLine with only the
/// kMaxEchoedLine characters around its column ("..." marks the cuts).
void registerShortLineHandler(mlir::MLIRContext &context, llvm::SourceMgr &sourceMgr);

} // namespace nnc::tools

#endif
