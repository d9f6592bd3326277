#include "sql/lexer.h"

#include <algorithm>
#include <cstring>

namespace tide::sql {
namespace {

bool IsIdentStart(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsHex(unsigned char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  base::Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    tokens.reserve(src_.size() / 4 + 2);
    for (;;) {
      TIDE_RETURN_IF_ERROR(SkipSpaceAndComments());
      Token t;
      t.pos = {line_, Column()};
      t.offset = static_cast<uint32_t>(i_);
      if (i_ >= src_.size()) {
        t.kind = TokenKind::kEnd;
        tokens.push_back(std::move(t));
        return tokens;
      }
      TIDE_RETURN_IF_ERROR(Next(t, tokens.empty() ? nullptr : &tokens.back()));
      t.length = static_cast<uint32_t>(i_ - t.offset);
      t.text = src_.substr(t.offset, t.length);
      tokens.push_back(std::move(t));
    }
  }

 private:
  uint32_t Column() const { return static_cast<uint32_t>(i_ - line_start_ + 1); }
  char At(size_t k) const { return k < src_.size() ? src_[k] : '\0'; }

  base::Status Error(SourcePos pos, std::string_view msg) const {
    return base::Status::InvalidArgument(FormatSqlError(src_, pos, msg));
  }

  // Advances over one character, tracking lines.
  void Advance() {
    if (src_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }

  base::Status SkipSpaceAndComments() {
    while (i_ < src_.size()) {
      char c = src_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '-' && At(i_ + 1) == '-') {
        while (i_ < src_.size() && src_[i_] != '\n') ++i_;
      } else if (c == '/' && At(i_ + 1) == '*') {
        SourcePos start{line_, Column()};
        i_ += 2;
        int depth = 1;  // Spark nests block comments
        while (depth > 0) {
          if (i_ >= src_.size()) return Error(start, "unterminated comment: expected '*/'");
          if (src_[i_] == '*' && At(i_ + 1) == '/') {
            --depth;
            i_ += 2;
          } else if (src_[i_] == '/' && At(i_ + 1) == '*') {
            ++depth;
            i_ += 2;
          } else {
            Advance();
          }
        }
      } else {
        break;
      }
    }
    return base::Status::OK();
  }

  base::Status Next(Token& t, const Token* prev) {
    unsigned char c = static_cast<unsigned char>(src_[i_]);
    // r'raw' / R"raw" strings.
    if ((c == 'r' || c == 'R') && (At(i_ + 1) == '\'' || At(i_ + 1) == '"')) {
      ++i_;
      return LexString(t, /*raw=*/true);
    }
    if ((c == 'x' || c == 'X') && At(i_ + 1) == '\'') return LexHex(t);
    if (IsDigit(c)) return LexNumber(t);
    if (c == '.' && IsDigit(static_cast<unsigned char>(At(i_ + 1)))) {
      // `t.1` (a dot glued to a name) is a dot; elsewhere `.5` is a number.
      bool after_name = prev && prev->offset + prev->length == i_ &&
                        (prev->kind == TokenKind::kWord || prev->kind == TokenKind::kQuotedIdent ||
                         prev->kind == TokenKind::kRParen || prev->kind == TokenKind::kRBracket);
      if (!after_name) return LexNumber(t);
    }
    if (IsIdentStart(c)) {
      while (i_ < src_.size() && IsIdentChar(static_cast<unsigned char>(src_[i_]))) ++i_;
      t.kind = TokenKind::kWord;
      return base::Status::OK();
    }
    if (c == '\'' || c == '"') return LexString(t, /*raw=*/false);
    if (c == '`') return LexQuotedIdent(t);
    auto op = [&](TokenKind k, size_t len) {
      t.kind = k;
      i_ += len;
      return base::Status::OK();
    };
    char n1 = At(i_ + 1), n2 = At(i_ + 2);
    switch (c) {
      case '(': return op(TokenKind::kLParen, 1);
      case ')': return op(TokenKind::kRParen, 1);
      case '[': return op(TokenKind::kLBracket, 1);
      case ']': return op(TokenKind::kRBracket, 1);
      case ',': return op(TokenKind::kComma, 1);
      case '.': return op(TokenKind::kDot, 1);
      case ';': return op(TokenKind::kSemicolon, 1);
      case ':': return n1 == ':' ? op(TokenKind::kDoubleColon, 2) : op(TokenKind::kColon, 1);
      case '*': return op(TokenKind::kStar, 1);
      case '+': return op(TokenKind::kPlus, 1);
      case '-': return n1 == '>' ? op(TokenKind::kArrow, 2) : op(TokenKind::kMinus, 1);
      case '/': return op(TokenKind::kSlash, 1);
      case '%': return op(TokenKind::kPercent, 1);
      case '&': return op(TokenKind::kAmp, 1);
      case '|': return n1 == '|' ? op(TokenKind::kConcat, 2) : op(TokenKind::kPipe, 1);
      case '^': return op(TokenKind::kCaret, 1);
      case '~': return op(TokenKind::kTilde, 1);
      case '!': return n1 == '=' ? op(TokenKind::kBangEq, 2) : op(TokenKind::kBang, 1);
      case '=':
        if (n1 == '=') return op(TokenKind::kEqEq, 2);
        if (n1 == '>') return op(TokenKind::kFatArrow, 2);
        return op(TokenKind::kEq, 1);
      case '<':
        if (n1 == '=' && n2 == '>') return op(TokenKind::kNullSafeEq, 3);
        if (n1 == '=') return op(TokenKind::kLe, 2);
        if (n1 == '>') return op(TokenKind::kNe, 2);
        if (n1 == '<') return op(TokenKind::kShiftLeft, 2);
        return op(TokenKind::kLt, 1);
      case '>':
        if (n1 == '=') return op(TokenKind::kGe, 2);
        if (n1 == '>' && n2 == '>') return op(TokenKind::kShiftRightUnsigned, 3);
        if (n1 == '>') return op(TokenKind::kShiftRight, 2);
        return op(TokenKind::kGt, 1);
      default:
        break;
    }
    std::string shown = c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    return Error(t.pos, "unexpected character '" + shown + "'");
  }

  base::Status LexString(Token& t, bool raw) {
    char quote = src_[i_];
    ++i_;
    std::string value;
    for (;;) {
      if (i_ >= src_.size()) return Error(t.pos, std::string("unterminated string: expected closing ") + quote);
      char c = src_[i_];
      if (c == quote) {
        ++i_;
        break;
      }
      if (c == '\\' && !raw && i_ + 1 < src_.size()) {
        char e = src_[i_ + 1];
        i_ += 2;
        switch (e) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case 'b': value += '\b'; break;
          case 'Z': value += '\x1A'; break;
          case '%': value += "\\%"; break;
          case '_': value += "\\_"; break;
          case 'u':
          case 'U': {
            size_t digits = e == 'u' ? 4 : 8;
            uint32_t cp = 0;
            bool ok = i_ + digits <= src_.size();
            for (size_t k = 0; ok && k < digits; ++k) {
              unsigned char h = static_cast<unsigned char>(src_[i_ + k]);
              if (!IsHex(h)) ok = false;
              else cp = cp * 16 + (IsDigit(h) ? h - '0' : (Upper(static_cast<char>(h)) - 'A' + 10));
            }
            if (!ok || cp > 0x10FFFF) {
              // Not a valid escape: keep the letter, like Spark does for unknown escapes.
              value += e;
            } else {
              AppendUtf8(value, cp);
              i_ += digits;
            }
            break;
          }
          default:
            if (e >= '0' && e <= '3' && At(i_) >= '0' && At(i_) <= '7' && At(i_ + 1) >= '0' && At(i_ + 1) <= '7') {
              value += static_cast<char>((e - '0') * 64 + (At(i_) - '0') * 8 + (At(i_ + 1) - '0'));
              i_ += 2;
            } else if (e == '0') {
              value += '\0';
            } else {
              if (e == '\n') {
                ++line_;
                line_start_ = i_;
              }
              value += e;
            }
        }
        continue;
      }
      value += c;
      Advance();
    }
    t.kind = TokenKind::kString;
    t.value = std::move(value);
    return base::Status::OK();
  }

