// Tokenizer for .nn files (a Python subset): names, numbers, strings, operators, newlines.
#ifndef NNC_FRONTEND_LEXER_H
#define NNC_FRONTEND_LEXER_H

#include "frontend/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace nnc::frontend {

/// Indent marks a statement that does not start at column 1 (an error the
/// parser reports, after any earlier one such as the `for` that opened a block).
enum class Tok { Name, Int, Float, String, Op, Newline, Indent, End };

struct Token {
  Tok kind;
  std::string text; // identifier, operator, or the decoded string value
  Pos pos;
  double number = 0; // for Int and Float
};

/// Splits `source` into tokens. Newlines inside brackets and after a backslash
/// are joined as Python does; comments are dropped. Throws SourceError.
std::vector<Token> tokenize(llvm::StringRef source);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_LEXER_H
