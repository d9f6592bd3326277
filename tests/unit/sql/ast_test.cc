// The shape of the tree for tricky inputs: positions, quoting, dotted names, literals.
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/printer.h"

namespace tide::sql {
namespace {

ExprPtr ParseE(std::string_view sql) {
  auto r = ParseExpression(sql);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(SqlAstTest, PositionsPointAtTheStartOfEachNode) {
  auto stmt = ParseStatement("SELECT a,\n       b + 1 AS c\nFROM t AS x\nWHERE x.d = 'v'");
  ASSERT_TRUE(stmt.ok());
  const auto& q = *(*stmt)->As<QueryStatement>().query;
  const auto& sel = q.body->As<SelectBody>();
  EXPECT_EQ(sel.pos.line, 1u);
  EXPECT_EQ(sel.items[0].expr->pos.column, 8u);
  const auto& plus = sel.items[1].expr->As<BinaryExpr>();
  EXPECT_EQ(plus.pos.line, 2u);
  EXPECT_EQ(plus.pos.column, 10u);  // binary nodes sit at their operator
  EXPECT_EQ(plus.left->pos.column, 8u);
  EXPECT_EQ(sel.items[1].alias->pos.column, 17u);
  EXPECT_EQ(sel.from[0]->pos.line, 3u);
  EXPECT_EQ(sel.from[0]->alias->name.pos.column, 11u);
  EXPECT_EQ(sel.where->As<BinaryExpr>().right->pos.line, 4u);
  EXPECT_EQ(sel.where->As<BinaryExpr>().right->pos.column, 13u);
}

TEST(SqlAstTest, NamesKeepSpellingAndQuoting) {
  auto e = ParseE("Db.`My Table`.Col");
  ASSERT_EQ(e->kind, ExprKind::kColumnRef);
  const auto& parts = e->As<ColumnRef>().parts;
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].name, "Db");
  EXPECT_FALSE(parts[0].quoted);
  EXPECT_EQ(parts[1].name, "My Table");
  EXPECT_TRUE(parts[1].quoted);
  EXPECT_EQ(parts[2].name, "Col");
  EXPECT_EQ(parts[2].pos.column, 15u);
  EXPECT_EQ(ToSql(*e), "Db.`My Table`.Col");
  auto q = ParseE("`a``b`");
  EXPECT_EQ(q->As<ColumnRef>().parts[0].name, "a`b");
  EXPECT_EQ(ToSql(*q), "`a``b`");
}

TEST(SqlAstTest, FieldAccessOnNonNamesIsItsOwnNode) {
  auto e = ParseE("a.b[0].c.d");
  ASSERT_EQ(e->kind, ExprKind::kFieldAccess);
  const auto& outer = e->As<FieldAccessExpr>();
  EXPECT_EQ(outer.field.name, "d");
  const auto& inner = outer.base->As<FieldAccessExpr>();
  EXPECT_EQ(inner.field.name, "c");
  const auto& sub = inner.base->As<SubscriptExpr>();
  EXPECT_EQ(sub.base->As<ColumnRef>().parts.size(), 2u);
}

TEST(SqlAstTest, Literals) {
  auto i = ParseE("123L");
  EXPECT_EQ(i->As<Literal>().literal_kind, LiteralKind::kInteger);
  EXPECT_EQ(i->As<Literal>().text, "123");
  EXPECT_EQ(i->As<Literal>().suffix, NumberSuffix::kL);
  auto d = ParseE("1.5BD");
  EXPECT_EQ(d->As<Literal>().literal_kind, LiteralKind::kDecimal);
  auto f = ParseE("1e3");
  EXPECT_EQ(f->As<Literal>().literal_kind, LiteralKind::kDouble);
  auto s = ParseE("'a' 'b'");
  EXPECT_EQ(s->As<Literal>().literal_kind, LiteralKind::kString);
  EXPECT_EQ(s->As<Literal>().text, "ab");
  auto b = ParseE("TRUE");
  EXPECT_TRUE(b->As<Literal>().bool_value);
  auto dt = ParseE("DATE '2024-02-29'");
  EXPECT_EQ(dt->As<Literal>().literal_kind, LiteralKind::kDate);
  EXPECT_EQ(dt->As<Literal>().text, "2024-02-29");
  auto neg = ParseE("-1");
  ASSERT_EQ(neg->kind, ExprKind::kUnary);  // the binder folds negative literals
  EXPECT_EQ(neg->As<UnaryExpr>().op, UnaryOp::kNegate);
}

TEST(SqlAstTest, Intervals) {
  auto e = ParseE("INTERVAL 1 DAY 2 HOURS");
  const auto& iv = e->As<IntervalLiteral>();
  ASSERT_EQ(iv.parts.size(), 2u);
  EXPECT_EQ(iv.parts[0].value, "1");
  EXPECT_EQ(iv.parts[0].unit, IntervalUnit::kDay);
  EXPECT_EQ(iv.parts[1].unit, IntervalUnit::kHour);
  auto ym = ParseE("INTERVAL '1-2' YEAR TO MONTH");
  const auto& y = ym->As<IntervalLiteral>();
  ASSERT_EQ(y.parts.size(), 1u);
  EXPECT_TRUE(y.parts[0].is_string);
  EXPECT_EQ(y.to_unit, IntervalUnit::kMonth);
}

TEST(SqlAstTest, FunctionsAndWindows) {
  auto e = ParseE("count(DISTINCT x) FILTER (WHERE y) OVER (PARTITION BY k ORDER BY t ROWS 2 PRECEDING)");
  const auto& f = e->As<FunctionCall>();
  EXPECT_EQ(f.name[0].name, "count");
  EXPECT_TRUE(f.distinct);
  ASSERT_TRUE(f.filter);
  ASSERT_TRUE(f.over);
  EXPECT_EQ(f.over->partition_by.size(), 1u);
  ASSERT_TRUE(f.over->frame);
  EXPECT_EQ(f.over->frame->type, FrameType::kRows);
  EXPECT_EQ(f.over->frame->start.kind, BoundKind::kPreceding);
  EXPECT_FALSE(f.over->frame->end);
  auto star = ParseE("count(*)");
  ASSERT_EQ(star->As<FunctionCall>().args.size(), 1u);
  EXPECT_EQ(star->As<FunctionCall>().args[0]->kind, ExprKind::kStar);
  auto lam = ParseE("zip_with(a, b, (x, y) -> x + y)");
  const auto& l = lam->As<FunctionCall>().args[2]->As<LambdaExpr>();
  ASSERT_EQ(l.params.size(), 2u);
  EXPECT_EQ(l.params[1].name, "y");
  EXPECT_EQ(l.body->kind, ExprKind::kBinary);
}

TEST(SqlAstTest, CaseAndIn) {
  auto e = ParseE("CASE k WHEN 1 THEN 'a' WHEN 2 THEN 'b' END");
  const auto& c = e->As<CaseExpr>();
  ASSERT_TRUE(c.operand);
  EXPECT_EQ(c.whens.size(), 2u);
  EXPECT_FALSE(c.else_result);
  auto in = ParseE("x NOT IN (1, 2)");
  EXPECT_TRUE(in->As<InListExpr>().negated);
  EXPECT_EQ(in->As<InListExpr>().list.size(), 2u);
}

TEST(SqlAstTest, PathTables) {
  QualifiedName n;
  n.parts = {{"delta", false, {}}, {"/data/x", true, {}}};
  EXPECT_TRUE(n.IsPathTable());
  n.parts[0].name = "PARQUET";
  EXPECT_TRUE(n.IsPathTable());
  n.parts[1].quoted = false;
  EXPECT_FALSE(n.IsPathTable());
  n.parts = {{"db", false, {}}, {"t", true, {}}};
  EXPECT_FALSE(n.IsPathTable());
}

}  // namespace
}  // namespace tide::sql
