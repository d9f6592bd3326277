// Parser for Tide's Spark-flavoured SQL: text to the AST of ast.h.
//
// A hand-written recursive-descent parser with precedence climbing for expressions, reading
// the tokens of lexer.h with at most a few tokens of lookahead (no backtracking), so parsing
// is linear in the input. It accepts the Spark SQL 3.x syntax data engineers write for Delta
// tables (see docs/sql.md for the full list): queries with joins, grouping, windows, CTEs and
// set operations; DDL (CREATE TABLE/VIEW, DROP, ALTER); DML (INSERT, UPDATE, DELETE, MERGE);
// Delta maintenance (OPTIMIZE, VACUUM, RESTORE, DESCRIBE DETAIL/HISTORY); SHOW, EXPLAIN, SET.
//
// Errors: every function returns InvalidArgument with the message
//   "line L, column C: expected X, found 'Y'" + "\n<source line>\n<caret under the column>"
// (or "...: expression nested too deeply (more than 1000 levels)"). Parsing never crashes,
// never nests deeper than ParseOptions::max_depth levels and never allocates more than a small
// multiple of the input size.
//
// Operator precedence (loosest first), as in Spark:
//   OR < AND < NOT < predicates (IS, [NOT] BETWEEN/IN/LIKE/ILIKE/RLIKE/REGEXP) and
//   comparisons (= == <> != < <= > >= <=>) < | < ^ < & < << >> >>> < + - || < * / % DIV
//   < unary - + ~ < postfix ([], .field, ::type).
//
// Thread-safety: the functions keep no state between calls; call them from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sql/ast.h"

namespace tide::sql {

struct ParseOptions {
  // Nesting budget, counted in levels: each parenthesis, subquery, function call, unary or NOT
  // operator, and each link of an operator chain (a + b + c, joins, unions) is about one level.
  // Beyond it parsing fails with "expression nested too deeply". The parser's stack use grows
  // with this budget: input at the default budget needs under 1 MiB of stack in release builds
  // and up to several MiB under AddressSanitizer (the unit tests pass on the default 8 MiB
  // stack with ASan, not on 4 MiB).
  //
  // ToSql's canonical text parenthesizes every operator, so the canonical text of a tree that
  // was parsed close to the budget can need up to 3x the budget to parse again: re-parse it
  // with kCanonicalReparseDepth (what the round-trip tests and the fuzzer do).
  int max_depth = kMaxNestingDepth;
};
inline constexpr int kCanonicalReparseDepth = 4 * kMaxNestingDepth;

// Exactly one statement, optionally followed by ';'.
base::Result<StatementPtr> ParseStatement(std::string_view sql, const ParseOptions& options = {});

// One query (SELECT / VALUES / WITH / parenthesized), optionally followed by ';'.
base::Result<QueryPtr> ParseQuery(std::string_view sql, const ParseOptions& options = {});

// One expression and nothing else.
base::Result<ExprPtr> ParseExpression(std::string_view sql, const ParseOptions& options = {});

// One data type (as in CAST or a column definition) and nothing else.
base::Result<TypeSpecPtr> ParseType(std::string_view sql, const ParseOptions& options = {});

// A statement of a script with the source text it was parsed from (without the ';').
struct ScriptStatement {
  StatementPtr statement;
  std::string text;
  SourcePos pos;
};

// Statements separated by ';' (empty statements are skipped). The first error stops parsing;
// its position is in the whole script.
base::Result<std::vector<ScriptStatement>> ParseScript(std::string_view sql, const ParseOptions& options = {});

}  // namespace tide::sql
