// Internal to the printer (printer*.cc): the Printer that renders trees as canonical SQL.
// Expressions and types are printed by printer.cc, queries and statements by printer_stmt.cc.
// Not part of the sql layer's interface; use printer.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/printer.h"

namespace tide::sql::internal {

// Appends SQL text to `out`; one method per kind of node.
class Printer {
 public:
  std::string out;

  void Add(std::string_view s) { out += s; }
  void Id(const Identifier& id);
  void Ids(const std::vector<Identifier>& ids, std::string_view sep = ", ");
  void Name(const QualifiedName& n);
  void IdList(const std::vector<Identifier>& ids);
  void Exprs(const std::vector<ExprPtr>& es);
  void Lit(const Literal& l);
  void Arg(const Expr& e);
  void Lambda(const LambdaExpr& l);
  void Order(const std::vector<OrderItem>& items);
  void Bound(const FrameBound& b);
  void Window(const WindowSpec& w);
  void E(const Expr& e);
  void T(const TypeSpec& t);
  void Alias(const std::optional<TableAlias>& a);
  void Rows(const std::vector<std::vector<ExprPtr>>& rows);
  void TravelTo(const TimeTravel& tt);
  // `as_right`: the right side of a join, where an unaliased join needs parentheses.
  void R(const TableRef& r, bool as_right = false);
  static int SetPrec(const QueryBody& b);
  void Body(const QueryBody& b);
  void Select(const SelectBody& s);
  void Q(const Query& q);
  void Props(const std::vector<Property>& props);
  void Columns(const std::vector<ColumnDef>& cols);
  void Assigns(const std::vector<Assignment>& as);
  void S(const Statement& st);
};

}  // namespace tide::sql::internal
