// ExpressionEvaluator (expression.h): compiles a bound expression into a tree of nodes with
// their kernels resolved and constants folded, then evaluates it over batches.
#include "exec/expression.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "exec/cast.h"
#include "exec/expression_internal.h"
#include "exec/functions/kernel_util.h"
#include "exec/vector_ops.h"

namespace tide::exec {

using columnar::ArrayPtr;
using columnar::TypeId;

namespace expr {

base::Status Node::Select(const EvalInput& in, SelectionVector* out) {
  TIDE_ASSIGN_OR_RETURN(KernelArg v, Eval(in));
  if (v.scalar) {
    if (Truth(v, 0) == 1) {
      out->resize(in.num_rows);
      for (int64_t i = 0; i < in.num_rows; ++i) (*out)[i] = static_cast<int32_t>(i);
    }
    return base::Status::OK();
  }
  const columnar::ArrayData& d = *v.array;
  if (d.type->id() != TypeId::kBoolean) return base::Status::Internal("filter expression is not BOOLEAN: " + d.type->ToString());
  const uint8_t* valid = fn::ValidityOf(d);
  const uint8_t* b = d.buffers[1]->data();
  for (int64_t i = 0; i < in.num_rows; ++i) {
    const int64_t p = d.offset + i;
    if (columnar::bits::Get(b, p) && (valid == nullptr || columnar::bits::Get(valid, p))) out->push_back(static_cast<int32_t>(i));
  }
  return base::Status::OK();
}

base::Result<KernelArg> EvalOnRows(Node& node, const EvalInput& in, const SelectionVector& rows) {
  if (static_cast<int64_t>(rows.size()) == in.num_rows) return node.Eval(in);
  EvalInput sub;
  sub.num_rows = static_cast<int64_t>(rows.size());
  sub.columns.resize(in.columns.size());
  for (int c : node.columns) {
    if (c >= 0 && c < static_cast<int>(in.columns.size()) && in.columns[c]) {
      sub.columns[c] = Take(*in.columns[c], rows.data(), sub.num_rows);
    }
  }
  return node.Eval(sub);
}

ArrayPtr Materialize(const KernelArg& a, int64_t n) {
  if (!a.scalar) return a.array;
  return Broadcast(*a.array, 0, n);
}

namespace {

class ColumnNode final : public Node {
 public:
  explicit ColumnNode(int index) : index_(index) {}
  base::Result<KernelArg> Eval(const EvalInput& in) override {
    if (index_ < 0 || index_ >= static_cast<int>(in.columns.size()) || !in.columns[index_]) {
      return base::Status::Internal("expression '" + expr->sql + "' reads column #" + std::to_string(index_) +
                                    " of an input with " + std::to_string(in.columns.size()) + " columns");
    }
    return KernelArg{in.columns[index_], false};
  }

 private:
  int index_;
};

class LiteralNode final : public Node {
 public:
  explicit LiteralNode(ArrayPtr value) : value_(std::move(value)) {}
  base::Result<KernelArg> Eval(const EvalInput&) override { return KernelArg{value_, true}; }

 private:
  ArrayPtr value_;
};

class CastNode final : public Node {
 public:
  CastNode(NodePtr child, QueryContext* q) : child_(std::move(child)), query_(q) {}
  base::Result<KernelArg> Eval(const EvalInput& in) override {
    TIDE_ASSIGN_OR_RETURN(KernelArg v, child_->Eval(in));
    if (v.array->type->Equals(*expr->type)) return v;
    KernelContext ctx{query_, expr, query_->settings().ansi_mode && !expr->try_cast, expr->try_cast};
    TIDE_ASSIGN_OR_RETURN(ArrayPtr out, CastArray(ctx, *v.array, expr->type));
    return KernelArg{out, v.scalar};
  }

 private:
  NodePtr child_;
  QueryContext* query_;
};

class CallNode final : public Node {
 public:
  CallNode(std::unique_ptr<ScalarKernel> kernel, std::vector<NodePtr> children, QueryContext* q)
      : kernel_(std::move(kernel)), children_(std::move(children)), query_(q) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    std::vector<KernelArg> args;
    bool all_scalar = true;
    TIDE_RETURN_IF_ERROR(EvalArgs(in, &args, &all_scalar));
    KernelContext ctx{query_, expr, query_->settings().ansi_mode};
    // Constant arguments: compute one row and broadcast (unless the kernel is not
    // deterministic: rand() must differ per row).
    const bool one = all_scalar && kernel_->deterministic() && !children_.empty();
    int64_t n = one ? 1 : in.num_rows;
    TIDE_ASSIGN_OR_RETURN(ArrayPtr out, kernel_->Execute(ctx, args, n));
    if (out->length != n) {
      return base::Status::Internal("kernel '" + expr->function + "' returned " + std::to_string(out->length) + " rows for " +
                                    std::to_string(n));
    }
    return KernelArg{out, one};
  }

