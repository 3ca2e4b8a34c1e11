// The Python built-ins a .nn file may use: arithmetic and comparison of literals,
// range/str/len/int/float, and Keras's merge functions (layers.add([a, b])).
#ifndef NNC_FRONTEND_BUILTINS_H
#define NNC_FRONTEND_BUILTINS_H

#include "frontend/AST.h"
#include "frontend/KerasObjects.h"

#include "llvm/ADT/StringRef.h"

namespace nnc::frontend {

/// `a OP b` for numbers and strings (+ concatenates); comparisons give a Bool.
Value binaryOp(const Expr &e, const Value &a, const Value &b);

/// True for range, str, len, int and float.
bool isBuiltinFunction(llvm::StringRef name);
/// Calls a built-in function; SourceError on bad arguments.
Value callBuiltin(llvm::StringRef name, Pos pos, const CallArgs &args);

/// The Keras class behind a merge function of keras.layers (add -> Add), or "".
llvm::StringRef mergeFunctionClass(llvm::StringRef function);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_BUILTINS_H
