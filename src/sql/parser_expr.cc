// Expressions: precedence climbing over Spark's operator levels, then primaries.
#include <cctype>

#include "sql/parser_internal.h"

namespace tide::sql::internal {
namespace {

// Binary precedence levels above the predicate level (see parser.h).
constexpr int kPrecComparison = 1;
constexpr int kPrecBitOr = 2;
constexpr int kPrecBitXor = 3;
constexpr int kPrecBitAnd = 4;
constexpr int kPrecShift = 5;
constexpr int kPrecAdditive = 6;
constexpr int kPrecMultiplicative = 7;

template <typename T>
std::unique_ptr<T> Make(SourcePos pos) {
  return std::make_unique<T>(pos);
}

}  // namespace

BinaryOpInfo BinaryOpOf(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEq:
    case TokenKind::kEqEq: return {kPrecComparison, BinaryOp::kEq};
    case TokenKind::kNe:
    case TokenKind::kBangEq: return {kPrecComparison, BinaryOp::kNe};
    case TokenKind::kLt: return {kPrecComparison, BinaryOp::kLt};
    case TokenKind::kLe: return {kPrecComparison, BinaryOp::kLe};
    case TokenKind::kGt: return {kPrecComparison, BinaryOp::kGt};
    case TokenKind::kGe: return {kPrecComparison, BinaryOp::kGe};
    case TokenKind::kNullSafeEq: return {kPrecComparison, BinaryOp::kNullSafeEq};
    case TokenKind::kPipe: return {kPrecBitOr, BinaryOp::kBitOr};
    case TokenKind::kCaret: return {kPrecBitXor, BinaryOp::kBitXor};
    case TokenKind::kAmp: return {kPrecBitAnd, BinaryOp::kBitAnd};
    case TokenKind::kShiftLeft: return {kPrecShift, BinaryOp::kShiftLeft};
    case TokenKind::kShiftRight: return {kPrecShift, BinaryOp::kShiftRight};
    case TokenKind::kShiftRightUnsigned: return {kPrecShift, BinaryOp::kShiftRightUnsigned};
    case TokenKind::kPlus: return {kPrecAdditive, BinaryOp::kAdd};
    case TokenKind::kMinus: return {kPrecAdditive, BinaryOp::kSubtract};
    case TokenKind::kConcat: return {kPrecAdditive, BinaryOp::kConcat};
    case TokenKind::kStar: return {kPrecMultiplicative, BinaryOp::kMultiply};
    case TokenKind::kSlash: return {kPrecMultiplicative, BinaryOp::kDivide};
    case TokenKind::kPercent: return {kPrecMultiplicative, BinaryOp::kModulo};
    case TokenKind::kWord:
      if (EqualsKeyword(t.text, "DIV")) return {kPrecMultiplicative, BinaryOp::kIntDivide};
      return {};
    default: return {};
  }
}

std::optional<IntervalUnit> IntervalUnitOf(const Token& t) {
  if (t.kind != TokenKind::kWord) return std::nullopt;
  std::string_view w = t.text;
  auto is = [&](std::string_view singular) {
    if (EqualsKeyword(w, singular)) return true;
    return w.size() == singular.size() + 1 && (w.back() == 's' || w.back() == 'S') &&
           EqualsKeyword(w.substr(0, singular.size()), singular);
  };
  if (is("YEAR")) return IntervalUnit::kYear;
  if (is("MONTH")) return IntervalUnit::kMonth;
  if (is("WEEK")) return IntervalUnit::kWeek;
  if (is("DAY")) return IntervalUnit::kDay;
  if (is("HOUR")) return IntervalUnit::kHour;
  if (is("MINUTE")) return IntervalUnit::kMinute;
  if (is("SECOND")) return IntervalUnit::kSecond;
  if (is("MILLISECOND")) return IntervalUnit::kMillisecond;
  if (is("MICROSECOND")) return IntervalUnit::kMicrosecond;
  return std::nullopt;
}

Result<ExprPtr> Parser::Expr() {
  Nest nest(this);
  if (Deep()) return TooDeep();
  return Or();
}

Result<ExprPtr> Parser::Or() {
  TIDE_ASSIGN_OR_RETURN(auto left, And());
  int links = 0;
  while (IsWord("OR")) {
    SourcePos pos = Cur().pos;
    Advance();
    ++links, ++depth_;
    if (Deep()) {
      depth_ -= links;
      return TooDeep();
    }
    auto right = And();
    if (!right.ok()) {
      depth_ -= links;
      return right.status();
    }
    auto node = Make<BinaryExpr>(pos);
    node->op = BinaryOp::kOr;
    node->left = std::move(left);
    node->right = std::move(*right);
    left = std::move(node);
  }
  depth_ -= links;
  return left;
}