  base::Status Select(const EvalInput& in, SelectionVector* out) override {
    std::vector<KernelArg> args;
    bool all_scalar = true;
    TIDE_RETURN_IF_ERROR(EvalArgs(in, &args, &all_scalar));
    if (all_scalar) return Node::Select(in, out);
    KernelContext ctx{query_, expr, query_->settings().ansi_mode};
    return kernel_->Select(ctx, args, in.num_rows, out);
  }

 private:
  base::Status EvalArgs(const EvalInput& in, std::vector<KernelArg>* args, bool* all_scalar) {
    args->reserve(children_.size());
    for (auto& c : children_) {
      TIDE_ASSIGN_OR_RETURN(KernelArg a, c->Eval(in));
      *all_scalar = *all_scalar && a.scalar;
      args->push_back(std::move(a));
    }
    return base::Status::OK();
  }

  std::unique_ptr<ScalarKernel> kernel_;
  std::vector<NodePtr> children_;
  QueryContext* query_;
};

// An uncorrelated subquery: its value is computed once per query by QueryContext.
class SubqueryNode final : public Node {
 public:
  SubqueryNode(NodePtr operand, QueryContext* q) : operand_(std::move(operand)), query_(q) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    TIDE_ASSIGN_OR_RETURN(ArrayPtr value, query_->SubqueryResult(*expr));
    if (expr->subquery_kind != sql::SubqueryKind::kIn) {
      if (value->length < 1) return KernelArg{columnar::MakeNullArray(expr->type, 1), true};
      return KernelArg{value->length == 1 ? value : value->Slice(0, 1), true};
    }
    TIDE_ASSIGN_OR_RETURN(KernelArg x, operand_->Eval(in));
    Prepare(*value);
    const int64_t n = x.scalar ? 1 : in.num_rows;
    ArrayPtr xs = x.array;
    std::vector<uint64_t> hashes(n, 0);
    HashColumn(*xs, hashes.data(), n);
    std::vector<uint8_t> values(columnar::bits::BytesFor(n), 0);
    std::vector<uint8_t> valid(columnar::bits::BytesFor(n), 0xFF);
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool found = false;
      if (value->length == 0) {
        // x IN (empty) is false, even for a null x.
      } else if (xs->IsNull(i)) {
        columnar::bits::Clear(valid.data(), i);
        ++nulls;
        continue;
      } else {
        auto [lo, hi] = set_.equal_range(hashes[i]);
        for (auto it = lo; it != hi && !found; ++it) found = CompareValues(*xs, i, *value, it->second) == 0;
        if (!found && has_null_) {
          columnar::bits::Clear(valid.data(), i);
          ++nulls;
          continue;
        }
      }
      if (found) columnar::bits::Set(values.data(), i);
    }
    ArrayPtr out = fn::MakeArray(columnar::Boolean(), n, nulls ? columnar::Buffer::FromVector(std::move(valid)) : nullptr,
                                 nulls, columnar::Buffer::FromVector(std::move(values)));
    return KernelArg{out, x.scalar};
  }

 private:
  void Prepare(const columnar::ArrayData& value) {
    if (prepared_) return;
    prepared_ = true;
    std::vector<uint64_t> h(value.length, 0);
    HashColumn(value, h.data(), value.length);
    for (int64_t i = 0; i < value.length; ++i) {
      if (value.IsNull(i)) {
        has_null_ = true;
        continue;
      }
      set_.emplace(h[i], i);
    }
  }

  NodePtr operand_;
  QueryContext* query_;
  bool prepared_ = false;
  bool has_null_ = false;
  std::unordered_multimap<uint64_t, int64_t> set_;
};

// Functions that cannot fail at runtime when their children cannot (used to evaluate a
// conjunct over all rows instead of gathering the selected ones).
bool IsSafeFunction(const std::string& f) {
  static const std::set<std::string> safe{
      "eq", "ne", "lt", "le", "gt", "ge", "null_safe_eq", "and", "or", "not", "is_null", "is_not_null", "is_true",
      "is_not_true", "is_false", "is_not_false", "in", "like", "ilike", "startswith", "endswith", "contains", "coalesce",
      "case", "if", "year", "month", "day", "quarter", "dayofweek", "dayofyear", "hour", "minute", "second", "upper",
      "lower", "length", "substr", "trim", "ltrim", "rtrim", "isnan", "greatest", "least", "nvl2", "nullif"};
  return safe.count(f) > 0;
}