  base::Status LexQuotedIdent(Token& t) {
    ++i_;
    std::string value;
    for (;;) {
      if (i_ >= src_.size()) return Error(t.pos, "unterminated quoted identifier: expected closing `");
      char c = src_[i_];
      if (c == '`') {
        if (At(i_ + 1) == '`') {  // `` inside a quoted name is one backtick
          value += '`';
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      value += c;
      Advance();
    }
    t.kind = TokenKind::kQuotedIdent;
    t.value = std::move(value);
    return base::Status::OK();
  }

  base::Status LexHex(Token& t) {
    i_ += 2;  // X'
    std::string digits;
    for (;;) {
      if (i_ >= src_.size()) return Error(t.pos, "unterminated binary literal: expected closing '");
      char c = src_[i_];
      if (c == '\'') {
        ++i_;
        break;
      }
      if (!IsHex(static_cast<unsigned char>(c))) {
        return Error({line_, Column()}, "invalid binary literal: expected a hex digit");
      }
      digits += Upper(c);
      ++i_;
    }
    if (digits.size() % 2) digits.insert(digits.begin(), '0');  // Spark pads an odd count
    t.kind = TokenKind::kHexString;
    t.value = std::move(digits);
    return base::Status::OK();
  }

  base::Status LexNumber(Token& t) {
    size_t start = i_;
    bool has_dot = false, has_exp = false;
    while (IsDigit(static_cast<unsigned char>(At(i_)))) ++i_;
    if (At(i_) == '.') {
      has_dot = true;
      ++i_;
      while (IsDigit(static_cast<unsigned char>(At(i_)))) ++i_;
    }
    if ((At(i_) == 'e' || At(i_) == 'E')) {
      size_t k = i_ + 1;
      if (At(k) == '+' || At(k) == '-') ++k;
      if (IsDigit(static_cast<unsigned char>(At(k)))) {
        has_exp = true;
        i_ = k;
        while (IsDigit(static_cast<unsigned char>(At(i_)))) ++i_;
      }
    }
    size_t end = i_;
    t.value = std::string(src_.substr(start, end - start));
    t.kind = has_exp ? TokenKind::kDouble : has_dot ? TokenKind::kDecimal : TokenKind::kInteger;
    if (!IsIdentChar(static_cast<unsigned char>(At(i_)))) return base::Status::OK();
    // A suffix (L, S, Y, BD, D, F) must end the word.
    size_t word_end = i_;
    while (IsIdentChar(static_cast<unsigned char>(At(word_end)))) ++word_end;
    std::string suffix;
    for (size_t k = i_; k < word_end; ++k) suffix += Upper(src_[k]);
    bool integral = !has_dot && !has_exp;
    if (suffix == "L" && integral) t.suffix = NumberSuffix::kL;
    else if (suffix == "S" && integral) t.suffix = NumberSuffix::kS;
    else if (suffix == "Y" && integral) t.suffix = NumberSuffix::kY;
    else if (suffix == "BD" && !has_exp) t.suffix = NumberSuffix::kBD;
    else if (suffix == "D") t.suffix = NumberSuffix::kD;
    else if (suffix == "F") t.suffix = NumberSuffix::kF;
    else if (integral) {
      // Spark identifiers may start with digits (e.g. a column `1st`): a word, not a number.
      i_ = word_end;
      t.kind = TokenKind::kWord;
      t.value.clear();
      return base::Status::OK();
    } else {
      return Error(t.pos, "invalid number '" + std::string(src_.substr(start, word_end - start)) + "'");
    }
    i_ = word_end;
    if (t.suffix == NumberSuffix::kBD) t.kind = TokenKind::kDecimal;
    if (t.suffix == NumberSuffix::kD || t.suffix == NumberSuffix::kF) t.kind = TokenKind::kDouble;
    return base::Status::OK();
  }

  std::string_view src_;
  size_t i_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kWord: return "a word";
    case TokenKind::kQuotedIdent: return "a quoted identifier";
    case TokenKind::kString: return "a string";
    case TokenKind::kHexString: return "a binary literal";
    case TokenKind::kInteger: return "an integer";
    case TokenKind::kDecimal: return "a decimal";
    case TokenKind::kDouble: return "a double";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kComma: return "','";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kSemicolon: return "';'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kDoubleColon: return "'::'";
    case TokenKind::kArrow: return "'->'";
    case TokenKind::kFatArrow: return "'=>'";
    case TokenKind::kStar: return "'*'";
    case TokenKind::kPlus: return "'+'";
    case TokenKind::kMinus: return "'-'";
    case TokenKind::kSlash: return "'/'";
    case TokenKind::kPercent: return "'%'";
    case TokenKind::kConcat: return "'||'";
    case TokenKind::kAmp: return "'&'";
    case TokenKind::kPipe: return "'|'";
    case TokenKind::kCaret: return "'^'";
    case TokenKind::kTilde: return "'~'";
    case TokenKind::kBang: return "'!'";
    case TokenKind::kEq: return "'='";
    case TokenKind::kEqEq: return "'=='";
    case TokenKind::kNe: return "'<>'";
    case TokenKind::kBangEq: return "'!='";
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kNullSafeEq: return "'<=>'";
    case TokenKind::kShiftLeft: return "'<<'";
    case TokenKind::kShiftRight: return "'>>'";
    case TokenKind::kShiftRightUnsigned: return "'>>>'";
  }
  return "a token";
}

base::Result<std::vector<Token>> Tokenize(std::string_view source) {
  if (source.size() > UINT32_MAX / 2) {
    return base::Status::InvalidArgument("SQL text too long: " + std::to_string(source.size()) + " bytes");
  }
  return Lexer(source).Run();
}

std::string FormatSqlError(std::string_view source, SourcePos pos, std::string_view message) {
  std::string out = "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": ";
  out += message;
  // Find the line.
  size_t begin = 0;
  for (uint32_t l = 1; l < pos.line && begin < source.size(); ++l) {
    size_t nl = source.find('\n', begin);
    if (nl == std::string_view::npos) {
      begin = source.size();
      break;
    }
    begin = nl + 1;
  }
  size_t end = source.find('\n', begin);
  if (end == std::string_view::npos) end = source.size();
  std::string_view text = source.substr(begin, end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  constexpr size_t kMaxShown = 200;  // keep messages readable for huge one-line inputs
  size_t col = pos.column ? pos.column - 1 : 0;
  size_t shown_from = 0;
  if (text.size() > kMaxShown && col > kMaxShown / 2) shown_from = std::min(col - kMaxShown / 2, text.size());
  std::string_view shown = text.substr(shown_from, kMaxShown);
  out += "\n";
  for (char c : shown) out += (c == '\t') ? ' ' : c;
  out += "\n";
  size_t caret = col >= shown_from ? col - shown_from : 0;
  if (caret > shown.size()) caret = shown.size();
  out.append(caret, ' ');
  out += "^";
  return out;
}

bool EqualsKeyword(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (Upper(a[k]) != upper[k]) return false;
  }
  return true;
}

}  // namespace tide::sql
