// Frontend errors: a source position and a message, thrown inside the frontend and
// reported once at its boundary as file:line:col diagnostics.
#ifndef NNC_FRONTEND_DIAGNOSTIC_H
#define NNC_FRONTEND_DIAGNOSTIC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace nnc::frontend {

/// A 1-based position in the .nn source.
struct Pos {
  unsigned line = 0;
  unsigned col = 0;
};

/// An error at a source position. The frontend throws it; parseModel() catches
/// it and emits it through MLIR's diagnostic engine.
struct SourceError {
  Pos pos;
  std::string message;
};

/// An error already emitted as a diagnostic (e.g. by shape inference).
struct ReportedError {};

[[noreturn]] inline void fail(Pos pos, std::string message) {
  throw SourceError{pos, std::move(message)};
}

/// A number as Python prints it in messages: 1.0, 0.001, 2.5e-07.
std::string formatNumber(double value);

/// The candidate closest to `name` by edit distance, or "" when none is close.
std::string nearest(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> candidates);

/// "; did you mean 'X'?" for the nearest candidate, or "".
std::string didYouMean(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_DIAGNOSTIC_H
