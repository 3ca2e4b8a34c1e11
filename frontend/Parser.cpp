// Recursive-descent parser for the .nn Python subset.
#include "frontend/AST.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/STLExtras.h"

namespace nnc::frontend {

std::string Expr::dottedName() const {
  if (kind == Kind::Name)
    return text;
  if (kind == Kind::Attribute) {
    std::string head = base->dottedName();
    return head.empty() ? "" : head + "." + text;
  }
  return "";
}

namespace {

const char *const kPythonKeywords[] = {
    "def",    "class",  "for",   "while", "if",     "elif",   "else",  "with",
    "return", "lambda", "try",   "except", "finally", "del",  "global", "nonlocal",
    "pass",   "yield",  "assert", "raise", "and",    "or",     "not",   "in",
    "is",     "async",  "await", "break", "continue"};

/// Deeper expressions are rejected before they can exhaust the stack of the
/// recursive parser, evaluator or destructor.
constexpr unsigned kMaxDepth = 200;

class Parser {
public:
  explicit Parser(std::vector<Token> toks) : toks(std::move(toks)) {}

  std::vector<Stmt> program() {
    std::vector<Stmt> out;
    while (peek().kind != Tok::End) {
      if (peek().kind == Tok::Newline || isOp(";")) {
        ++p;
        continue;
      }
      out.push_back(statement());
      endStatement();
    }
    return out;
  }

private:
  std::vector<Token> toks;
  size_t p = 0;
  unsigned nesting = 0;

  /// Counts one level of recursion for the lifetime of the guard.
  struct Nest {
    Parser &parser;
    explicit Nest(Parser &parser) : parser(parser) {
      if (++parser.nesting > kMaxDepth)
        fail(parser.peek().pos, "expression is nested too deeply (more than " +
                                    std::to_string(kMaxDepth) + " levels)");
    }
    ~Nest() { --parser.nesting; }
  };

  /// Sets `e`'s depth from its children and enforces the limit.
  ExprPtr bounded(ExprPtr e) {
    unsigned d = 0;
    for (const Expr *child : {e->base.get(), e->rhs.get()})
      if (child)
        d = std::max(d, child->depth);
    for (const ExprPtr &item : e->items)
      d = std::max(d, item->depth);
    for (const Keyword &k : e->keywords)
      d = std::max(d, k.value->depth);
    e->depth = d + 1;
    if (e->depth > kMaxDepth) {
      // A long flat chain (a + b + c ...) is deep too, but to its writer it is long.
      bool chain = e->kind == Expr::Kind::Binary && e->base &&
                   e->base->kind == Expr::Kind::Binary;
      if (chain)
        fail(e->pos, "expression is too long (more than " + std::to_string(kMaxDepth) +
                         " operators in a row); split it with intermediate names");
      fail(e->pos, "expression is nested too deeply (more than " +
                       std::to_string(kMaxDepth) + " levels)");
    }
    return e;
  }

  const Token &peek(size_t ahead = 0) const {
    return toks[std::min(p + ahead, toks.size() - 1)];
  }
  bool isOp(llvm::StringRef op, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::Op && peek(ahead).text == op;
  }
  bool isName(llvm::StringRef word) const {
    return peek().kind == Tok::Name && peek().text == word;
  }

  static std::string describe(const Token &t) {
    switch (t.kind) {
    case Tok::Newline: return "the end of the line";
    case Tok::End: return "the end of the file";
    case Tok::Indent: return "an indented line";
    case Tok::String: return "a string";
    case Tok::Int:
    case Tok::Float: return "'" + t.text + "'";
    default: return "'" + t.text + "'";
    }
  }

  void expectOp(llvm::StringRef op, llvm::StringRef context) {
    if (!isOp(op))
      fail(peek().pos, "expected '" + op.str() + "' " + context.str() + ", found " +
                           describe(peek()));
    ++p;
  }

  std::string expectName(llvm::StringRef context) {
    if (peek().kind != Tok::Name)
      fail(peek().pos, "expected a name " + context.str() + ", found " + describe(peek()));
    return toks[p++].text;
  }

  static bool isKeyword(llvm::StringRef word) {
    return llvm::is_contained(kPythonKeywords, word);
  }

  /// After a simple statement: ';' or the end of the line. Block statements consume
  /// their own lines.
  void endStatement() {
    if (isOp(";")) {
      ++p;
      return;
    }
    if (peek().kind != Tok::Newline && peek().kind != Tok::End &&
        !(p > 0 && toks[p - 1].kind == Tok::Newline))
      fail(peek().pos, "expected the end of the statement, found " + describe(peek()));
  }

