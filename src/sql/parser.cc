// The parser's entry points and its shared helpers: tokens, errors, names.
#include "sql/parser.h"

#include <algorithm>
#include <array>

#include "sql/parser_internal.h"

namespace tide::sql {
namespace internal {
namespace {

// Words that can never be a bare name. Spark (outside ANSI mode) reserves almost nothing; these
// are the words whose use as a name would make clauses ambiguous. Sorted for binary search.
constexpr std::array<std::string_view, 40> kReserved = {"ALL", "AND", "ANTI", "AS", "BETWEEN", "CASE", "CROSS", "DISTINCT", "ELSE", "END", "EXCEPT", "FALSE", "FROM", "FULL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INTERSECT", "IS", "JOIN", "LEFT", "LIKE", "MINUS", "NATURAL", "NOT", "NULL", "ON", "OR", "ORDER", "RIGHT", "SELECT", "SEMI", "THEN", "TRUE", "UNION", "USING", "WHEN", "WHERE"};
static_assert(std::is_sorted(kReserved.begin(), kReserved.end()));
// Not reserved (they are fine as column names: `offset`, `window`, `limit`), but an alias
// written without AS may not be one of these, because they start the clause after it.
constexpr std::array<std::string_view, 17> kClauseWords = {"CLUSTER", "DISTRIBUTE", "FILTER", "FOR", "LATERAL", "LIMIT", "OFFSET", "OVER", "PIVOT", "QUALIFY", "REGEXP", "RLIKE", "SET", "SORT", "TABLESAMPLE", "UNPIVOT", "WINDOW"};
static_assert(std::is_sorted(kClauseWords.begin(), kClauseWords.end()));

bool InSorted(std::string_view word, const std::string_view* begin, const std::string_view* end) {
  if (word.empty() || word.size() > 16) return false;
  char up[17];
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    up[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  std::string_view w(up, word.size());
  return std::binary_search(begin, end, w);
}

}  // namespace

bool Parser::IsReserved(std::string_view word) {
  return InSorted(word, kReserved.data(), kReserved.data() + kReserved.size());
}

bool Parser::IsNotImplicitAlias(std::string_view word) {
  return IsReserved(word) || InSorted(word, kClauseWords.data(), kClauseWords.data() + kClauseWords.size());
}

Status Parser::ErrorAt(SourcePos pos, std::string_view message) const {
  return Status::InvalidArgument(FormatSqlError(src_, pos, message));
}

Status Parser::Expected(std::string_view what) const {
  const Token& t = Cur();
  std::string found;
  if (t.kind == TokenKind::kEnd) {
    found = "end of input";
  } else {
    std::string_view text = t.text;
    if (text.size() > 40) text = text.substr(0, 40);
    found = "'";
    found.append(text);
    found.append(t.text.size() > 40 ? "...'" : "'");
  }
  std::string msg = "expected ";
  msg.append(what);
  msg.append(", found ");
  msg.append(found);
  return ErrorAt(t.pos, msg);
}

Status Parser::TooDeep() const {
  return ErrorAt(Cur().pos, "expression nested too deeply (more than " + std::to_string(max_depth_) + " levels)");
}

Status Parser::Expect(TokenKind k) {
  if (Accept(k)) return Status::OK();
  return Expected(TokenKindName(k));
}

Status Parser::ExpectWord(std::string_view kw) {
  if (AcceptWord(kw)) return Status::OK();
  return Expected(kw);
}

Result<Identifier> Parser::Ident() {
  const Token& t = Cur();
  if (t.kind == TokenKind::kQuotedIdent) {
    Identifier id{t.value, true, t.pos};
    Advance();
    return id;
  }
  if (t.kind == TokenKind::kWord && !IsReserved(t.text)) {
    Identifier id{std::string(t.text), false, t.pos};
    Advance();
    return id;
  }
  return Expected("an identifier");
}

Result<Identifier> Parser::NameAfterDot() {
  const Token& t = Cur();
  if (t.kind == TokenKind::kWord) {
    Identifier id{std::string(t.text), false, t.pos};
    Advance();
    return id;
  }
  return Ident();
}

Result<QualifiedName> Parser::QualifiedName_() {
  QualifiedName name;
  name.pos = Cur().pos;
  TIDE_ASSIGN_OR_RETURN(auto first, Ident());
  name.parts.push_back(std::move(first));
  while (Is(TokenKind::kDot)) {
    Advance();
    TIDE_ASSIGN_OR_RETURN(auto part, NameAfterDot());
    name.parts.push_back(std::move(part));
  }
  return name;
}

Result<QualifiedName> Parser::TableNameOrPath() {
  if (!Is(TokenKind::kString)) return QualifiedName_();
  QualifiedName name;
  name.pos = Cur().pos;
  name.parts.push_back({"delta", false, Cur().pos});
  SourcePos pos = Cur().pos;
  TIDE_ASSIGN_OR_RETURN(auto path, StringLiteral("a string"));
  name.parts.push_back({std::move(path), true, pos});
  return name;
}

Result<std::vector<Identifier>> Parser::IdentList() {
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<Identifier> out;
  do {
    TIDE_ASSIGN_OR_RETURN(auto id, Ident());
    out.push_back(std::move(id));
  } while (Accept(TokenKind::kComma));
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return out;
}

Result<std::optional<Identifier>> Parser::OptionalAlias() {
  if (AcceptWord("AS")) {
    TIDE_ASSIGN_OR_RETURN(auto id, Ident());
    return std::optional<Identifier>(std::move(id));
  }
  const Token& t = Cur();
  if (t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kWord && !IsNotImplicitAlias(t.text))) {
    TIDE_ASSIGN_OR_RETURN(auto id, Ident());
    return std::optional<Identifier>(std::move(id));
  }
  return std::optional<Identifier>();
}

Result<std::optional<TableAlias>> Parser::OptionalTableAlias() {
  TIDE_ASSIGN_OR_RETURN(auto name, OptionalAlias());
  if (!name) return std::optional<TableAlias>();
  TableAlias alias;
  alias.name = std::move(*name);
  if (Is(TokenKind::kLParen)) {
    TIDE_ASSIGN_OR_RETURN(alias.columns, IdentList());
  }
  return std::optional<TableAlias>(std::move(alias));
}

Result<std::string> Parser::StringLiteral(std::string_view what) {
  if (!Is(TokenKind::kString)) return Expected(what);
  std::string s;
  while (Is(TokenKind::kString)) {  // adjacent strings concatenate, as in Spark
    s += Cur().value;
    Advance();
  }
  return s;
}

}  // namespace internal

namespace {

using internal::Parser;

// Runs `fn` on a parser over `sql` and requires it to consume everything (plus an optional ';'
// when allow_semicolon).
template <typename T, typename Fn>
base::Result<T> ParseAll(std::string_view sql, const ParseOptions& options, bool allow_semicolon, Fn fn) {
  TIDE_ASSIGN_OR_RETURN(auto tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens), options.max_depth);
  TIDE_ASSIGN_OR_RETURN(T out, fn(p));
  if (allow_semicolon) {
    while (p.Accept(TokenKind::kSemicolon)) {
    }
  }
  if (!p.AtEnd()) return p.Expected(allow_semicolon ? "';' or end of input" : "end of input");
  return out;
}

}  // namespace

