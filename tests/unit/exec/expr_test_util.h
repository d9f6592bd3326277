// Helpers for expression tests: a tiny binder (resolve through the function catalog and
// insert the casts it asks for, as sql/binder does), column builders and result rendering.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "exec/expression.h"
#include "exec/query_context.h"
#include "sql/bound_expr.h"
#include "sql/function_catalog.h"

namespace tide::exec::testing {

using columnar::ArrayPtr;
using columnar::TypePtr;
using sql::BoundExprPtr;

// f(args) bound as the binder does: arguments cast to the declared types.
inline BoundExprPtr Call(const std::string& name, std::vector<BoundExprPtr> args, std::string sql = {}) {
  auto r = sql::ResolveFunction(name, args);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  if (!r.ok()) return sql::MakeNullLiteral(columnar::Null());
  for (size_t i = 0; i < args.size() && i < r->arg_types.size(); ++i) {
    if (!args[i]->type->Equals(*r->arg_types[i])) args[i] = sql::MakeCast(args[i], r->arg_types[i]);
  }
  return sql::MakeCall(r->name, std::move(args), r->result_type, r->result_nullable, std::move(sql), sql::SourcePos{1, 8});
}

inline BoundExprPtr Lit(int64_t v) { return sql::MakeInt64Literal(v); }
inline BoundExprPtr Lit32(int32_t v) {
  columnar::Int32Builder b(columnar::Int32());
  b.Append(v);
  return sql::MakeLiteral(b.Finish());
}
inline BoundExprPtr Str(std::string_view v) { return sql::MakeStringLiteral(v); }
inline BoundExprPtr Dbl(double v) {
  columnar::Float64Builder b(columnar::Float64());
  b.Append(v);
  return sql::MakeLiteral(b.Finish());
}
inline BoundExprPtr Bool(bool v) { return sql::MakeBoolLiteral(v); }
inline BoundExprPtr Null(TypePtr t = columnar::Null()) { return sql::MakeNullLiteral(std::move(t)); }
inline BoundExprPtr Dec(const std::string& text, int p, int s) {
  // Through a cast of the string literal, folded by the evaluator.
  return sql::MakeCast(Str(text), columnar::Decimal(p, s));
}
inline BoundExprPtr Cast(BoundExprPtr e, TypePtr t, bool try_cast = false) { return sql::MakeCast(std::move(e), std::move(t), try_cast); }
inline BoundExprPtr Col(int i, TypePtr t) { return sql::MakeColumn(i, std::move(t), true, "c" + std::to_string(i)); }

// Columns from JSON-ish text values: "null" for null.
ArrayPtr Int64s(const std::vector<std::optional<int64_t>>& v);
ArrayPtr Int32s(const std::vector<std::optional<int32_t>>& v);
ArrayPtr Doubles(const std::vector<std::optional<double>>& v);
ArrayPtr Strings(const std::vector<std::optional<std::string>>& v);
ArrayPtr Bools(const std::vector<std::optional<bool>>& v);

inline ArrayPtr Int64s(const std::vector<std::optional<int64_t>>& v) {
  columnar::Int64Builder b(columnar::Int64());
  for (auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ArrayPtr Int32s(const std::vector<std::optional<int32_t>>& v) {
  columnar::Int32Builder b(columnar::Int32());
  for (auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ArrayPtr Doubles(const std::vector<std::optional<double>>& v) {
  columnar::Float64Builder b(columnar::Float64());
  for (auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}
inline ArrayPtr Strings(const std::vector<std::optional<std::string>>& v) {
  columnar::BinaryBuilder b(columnar::Utf8());
  for (auto& x : v) {
    if (x) {
      b.Append(*x);
    } else {
      b.AppendNull();
    }
  }
  return b.Finish();
}
inline ArrayPtr Bools(const std::vector<std::optional<bool>>& v) {
  columnar::BooleanBuilder b;
  for (auto& x : v) x ? b.Append(*x) : b.AppendNull();
  return b.Finish();
}

inline std::shared_ptr<columnar::RecordBatch> Batch(std::vector<ArrayPtr> cols) {
  std::vector<columnar::FieldPtr> fields;
  int64_t n = cols.empty() ? 1 : cols[0]->length;
  for (size_t i = 0; i < cols.size(); ++i) fields.push_back(columnar::MakeField("c" + std::to_string(i), cols[i]->type));
  return std::make_shared<columnar::RecordBatch>(std::make_shared<columnar::Schema>(fields), std::move(cols), n);
}

// Values of a column as JSON row-format texts.
inline std::vector<std::string> Texts(const columnar::ArrayData& a) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < a.length; ++i) {
    std::string s;
    columnar::AppendValueJson(a, i, &s);
    out.push_back(s);
  }
  return out;
}

struct EvalFixture : public ::testing::Test {
  ExecSettings settings;
  std::unique_ptr<QueryContext> ctx;
  void SetUp() override { ctx = std::make_unique<QueryContext>(settings); }
  void Reset(ExecSettings s) {
    settings = s;
    ctx = std::make_unique<QueryContext>(settings);
  }

  base::Result<ArrayPtr> Eval(const BoundExprPtr& e, const columnar::RecordBatch& batch) {
    TIDE_ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Make(e, ctx.get()));
    return ev->Evaluate(batch);
  }
  // The values of e over batch as JSON texts; "ERROR: msg" on error.
  std::vector<std::string> Run(const BoundExprPtr& e, const columnar::RecordBatch& batch) {
    auto r = Eval(e, batch);
    if (!r.ok()) return {"ERROR: " + r.status().message()};
    EXPECT_EQ((*r)->length, batch.num_rows());
    return Texts(**r);
  }
  // One constant value as JSON text (or "ERROR: ...").
  std::string One(const BoundExprPtr& e) {
    auto r = EvaluateConstant(e, ctx.get());
    if (!r.ok()) return "ERROR: " + r.status().message();
    std::string s;
    columnar::AppendValueJson(**r, 0, &s);
    return s;
  }
};

}  // namespace tide::exec::testing