  /// The column a line starts at: an Indent token's, or 1.
  unsigned lineColumn() const { return peek().kind == Tok::Indent ? peek().pos.col : 1; }

  /// ':' NEWLINE and the indented lines after it, deeper than `outer`.
  std::vector<Stmt> block(unsigned outer, llvm::StringRef what) {
    expectOp(":", "after the " + what.str() + " header");
    if (peek().kind != Tok::Newline)
      fail(peek().pos, "the body of " + what.str() + " goes on the next lines, indented");
    while (peek().kind == Tok::Newline)
      ++p;
    unsigned column = lineColumn();
    if (peek().kind != Tok::Indent || column <= outer)
      fail(peek().pos, "expected an indented block after " + what.str());
    std::vector<Stmt> body;
    while (peek().kind == Tok::Indent && peek().pos.col == column) {
      ++p; // the Indent
      Nesting depth(*this);
      body.push_back(statementAt(column));
      endStatement();
      while (peek().kind == Tok::Newline || isOp(";"))
        ++p;
    }
    if (peek().kind == Tok::Indent && peek().pos.col > column)
      fail(peek().pos, "unexpected indentation");
    if (peek().kind == Tok::Indent && peek().pos.col > outer && peek().pos.col < column)
      fail(peek().pos, "this line's indentation matches no enclosing block");
    return body;
  }

  /// Bounds block nesting like expression nesting.
  struct Nesting {
    Parser &parser;
    explicit Nesting(Parser &parser) : parser(parser) {
      if (++parser.blocks > 50)
        fail(parser.peek().pos, "blocks are nested too deeply (more than 50 levels)");
    }
    ~Nesting() { --parser.blocks; }
  };
  unsigned blocks = 0;

  Stmt forStatement(unsigned column) {
    Stmt s(Stmt::Kind::For, peek().pos);
    ++p; // for
    // for NAME in ... / for NAME, NAME in ... (a tuple target, unpacked per item)
    Pos at = peek().pos;
    auto tuple = std::make_unique<Expr>(Expr::Kind::Tuple, at);
    std::string written;
    do {
      auto name = std::make_unique<Expr>(Expr::Kind::Name, peek().pos);
      name->text = expectName("after 'for'");
      written += (written.empty() ? "" : ", ") + name->text;
      tuple->items.push_back(std::move(name));
    } while (isOp(",") && ++p);
    if (tuple->items.size() == 1)
      s.targets.push_back(std::move(tuple->items[0]));
    else
      s.targets.push_back(std::move(tuple));
    if (!isName("in"))
      fail(peek().pos, "expected 'in' after 'for " + written + "', found " + describe(peek()));
    ++p;
    s.value = expr();
    s.body = block(column, "'for'");
    return s;
  }

  Stmt ifStatement(unsigned column) {
    Stmt s(Stmt::Kind::If, peek().pos);
    ++p; // if / elif
    s.value = expr();
    s.body = block(column, "'if'");
    // elif / else continue at this statement's column.
    size_t save = p;
    if (lineColumn() == column) {
      if (peek().kind == Tok::Indent)
        ++p;
      if (isName("elif")) {
        s.orelse.push_back(ifStatement(column));
        return s;
      }
      if (isName("else")) {
        ++p;
        s.orelse = block(column, "'else'");
        return s;
      }
    }
    p = save;
    return s;
  }

  Stmt statement() {
    const Token &t = peek();
    if (t.kind == Tok::Indent)
      fail(t.pos, "unexpected indentation: only the body of a 'for' or 'if' is indented");
    return statementAt(1);
  }

  Stmt statementAt(unsigned column) {
    const Token &t = peek();
    if (t.kind == Tok::Name && t.text == "for")
      return forStatement(column);
    if (t.kind == Tok::Name && t.text == "if")
      return ifStatement(column);
    if (t.kind == Tok::Name && (t.text == "elif" || t.text == "else"))
      fail(t.pos, "'" + t.text + "' without a matching 'if'");
    if (t.kind == Tok::Name && (t.text == "import" || t.text == "from"))
      return importStatement();
    if (t.kind == Tok::Name && isKeyword(t.text))
      fail(t.pos, "Python '" + t.text + "' statements are not part of the .nn language");
    Pos start = t.pos;
    ExprPtr first = exprList();
    if (isOp("=")) {
      Stmt s(Stmt::Kind::Assign, start);
      s.targets.push_back(std::move(first));
      while (isOp("=")) {
        ++p;
        s.targets.push_back(exprList());
      }
      s.value = std::move(s.targets.back());
      s.targets.pop_back();
      return s;
    }
    for (const char *aug : {"+=", "-=", "*=", "/="})
      if (isOp(aug))
        fail(peek().pos, std::string("augmented assignment '") + aug +
                             "' is not part of the .nn language");
    if (isOp(":"))
      fail(peek().pos, "annotations and blocks are not part of the .nn language");
    Stmt s(Stmt::Kind::Expr, start);
    s.value = std::move(first);
    return s;
  }