base::Result<StatementPtr> ParseStatement(std::string_view sql, const ParseOptions& options) {
  return ParseAll<StatementPtr>(sql, options, true, [](Parser& p) { return p.Statement(); });
}

base::Result<QueryPtr> ParseQuery(std::string_view sql, const ParseOptions& options) {
  return ParseAll<QueryPtr>(sql, options, true, [](Parser& p) { return p.Query(); });
}

base::Result<ExprPtr> ParseExpression(std::string_view sql, const ParseOptions& options) {
  return ParseAll<ExprPtr>(sql, options, false, [](Parser& p) { return p.Expr(); });
}

base::Result<TypeSpecPtr> ParseType(std::string_view sql, const ParseOptions& options) {
  return ParseAll<TypeSpecPtr>(sql, options, false, [](Parser& p) { return p.Type(); });
}

base::Result<std::vector<ScriptStatement>> ParseScript(std::string_view sql, const ParseOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens), options.max_depth);
  std::vector<ScriptStatement> out;
  for (;;) {
    while (p.Accept(TokenKind::kSemicolon)) {
    }
    if (p.AtEnd()) break;
    const Token& first = p.Cur();
    uint32_t begin = first.offset;
    SourcePos pos = first.pos;
    TIDE_ASSIGN_OR_RETURN(auto stmt, p.Statement());
    const Token& last = p.TokenAt(p.Position() - 1);
    uint32_t end = last.offset + last.length;
    if (!p.AtEnd() && !p.Is(TokenKind::kSemicolon)) return p.Expected("';' or end of input");
    out.push_back({std::move(stmt), std::string(sql.substr(begin, end - begin)), pos});
  }
  return out;
}

}  // namespace tide::sql