Result<ExprPtr> Parser::And() {
  TIDE_ASSIGN_OR_RETURN(auto left, Not());
  int links = 0;
  while (IsWord("AND")) {
    SourcePos pos = Cur().pos;
    Advance();
    ++links, ++depth_;
    if (Deep()) {
      depth_ -= links;
      return TooDeep();
    }
    auto right = Not();
    if (!right.ok()) {
      depth_ -= links;
      return right.status();
    }
    auto node = Make<BinaryExpr>(pos);
    node->op = BinaryOp::kAnd;
    node->left = std::move(left);
    node->right = std::move(*right);
    left = std::move(node);
  }
  depth_ -= links;
  return left;
}

Result<ExprPtr> Parser::Not() {
  if (IsWord("NOT") || Is(TokenKind::kBang)) {
    SourcePos pos = Cur().pos;
    Advance();
    Nest nest(this);
    if (Deep()) return TooDeep();
    TIDE_ASSIGN_OR_RETURN(auto operand, Not());
    auto node = Make<UnaryExpr>(pos);
    node->op = UnaryOp::kNot;
    node->operand = std::move(operand);
    return ExprPtr(std::move(node));
  }
  return Predicate();
}

Result<ExprPtr> Parser::Predicate() {
  TIDE_ASSIGN_OR_RETURN(auto left, Binary(kPrecComparison));
  int links = 0;
  struct Restore {
    int& d;
    int& n;
    ~Restore() { d -= n; }
  } restore{depth_, links};
  for (;;) {
    size_t k = 0;
    if (IsWord("NOT") && (IsWord("BETWEEN", 1) || IsWord("IN", 1) || IsWord("LIKE", 1) || IsWord("ILIKE", 1) ||
                          IsWord("RLIKE", 1) || IsWord("REGEXP", 1))) {
      k = 1;
    }
    const Token& op = Peek(k);
    if (op.kind != TokenKind::kWord) return left;
    std::string_view w = op.text;
    if (!EqualsKeyword(w, "BETWEEN") && !EqualsKeyword(w, "IN") && !EqualsKeyword(w, "LIKE") &&
        !EqualsKeyword(w, "ILIKE") && !EqualsKeyword(w, "RLIKE") && !EqualsKeyword(w, "REGEXP") &&
        !EqualsKeyword(w, "IS")) {
      return left;
    }
    ++links, ++depth_;
    if (Deep()) return TooDeep();
    TIDE_ASSIGN_OR_RETURN(left, PredicateSuffix(std::move(left), k == 1));
  }
}

