// Lexer: token kinds, positions, decoding of strings and numbers, comments.
#include "sql/lexer.h"

#include <gtest/gtest.h>

namespace tide::sql {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto r = Tokenize(sql);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : std::vector<Token>{};
}

TEST(SqlLexerTest, KindsAndPositions) {
  auto t = Lex("SELECT a1,\n  `b c` FROM t -- done");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].text, "SELECT");
  EXPECT_EQ(t[1].text, "a1");
  EXPECT_EQ(t[1].pos.column, 8u);
  EXPECT_EQ(t[2].kind, TokenKind::kComma);
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[3].value, "b c");
  EXPECT_EQ(t[3].pos.line, 2u);
  EXPECT_EQ(t[3].pos.column, 3u);
  EXPECT_EQ(t[3].offset, 13u);
  EXPECT_EQ(t[3].length, 5u);
  EXPECT_EQ(t[6].kind, TokenKind::kEnd);
  EXPECT_EQ(t[6].pos.line, 2u);
}

TEST(SqlLexerTest, Operators) {
  auto t = Lex("= == <> != < <= > >= <=> || | & ^ ~ ! << >> >>> -> => :: : [ ] . ; * / % + -");
  std::vector<TokenKind> want = {
      TokenKind::kEq, TokenKind::kEqEq, TokenKind::kNe, TokenKind::kBangEq, TokenKind::kLt, TokenKind::kLe,
      TokenKind::kGt, TokenKind::kGe, TokenKind::kNullSafeEq, TokenKind::kConcat, TokenKind::kPipe, TokenKind::kAmp,
      TokenKind::kCaret, TokenKind::kTilde, TokenKind::kBang, TokenKind::kShiftLeft, TokenKind::kShiftRight,
      TokenKind::kShiftRightUnsigned, TokenKind::kArrow, TokenKind::kFatArrow, TokenKind::kDoubleColon,
      TokenKind::kColon, TokenKind::kLBracket, TokenKind::kRBracket, TokenKind::kDot, TokenKind::kSemicolon,
      TokenKind::kStar, TokenKind::kSlash, TokenKind::kPercent, TokenKind::kPlus, TokenKind::kMinus, TokenKind::kEnd};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i << " " << t[i].text;
}

TEST(SqlLexerTest, Numbers) {
  auto t = Lex("1 10L 3s 4Y 1.5 .5 5. 2BD 1.5bd 1e3 2E-2 1D 1.5F 1st t.1 t .1");
  ASSERT_GE(t.size(), 18u);
  EXPECT_EQ(t[0].kind, TokenKind::kInteger);
  EXPECT_EQ(t[1].kind, TokenKind::kInteger);
  EXPECT_EQ(t[1].suffix, NumberSuffix::kL);
  EXPECT_EQ(t[1].value, "10");
  EXPECT_EQ(t[2].suffix, NumberSuffix::kS);
  EXPECT_EQ(t[3].suffix, NumberSuffix::kY);
  EXPECT_EQ(t[4].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[5].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[5].value, ".5");
  EXPECT_EQ(t[6].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[7].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[7].suffix, NumberSuffix::kBD);
  EXPECT_EQ(t[8].suffix, NumberSuffix::kBD);
  EXPECT_EQ(t[9].kind, TokenKind::kDouble);
  EXPECT_EQ(t[10].kind, TokenKind::kDouble);
  EXPECT_EQ(t[11].kind, TokenKind::kDouble);
  EXPECT_EQ(t[11].suffix, NumberSuffix::kD);
  EXPECT_EQ(t[12].suffix, NumberSuffix::kF);
  // Spark names may start with a digit.
  EXPECT_EQ(t[13].kind, TokenKind::kWord);
  EXPECT_EQ(t[13].text, "1st");
  // `t.1` is a name, a dot and a number; `t .1` is a name and the number .1.
  EXPECT_EQ(t[14].kind, TokenKind::kWord);
  EXPECT_EQ(t[15].kind, TokenKind::kDot);
  EXPECT_EQ(t[16].kind, TokenKind::kInteger);
  EXPECT_EQ(t[17].kind, TokenKind::kWord);
  EXPECT_EQ(t[18].kind, TokenKind::kDecimal);
}

TEST(SqlLexerTest, StringEscapes) {
  auto t = Lex(R"('a\nb' "q\"" 'x\\y' '\u00e9\U0001F600' '\101' '\0' '\%\_' 'b\z' r'\n' X'ff')");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].value, "a\nb");
  EXPECT_EQ(t[1].value, "q\"");
  EXPECT_EQ(t[2].value, "x\\y");
  EXPECT_EQ(t[3].value, "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(t[4].value, "A");
  EXPECT_EQ(t[5].value, std::string(1, '\0'));
  EXPECT_EQ(t[6].value, "\\%\\_");
  EXPECT_EQ(t[7].value, "bz");
  EXPECT_EQ(t[8].value, "\\n");
  EXPECT_EQ(t[9].kind, TokenKind::kHexString);
  EXPECT_EQ(t[9].value, "FF");
}

TEST(SqlLexerTest, CommentsAndLines) {
  auto t = Lex("/* one /* nested\n */ still */ a -- x\r\n/*+ hint */ b");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "a");
  EXPECT_EQ(t[0].pos.line, 2u);
  EXPECT_EQ(t[1].text, "b");
  EXPECT_EQ(t[1].pos.line, 3u);
  EXPECT_EQ(t[1].pos.column, 13u);
  auto s = Lex("'multi\nline' c");
  EXPECT_EQ(s[1].pos.line, 2u);
  EXPECT_EQ(s[1].pos.column, 7u);
}

TEST(SqlLexerTest, KeywordComparisonIgnoresCase) {
  EXPECT_TRUE(EqualsKeyword("select", "SELECT"));
  EXPECT_TRUE(EqualsKeyword("SeLeCt", "SELECT"));
  EXPECT_FALSE(EqualsKeyword("selects", "SELECT"));
  EXPECT_FALSE(EqualsKeyword("selec", "SELECT"));
}

TEST(SqlLexerTest, FormatSqlErrorPointsAtTheColumn) {
  EXPECT_EQ(FormatSqlError("ab\ncdef\n", {2, 3}, "bad"), "line 2, column 3: bad\ncdef\n  ^");
  // Positions past the end are clamped.
  EXPECT_EQ(FormatSqlError("ab", {1, 9}, "bad"), "line 1, column 9: bad\nab\n  ^");
  EXPECT_EQ(FormatSqlError("", {5, 1}, "bad"), "line 5, column 1: bad\n\n^");
  // Very long lines show a window around the column.
  std::string longline(1000, 'x');
  std::string msg = FormatSqlError(longline, {1, 900}, "bad");
  EXPECT_LT(msg.size(), 600u);
  EXPECT_EQ(msg.back(), '^');
}

}  // namespace
}  // namespace tide::sql