  std::string dotted(llvm::StringRef context) {
    std::string name = expectName(context);
    while (isOp(".")) {
      ++p;
      name += "." + expectName(context);
    }
    return name;
  }

  Stmt importStatement() {
    Stmt s(Stmt::Kind::Import, peek().pos);
    bool from = peek().text == "from";
    ++p;
    if (!from) {
      do {
        Pos at = peek().pos;
        std::string path = dotted("after 'import'");
        std::string local = path.substr(0, path.find('.'));
        if (isName("as")) {
          ++p;
          at = peek().pos;
          local = expectName("after 'as'");
        }
        s.imports.push_back({local, path, at});
      } while (isOp(",") && ++p);
      return s;
    }
    std::string module = dotted("after 'from'");
    if (!isName("import"))
      fail(peek().pos, "expected 'import' after 'from " + module + "', found " +
                           describe(peek()));
    ++p;
    if (isOp("*"))
      fail(peek().pos, "'from " + module + " import *' is not supported; import the "
                       "names you use");
    bool paren = isOp("(");
    if (paren)
      ++p;
    do {
      if (paren && isOp(")"))
        break;
      Pos at = peek().pos;
      std::string name = expectName("to import");
      std::string local = name;
      if (isName("as")) {
        ++p;
        at = peek().pos;
        local = expectName("after 'as'");
      }
      s.imports.push_back({local, module + "." + name, at});
    } while (isOp(",") && ++p);
    if (paren)
      expectOp(")", "to close the import list");
    return s;
  }

  /// expr (',' expr)* [','] -- a bare tuple, as on either side of '='.
  ExprPtr exprList() {
    Pos start = peek().pos;
    ExprPtr first = expr();
    if (!isOp(","))
      return first;
    auto tuple = std::make_unique<Expr>(Expr::Kind::Tuple, start);
    tuple->items.push_back(std::move(first));
    while (isOp(",")) {
      ++p;
      if (!startsExpr())
        break;
      tuple->items.push_back(expr());
    }
    return bounded(std::move(tuple));
  }

  bool startsExpr() const {
    const Token &t = peek();
    if (t.kind == Tok::Name || t.kind == Tok::Int || t.kind == Tok::Float ||
        t.kind == Tok::String)
      return true;
    return t.kind == Tok::Op && (t.text == "(" || t.text == "[" || t.text == "-" ||
                                 t.text == "+" || t.text == "{");
  }

  ExprPtr expr() {
    Nest guard(*this);
    return negation();
  }

  ExprPtr negation() {
    if (isName("not")) {
      Nest guard(*this);
      const Token &op = toks[p++];
      auto e = std::make_unique<Expr>(Expr::Kind::Unary, op.pos);
      e->text = "not";
      e->base = negation();
      return bounded(std::move(e));
    }
    return comparison();
  }

  ExprPtr comparison() {
    ExprPtr lhs = additive();
    if (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">=")) {
      const Token &op = toks[p++];
      lhs = binary(std::move(lhs), op, additive());
      if (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">="))
        fail(peek().pos, "chained comparisons are not part of the .nn language");
    }
    return lhs;
  }

  ExprPtr binary(ExprPtr lhs, const Token &op, ExprPtr rhs) {
    auto e = std::make_unique<Expr>(Expr::Kind::Binary, op.pos);
    e->text = op.text;
    e->base = std::move(lhs);
    e->rhs = std::move(rhs);
    return bounded(std::move(e));
  }

  ExprPtr additive() {
    ExprPtr lhs = multiplicative();
    while (isOp("+") || isOp("-")) {
      const Token &op = toks[p++];
      lhs = binary(std::move(lhs), op, multiplicative());
    }
    return lhs;
  }

