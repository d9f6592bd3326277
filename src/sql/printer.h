// ToSql: renders an AST (ast.h) as canonical SQL text.
//
// Contract: for every tree T the parser produced, Parse(ToSql(T)) yields a tree that prints
// the same again — ToSql(Parse(ToSql(T))) == ToSql(T) — and that means the same: the same
// node kinds, names (with their quoting), literals and structure; only source positions
// differ. (The canonical text is deeper than a tree written without parentheses; re-parse it
// with ParseOptions{.max_depth = kCanonicalReparseDepth}, see parser.h.) Canonical form:
//   - keywords upper case; names as written (backticks kept for quoted names);
//   - every operator expression fully parenthesized: `a + b * c` prints `(a + (b * c))`,
//     so precedence is explicit and tests can check it;
//   - synonyms in one spelling: == as =, != as <>, REGEXP as RLIKE, LONG as BIGINT,
//     x::t as CAST(x AS t), INTERVAL units singular, MINUS as EXCEPT, AS always written
//     before aliases, TBLPROPERTIES keys and values as strings;
//   - strings in single quotes with backslash escapes.
// Statements print without a trailing ';'.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "sql/ast.h"

namespace tide::sql {

std::string ToSql(const Statement& stmt);
std::string ToSql(const Query& query);
std::string ToSql(const Expr& expr);
std::string ToSql(const TypeSpec& type);
std::string ToSql(const TableRef& table);

// `name` with backticks when quoted (a backtick inside is doubled), else as written.
std::string IdentifierToSql(const Identifier& id);
// 'text' with \\, \', \n, \r, \t, \0 and other control bytes escaped.
std::string QuoteString(std::string_view text);

std::string_view BinaryOpSql(BinaryOp op);
std::string_view IntervalUnitSql(IntervalUnit unit);

}  // namespace tide::sql
