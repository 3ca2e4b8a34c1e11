// Syntax tree of a .nn file: Python expressions and the three statement forms.
#ifndef NNC_FRONTEND_AST_H
#define NNC_FRONTEND_AST_H

#include "frontend/Diagnostic.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::frontend {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A keyword argument `name=value` of a call.
struct Keyword {
  std::string name;
  Pos pos;
  ExprPtr value;
};

struct Expr {
  enum class Kind {
    Int,       // number (integral)
    Float,     // number
    String,    // text
    Bool,      // number != 0
    None,
    Name,      // text
    Attribute, // base.text
    Call,      // base(items..., keywords...)
    Tuple,     // (items...)
    List,      // [items...]
    Binary,    // base text(op) rhs
    Unary,     // text(op) base
  };
  Kind kind;
  Pos pos;
  std::string text;
  double number = 0;
  unsigned depth = 1; // height of this subtree; the parser bounds it
  ExprPtr base, rhs;
  std::vector<ExprPtr> items;
  std::vector<Keyword> keywords;

  Expr(Kind kind, Pos pos) : kind(kind), pos(pos) {}

  /// "tf.keras.layers.Dense" for a Name/Attribute chain, "" otherwise.
  std::string dottedName() const;
};

struct Stmt {
  enum class Kind {
    Import, // names imported: `imports` (local name -> dotted source)
    Assign, // targets = value
    Expr,   // value
    For,    // for targets[0] in value: body
    If,     // if value: body else: orelse (an elif is an If alone in orelse)
  };
  Kind kind;
  Pos pos;
  std::vector<ExprPtr> targets;
  ExprPtr value;
  /// For imports: (local name, full dotted path, position of the local name).
  struct Binding {
    std::string local, path;
    Pos pos;
  };
  std::vector<Binding> imports;
  std::vector<Stmt> body, orelse;

  Stmt(Kind kind, Pos pos) : kind(kind), pos(pos) {}
};

/// Parses tokens of a whole file. Throws SourceError.
std::vector<Stmt> parseProgram(llvm::StringRef source);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_AST_H
