// Unit tests of the .nn lexer and the nearest-name suggestions.
#include "frontend/Diagnostic.h"
#include "frontend/Lexer.h"

#include <gtest/gtest.h>

using namespace nnc::frontend;

namespace {

std::vector<Tok> kinds(const std::vector<Token> &tokens) {
  std::vector<Tok> out;
  for (const Token &t : tokens)
    out.push_back(t.kind);
  return out;
}

TEST(Lexer, NumbersStringsAndPositions) {
  auto t = tokenize("x = 1e-3 + .5  # comment\ny = 'a\\'b' \"c\"\n");
  ASSERT_EQ(t.size(), 12u);
  EXPECT_EQ(t[2].kind, Tok::Float);
  EXPECT_DOUBLE_EQ(t[2].number, 1e-3);
  EXPECT_EQ(t[4].kind, Tok::Float);
  EXPECT_DOUBLE_EQ(t[4].number, 0.5);
  EXPECT_EQ(t[5].kind, Tok::Newline);
  EXPECT_EQ(t[8].text, "a'b");
  EXPECT_EQ(t[8].pos.line, 2u);
  EXPECT_EQ(t[8].pos.col, 5u);
  EXPECT_EQ(t[9].text, "c");
}

TEST(Lexer, NewlinesInsideBracketsAreJoined) {
  auto t = tokenize("f(1,\n  2)\n");
  EXPECT_EQ(kinds(t), (std::vector<Tok>{Tok::Name, Tok::Op, Tok::Int, Tok::Op, Tok::Int,
                                        Tok::Op, Tok::Newline, Tok::End}));
}

TEST(Lexer, IndentationIsAToken) {
  auto t = tokenize("a = 1\n  b = 2\n");
  EXPECT_EQ(t[4].kind, Tok::Indent);
  EXPECT_EQ(t[4].pos.line, 2u);
  EXPECT_EQ(t[4].pos.col, 3u);
}

TEST(Lexer, ErrorsCarryPositions) {
  try {
    tokenize("x = (1,\n 2]\n");
    FAIL() << "expected an error";
  } catch (const SourceError &e) {
    EXPECT_EQ(e.pos.line, 2u);
    EXPECT_EQ(e.pos.col, 3u);
    EXPECT_EQ(e.message, "']' does not match '(' at line 1:5");
  }
}

TEST(Suggest, NearestName) {
  const llvm::StringRef names[] = {"MaxPooling2D", "AveragePooling2D", "Dense", "Dropout"};
  EXPECT_EQ(nearest("MaxPooling2d", names), "MaxPooling2D");
  EXPECT_EQ(nearest("Dens", names), "Dense");
  EXPECT_EQ(nearest("Transformer", names), "");
  EXPECT_EQ(didYouMean("dropout", names), "; did you mean 'Dropout'?");
}

TEST(Suggest, FormatNumber) {
  EXPECT_EQ(formatNumber(1.0), "1.0");
  EXPECT_EQ(formatNumber(0.001), "0.001");
  EXPECT_EQ(formatNumber(-0.1), "-0.1");
}

} // namespace