  ExprPtr multiplicative() {
    ExprPtr lhs = unary();
    while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
      const Token &op = toks[p++];
      lhs = binary(std::move(lhs), op, unary());
    }
    return lhs;
  }

  ExprPtr unary() {
    if (isOp("-") || isOp("+")) {
      Nest guard(*this);
      const Token &op = toks[p++];
      auto e = std::make_unique<Expr>(Expr::Kind::Unary, op.pos);
      e->text = op.text;
      e->base = unary();
      return bounded(std::move(e));
    }
    return power();
  }

  ExprPtr power() {
    ExprPtr base = postfix();
    if (isOp("**")) {
      const Token &op = toks[p++];
      return binary(std::move(base), op, unary());
    }
    return base;
  }

  ExprPtr postfix() {
    ExprPtr e = primary();
    while (true) {
      if (isOp(".")) {
        ++p;
        Pos at = peek().pos;
        auto a = std::make_unique<Expr>(Expr::Kind::Attribute, at);
        a->text = expectName("after '.'");
        a->base = std::move(e);
        e = bounded(std::move(a));
      } else if (isOp("(")) {
        e = bounded(call(std::move(e)));
      } else if (isOp("[")) {
        fail(peek().pos, "indexing and slicing are not part of the .nn language");
      } else {
        return e;
      }
    }
  }

  ExprPtr call(ExprPtr callee) {
    auto c = std::make_unique<Expr>(Expr::Kind::Call, peek().pos);
    c->pos = callee->pos;
    c->base = std::move(callee);
    ++p; // (
    while (!isOp(")")) {
      if (isOp("*") || isOp("**"))
        fail(peek().pos, "argument unpacking (*args, **kwargs) is not supported");
      if (peek().kind == Tok::Name && isOp("=", 1)) {
        Keyword k{toks[p].text, toks[p].pos, nullptr};
        p += 2;
        for (auto &prev : c->keywords)
          if (prev.name == k.name)
            fail(k.pos, "keyword argument '" + k.name + "' is given twice");
        k.value = expr();
        c->keywords.push_back(std::move(k));
      } else {
        if (!c->keywords.empty())
          fail(peek().pos, "positional argument follows keyword argument");
        c->items.push_back(expr());
      }
      if (!isOp(","))
        break;
      ++p;
    }
    expectOp(")", "to close the call");
    return c;
  }

  ExprPtr sequence(Expr::Kind kind, Pos at, llvm::StringRef close) {
    auto e = std::make_unique<Expr>(kind, at);
    while (!isOp(close)) {
      e->items.push_back(expr());
      if (!isOp(","))
        break;
      ++p;
    }
    expectOp(close, kind == Expr::Kind::List ? "to close the list" : "to close the tuple");
    return bounded(std::move(e));
  }

  ExprPtr primary() {
    const Token &t = peek();
    switch (t.kind) {
    case Tok::Int:
    case Tok::Float: {
      ++p;
      auto e = std::make_unique<Expr>(t.kind == Tok::Int ? Expr::Kind::Int : Expr::Kind::Float,
                                      t.pos);
      e->number = t.number;
      e->text = t.text;
      return e;
    }
    case Tok::String: {
      auto e = std::make_unique<Expr>(Expr::Kind::String, t.pos);
      while (peek().kind == Tok::String) // adjacent literals concatenate
        e->text += toks[p++].text;
      return e;
    }
    case Tok::Name: {
      ++p;
      if (t.text == "True" || t.text == "False") {
        auto e = std::make_unique<Expr>(Expr::Kind::Bool, t.pos);
        e->number = t.text == "True";
        return e;
      }
      if (t.text == "None")
        return std::make_unique<Expr>(Expr::Kind::None, t.pos);
      if (isKeyword(t.text) || t.text == "import" || t.text == "from" || t.text == "as")
        fail(t.pos, "Python '" + t.text + "' is not part of the .nn language");
      auto e = std::make_unique<Expr>(Expr::Kind::Name, t.pos);
      e->text = t.text;
      return e;
    }
    case Tok::Op:
      if (t.text == "(") {
        ++p;
        if (isOp(")")) {
          ++p;
          return std::make_unique<Expr>(Expr::Kind::Tuple, t.pos);
        }
        ExprPtr first = expr();
        if (isOp(")")) {
          ++p;
          return first; // parenthesised expression
        }
        if (!isOp(","))
          fail(peek().pos, "expected ',' or ')' in parentheses, found " + describe(peek()));
        ++p;
        auto tuple = sequence(Expr::Kind::Tuple, t.pos, ")");
        tuple->items.insert(tuple->items.begin(), std::move(first));
        return bounded(std::move(tuple));
      }
      if (t.text == "[") {
        ++p;
        return sequence(Expr::Kind::List, t.pos, "]");
      }
      if (t.text == "{")
        fail(t.pos, "dict and set literals are not part of the .nn language");
      break;
    default:
      break;
    }
    fail(t.pos, "expected an expression, found " + describe(t));
  }
};
} // namespace

std::vector<Stmt> parseProgram(llvm::StringRef source) {
  return Parser(tokenize(source)).program();
}

} // namespace nnc::frontend
