// Tokenizer for .nn files (a Python subset): names, numbers, strings, operators, newlines.
#include "frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <cctype>
#include <cstdlib>

namespace nnc::frontend {

namespace {
class Lexer {
public:
  explicit Lexer(llvm::StringRef src) : src(src) {}

  std::vector<Token> run() {
    bool lineStart = true;
    while (i < src.size()) {
      char c = src[i];
      if (lineStart && depth == 0) {
        lineStart = false;
        startLine(); // may move past the indentation: read the next character again
        continue;
      }
      if (c == '\n') {
        advance();
        if (depth == 0) {
          pushNewline();
          lineStart = true;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        advance();
        continue;
      }
      if (c == '#') {
        skipComment();
        continue;
      }
      if (c == '\\') {
        Pos at = pos();
        advance();
        if (i < src.size() && src[i] == '\r')
          advance();
        if (i >= src.size() || src[i] != '\n')
          fail(at, "unexpected '\\' outside a string (a line continuation must end the line)");
        advance();
        continue;
      }
      if (std::isalpha((unsigned char)c) || c == '_') {
        lexName();
        continue;
      }
      if (std::isdigit((unsigned char)c) ||
          (c == '.' && i + 1 < src.size() && std::isdigit((unsigned char)src[i + 1]))) {
        lexNumber();
        continue;
      }
      if (c == '"' || c == '\'') {
        lexString(pos());
        continue;
      }
      lexOperator();
    }
    if (depth > 0)
      fail(brackets.back().pos, "'" + brackets.back().text + "' is never closed");
    pushNewline();
    tokens.push_back({Tok::End, "", pos()});
    return std::move(tokens);
  }

private:
  llvm::StringRef src;
  size_t i = 0;
  unsigned line = 1, col = 1;
  int depth = 0;
  std::vector<Token> tokens;
  std::vector<Token> brackets;

  Pos pos() const { return {line, col}; }

  void advance() {
    if (src[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    ++i;
  }

  void skipComment() {
    while (i < src.size() && src[i] != '\n')
      advance();
  }

  void pushNewline() {
    if (!tokens.empty() && tokens.back().kind != Tok::Newline)
      tokens.push_back({Tok::Newline, "", pos()});
  }

  /// Handles indentation and notebook-only lines at the start of a logical
  /// line. Returns true when the whole line was consumed.
  bool startLine() {
    size_t j = i;
    while (j < src.size() && (src[j] == ' ' || src[j] == '\t'))
      ++j;
    if (j >= src.size() || src[j] == '\n' || src[j] == '#' || src[j] == '\r')
      return false; // blank or comment line
    if (j != i) {
      while (i < j)
        advance();
      tokens.push_back({Tok::Indent, "", pos()});
    }
    if (src[i] == '!' || src[i] == '%')
      fail(pos(), std::string("notebook ") + (src[i] == '!' ? "shell" : "magic") +
                      " lines are not part of the .nn language");
    return false;
  }

  void lexName() {
    Pos at = pos();
    size_t start = i;
    while (i < src.size() && (std::isalnum((unsigned char)src[i]) || src[i] == '_'))
      advance();
    llvm::StringRef word = src.slice(start, i);
    if (i < src.size() && (src[i] == '"' || src[i] == '\'') && word.size() <= 2 &&
        word.find_first_not_of("rRbBfFuU") == llvm::StringRef::npos) {
      std::string prefix = word.lower();
      if (prefix.find('f') != std::string::npos)
        fail(at, "f-strings are not supported; write the string literally (Keras fills "
                 "fields such as {epoch:02d} itself)");
      if (prefix.find('b') != std::string::npos)
        fail(at, "byte strings are not supported");
      lexString(at, prefix.find('r') != std::string::npos);
      return;
    }
    tokens.push_back({Tok::Name, word.str(), at});
  }

  void lexNumber() {
    Pos at = pos();
    size_t start = i;
    bool isFloat = false;
    auto digits = [&] {
      while (i < src.size() && (std::isdigit((unsigned char)src[i]) || src[i] == '_'))
        advance();
    };
    digits();
    if (i < src.size() && src[i] == '.') {
      isFloat = true;
      advance();
      digits();
    }
    if (i < src.size() && (src[i] == 'e' || src[i] == 'E')) {
      size_t save = i;
      unsigned saveCol = col;
      advance();
      if (i < src.size() && (src[i] == '+' || src[i] == '-'))
        advance();
      if (i < src.size() && std::isdigit((unsigned char)src[i])) {
        isFloat = true;
        digits();
      } else {
        i = save;
        col = saveCol;
      }
    }
    if (i < src.size() && (std::isalpha((unsigned char)src[i]) || src[i] == '_'))
      fail(at, "invalid number '" + src.slice(start, i + 1).str() + "'");
    std::string text = src.slice(start, i).str();
    std::string clean;
    for (char ch : text)
      if (ch != '_')
        clean += ch;
    Token t{isFloat ? Tok::Float : Tok::Int, text, at};
    t.number = std::strtod(clean.c_str(), nullptr);
    tokens.push_back(t);
  }

  void lexString(Pos at, bool raw = false) {
    char quote = src[i];
    bool triple = src.substr(i, 3) == std::string(3, quote);
    for (int k = 0; k < (triple ? 3 : 1); ++k)
      advance();
    std::string value;
    while (true) {
      if (i >= src.size() || (!triple && src[i] == '\n'))
        fail(at, "string is never closed");
      char c = src[i];
      if (c == quote && (!triple || src.substr(i, 3) == std::string(3, quote))) {
        for (int k = 0; k < (triple ? 3 : 1); ++k)
          advance();
        break;
      }
      if (c == '\\' && !raw && i + 1 < src.size()) {
        advance();
        char e = src[i];
        advance();
        switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case '\n': break;
        default: value += '\\'; value += e; break;
        }
        continue;
      }
      value += c;
      advance();
    }
    tokens.push_back({Tok::String, value, at});
  }

  void lexOperator() {
    Pos at = pos();
    static const char *multi[] = {"**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=",
                                  "*=", "/=", ":="};
    for (const char *m : multi) {
      if (src.substr(i).starts_with(m)) {
        advance();
        advance();
        tokens.push_back({Tok::Op, m, at});
        return;
      }
    }
    char c = src[i];
    if (!llvm::StringRef("()[]{},.:;=+-*/%<>@~&|^").contains(c)) {
      std::string shown = std::isprint((unsigned char)c) ? std::string(1, c)
                                                         : "\\x" + llvm::utohexstr((unsigned char)c);
      fail(at, "unexpected character '" + shown + "'");
    }
    advance();
    Token t{Tok::Op, std::string(1, c), at};
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
      brackets.push_back(t);
    } else if (c == ')' || c == ']' || c == '}') {
      static const char *pairs = "()[]{}";
      if (depth == 0)
        fail(at, std::string("unmatched '") + c + "'");
      char open = brackets.back().text[0];
      if (pairs[std::string(pairs).find(open) + 1] != c)
        fail(at, std::string("'") + c + "' does not match '" + open + "' at line " +
                     std::to_string(brackets.back().pos.line) + ":" +
                     std::to_string(brackets.back().pos.col));
      --depth;
      brackets.pop_back();
    }
    tokens.push_back(t);
  }
};
} // namespace

std::vector<Token> tokenize(llvm::StringRef source) { return Lexer(source).run(); }

} // namespace nnc::frontend
