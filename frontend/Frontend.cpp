// Entry point of the .nn frontend: source text in, verified nn module out.
#include "frontend/Frontend.h"

#include "frontend/AST.h"
#include "frontend/Interpreter.h"
#include "frontend/ModelEmitter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"

namespace nnc::frontend {

mlir::OwningOpRef<mlir::ModuleOp> importNNFile(llvm::SourceMgr &sourceMgr,
                                               mlir::MLIRContext *ctx) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  llvm::StringRef filename = buffer->getBufferIdentifier();
  try {
    std::vector<Stmt> program = parseProgram(buffer->getBuffer());
    auto model = evaluateProgram(program, Pos{1, 1});
    mlir::OwningOpRef<mlir::ModuleOp> module = emitModel(ctx, filename, *model);
    if (mlir::failed(mlir::verify(*module)))
      return nullptr;
    return module;
  } catch (const SourceError &e) {
    mlir::emitError(mlir::FileLineColLoc::get(ctx, filename, e.pos.line, e.pos.col))
        << e.message;
  } catch (const ReportedError &) {
  }
  return nullptr;
}

} // namespace nnc::frontend
