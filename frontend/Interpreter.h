// Evaluates a parsed .nn program: imports, assignments, layer and model
// construction, and the model.add / compile / fit calls.
#ifndef NNC_FRONTEND_INTERPRETER_H
#define NNC_FRONTEND_INTERPRETER_H

#include "frontend/AST.h"
#include "frontend/Object.h"

#include <memory>
#include <vector>

namespace nnc::frontend {

/// Runs `program` and returns the model to compile: the last one compiled,
/// else the last one built. Throws SourceError (at `fileStart` when the file
/// builds no model).
std::shared_ptr<Object> evaluateProgram(const std::vector<Stmt> &program, Pos fileStart);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_INTERPRETER_H
