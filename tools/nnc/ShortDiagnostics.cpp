// Diagnostics on very long source lines: the echoed line is cut around the caret.
#include "tools/nnc/ShortDiagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <string>

namespace nnc::tools {

namespace {

llvm::SourceMgr::DiagKind kindOf(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Note: return llvm::SourceMgr::DK_Note;
  case mlir::DiagnosticSeverity::Warning: return llvm::SourceMgr::DK_Warning;
  case mlir::DiagnosticSeverity::Remark: return llvm::SourceMgr::DK_Remark;
  case mlir::DiagnosticSeverity::Error: break;
  }
  return llvm::SourceMgr::DK_Error;
}

/// The text of 1-based `line` of the main buffer, or none past its end.
std::optional<llvm::StringRef> sourceLine(llvm::SourceMgr &sm, unsigned line) {
  unsigned id = sm.getMainFileID();
  llvm::SMLoc start = sm.FindLocForLineAndColumn(id, line, 1);
  if (!start.isValid())
    return std::nullopt;
  llvm::StringRef rest(start.getPointer(),
                       sm.getMemoryBuffer(id)->getBufferEnd() - start.getPointer());
  return rest.take_until([](char c) { return c == '\n' || c == '\r'; });
}

/// Prints `diag` with its line cut to kMaxEchoedLine characters around its column;
/// false (nothing printed) when it is not on a long line of the main file.
bool printShort(llvm::SourceMgr &sm, mlir::Diagnostic &diag) {
  auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(diag.getLocation());
  if (!loc)
    return false;
  llvm::StringRef file = sm.getMemoryBuffer(sm.getMainFileID())->getBufferIdentifier();
  std::optional<llvm::StringRef> line = sourceLine(sm, loc.getLine());
  if (loc.getFilename().getValue() != file || !line || line->size() <= kMaxEchoedLine)
    return false;
  size_t col = loc.getColumn() ? loc.getColumn() - 1 : 0;
  size_t half = kMaxEchoedLine / 2;
  size_t from = col > half ? std::min(col - half, line->size() - kMaxEchoedLine) : 0;
  size_t to = from + kMaxEchoedLine;
  // Cuts between characters, never inside a UTF-8 sequence.
  auto continuation = [&](size_t k) { return k < line->size() && ((*line)[k] & 0xC0) == 0x80; };
  while (from > 0 && continuation(from))
    --from;
  while (to < line->size() && continuation(to))
    ++to;
  std::string shown = (from ? "..." : "") + line->slice(from, to).str() +
                      (to < line->size() ? "..." : "");
  int caret = (int)(std::min(col, line->size()) - from + (from ? 3 : 0));
  llvm::errs() << file << ":" << loc.getLine() << ":" << loc.getColumn() << ": ";
  std::string message = diag.str();
  if (message.size() > 2 * kMaxEchoedLine) // a message quoting the long line
    message = message.substr(0, 2 * kMaxEchoedLine) + "...";
  llvm::SMDiagnostic out(sm, llvm::SMLoc(), file, (int)loc.getLine(), caret,
                         kindOf(diag.getSeverity()), message, shown, {});
  out.print(nullptr, llvm::errs(), llvm::errs().has_colors(), /*ShowKindLabel=*/true,
            /*ShowLocation=*/false);
  return true;
}

} // namespace

void registerShortLineHandler(mlir::MLIRContext &context, llvm::SourceMgr &sourceMgr) {
  context.getDiagEngine().registerHandler([&sourceMgr](mlir::Diagnostic &diag) {
    if (!printShort(sourceMgr, diag))
      return mlir::failure(); // the SourceMgr handler prints it, line and all
    for (mlir::Diagnostic &note : diag.getNotes())
      if (!printShort(sourceMgr, note))
        llvm::errs() << "note: " << note.str() << "\n";
    return mlir::success();
  });
}

} // namespace nnc::tools