bool IsSafeCast(const sql::BoundExpr& e) {
  if (e.try_cast) return true;
  const auto& from = *e.args[0]->type;
  const auto& to = *e.type;
  if (to.id() == TypeId::kString) return true;
  auto rank = [](TypeId id) {
    switch (id) {
      case TypeId::kInt8: return 1;
      case TypeId::kInt16: return 2;
      case TypeId::kInt32: return 3;
      case TypeId::kInt64: return 4;
      default: return 0;
    }
  };
  if (rank(from.id()) && rank(to.id())) return rank(from.id()) <= rank(to.id());
  if (rank(from.id()) && to.id() == TypeId::kFloat64) return true;
  if (from.id() == TypeId::kDate32 && to.id() == TypeId::kTimestamp) return true;
  return false;
}

base::Result<NodePtr> CompileNode(const sql::BoundExprPtr& e, CompileContext* cc) {
  using K = sql::BoundExprKind;
  switch (e->kind) {
    case K::kColumn: {
      auto n = std::make_unique<ColumnNode>(e->column);
      n->columns = {e->column};
      n->may_fail = false;
      return NodePtr(std::move(n));
    }
    case K::kLiteral: {
      auto n = std::make_unique<LiteralNode>(e->literal);
      n->constant = true;
      n->may_fail = false;
      return NodePtr(std::move(n));
    }
    case K::kCast: {
      TIDE_ASSIGN_OR_RETURN(NodePtr child, Compile(e->args[0], cc));
      return NodePtr(std::make_unique<CastNode>(std::move(child), cc->query));
    }
    case K::kSubquery: {
      NodePtr operand;
      if (!e->args.empty()) {
        TIDE_ASSIGN_OR_RETURN(operand, Compile(e->args[0], cc));
      }
      auto n = std::make_unique<SubqueryNode>(std::move(operand), cc->query);
      return NodePtr(std::move(n));
    }
    case K::kLambdaVar: {
      const int slot = LambdaSlot(*cc, e->column);
      auto n = std::make_unique<ColumnNode>(slot);
      n->columns = {slot};
      n->may_fail = false;
      return NodePtr(std::move(n));
    }
    case K::kLambda:
      return base::Status::Unsupported("line " + std::to_string(e->pos.line) + ", column " + std::to_string(e->pos.column) +
                                       ": a lambda function is only allowed as an argument of a higher-order function, in '" +
                                       e->sql + "'");
    case K::kCall:
      break;
  }
  for (const auto& a : e->args) {
    if (a->kind == K::kLambda) return MakeLambdaCall(e, cc);
  }
  std::vector<NodePtr> children;
  for (const auto& a : e->args) {
    TIDE_ASSIGN_OR_RETURN(NodePtr c, Compile(a, cc));
    children.push_back(std::move(c));
  }
  const std::string& f = e->function;
  if (f == "and" || f == "or") return MakeAndOr(*e, f == "and", std::move(children));
  if (f == "not") {
    if (children.size() != 1) return base::Status::Internal("'not' with " + std::to_string(children.size()) + " arguments");
    return MakeNot(*e, std::move(children[0]));
  }
  if (f == "case") return MakeCase(*e, std::move(children), e->args.size() % 2 == 1);
  if (f == "if") {
    if (children.size() != 3) return base::Status::Internal("'if' needs 3 arguments");
    return MakeCase(*e, std::move(children), true);
  }
  if (f == "coalesce") return MakeCoalesce(*e, std::move(children));
  const KernelFactory* factory = FindKernel(f);
  if (factory == nullptr) {
    return base::Status::Unsupported("line " + std::to_string(e->pos.line) + ", column " + std::to_string(e->pos.column) +
                                     ": function '" + f + "' is not implemented");
  }
  TIDE_ASSIGN_OR_RETURN(std::unique_ptr<ScalarKernel> kernel, (*factory)(*e, cc->query));
  const bool det = kernel->deterministic();
  auto n = std::make_unique<CallNode>(std::move(kernel), std::move(children), cc->query);
  n->deterministic = det;
  return NodePtr(std::move(n));
}

// Whether a subtree's value is the same for every row of the query.
bool IsConstantTree(const sql::BoundExpr& e) {
  if (e.kind == sql::BoundExprKind::kColumn || e.kind == sql::BoundExprKind::kSubquery ||
      e.kind == sql::BoundExprKind::kLambdaVar || e.kind == sql::BoundExprKind::kLambda) {
    return false;
  }
  for (const auto& a : e.args) {
    if (!IsConstantTree(*a)) return false;
  }
  return true;
}

}  // namespace

