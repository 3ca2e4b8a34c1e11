// Tokenizer for .nn files (a Python subset): names, numbers, strings, operators, newlines.
#include "frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace nnc::frontend {

namespace {
class Lexer {
public:
  explicit Lexer(llvm::StringRef src) : src(src) {}

  std::vector<Token> run() {
    bool lineStart = true;
    if (src.starts_with("\xEF\xBB\xBF"))
      i = 3; // a UTF-8 byte-order mark, as Python accepts it
    checkText();
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
      if (std::isalpha((unsigned char)c) || c == '_' || identifierCodePoint(i)) {
        lexName();
        continue;
      }
      if ((unsigned char)c >= 0x80)
        failNonAscii();
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

  /// Python reads source as UTF-8 and refuses NUL bytes: so do comments and strings
  /// here (an invalid byte would reach the summary, the IR and the output's strings).
  void checkText() {
    unsigned l = 1, c = 1;
    for (size_t k = i; k < src.size();) {
      unsigned char b = src[k];
      if (b == 0)
        fail({l, c}, "a NUL byte (\\x00) in the source: .nn files are text");
      uint32_t cp = 0;
      unsigned len = b < 0x80 ? 1 : decode(k, cp);
      if (len == 0)
        fail({l, c}, "invalid UTF-8 byte '\\x" + llvm::utohexstr(b) +
                         "': .nn files are UTF-8 text");
      if (b == '\n') {
        ++l;
        c = 1;
      } else {
        c += len;
      }
      k += len;
    }
  }

  /// A token for a message: at most 40 characters.
  static std::string shorten(llvm::StringRef text) {
    return text.size() <= 40 ? text.str() : text.take_front(37).str() + "...";
  }

  /// Decodes the UTF-8 sequence at `at`: its length (0 when invalid) and code point.
  unsigned decode(size_t at, uint32_t &cp) const {
    unsigned char b = src[at];
    unsigned len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || at + len > src.size())
      return 0;
    cp = len == 1 ? b : b & (0x7F >> len);
    for (unsigned k = 1; k < len; ++k) {
      unsigned char next = src[at + k];
      if ((next & 0xC0) != 0x80)
        return 0;
      cp = cp << 6 | (next & 0x3F);
    }
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0; // overlong, out of range or a surrogate
    return len;
  }

  /// Punctuation, spaces and symbols outside ASCII: never part of a name.
  static bool isUnicodePunctuation(uint32_t cp) {
    return cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF65) || cp >= 0xFFF0 || cp == 0xFEFF;
  }

  /// The length of a non-ASCII letter at `at` (Python accepts them in names, such as
  /// Korean variable names), or 0.
  unsigned identifierCodePoint(size_t at) const {
    uint32_t cp = 0;
    if ((unsigned char)src[at] < 0x80)
      return 0;
    unsigned len = decode(at, cp);
    return len && !isUnicodePunctuation(cp) ? len : 0;
  }

  /// A non-ASCII character that cannot start a name: says which, with a hint for the
  /// ones pasted from documents (typographic quotes, non-breaking spaces, full width).
  [[noreturn]] void failNonAscii() {
    uint32_t cp = 0;
    unsigned len = decode(i, cp);
    if (len == 0)
      fail(pos(), "invalid UTF-8 byte '\\x" + llvm::utohexstr((unsigned char)src[i]) +
                      "': .nn files are UTF-8 text");
    std::string shown = src.substr(i, len).str();
    std::string code = llvm::utohexstr(cp);
    code = "U+" + std::string(code.size() < 4 ? 4 - code.size() : 0, '0') + code;
    std::string hint;
    if (cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x2033)
      hint = "; it is a typographic quote: use a plain '\"'";
    else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x2032)
      hint = "; it is a typographic quote: use a plain \"'\"";
    else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x3000 ||
             cp == 0xFEFF)
      hint = "; it is a non-breaking or zero-width space: use a plain space";
    else if (cp == 0x2212 || cp == 0x2013 || cp == 0x2014)
      hint = "; use a plain '-'";
    else if (cp == 0xD7)
      hint = "; use '*'";
    else if (cp >= 0xFF01 && cp <= 0xFF5E)
      hint = "; it is a full-width character: use '" + std::string(1, char(cp - 0xFEE0)) + "'";
    fail(pos(), "unexpected character '" + shown + "' (" + code + ")" + hint);
  }

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
      llvm::StringRef indent = src.slice(i, j);
      if (indent.contains(' ') && indent.contains('\t'))
        fail(pos(), "inconsistent use of tabs and spaces in indentation");
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
    while (i < src.size()) {
      if (std::isalnum((unsigned char)src[i]) || src[i] == '_') {
        advance();
      } else if (unsigned len = identifierCodePoint(i)) {
        for (unsigned k = 0; k < len; ++k)
          advance();
      } else {
        break;
      }
    }
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
      fail(at, "invalid number '" + shorten(src.slice(start, i + 1)) + "'");
    std::string text = src.slice(start, i).str();
    if (!isFloat && text.size() > 1 && text[0] == '0' &&
        text.find_first_not_of("0_") != std::string::npos)
      fail(at, "leading zeros in decimal integer literals are not permitted (Python 3); "
               "write " + shorten(llvm::StringRef(text).ltrim("0_")));
    std::string clean;
    for (char ch : text)
      if (ch != '_')
        clean += ch;
    Token t{isFloat ? Tok::Float : Tok::Int, text, at};
    t.number = std::strtod(clean.c_str(), nullptr);
    if (std::isinf(t.number))
      fail(at, "number '" + shorten(text) + "' is too large: it would be infinity");
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
