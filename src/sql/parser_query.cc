// Queries: WITH, set operations, SELECT blocks, FROM clauses with joins.
#include "sql/parser_internal.h"

namespace tide::sql::internal {
namespace {

template <typename T>
std::unique_ptr<T> Make(SourcePos pos) {
  return std::make_unique<T>(pos);
}

// Set operation precedence: INTERSECT binds tighter than UNION / EXCEPT / MINUS.
int SetOpPrec(const Parser& p, SetOpKind* kind) {
  if (p.IsWord("UNION")) {
    *kind = SetOpKind::kUnion;
    return 1;
  }
  if (p.IsWord("EXCEPT") || p.IsWord("MINUS")) {
    *kind = SetOpKind::kExcept;
    return 1;
  }
  if (p.IsWord("INTERSECT")) {
    *kind = SetOpKind::kIntersect;
    return 2;
  }
  return 0;
}

struct LinkGuard {
  int& depth;
  int links = 0;
  ~LinkGuard() { depth -= links; }
  void Add() {
    ++links;
    ++depth;
  }
};

}  // namespace

Result<QueryPtr> Parser::Query() {
  Nest nest(this);
  if (Deep()) return TooDeep();
  auto q = std::make_unique<tide::sql::Query>();
  q->pos = Cur().pos;
  if (AcceptWord("WITH")) {
    if (IsWord("RECURSIVE") && IsIdentifierStart(1)) {
      return ErrorAt(Cur().pos, "WITH RECURSIVE is not supported (Spark 3 has no recursive queries)");
    }
    do {
      Cte cte;
      TIDE_ASSIGN_OR_RETURN(cte.name, Ident());
      if (Is(TokenKind::kLParen) && !QueryAhead(1)) {
        TIDE_ASSIGN_OR_RETURN(cte.columns, IdentList());
      }
      AcceptWord("AS");
      if (!Is(TokenKind::kLParen)) return Expected("'('");
      Advance();
      TIDE_ASSIGN_OR_RETURN(cte.query, Query());
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      q->ctes.push_back(std::move(cte));
    } while (Accept(TokenKind::kComma));
  }
  TIDE_ASSIGN_OR_RETURN(q->body, SetExpr(1));
  if (IsWord("ORDER") && IsWord("BY", 1)) {
    Advance();
    Advance();
    TIDE_ASSIGN_OR_RETURN(q->order_by, OrderItems());
  }
  if (AcceptWord("LIMIT")) {
    if (!AcceptWord("ALL")) {
      TIDE_ASSIGN_OR_RETURN(q->limit, Expr());
    }
  }
  if (AcceptWord("OFFSET")) {
    TIDE_ASSIGN_OR_RETURN(q->offset, Expr());
  }
  return q;
}

Result<QueryBodyPtr> Parser::SetExpr(int min_prec) {
  TIDE_ASSIGN_OR_RETURN(auto left, SetOperand());
  LinkGuard guard{depth_};
  for (;;) {
    SetOpKind kind;
    int prec = SetOpPrec(*this, &kind);
    if (prec == 0 || prec < min_prec) return left;
    auto node = Make<SetOpBody>(Cur().pos);
    node->op = kind;
    Advance();
    if (AcceptWord("ALL")) node->all = true;
    else AcceptWord("DISTINCT");
    guard.Add();
    if (Deep()) return TooDeep();
    TIDE_ASSIGN_OR_RETURN(node->right, SetExpr(prec + 1));
    node->left = std::move(left);
    left = std::move(node);
  }
}

Result<QueryBodyPtr> Parser::SetOperand() {
  SourcePos pos = Cur().pos;
  if (IsWord("SELECT")) return Select();
  if (IsWord("VALUES")) {
    Advance();
    auto body = Make<ValuesBody>(pos);
    TIDE_ASSIGN_OR_RETURN(body->rows, ValuesRows());
    return QueryBodyPtr(std::move(body));
  }
  if (IsWord("TABLE") && IsIdentifierStart(1)) {
    // TABLE t is SELECT * FROM t.
    Advance();
    auto select = Make<SelectBody>(pos);
    select->items.push_back({Make<Star>(pos), std::nullopt});
    auto table = Make<NamedTable>(Cur().pos);
    TIDE_ASSIGN_OR_RETURN(table->name, QualifiedName_());
    select->from.push_back(std::move(table));
    return QueryBodyPtr(std::move(select));
  }
  if (Is(TokenKind::kLParen)) {
    Advance();
    TIDE_ASSIGN_OR_RETURN(auto inner, Query());
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    if (inner->ctes.empty() && inner->order_by.empty() && !inner->limit && !inner->offset) {
      return std::move(inner->body);  // plain parentheses: grouping only
    }
    auto nested = Make<NestedBody>(pos);
    nested->query = std::move(inner);
    return QueryBodyPtr(std::move(nested));
  }
  return Expected("SELECT, VALUES, WITH or '('");
}

Result<std::vector<std::vector<ExprPtr>>> Parser::ValuesRows() {
  std::vector<std::vector<ExprPtr>> rows;
  do {
    if (Is(TokenKind::kLParen) && !QueryAhead(1) && !LambdaAhead()) {
      TIDE_ASSIGN_OR_RETURN(auto row, ParenExprList(false));
      rows.push_back(std::move(row));
    } else {
      std::vector<ExprPtr> row;
      TIDE_ASSIGN_OR_RETURN(auto e, Expr());
      row.push_back(std::move(e));
      rows.push_back(std::move(row));
    }
  } while (Accept(TokenKind::kComma));
  return rows;
}

Result<SelectItem> Parser::SelectItem_() {
  SelectItem item;
  SourcePos pos = Cur().pos;
  // `*` or `a.b.*`.
  if (Is(TokenKind::kStar)) {
    Advance();
    item.expr = Make<Star>(pos);
    return item;
  }
  size_t k = 0;
  while (IsIdentifierStart(k) && Is(TokenKind::kDot, k + 1)) k += 2;
  if (k > 0 && Is(TokenKind::kStar, k)) {
    auto star = Make<Star>(pos);
    for (size_t i = 0; i < k; i += 2) {
      TIDE_ASSIGN_OR_RETURN(auto id, Ident());
      star->qualifier.push_back(std::move(id));
      Advance();  // '.'
    }
    Advance();  // '*'
    item.expr = std::move(star);
    return item;
  }
  TIDE_ASSIGN_OR_RETURN(item.expr, Expr());
  TIDE_ASSIGN_OR_RETURN(item.alias, OptionalAlias());
  return item;
}

Result<QueryBodyPtr> Parser::Select() {
  auto select = Make<SelectBody>(Cur().pos);
  Advance();  // SELECT
  if (AcceptWord("DISTINCT")) select->distinct = true;
  else AcceptWord("ALL");
  do {
    TIDE_ASSIGN_OR_RETURN(auto item, SelectItem_());
    select->items.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  if (AcceptWord("FROM")) {
    do {
      TIDE_ASSIGN_OR_RETURN(auto ref, TableRef_());
      select->from.push_back(std::move(ref));
    } while (Accept(TokenKind::kComma));
    while (IsWord("LATERAL") && IsWord("VIEW", 1)) {
      TIDE_ASSIGN_OR_RETURN(auto view, LateralView_());
      select->lateral_views.push_back(std::move(view));
    }
  }
  if (AcceptWord("WHERE")) {
    TIDE_ASSIGN_OR_RETURN(select->where, Expr());
  }
  if (IsWord("GROUP")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("BY"));
    TIDE_ASSIGN_OR_RETURN(select->group_by, GroupBy());
  }
  if (AcceptWord("HAVING")) {
    TIDE_ASSIGN_OR_RETURN(select->having, Expr());
  }
  if (IsWord("WINDOW") && IsIdentifierStart(1) && IsWord("AS", 2)) {
    Advance();
    do {
      NamedWindow w;
      TIDE_ASSIGN_OR_RETURN(w.name, Ident());
      TIDE_RETURN_IF_ERROR(ExpectWord("AS"));
      TIDE_ASSIGN_OR_RETURN(auto spec, WindowSpec_());
      w.spec = std::move(*spec);
      select->windows.push_back(std::move(w));
    } while (Accept(TokenKind::kComma));
  }
  return QueryBodyPtr(std::move(select));
}

Result<std::vector<GroupingElement>> Parser::GroupBy() {
  std::vector<GroupingElement> out;
  // GROUP BY ALL (Spark 3.4+): one column reference named ALL, which the binder expands to the
  // select list's non-aggregate items.
  if (IsWord("ALL") && !Is(TokenKind::kLParen, 1) && !Is(TokenKind::kDot, 1)) {
    GroupingElement g;
    auto ref = Make<ColumnRef>(Cur().pos);
    ref->parts.push_back({std::string(Cur().text), false, Cur().pos});
    Advance();
    g.expr = std::move(ref);
    out.push_back(std::move(g));
    return out;
  }
  do {
    GroupingElement g;
    if ((IsWord("ROLLUP") || IsWord("CUBE")) && Is(TokenKind::kLParen, 1)) {
      g.kind = IsWord("ROLLUP") ? GroupingKind::kRollup : GroupingKind::kCube;
      Advance();
      TIDE_ASSIGN_OR_RETURN(g.exprs, ParenExprList(false));
    } else if (IsWord("GROUPING") && IsWord("SETS", 1)) {
      g.kind = GroupingKind::kGroupingSets;
      Advance();
      Advance();
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      do {
        if (Is(TokenKind::kLParen)) {
          TIDE_ASSIGN_OR_RETURN(auto set, ParenExprList(true));
          g.sets.push_back(std::move(set));
        } else {
          std::vector<ExprPtr> set;
          TIDE_ASSIGN_OR_RETURN(auto e, Expr());
          set.push_back(std::move(e));
          g.sets.push_back(std::move(set));
        }
      } while (Accept(TokenKind::kComma));
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    } else {
      TIDE_ASSIGN_OR_RETURN(g.expr, Expr());
    }
    out.push_back(std::move(g));
  } while (Accept(TokenKind::kComma));
  // GROUP BY a, b WITH ROLLUP | WITH CUBE (Hive syntax): ROLLUP(a, b) / CUBE(a, b).
  if (IsWord("WITH") && (IsWord("ROLLUP", 1) || IsWord("CUBE", 1))) {
    GroupingElement g;
    g.kind = IsWord("ROLLUP", 1) ? GroupingKind::kRollup : GroupingKind::kCube;
    for (auto& e : out) {
      if (e.kind != GroupingKind::kExpr) return Expected("GROUP BY expressions before WITH ROLLUP");
      g.exprs.push_back(std::move(e.expr));
    }
    Advance();
    Advance();
    out.clear();
    out.push_back(std::move(g));
  }
  return out;
}

Result<TableRefPtr> Parser::TableRef_() {
  TIDE_ASSIGN_OR_RETURN(auto left, TablePrimary());
  LinkGuard guard{depth_};
  for (;;) {
    SourcePos pos = Cur().pos;
    bool natural = false;
    size_t k = 0;
    if (IsWord("NATURAL")) {
      natural = true;
      k = 1;
    }
    JoinType type;
    auto word = [&](std::string_view w, size_t extra = 0) { return IsWord(w, k + extra); };
    size_t len;  // words before the right-hand relation
    if (word("JOIN")) {
      type = JoinType::kInner, len = 1;
    } else if (word("INNER") && word("JOIN", 1)) {
      type = JoinType::kInner, len = 2;
    } else if (word("CROSS") && word("JOIN", 1)) {
      type = JoinType::kCross, len = 2;
    } else if (word("LEFT") && word("JOIN", 1)) {
      type = JoinType::kLeft, len = 2;
    } else if (word("LEFT") && word("OUTER", 1) && word("JOIN", 2)) {
      type = JoinType::kLeft, len = 3;
    } else if (word("LEFT") && word("SEMI", 1) && word("JOIN", 2)) {
      type = JoinType::kLeftSemi, len = 3;
    } else if (word("LEFT") && word("ANTI", 1) && word("JOIN", 2)) {
      type = JoinType::kLeftAnti, len = 3;
    } else if (word("SEMI") && word("JOIN", 1)) {
      type = JoinType::kLeftSemi, len = 2;
    } else if (word("ANTI") && word("JOIN", 1)) {
      type = JoinType::kLeftAnti, len = 2;
    } else if (word("RIGHT") && word("JOIN", 1)) {
      type = JoinType::kRight, len = 2;
    } else if (word("RIGHT") && word("OUTER", 1) && word("JOIN", 2)) {
      type = JoinType::kRight, len = 3;
    } else if (word("FULL") && word("JOIN", 1)) {
      type = JoinType::kFull, len = 2;
    } else if (word("FULL") && word("OUTER", 1) && word("JOIN", 2)) {
      type = JoinType::kFull, len = 3;
    } else {
      if (natural) {
        Advance();
        return Expected("JOIN");
      }
      // A join word not followed by JOIN (LEFT t, INNER x): say what is missing.
      if (IsWord("LEFT") || IsWord("RIGHT") || IsWord("FULL") || IsWord("INNER") || IsWord("CROSS") ||
          IsWord("SEMI") || IsWord("ANTI")) {
        Advance();
        if (IsWord("OUTER") || IsWord("SEMI") || IsWord("ANTI")) Advance();
        return Expected("JOIN");
      }
      return left;
    }
    pos_ += k + len;
    guard.Add();
    if (Deep()) return TooDeep();
    auto join = Make<JoinTable>(pos);
    join->join_type = type;
    join->natural = natural;
    join->left = std::move(left);
    TIDE_ASSIGN_OR_RETURN(join->right, TablePrimary());
    if (!natural && type != JoinType::kCross) {
      if (AcceptWord("ON")) {
        TIDE_ASSIGN_OR_RETURN(join->on, Expr());
      } else if (AcceptWord("USING")) {
        TIDE_ASSIGN_OR_RETURN(join->using_columns, IdentList());
      }
    }
    left = std::move(join);
  }
}

// LATERAL VIEW [OUTER] name(args) table [[AS] col [, col...]].
Result<LateralView> Parser::LateralView_() {
  LateralView view;
  view.pos = Cur().pos;
  pos_ += 2;  // LATERAL VIEW
  view.outer = AcceptWord("OUTER");
  if (!IsIdentifierStart()) return Expected("a generator function after LATERAL VIEW");
  SourcePos fpos = Cur().pos;
  TIDE_ASSIGN_OR_RETURN(auto name, QualifiedName_());
  if (!Is(TokenKind::kLParen)) return Expected("'(' after the generator name");
  auto call = Make<FunctionCall>(fpos);
  call->name = std::move(name.parts);
  TIDE_ASSIGN_OR_RETURN(call->args, ParenExprList(true));
  view.generator = std::move(call);
  if (IsWord("AS") || !IsIdentifierStart() || (Cur().kind == TokenKind::kWord && IsNotImplicitAlias(Cur().text))) {
    return Expected("a table alias for the LATERAL VIEW");
  }
  TIDE_ASSIGN_OR_RETURN(view.table, Ident());
  bool as = AcceptWord("AS");
  if (as || Cur().kind == TokenKind::kQuotedIdent || (Cur().kind == TokenKind::kWord && !IsNotImplicitAlias(Cur().text))) {
    do {
      TIDE_ASSIGN_OR_RETURN(auto col, Ident());
      view.columns.push_back(std::move(col));
    } while (Accept(TokenKind::kComma));
  }
  return view;
}

Result<std::optional<TimeTravel>> Parser::OptionalTimeTravel() {
  // VERSION AS OF n / TIMESTAMP AS OF expr (also FOR SYSTEM_VERSION / SYSTEM_TIME AS OF).
  size_t k = IsWord("FOR") ? 1 : 0;
  bool version = IsWord("VERSION", k) || IsWord("SYSTEM_VERSION", k);
  bool timestamp = IsWord("TIMESTAMP", k) || IsWord("SYSTEM_TIME", k);
  if (!(version || timestamp) || !IsWord("AS", k + 1) || !IsWord("OF", k + 2)) return std::optional<TimeTravel>();
  TimeTravel tt;
  tt.pos = Cur().pos;
  tt.kind = version ? TimeTravelKind::kVersion : TimeTravelKind::kTimestamp;
  pos_ += k + 3;
  TIDE_ASSIGN_OR_RETURN(tt.value, Binary(6));  // additive: `current_timestamp() - INTERVAL 1 DAY`
  return std::optional<TimeTravel>(std::move(tt));
}

Result<TableRefPtr> Parser::TablePrimary() {
  SourcePos pos = Cur().pos;
  Nest nest(this);
  if (Deep()) return TooDeep();
  TableRefPtr ref;
  if (Is(TokenKind::kLParen)) {
    if (ParenQueryAhead()) {
      auto sub = Make<SubqueryTable>(pos);
      Advance();
      TIDE_ASSIGN_OR_RETURN(sub->query, Query());
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      ref = std::move(sub);
    } else {
      Advance();
      TIDE_ASSIGN_OR_RETURN(ref, TableRef_());
      TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    }
  } else if (IsWord("VALUES")) {
    Advance();
    auto values = Make<ValuesTable>(pos);
    TIDE_ASSIGN_OR_RETURN(values->rows, ValuesRows());
    ref = std::move(values);
  } else if (IsIdentifierStart()) {
    TIDE_ASSIGN_OR_RETURN(auto name, QualifiedName_());
    if (Is(TokenKind::kLParen)) {
      auto fn = Make<FunctionTable>(pos);
      fn->name = std::move(name.parts);
      TIDE_ASSIGN_OR_RETURN(fn->args, ParenExprList(true));
      ref = std::move(fn);
    } else {
      auto table = Make<NamedTable>(pos);
      table->name = std::move(name);
      TIDE_ASSIGN_OR_RETURN(table->time_travel, OptionalTimeTravel());
      ref = std::move(table);
    }
  } else {
    return Expected("a table name, '(' or VALUES");
  }
  if (ref->alias) return ref;  // (t AS a): the alias was written inside the parentheses
  TIDE_ASSIGN_OR_RETURN(ref->alias, OptionalTableAlias());
  return ref;
}

}  // namespace tide::sql::internal