// Kept out of Predicate() so the frame on the recursion path through every '(' stays small.
[[gnu::noinline]] Result<ExprPtr> Parser::PredicateSuffix(ExprPtr left, bool negated) {
  if (negated) Advance();  // NOT
  const Token& op = Cur();
  SourcePos pos = op.pos;
  if (EqualsKeyword(op.text, "BETWEEN")) {
    Advance();
    auto node = Make<BetweenExpr>(pos);
    node->negated = negated;
    node->operand = std::move(left);
    TIDE_ASSIGN_OR_RETURN(node->low, Binary(kPrecComparison));
    TIDE_RETURN_IF_ERROR(ExpectWord("AND"));
    TIDE_ASSIGN_OR_RETURN(node->high, Binary(kPrecComparison));
    return ExprPtr(std::move(node));
  }
  if (EqualsKeyword(op.text, "IN")) {
    Advance();
    if (!Is(TokenKind::kLParen)) return Expected("'('");
    if (QueryAhead(1)) {
      Advance();
      auto node = Make<InSubqueryExpr>(pos);
      node->negated = negated;
      node->operand = std::move(left);
      TIDE_ASSIGN_OR_RETURN(node->query, Query());
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      return ExprPtr(std::move(node));
    }
    auto node = Make<InListExpr>(pos);
    node->negated = negated;
    node->operand = std::move(left);
    TIDE_ASSIGN_OR_RETURN(node->list, ParenExprList(false));
    return ExprPtr(std::move(node));
  }
  if (!EqualsKeyword(op.text, "IS")) {
    auto node = Make<LikeExpr>(pos);
    node->op = EqualsKeyword(op.text, "LIKE")    ? LikeOp::kLike
               : EqualsKeyword(op.text, "ILIKE") ? LikeOp::kILike
                                                 : LikeOp::kRLike;
    Advance();
    node->negated = negated;
    node->operand = std::move(left);
    TIDE_ASSIGN_OR_RETURN(node->pattern, Binary(kPrecComparison));
    if (node->op != LikeOp::kRLike && AcceptWord("ESCAPE")) {
      if (!Is(TokenKind::kString)) return Expected("a string");
      auto lit = Make<Literal>(Cur().pos);
      lit->literal_kind = LiteralKind::kString;
      TIDE_ASSIGN_OR_RETURN(lit->text, StringLiteral("a string"));
      node->escape = std::move(lit);
    }
    return ExprPtr(std::move(node));
  }
  Advance();  // IS
  bool is_not = AcceptWord("NOT");
  if (AcceptWord("DISTINCT")) {
    TIDE_RETURN_IF_ERROR(ExpectWord("FROM"));
    auto node = Make<BinaryExpr>(pos);
    node->op = is_not ? BinaryOp::kIsNotDistinctFrom : BinaryOp::kIsDistinctFrom;
    node->left = std::move(left);
    TIDE_ASSIGN_OR_RETURN(node->right, Binary(kPrecComparison));
    return ExprPtr(std::move(node));
  }
  auto node = Make<IsExpr>(pos);
  node->negated = is_not;
  if (AcceptWord("NULL")) node->test = IsTest::kNull;
  else if (AcceptWord("TRUE")) node->test = IsTest::kTrue;
  else if (AcceptWord("FALSE")) node->test = IsTest::kFalse;
  else if (AcceptWord("UNKNOWN")) node->test = IsTest::kUnknown;
  else return Expected("NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM");
  node->operand = std::move(left);
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::Binary(int min_prec) {
  TIDE_ASSIGN_OR_RETURN(auto left, Unary());
  int links = 0;
  struct Restore {
    int& d;
    int& n;
    ~Restore() { d -= n; }
  } restore{depth_, links};
  for (;;) {
    BinaryOpInfo info = BinaryOpOf(Cur());
    if (info.prec == 0 || info.prec < min_prec) return left;
    SourcePos pos = Cur().pos;
    Advance();
    ++links, ++depth_;
    if (Deep()) return TooDeep();
    // Every level is left-associative: the right operand binds only tighter operators.
    TIDE_ASSIGN_OR_RETURN(auto right, Binary(info.prec + 1));
    auto node = Make<BinaryExpr>(pos);
    node->op = info.op;
    node->left = std::move(left);
    node->right = std::move(right);
    left = std::move(node);
  }
}

Result<ExprPtr> Parser::Unary() {
  UnaryOp op;
  if (Is(TokenKind::kMinus)) op = UnaryOp::kNegate;
  else if (Is(TokenKind::kPlus)) op = UnaryOp::kPlus;
  else if (Is(TokenKind::kTilde)) op = UnaryOp::kBitNot;
  else return Postfix();
  SourcePos pos = Cur().pos;
  Advance();
  Nest nest(this);
  if (Deep()) return TooDeep();
  TIDE_ASSIGN_OR_RETURN(auto operand, Unary());
  auto node = Make<UnaryExpr>(pos);
  node->op = op;
  node->operand = std::move(operand);
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::Postfix() {
  TIDE_ASSIGN_OR_RETURN(auto e, Primary());
  int links = 0;
  struct Restore {
    int& d;
    int& n;
    ~Restore() { d -= n; }
  } restore{depth_, links};
  for (;;) {
    if (Is(TokenKind::kDot) && e->kind == ExprKind::kColumnRef) {
      // a.b.c stays one dotted name (see ast.h); no nesting.
      Advance();
      TIDE_ASSIGN_OR_RETURN(auto field, NameAfterDot());
      e->As<ColumnRef>().parts.push_back(std::move(field));
      continue;
    }
    if (!Is(TokenKind::kLBracket) && !Is(TokenKind::kDot) && !Is(TokenKind::kDoubleColon)) return e;
    ++links, ++depth_;
    if (Deep()) return TooDeep();
    TIDE_ASSIGN_OR_RETURN(e, PostfixStep(std::move(e)));
  }
}

// One `[index]`, `.field` or `::type` applied to `e`; out of line to keep Postfix's frame small.
[[gnu::noinline]] Result<ExprPtr> Parser::PostfixStep(ExprPtr e) {
  SourcePos pos = Cur().pos;
  if (Accept(TokenKind::kLBracket)) {
    auto node = Make<SubscriptExpr>(pos);
    node->base = std::move(e);
    TIDE_ASSIGN_OR_RETURN(node->index, Expr());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
    return ExprPtr(std::move(node));
  }
  if (Accept(TokenKind::kDot)) {
    auto node = Make<FieldAccessExpr>(pos);
    TIDE_ASSIGN_OR_RETURN(node->field, NameAfterDot());
    node->base = std::move(e);
    return ExprPtr(std::move(node));
  }
  Advance();  // ::
  auto node = Make<CastExpr>(pos);
  node->operand = std::move(e);
  TIDE_ASSIGN_OR_RETURN(node->type, Type());
  return ExprPtr(std::move(node));
}

bool Parser::QueryAhead(size_t ahead) const {
  return IsWord("SELECT", ahead) || IsWord("WITH", ahead) || IsWord("VALUES", ahead);
}

bool Parser::ParenQueryAhead() const {
  size_t k = 0;
  while (Is(TokenKind::kLParen, k)) ++k;
  return k > 0 && QueryAhead(k);
}

bool Parser::LambdaAhead() const {
  if (IsIdentifierStart(0) && Is(TokenKind::kArrow, 1)) return true;
  if (!Is(TokenKind::kLParen)) return false;
  size_t k = 1;
  for (;;) {
    if (!IsIdentifierStart(k)) return false;
    ++k;
    if (Is(TokenKind::kComma, k)) {
      ++k;
      continue;
    }
    return Is(TokenKind::kRParen, k) && Is(TokenKind::kArrow, k + 1);
  }
}

Result<ExprPtr> Parser::Lambda() {
  Nest nest(this);  // x -> y -> ... recurses through Expr(): two levels per lambda, like '('
  if (Deep()) return TooDeep();
  auto node = Make<LambdaExpr>(Cur().pos);
  if (Accept(TokenKind::kLParen)) {
    do {
      TIDE_ASSIGN_OR_RETURN(auto id, Ident());
      node->params.push_back(std::move(id));
    } while (Accept(TokenKind::kComma));
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  } else {
    TIDE_ASSIGN_OR_RETURN(auto id, Ident());
    node->params.push_back(std::move(id));
  }
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kArrow));
  TIDE_ASSIGN_OR_RETURN(node->body, Expr());
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::Primary() {
  const Token& t = Cur();
  SourcePos pos = t.pos;
  switch (t.kind) {
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kDouble: {
      auto lit = Make<Literal>(pos);
      lit->literal_kind = t.kind == TokenKind::kInteger   ? LiteralKind::kInteger
                          : t.kind == TokenKind::kDecimal ? LiteralKind::kDecimal
                                                          : LiteralKind::kDouble;
      lit->text = t.value;
      lit->suffix = t.suffix;
      Advance();
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kString: {
      auto lit = Make<Literal>(pos);
      lit->literal_kind = LiteralKind::kString;
      TIDE_ASSIGN_OR_RETURN(lit->text, StringLiteral("a string"));
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kHexString: {
      auto lit = Make<Literal>(pos);
      lit->literal_kind = LiteralKind::kBinary;
      lit->text = t.value;
      Advance();
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kLParen: {
      if (LambdaAhead()) return Lambda();
      Nest nest(this);
      if (Deep()) return TooDeep();
      if (QueryAhead(1)) {
        Advance();
        auto node = Make<SubqueryExpr>(pos);
        TIDE_ASSIGN_OR_RETURN(node->query, Query());
        TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return ExprPtr(std::move(node));
      }
      Advance();
      TIDE_ASSIGN_OR_RETURN(auto e, Expr());
      if (Is(TokenKind::kComma)) {
        // (a, b): a row value, Spark's struct constructor.
        auto call = Make<FunctionCall>(pos);
        call->name.push_back({"struct", false, pos});
        call->args.push_back(std::move(e));
        while (Accept(TokenKind::kComma)) {
          TIDE_ASSIGN_OR_RETURN(auto next, Expr());
          call->args.push_back(std::move(next));
        }
        e = std::move(call);
      }
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      return e;
    }
    case TokenKind::kQuotedIdent:
      if (Is(TokenKind::kArrow, 1)) return Lambda();
      return NameOrCall();
    case TokenKind::kWord:
      break;
    default:
      return Expected("an expression");
  }
  // Words: literals and keyword-led expressions first, then names.
  std::string_view w = t.text;
  const Token& next = Peek(1);
  if (EqualsKeyword(w, "NULL") || EqualsKeyword(w, "TRUE") || EqualsKeyword(w, "FALSE")) {
    auto lit = Make<Literal>(pos);
    if (EqualsKeyword(w, "NULL")) {
      lit->literal_kind = LiteralKind::kNull;
    } else {
      lit->literal_kind = LiteralKind::kBoolean;
      lit->bool_value = EqualsKeyword(w, "TRUE");
    }
    Advance();
    return ExprPtr(std::move(lit));
  }
  if (EqualsKeyword(w, "CASE")) return CaseExpr_();
  if ((EqualsKeyword(w, "CAST") || EqualsKeyword(w, "TRY_CAST")) && next.kind == TokenKind::kLParen) {
    auto node = Make<CastExpr>(pos);
    node->try_cast = EqualsKeyword(w, "TRY_CAST");
    Advance();
    Advance();
    Nest nest(this);
    if (Deep()) return TooDeep();
    TIDE_ASSIGN_OR_RETURN(node->operand, Expr());
    TIDE_RETURN_IF_ERROR(ExpectWord("AS"));
    TIDE_ASSIGN_OR_RETURN(node->type, Type());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(node));
  }
  if (EqualsKeyword(w, "EXISTS") && next.kind == TokenKind::kLParen && QueryAhead(2)) {
    Advance();
    Advance();
    Nest nest(this);
    if (Deep()) return TooDeep();
    auto node = Make<ExistsExpr>(pos);
    TIDE_ASSIGN_OR_RETURN(node->query, Query());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(node));
  }
  if (EqualsKeyword(w, "EXTRACT") && next.kind == TokenKind::kLParen && Peek(2).kind == TokenKind::kWord &&
      IsWord("FROM", 3)) {
    Advance();
    Advance();
    Nest nest(this);
    if (Deep()) return TooDeep();
    auto node = Make<ExtractExpr>(pos);
    node->field = {std::string(Cur().text), false, Cur().pos};
    Advance();
    Advance();  // FROM
    TIDE_ASSIGN_OR_RETURN(node->source, Expr());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(node));
  }
  if (next.kind == TokenKind::kString) {
    LiteralKind kind = LiteralKind::kNull;
    if (EqualsKeyword(w, "DATE")) kind = LiteralKind::kDate;
    else if (EqualsKeyword(w, "TIMESTAMP")) kind = LiteralKind::kTimestamp;
    else if (EqualsKeyword(w, "TIMESTAMP_NTZ")) kind = LiteralKind::kTimestampNtz;
    else if (EqualsKeyword(w, "TIMESTAMP_LTZ")) kind = LiteralKind::kTimestampLtz;
    if (kind != LiteralKind::kNull) {
      Advance();
      auto lit = Make<Literal>(pos);
      lit->literal_kind = kind;
      TIDE_ASSIGN_OR_RETURN(lit->text, StringLiteral("a string"));
      return ExprPtr(std::move(lit));
    }
  }
  if (EqualsKeyword(w, "INTERVAL") &&
      (next.kind == TokenKind::kString || next.kind == TokenKind::kInteger || next.kind == TokenKind::kDecimal ||
       (next.kind == TokenKind::kMinus &&
        (Peek(2).kind == TokenKind::kString || Peek(2).kind == TokenKind::kInteger || Peek(2).kind == TokenKind::kDecimal)))) {
    return Interval();
  }
  if (next.kind == TokenKind::kLParen &&
      (EqualsKeyword(w, "SUBSTRING") || EqualsKeyword(w, "SUBSTR") || EqualsKeyword(w, "TRIM") ||
       EqualsKeyword(w, "POSITION") || EqualsKeyword(w, "OVERLAY"))) {
    return StandardFormCall();
  }
  if (next.kind == TokenKind::kArrow && !IsReserved(w)) return Lambda();
  if (IsReserved(w)) {
    // LEFT(s, n) and RIGHT(s, n) are functions although LEFT and RIGHT are join words.
    if ((EqualsKeyword(w, "LEFT") || EqualsKeyword(w, "RIGHT")) && next.kind == TokenKind::kLParen) {
      auto call = Make<FunctionCall>(pos);
      call->name.push_back({std::string(w), false, pos});
      Advance();
      return FunctionArgs(std::move(call));
    }
    return Expected("an expression");
  }
  return NameOrCall();
}

// The SQL-standard keyword forms of a few string functions, as Spark accepts them, parsed into
// the equivalent plain calls (so the binder and ToSql see one spelling):
//   SUBSTRING(s FROM a [FOR n])               substring(s, a[, n])
//   TRIM([BOTH|LEADING|TRAILING] [c] FROM s)  trim / ltrim / rtrim(s[, c])
//   POSITION(a IN s)                          locate(a, s)
//   OVERLAY(s PLACING r FROM a [FOR n])       overlay(s, r, a[, n])
// Without their keywords these are ordinary calls: substring(s, a, n), trim(s), ...
Result<ExprPtr> Parser::StandardFormCall() {
  SourcePos pos = Cur().pos;
  std::string name(Cur().text);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const Identifier name_id{std::string(Cur().text), false, pos};
  Advance();  // the name
  Nest nest(this), nest2(this);
  if (Deep()) return TooDeep();
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  auto call = Make<FunctionCall>(pos);
  call->name.push_back(name_id);
  auto finish = [&]() -> Result<ExprPtr> {
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return ExprPtr(std::move(call));
  };
  if (name == "trim") {
    std::string fn = "trim";
    bool side = false;
    if (IsWord("BOTH") || IsWord("LEADING") || IsWord("TRAILING")) {
      if (IsWord("LEADING")) fn = "ltrim";
      if (IsWord("TRAILING")) fn = "rtrim";
      side = true;
      Advance();
    }
    ExprPtr chars;
    if (!IsWord("FROM")) {
      TIDE_ASSIGN_OR_RETURN(chars, Expr());
    }
    if (AcceptWord("FROM")) {
      TIDE_ASSIGN_OR_RETURN(auto source, Expr());
      call->name[0].name = fn;
      call->args.push_back(std::move(source));
      if (chars) call->args.push_back(std::move(chars));
      return finish();
    }
    if (side || !chars) return Expected("FROM");
    call->args.push_back(std::move(chars));
    while (Accept(TokenKind::kComma)) {
      TIDE_ASSIGN_OR_RETURN(auto arg, Expr());
      call->args.push_back(std::move(arg));
    }
    return finish();
  }
  if (Is(TokenKind::kRParen)) return finish();
  if (name == "position") {
    // Parse the needle above comparisons so `IN` is not taken as an IN predicate.
    TIDE_ASSIGN_OR_RETURN(auto needle, Binary(kPrecComparison + 1));
    if (AcceptWord("IN")) {
      TIDE_ASSIGN_OR_RETURN(auto haystack, Expr());
      call->name[0].name = "locate";
      call->args.push_back(std::move(needle));
      call->args.push_back(std::move(haystack));
      return finish();
    }
    call->args.push_back(std::move(needle));
  } else {
    TIDE_ASSIGN_OR_RETURN(auto first, Expr());
    call->args.push_back(std::move(first));
    bool keyword_form = false;
    if (name == "overlay" && AcceptWord("PLACING")) {
      TIDE_ASSIGN_OR_RETURN(auto replacement, Expr());
      call->args.push_back(std::move(replacement));
      TIDE_RETURN_IF_ERROR(ExpectWord("FROM"));
      keyword_form = true;
    } else if (name != "overlay" && AcceptWord("FROM")) {
      keyword_form = true;
    }
    if (keyword_form) {
      TIDE_ASSIGN_OR_RETURN(auto start, Expr());
      call->args.push_back(std::move(start));
      if (AcceptWord("FOR")) {
        TIDE_ASSIGN_OR_RETURN(auto length, Expr());
        call->args.push_back(std::move(length));
      }
      return finish();
    }
  }
  while (Accept(TokenKind::kComma)) {
    TIDE_ASSIGN_OR_RETURN(auto arg, Expr());
    call->args.push_back(std::move(arg));
  }
  return finish();
}

Result<ExprPtr> Parser::NameOrCall() {
  SourcePos pos = Cur().pos;
  std::vector<Identifier> parts;
  TIDE_ASSIGN_OR_RETURN(auto first, Ident());
  parts.push_back(std::move(first));
  while (Is(TokenKind::kDot) && IsIdentifierStart(1)) {
    Advance();
    TIDE_ASSIGN_OR_RETURN(auto part, Ident());
    parts.push_back(std::move(part));
  }
  if (Is(TokenKind::kLParen)) {
    auto call = Make<FunctionCall>(pos);
    call->name = std::move(parts);
    return FunctionArgs(std::move(call));
  }
  auto ref = Make<ColumnRef>(pos);
  ref->parts = std::move(parts);
  return ExprPtr(std::move(ref));
}

// At '(' after a function name: arguments, then FILTER / IGNORE NULLS / OVER.
Result<ExprPtr> Parser::FunctionArgs(ExprPtr call_expr) {
  auto& call = call_expr->As<FunctionCall>();
  // A nested call f(g(...)) recurses through about twelve frames: count it as three levels
  // (with the argument's Expr), so stack use per level stays near that of a parenthesis.
  Nest nest(this), nest2(this);
  if (Deep()) return TooDeep();
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  if (Is(TokenKind::kStar) && Is(TokenKind::kRParen, 1)) {
    call.args.push_back(Make<Star>(Cur().pos));
    Advance();
  } else if (!Is(TokenKind::kRParen)) {
    if (AcceptWord("DISTINCT")) call.distinct = true;
    else AcceptWord("ALL");
    TIDE_ASSIGN_OR_RETURN(call.args, ExprList());
  }
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  if (IsWord("WITHIN") && IsWord("GROUP", 1) && Is(TokenKind::kLParen, 2)) {
    pos_ += 3;
    TIDE_RETURN_IF_ERROR(ExpectWord("ORDER"));
    TIDE_RETURN_IF_ERROR(ExpectWord("BY"));
    TIDE_ASSIGN_OR_RETURN(call.within_group, OrderItems());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  if ((IsWord("IGNORE") || IsWord("RESPECT")) && IsWord("NULLS", 1)) {
    call.ignore_nulls = IsWord("IGNORE");
    Advance();
    Advance();
  }
  if (IsWord("FILTER") && Is(TokenKind::kLParen, 1) && IsWord("WHERE", 2)) {
    Advance();
    Advance();
    Advance();
    TIDE_ASSIGN_OR_RETURN(call.filter, Expr());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  if (IsWord("OVER") && (Is(TokenKind::kLParen, 1) || IsIdentifierStart(1))) {
    Advance();
    if (Is(TokenKind::kLParen)) {
      TIDE_ASSIGN_OR_RETURN(call.over, WindowSpec_());
    } else {
      TIDE_ASSIGN_OR_RETURN(auto name, Ident());
      call.over_name = std::move(name);
    }
  }
  return call_expr;
}

Result<std::unique_ptr<WindowSpec>> Parser::WindowSpec_() {
  auto spec = std::make_unique<WindowSpec>();
  spec->pos = Cur().pos;
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  if (IsIdentifierStart() && !IsWord("PARTITION") && !IsWord("ORDER") && !IsWord("ROWS") && !IsWord("RANGE")) {
    TIDE_ASSIGN_OR_RETURN(auto base, Ident());
    spec->base = std::move(base);
  }
  if (IsWord("PARTITION") && IsWord("BY", 1)) {
    Advance();
    Advance();
    TIDE_ASSIGN_OR_RETURN(spec->partition_by, ExprList());
  }
  if (IsWord("ORDER") && IsWord("BY", 1)) {
    Advance();
    Advance();
    TIDE_ASSIGN_OR_RETURN(spec->order_by, OrderItems());
  }
  if (IsWord("ROWS") || IsWord("RANGE")) {
    WindowFrame frame;
    frame.type = IsWord("ROWS") ? FrameType::kRows : FrameType::kRange;
    Advance();
    if (AcceptWord("BETWEEN")) {
      TIDE_ASSIGN_OR_RETURN(frame.start, Bound());
      TIDE_RETURN_IF_ERROR(ExpectWord("AND"));
      TIDE_ASSIGN_OR_RETURN(auto end, Bound());
      frame.end = std::move(end);
    } else {
      TIDE_ASSIGN_OR_RETURN(frame.start, Bound());
    }
    spec->frame = std::move(frame);
  }
  if (!Is(TokenKind::kRParen)) {
    return Expected(spec->frame ? "')'" : spec->order_by.empty() ? "PARTITION BY, ORDER BY, ROWS, RANGE or ')'" : "ROWS, RANGE or ')'");
  }
  Advance();
  return spec;
}

Result<FrameBound> Parser::Bound() {
  FrameBound b;
  if (IsWord("UNBOUNDED")) {
    Advance();
    if (AcceptWord("PRECEDING")) b.kind = BoundKind::kUnboundedPreceding;
    else if (AcceptWord("FOLLOWING")) b.kind = BoundKind::kUnboundedFollowing;
    else return Expected("PRECEDING or FOLLOWING");
    return b;
  }
  if (IsWord("CURRENT") && IsWord("ROW", 1)) {
    Advance();
    Advance();
    b.kind = BoundKind::kCurrentRow;
    return b;
  }
  TIDE_ASSIGN_OR_RETURN(b.offset, Binary(kPrecComparison));
  if (AcceptWord("PRECEDING")) b.kind = BoundKind::kPreceding;
  else if (AcceptWord("FOLLOWING")) b.kind = BoundKind::kFollowing;
  else return Expected("PRECEDING or FOLLOWING");
  return b;
}

Result<ExprPtr> Parser::CaseExpr_() {
  auto node = Make<CaseExpr>(Cur().pos);
  Advance();  // CASE
  Nest nest(this);
  if (Deep()) return TooDeep();
  if (!IsWord("WHEN")) {
    TIDE_ASSIGN_OR_RETURN(node->operand, Expr());
  }
  if (!IsWord("WHEN")) return Expected("WHEN");
  while (AcceptWord("WHEN")) {
    CaseExpr::When when;
    TIDE_ASSIGN_OR_RETURN(when.condition, Expr());
    TIDE_RETURN_IF_ERROR(ExpectWord("THEN"));
    TIDE_ASSIGN_OR_RETURN(when.result, Expr());
    node->whens.push_back(std::move(when));
  }
  if (AcceptWord("ELSE")) {
    TIDE_ASSIGN_OR_RETURN(node->else_result, Expr());
  }
  if (!AcceptWord("END")) return Expected(node->else_result ? "END" : "WHEN, ELSE or END");
  return ExprPtr(std::move(node));
}

Result<ExprPtr> Parser::Interval() {
  auto node = Make<IntervalLiteral>(Cur().pos);
  Advance();  // INTERVAL
  // INTERVAL 'text' with no unit after it: the whole interval is in the string.
  if (Is(TokenKind::kString) && !IntervalUnitOf(Peek(1))) {
    TIDE_ASSIGN_OR_RETURN(auto text, StringLiteral("a string"));
    if (!IntervalUnitOf(Cur())) {
      node->text = std::move(text);
      return ExprPtr(std::move(node));
    }
    IntervalLiteral::Part part;
    part.value = std::move(text);
    part.is_string = true;
    part.unit = *IntervalUnitOf(Cur());
    Advance();
    node->parts.push_back(std::move(part));
  }
  for (;;) {
    size_t k = Is(TokenKind::kMinus) ? 1 : 0;
    const Token& v = Peek(k);
    bool value_token = v.kind == TokenKind::kString || v.kind == TokenKind::kInteger || v.kind == TokenKind::kDecimal;
    if (!value_token || !IntervalUnitOf(Peek(k + 1))) {
      if (node->parts.empty()) {
        pos_ += value_token ? k + 1 : k;
        return Expected("an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, ...)");
      }
      break;
    }
    IntervalLiteral::Part part;
    part.negative = k == 1;
    part.is_string = v.kind == TokenKind::kString;
    part.value = v.value;
    part.unit = *IntervalUnitOf(Peek(k + 1));
    pos_ += k + 2;
    node->parts.push_back(std::move(part));
  }
  if (node->parts.size() == 1 && IsWord("TO")) {
    Advance();
    auto unit = IntervalUnitOf(Cur());
    if (!unit) return Expected("an interval unit");
    node->to_unit = unit;
    Advance();
  }
  return ExprPtr(std::move(node));
}

Result<std::vector<ExprPtr>> Parser::ExprList() {
  std::vector<ExprPtr> out;
  do {
    TIDE_ASSIGN_OR_RETURN(auto e, Expr());
    out.push_back(std::move(e));
  } while (Accept(TokenKind::kComma));
  return out;
}

Result<std::vector<ExprPtr>> Parser::ParenExprList(bool allow_empty) {
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<ExprPtr> out;
  if (allow_empty && Accept(TokenKind::kRParen)) return out;
  TIDE_ASSIGN_OR_RETURN(out, ExprList());
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return out;
}

Result<std::vector<OrderItem>> Parser::OrderItems() {
  std::vector<OrderItem> out;
  do {
    OrderItem item;
    TIDE_ASSIGN_OR_RETURN(item.expr, Expr());
    if (AcceptWord("ASC")) item.direction = SortDirection::kAsc;
    else if (AcceptWord("DESC")) item.direction = SortDirection::kDesc;
    if (IsWord("NULLS")) {
      Advance();
      if (AcceptWord("FIRST")) item.nulls = NullsOrder::kFirst;
      else if (AcceptWord("LAST")) item.nulls = NullsOrder::kLast;
      else return Expected("FIRST or LAST");
    }
    out.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return out;
}

}  // namespace tide::sql::internal
