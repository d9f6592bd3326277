// Lexer for Tide's Spark-flavoured SQL: turns source text into tokens with positions.
//
// Contract:
//   - Tokenize() scans the whole input once (no regex, no backtracking) and returns every token
//     followed by one kEnd token, or an InvalidArgument error "line L, column C: <what>" with
//     the offending line and a caret (see FormatSqlError) for an unterminated string, quoted
//     identifier or block comment, a malformed hex/number literal or a character that starts
//     no token.
//   - Keywords are not recognised here: every unquoted word is a kWord token and the parser
//     decides, case-insensitively, whether a word is a keyword in its position. That is what
//     lets Spark's non-reserved keywords (date, year, key, comment, ...) serve as names.
//   - Comments (`-- ...` to end of line, `/* ... */` nested as Spark allows) and whitespace are
//     skipped. Hints (`/*+ ... */`) are comments too.
//   - String literals ('...' or "...") are decoded with Spark's backslash escapes
//     (\n \t \r \b \0 \Z \' \" \\ \uXXXX \UXXXXXXXX, three-digit octal; \% and \_ stay as two
//     characters for LIKE; any other \c is c). r'...' is a raw string (no escapes).
//   - Token::text views the source: the source must outlive the tokens.
//
// Thread-safety: the functions are pure; tokens are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sql/ast.h"

namespace tide::sql {

enum class TokenKind : uint8_t {
  kEnd,
  kWord,         // unquoted identifier or keyword: letters, digits, '_' (not all digits)
  kQuotedIdent,  // `name` (value holds the name with `` un-doubled)
  kString,       // '...' or "..." (value holds the decoded text)
  kHexString,    // X'0AFF' (value holds the hex digits, even count)
  kInteger,      // 123, 123L, 12S, 1Y (text without suffix in value, suffix in suffix)
  kDecimal,      // 1.5, .5, 5., 12BD, 1.5BD
  kDouble,       // 1e3, 1.5E-2, 1D, 1.5F (F kept as suffix)
  // Punctuation and operators.
  kLParen, kRParen, kLBracket, kRBracket, kComma, kDot, kSemicolon, kColon, kDoubleColon,
  kArrow,      // ->
  kFatArrow,   // =>
  kStar, kPlus, kMinus, kSlash, kPercent, kConcat /* || */, kAmp, kPipe, kCaret, kTilde, kBang,
  kEq /* = */, kEqEq /* == */, kNe /* <> */, kBangEq /* != */, kLt, kLe, kGt, kGe,
  kNullSafeEq /* <=> */, kShiftLeft /* << */, kShiftRight /* >> */, kShiftRightUnsigned /* >>> */,
};

// What a token kind looks like in an error message ("')'", "a string", "end of input").
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourcePos pos;           // line and column (1-based) of the first character
  uint32_t offset = 0;     // byte offset of the first character
  uint32_t length = 0;     // bytes of source text the token covers
  std::string_view text;   // the source text of the token
  std::string value;       // decoded value: strings, quoted identifiers, numbers without suffix
  NumberSuffix suffix = NumberSuffix::kNone;  // numbers only
};

// Scans `source` into tokens ending with kEnd. Errors as described above.
base::Result<std::vector<Token>> Tokenize(std::string_view source);

// "line L, column C: <message>\n<source line>\n<spaces>^": the error text every SQL parse
// error carries. `pos` is clamped to the source.
std::string FormatSqlError(std::string_view source, SourcePos pos, std::string_view message);

// True when `a` equals the ASCII keyword `upper` ignoring case (upper must be upper case).
bool EqualsKeyword(std::string_view a, std::string_view upper);

}  // namespace tide::sql
