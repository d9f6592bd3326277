// Internal to the parser (parser_*.cc): the Parser class shared by the expression, query and
// statement halves. Not part of the sql layer's interface; use parser.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sql/ast.h"
#include "sql/lexer.h"

namespace tide::sql::internal {

using base::Result;
using base::Status;

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens, int max_depth)
      : src_(source), toks_(std::move(tokens)), max_depth_(max_depth) {}

  // Entry points (each parses one construct starting at the current token).
  Result<StatementPtr> Statement();
  Result<QueryPtr> Query();
  Result<ExprPtr> Expr();
  Result<TypeSpecPtr> Type();

  // Token access.
  const Token& Peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& Cur() const { return Peek(0); }
  size_t Position() const { return pos_; }
  const Token& TokenAt(size_t i) const { return toks_[i < toks_.size() ? i : toks_.size() - 1]; }
  bool AtEnd() const { return Cur().kind == TokenKind::kEnd; }
  void Advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }

  bool Is(TokenKind k, size_t ahead = 0) const { return Peek(ahead).kind == k; }
  bool IsWord(std::string_view kw, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kWord && EqualsKeyword(t.text, kw);
  }
  bool Accept(TokenKind k) {
    if (!Is(k)) return false;
    Advance();
    return true;
  }
  bool AcceptWord(std::string_view kw) {
    if (!IsWord(kw)) return false;
    Advance();
    return true;
  }
  // Errors "expected <what>, found '<current token>'" at the current token.
  Status Expected(std::string_view what) const;
  Status ErrorAt(SourcePos pos, std::string_view message) const;
  Status Expect(TokenKind k);
  Status ExpectWord(std::string_view kw);

  // Nesting guard: construct one per recursive construct; Deep() says the limit is passed.
  struct Nest {
    explicit Nest(Parser* p) : p_(p) { ++p_->depth_; }
    ~Nest() { --p_->depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    Parser* p_;
  };
  // Left-deep chains (a + b + c ..., joins, unions, a[0][1]) add one level per link although
  // they do not recurse: the printer and the tree's destructor do recurse over them.
  bool Deep() const { return depth_ > max_depth_; }
  Status TooDeep() const;

  // Names.
  static bool IsReserved(std::string_view word);
  // A word that may not be an alias without AS (reserved words and clause starters).
  static bool IsNotImplicitAlias(std::string_view word);
  bool IsIdentifierStart(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kWord && !IsReserved(t.text));
  }
  Result<Identifier> Ident();
  // A name after a dot (`t.end`, `s.order`): any word, reserved ones too, as in Spark.
  Result<Identifier> NameAfterDot();
  Result<QualifiedName> QualifiedName_();
  // A table name, or a path string as Delta's utility commands accept ('/data/t' is read as
  // delta.`/data/t`).
  Result<QualifiedName> TableNameOrPath();
  Result<std::vector<Identifier>> IdentList();  // ( a, b, ... ) including the parentheses
  Result<std::optional<Identifier>> OptionalAlias();  // [AS] name, no column list
  Result<std::optional<TableAlias>> OptionalTableAlias();
  Result<std::string> StringLiteral(std::string_view what);  // one or more adjacent strings

  // Expressions (parser_expr.cc).
  Result<ExprPtr> Or();
  Result<ExprPtr> And();
  Result<ExprPtr> Not();
  Result<ExprPtr> Predicate();
  Result<ExprPtr> PredicateSuffix(ExprPtr left, bool negated);
  Result<ExprPtr> Binary(int min_prec);
  Result<ExprPtr> Unary();
  Result<ExprPtr> Postfix();
  Result<ExprPtr> PostfixStep(ExprPtr e);
  Result<ExprPtr> Primary();
  Result<ExprPtr> NameOrCall();
  Result<ExprPtr> StandardFormCall();
  Result<ExprPtr> FunctionArgs(ExprPtr call);
  Result<ExprPtr> CaseExpr_();
  Result<ExprPtr> Interval();
  Result<ExprPtr> Lambda();
  bool LambdaAhead() const;
  Result<std::unique_ptr<WindowSpec>> WindowSpec_();
  Result<FrameBound> Bound();
  Result<std::vector<ExprPtr>> ExprList();  // e, e, ... (at least one)
  Result<std::vector<ExprPtr>> ParenExprList(bool allow_empty);
  Result<std::vector<OrderItem>> OrderItems();
  bool QueryAhead(size_t ahead = 0) const;  // SELECT / WITH / VALUES at `ahead`
  bool ParenQueryAhead() const;             // '('+ then SELECT / WITH / VALUES

  // Queries (parser_query.cc).
  Result<QueryBodyPtr> SetExpr(int min_prec);
  Result<QueryBodyPtr> SetOperand();
  Result<QueryBodyPtr> Select();
  Result<std::vector<std::vector<ExprPtr>>> ValuesRows();
  Result<SelectItem> SelectItem_();
  Result<std::vector<GroupingElement>> GroupBy();
  Result<TableRefPtr> TableRef_();
  Result<TableRefPtr> TablePrimary();
  Result<std::optional<TimeTravel>> OptionalTimeTravel();
  Result<LateralView> LateralView_();

  // Statements (parser_stmt.cc).
  Result<StatementPtr> Create();
  Result<StatementPtr> CreateTable(SourcePos pos, bool or_replace);
  Result<StatementPtr> CreateView(SourcePos pos, bool or_replace, bool temporary);
  Result<StatementPtr> Drop();
  Result<StatementPtr> Alter();
  Result<StatementPtr> Insert();
  Result<StatementPtr> Update();
  Result<StatementPtr> Delete();
  Result<StatementPtr> Merge();
  Result<StatementPtr> Optimize();
  Result<StatementPtr> Vacuum();
  Result<StatementPtr> Restore();
  Result<StatementPtr> Describe();
  Result<StatementPtr> Show();
  Result<StatementPtr> Explain();
  Result<StatementPtr> Set();
  Result<ColumnDef> ColumnDef_();
  Result<std::vector<ColumnDef>> ColumnDefs();  // ( def, ... )
  Result<std::vector<Property>> Properties();   // ( k = v, ... )
  Result<std::string> PropertyKey();
  Result<std::vector<Assignment>> Assignments();

 private:
  std::string_view src_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  int max_depth_;
};

// The binary operator a token starts, with its precedence (0 when it starts none).
struct BinaryOpInfo {
  int prec = 0;
  BinaryOp op = BinaryOp::kAdd;
};
BinaryOpInfo BinaryOpOf(const Token& t);

// Interval unit named by a word (YEAR, years, DAY, ...), if any.
std::optional<IntervalUnit> IntervalUnitOf(const Token& t);

}  // namespace tide::sql::internal