base::Result<NodePtr> Compile(const sql::BoundExprPtr& e, CompileContext* cc) {
  TIDE_ASSIGN_OR_RETURN(NodePtr n, CompileNode(e, cc));
  n->expr = e.get();
  // Columns, failure and determinism summarize the subtree.
  if (e->kind == sql::BoundExprKind::kCall || e->kind == sql::BoundExprKind::kCast || e->kind == sql::BoundExprKind::kSubquery) {
    std::set<int> cols;
    bool det = n->deterministic;
    sql::VisitBoundExpr(*e, [&](const sql::BoundExpr& x) {
      if (x.kind == sql::BoundExprKind::kColumn) cols.insert(x.column);
      if (x.kind == sql::BoundExprKind::kLambdaVar) cols.insert(LambdaSlot(*cc, x.column));
      if (x.kind == sql::BoundExprKind::kCall && (x.function == "rand" || x.function == "randn" || x.function == "uuid" ||
                                                  x.function == "monotonically_increasing_id")) {
        det = false;
      }
    });
    n->columns.assign(cols.begin(), cols.end());
    n->deterministic = det;
    bool may_fail = false;
    sql::VisitBoundExpr(*e, [&](const sql::BoundExpr& x) {
      if (x.kind == sql::BoundExprKind::kCall && !IsSafeFunction(x.function)) may_fail = true;
      if (x.kind == sql::BoundExprKind::kCast && !IsSafeCast(x)) may_fail = true;
      if (x.kind == sql::BoundExprKind::kSubquery) may_fail = true;
    });
    n->may_fail = may_fail;
  }
  // Fold constant subtrees once (errors are kept for evaluation time: a constant error in a
  // CASE branch that no row reaches must not fail the query).
  if (e->kind != sql::BoundExprKind::kLiteral && IsConstantTree(*e) && n->deterministic) {
    EvalInput none;
    none.num_rows = 1;
    auto v = n->Eval(none);
    if (v.ok() && v->array->length >= 1) {
      auto lit = std::make_unique<LiteralNode>(v->scalar ? v->array : v->array->Slice(0, 1));
      lit->expr = e.get();
      lit->constant = true;
      lit->may_fail = false;
      return NodePtr(std::move(lit));
    }
  }
  return n;
}

}  // namespace expr

namespace {

// One past the largest input column the expression reads: where lambda parameters go.
int LambdaBase(const sql::BoundExpr& e) {
  int base = 0;
  sql::VisitBoundExpr(e, [&](const sql::BoundExpr& x) {
    if (x.kind == sql::BoundExprKind::kColumn) base = std::max(base, x.column + 1);
  });
  return base;
}

class Evaluator final : public ExpressionEvaluator {
 public:
  Evaluator(expr::NodePtr root, sql::BoundExprPtr e) : root_(std::move(root)), expr_(std::move(e)) {}

  base::Result<ArrayPtr> Evaluate(const columnar::RecordBatch& batch) override {
    expr::EvalInput in{batch.columns(), batch.num_rows()};
    TIDE_ASSIGN_OR_RETURN(KernelArg v, root_->Eval(in));
    return expr::Materialize(v, batch.num_rows());
  }

  base::Result<SelectionVector> Select(const columnar::RecordBatch& batch) override {
    if (expr_->type->id() != TypeId::kBoolean && expr_->type->id() != TypeId::kNull) {
      return base::Status::InvalidArgument("filter '" + expr_->sql + "' is " + expr_->type->ToString() + ", not BOOLEAN");
    }
    expr::EvalInput in{batch.columns(), batch.num_rows()};
    SelectionVector out;
    if (expr_->type->id() == TypeId::kNull) return out;
    TIDE_RETURN_IF_ERROR(root_->Select(in, &out));
    return out;
  }

 private:
  expr::NodePtr root_;
  sql::BoundExprPtr expr_;
};

}  // namespace

base::Result<std::unique_ptr<ExpressionEvaluator>> ExpressionEvaluator::Make(const sql::BoundExprPtr& e, QueryContext* ctx) {
  if (!e) return base::Status::InvalidArgument("no expression to evaluate");
  expr::CompileContext cc{ctx};
  cc.lambda_base = LambdaBase(*e);
  TIDE_ASSIGN_OR_RETURN(expr::NodePtr root, expr::Compile(e, &cc));
  return std::unique_ptr<ExpressionEvaluator>(new Evaluator(std::move(root), e));
}

base::Result<ArrayPtr> EvaluateConstant(const sql::BoundExprPtr& e, QueryContext* ctx) {
  expr::CompileContext cc{ctx};
  cc.lambda_base = LambdaBase(*e);
  TIDE_ASSIGN_OR_RETURN(expr::NodePtr root, expr::Compile(e, &cc));
  expr::EvalInput none;
  none.num_rows = 1;
  TIDE_ASSIGN_OR_RETURN(KernelArg v, root->Eval(none));
  if (v.array->length == 1) return v.array;
  return v.array->Slice(0, 1);
}

}  // namespace tide::exec
