// Higher-order functions: a lambda body is compiled once and evaluated over all elements of
// all rows of a batch at once. The body's input is the batch's columns gathered per element
// (each element repeats its row's values), with the lambda's parameters (element, index,
// accumulator, key, value) as extra columns at their parameter slots.
#include <algorithm>

#include "exec/cast.h"
#include "exec/expression_internal.h"
#include "exec/functions/kernel_util.h"
#include "exec/vector_ops.h"

namespace tide::exec::expr {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;
namespace bits = columnar::bits;

namespace {

struct Lambda {
  NodePtr body;
  int first_slot = 0;  // input column of the first parameter
  int params = 0;
};

ArrayPtr Int32Column(const std::vector<int32_t>& v) {
  fn::FixedOut<int32_t> out(static_cast<int64_t>(v.size()));
  std::copy(v.begin(), v.end(), out.data());
  return fn::MakeArray(columnar::Int32(), static_cast<int64_t>(v.size()), nullptr, 0, out.Finish());
}

ArrayPtr MakeList(const TypePtr& type, int64_t n, const std::vector<int32_t>& offsets, columnar::BufferPtr validity,
                  int64_t nulls, ArrayPtr child) {
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = n;
  out->null_count = validity ? nulls : 0;
  std::vector<uint8_t> off(offsets.size() * sizeof(int32_t));
  std::memcpy(off.data(), offsets.data(), off.size());
  out->buffers = {validity, columnar::Buffer::FromVector(std::move(off))};
  if (type->id() == TypeId::kList && !child->type->Equals(*type->children()[0]->type())) {
    auto c = std::make_shared<ArrayData>(*child);
    c->type = type->children()[0]->type();
    child = c;
  }
  out->children = {child};
  return out;
}

class LambdaCallNode final : public Node {
 public:
  LambdaCallNode(std::string fn, std::vector<NodePtr> values, std::vector<Lambda> lambdas, QueryContext* q)
      : fn_(std::move(fn)), values_(std::move(values)), lambdas_(std::move(lambdas)), query_(q) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    const int64_t n = in.num_rows;
    std::vector<ArrayPtr> v;
    for (auto& c : values_) {
      TIDE_ASSIGN_OR_RETURN(KernelArg a, c->Eval(in));
      v.push_back(Materialize(a, n));
    }
    if (fn_ == "aggregate") {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr r, Aggregate(in, v));
      return KernelArg{r, false};
    }
    ArrayPtr out;
    if (fn_ == "map_filter" || fn_ == "transform_values" || fn_ == "transform_keys") {
      TIDE_ASSIGN_OR_RETURN(out, MapFn(in, *v[0]));
    } else if (fn_ == "zip_with") {
      TIDE_ASSIGN_OR_RETURN(out, ZipWith(in, *v[0], *v[1]));
    } else if (fn_ == "array_sort") {
      TIDE_ASSIGN_OR_RETURN(out, SortWith(in, *v[0]));
    } else {
      TIDE_ASSIGN_OR_RETURN(out, ArrayFn(in, *v[0]));
    }
    return KernelArg{out, false};
  }

 private:
  // The body's input: the outer columns it reads gathered by `parent`, plus parameters.
  EvalInput ElementInput(const EvalInput& in, const Lambda& l, const std::vector<int32_t>& parent,
                         const std::vector<ArrayPtr>& params) {
    EvalInput sub;
    sub.num_rows = static_cast<int64_t>(parent.size());
    sub.columns.resize(std::max<size_t>(in.columns.size(), static_cast<size_t>(l.first_slot + l.params)));
    for (int c : l.body->columns) {
      if (c >= l.first_slot) continue;
      if (c < static_cast<int>(in.columns.size()) && in.columns[c]) sub.columns[c] = Take(*in.columns[c], parent.data(), sub.num_rows);
    }
    for (size_t p = 0; p < params.size() && static_cast<int>(p) < l.params; ++p) sub.columns[l.first_slot + p] = params[p];
    return sub;
  }

  base::Result<ArrayPtr> EvalBody(const EvalInput& in, const Lambda& l, const std::vector<int32_t>& parent,
                                  const std::vector<ArrayPtr>& params) {
    EvalInput sub = ElementInput(in, l, parent, params);
    TIDE_ASSIGN_OR_RETURN(KernelArg r, l.body->Eval(sub));
    return Materialize(r, sub.num_rows);
  }

  // transform, filter, exists, forall over ARRAY.
  base::Result<ArrayPtr> ArrayFn(const EvalInput& in, const ArrayData& a) {
    const int64_t n = in.num_rows;
    const ArrayData& e = *a.children[0];
    std::vector<int32_t> parent, elem, pos;
    for (int64_t i = 0; i < n; ++i) {
      if (a.IsNull(i)) continue;
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        parent.push_back(static_cast<int32_t>(i));
        elem.push_back(k);
        pos.push_back(k - a.ListBegin(i));
      }
    }
    const int64_t m = static_cast<int64_t>(elem.size());
    ArrayPtr x = Take(e, elem.data(), m);
    TIDE_ASSIGN_OR_RETURN(ArrayPtr r, EvalBody(in, lambdas_[0], parent, {x, Int32Column(pos)}));
    columnar::BufferPtr validity = fn::CopyValidity(a, n);
    int64_t nulls = validity ? fn::CountNulls(validity->data(), n) : 0;
    if (fn_ == "transform") {
      std::vector<int32_t> offsets{0};
      int32_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!a.IsNull(i)) total += a.ListEnd(i) - a.ListBegin(i);
        offsets.push_back(total);
      }
      return MakeList(expr->type, n, offsets, nulls ? validity : nullptr, nulls, r);
    }
    if (fn_ == "filter") {
      std::vector<int32_t> offsets{0}, keep;
      size_t j = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!a.IsNull(i)) {
          for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k, ++j) {
            if (r->IsValid(j) && r->BoolValue(j)) keep.push_back(elem[j]);
          }
        }
        offsets.push_back(static_cast<int32_t>(keep.size()));
      }
      return MakeList(expr->type, n, offsets, nulls ? validity : nullptr, nulls, Take(e, keep.data(), static_cast<int64_t>(keep.size())));
    }
    // exists: true if any true, else null if any null, else false; forall: the dual.
    const bool exists = fn_ == "exists";
    std::vector<uint8_t> values(bits::BytesFor(n), 0), valid(bits::BytesFor(n), 0xFF);
    int64_t out_nulls = 0;
    size_t j = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (a.IsNull(i)) {
        bits::Clear(valid.data(), i);
        ++out_nulls;
        continue;
      }
      bool decided = false, saw_null = false;
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k, ++j) {
        if (!r->IsValid(j)) {
          saw_null = true;
        } else if (r->BoolValue(j) == exists) {
          decided = true;
        }
      }
      bool value = decided ? exists : !exists;
      if (!decided && saw_null) {
        bits::Clear(valid.data(), i);
        ++out_nulls;
        continue;
      }
      if (value) bits::Set(values.data(), i);
    }
    return fn::MakeArray(columnar::Boolean(), n, out_nulls ? columnar::Buffer::FromVector(std::move(valid)) : nullptr, out_nulls,
                         columnar::Buffer::FromVector(std::move(values)));
  }

  // aggregate(array, init, (acc, x) -> merge [, acc -> finish]): vectorized across rows, one
  // element position at a time.
  base::Result<ArrayPtr> Aggregate(const EvalInput& in, const std::vector<ArrayPtr>& v) {
    const int64_t n = in.num_rows;
    const ArrayData& a = *v[0];
    const ArrayData& e = *a.children[0];
    ArrayPtr acc = v[1];
    const TypePtr acc_type = acc->type;
    int32_t max_len = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!a.IsNull(i)) max_len = std::max(max_len, a.ListEnd(i) - a.ListBegin(i));
    }
    for (int32_t t = 0; t < max_len; ++t) {
      std::vector<int32_t> rows, elem;
      for (int64_t i = 0; i < n; ++i) {
        if (!a.IsNull(i) && a.ListEnd(i) - a.ListBegin(i) > t) {
          rows.push_back(static_cast<int32_t>(i));
          elem.push_back(a.ListBegin(i) + t);
        }
      }
      const int64_t m = static_cast<int64_t>(rows.size());
      ArrayPtr acc_rows = Take(*acc, rows.data(), m);
      ArrayPtr x = Take(e, elem.data(), m);
      TIDE_ASSIGN_OR_RETURN(ArrayPtr merged, EvalBody(in, lambdas_[0], rows, {acc_rows, x}));
      if (!merged->type->Equals(*acc_type)) {
        KernelContext cctx{query_, expr, query_->settings().ansi_mode};
        TIDE_ASSIGN_OR_RETURN(merged, CastArray(cctx, *merged, acc_type));
      }
      std::vector<int32_t> idx(n);
      for (int64_t i = 0; i < n; ++i) idx[i] = static_cast<int32_t>(i);
      for (int64_t j = 0; j < m; ++j) idx[rows[j]] = static_cast<int32_t>(n + j);
      TIDE_ASSIGN_OR_RETURN(ArrayPtr both, Concatenate({acc, merged}));
      acc = Take(*both, idx.data(), n);
    }
    ArrayPtr result = acc;
    if (lambdas_.size() > 1) {
      std::vector<int32_t> all(n);
      for (int64_t i = 0; i < n; ++i) all[i] = static_cast<int32_t>(i);
      TIDE_ASSIGN_OR_RETURN(result, EvalBody(in, lambdas_[1], all, {acc}));
    }
    if (!result->type->Equals(*expr->type)) {
      KernelContext cctx{query_, expr, query_->settings().ansi_mode};
      TIDE_ASSIGN_OR_RETURN(result, CastArray(cctx, *result, expr->type));
    }
    std::vector<int32_t> idx(n);
    for (int64_t i = 0; i < n; ++i) idx[i] = a.IsNull(i) ? -1 : static_cast<int32_t>(i);
    return Take(*result, idx.data(), n);
  }

  base::Result<ArrayPtr> ZipWith(const EvalInput& in, const ArrayData& a, const ArrayData& b) {
    const int64_t n = in.num_rows;
    std::vector<int32_t> parent, ia, ib, offsets{0};
    columnar::BufferPtr validity;
    std::vector<uint8_t> valid(bits::BytesFor(n), 0xFF);
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (a.IsNull(i) || b.IsNull(i)) {
        bits::Clear(valid.data(), i);
        ++nulls;
        offsets.push_back(static_cast<int32_t>(parent.size()));
        continue;
      }
      const int32_t la = a.ListEnd(i) - a.ListBegin(i), lb = b.ListEnd(i) - b.ListBegin(i);
      for (int32_t k = 0; k < std::max(la, lb); ++k) {
        parent.push_back(static_cast<int32_t>(i));
        ia.push_back(k < la ? a.ListBegin(i) + k : -1);
        ib.push_back(k < lb ? b.ListBegin(i) + k : -1);
      }
      offsets.push_back(static_cast<int32_t>(parent.size()));
    }
    const int64_t m = static_cast<int64_t>(parent.size());
    TIDE_ASSIGN_OR_RETURN(ArrayPtr r, EvalBody(in, lambdas_[0], parent,
                                               {Take(*a.children[0], ia.data(), m), Take(*b.children[0], ib.data(), m)}));
    return MakeList(expr->type, n, offsets, nulls ? columnar::Buffer::FromVector(std::move(valid)) : nullptr, nulls, r);
  }

  base::Result<ArrayPtr> MapFn(const EvalInput& in, const ArrayData& m) {
    const int64_t n = in.num_rows;
    const ArrayData& entries = *m.children[0];
    std::vector<int32_t> parent, idx;
    for (int64_t i = 0; i < n; ++i) {
      if (m.IsNull(i)) continue;
      for (int32_t k = m.ListBegin(i); k < m.ListEnd(i); ++k) {
        parent.push_back(static_cast<int32_t>(i));
        idx.push_back(static_cast<int32_t>(entries.offset + k));
      }
    }
    const int64_t cnt = static_cast<int64_t>(idx.size());
    ArrayPtr keys = Take(*entries.children[0], idx.data(), cnt);
    ArrayPtr values = Take(*entries.children[1], idx.data(), cnt);
    TIDE_ASSIGN_OR_RETURN(ArrayPtr r, EvalBody(in, lambdas_[0], parent, {keys, values}));
    std::vector<int32_t> offsets{0}, keep;
    columnar::BufferPtr validity = fn::CopyValidity(m, n);
    int64_t nulls = validity ? fn::CountNulls(validity->data(), n) : 0;
    ArrayPtr new_keys = keys, new_values = values;
    if (fn_ == "map_filter") {
      size_t j = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!m.IsNull(i)) {
          for (int32_t k = m.ListBegin(i); k < m.ListEnd(i); ++k, ++j) {
            if (r->IsValid(j) && r->BoolValue(j)) keep.push_back(static_cast<int32_t>(j));
          }
        }
        offsets.push_back(static_cast<int32_t>(keep.size()));
      }
      new_keys = Take(*keys, keep.data(), static_cast<int64_t>(keep.size()));
      new_values = Take(*values, keep.data(), static_cast<int64_t>(keep.size()));
    } else {
      int32_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!m.IsNull(i)) total += m.ListEnd(i) - m.ListBegin(i);
        offsets.push_back(total);
      }
      if (fn_ == "transform_values") {
        new_values = r;
      } else {
        for (int64_t j = 0; j < r->length; ++j) {
          if (r->IsNull(j)) return base::Status::InvalidArgument("transform_keys produced a null map key in '" + expr->sql + "'");
        }
        new_keys = r;
      }
    }
    const TypePtr& type = expr->type;
    auto e = std::make_shared<ArrayData>();
    e->type = type->children()[0]->type();
    e->length = new_keys->length;
    e->buffers = {nullptr};
    auto retype = [](ArrayPtr x, const TypePtr& t) {
      if (x->type->Equals(*t)) return x;
      auto c = std::make_shared<ArrayData>(*x);
      c->type = t;
      return ArrayPtr(c);
    };
    e->children = {retype(new_keys, type->map_key()->type()), retype(new_values, type->map_value()->type())};
    auto out = std::make_shared<ArrayData>();
    out->type = type;
    out->length = n;
    out->null_count = validity ? nulls : 0;
    std::vector<uint8_t> off(offsets.size() * sizeof(int32_t));
    std::memcpy(off.data(), offsets.data(), off.size());
    out->buffers = {nulls ? validity : nullptr, columnar::Buffer::FromVector(std::move(off))};
    out->children = {ArrayPtr(e)};
    return ArrayPtr(out);
  }

  // array_sort(a, (l, r) -> int): a stable sort per row, the comparator evaluated per pair.
  base::Result<ArrayPtr> SortWith(const EvalInput& in, const ArrayData& a) {
    const int64_t n = in.num_rows;
    const ArrayData& e = *a.children[0];
    std::vector<int32_t> order, offsets{0};
    base::Status err;
    for (int64_t i = 0; i < n; ++i) {
      if (!a.IsNull(i)) {
        std::vector<int32_t> row;
        for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) row.push_back(k);
        std::vector<int32_t> parent{static_cast<int32_t>(i)};
        std::stable_sort(row.begin(), row.end(), [&](int32_t x, int32_t y) {
          if (!err.ok()) return false;
          auto r = EvalBody(in, lambdas_[0], parent, {Take(e, &x, 1), Take(e, &y, 1)});
          if (!r.ok()) {
            err = r.status();
            return false;
          }
          const ArrayData& c = **r;
          if (c.IsNull(0)) {
            err = base::Status::InvalidArgument("array_sort comparator returned null in '" + expr->sql + "'");
            return false;
          }
          int64_t v = c.type->id() == TypeId::kInt64 ? c.Value<int64_t>(0) : c.Value<int32_t>(0);
          return v < 0;
        });
        order.insert(order.end(), row.begin(), row.end());
      }
      offsets.push_back(static_cast<int32_t>(order.size()));
    }
    TIDE_RETURN_IF_ERROR(err);
    columnar::BufferPtr validity = fn::CopyValidity(a, n);
    int64_t nulls = validity ? fn::CountNulls(validity->data(), n) : 0;
    return MakeList(expr->type, n, offsets, nulls ? validity : nullptr, nulls, Take(e, order.data(), static_cast<int64_t>(order.size())));
  }

 private:
  std::string fn_;
  std::vector<NodePtr> values_;
  std::vector<Lambda> lambdas_;
  QueryContext* query_;
};

}  // namespace

base::Result<NodePtr> MakeLambdaCall(const sql::BoundExprPtr& e, CompileContext* cc) {
  std::vector<NodePtr> values;
  std::vector<Lambda> lambdas;
  for (const auto& a : e->args) {
    if (a->kind != sql::BoundExprKind::kLambda) {
      TIDE_ASSIGN_OR_RETURN(NodePtr v, Compile(a, cc));
      values.push_back(std::move(v));
      continue;
    }
    Lambda l;
    l.params = a->column;
    l.first_slot = LambdaSlot(*cc, cc->lambda_depth);
    const int saved = cc->lambda_depth;
    cc->lambda_depth += l.params;
    auto body = Compile(a->args[0], cc);
    cc->lambda_depth = saved;
    if (!body.ok()) return body.status();
    l.body = std::move(*body);
    lambdas.push_back(std::move(l));
  }
  const std::string& f = e->function;
  static const char* const kKnown[] = {"transform", "filter", "exists", "forall", "aggregate", "zip_with",
                                       "map_filter", "transform_values", "transform_keys", "array_sort"};
  bool known = false;
  for (const char* k : kKnown) known = known || f == k;
  if (!known || lambdas.empty()) {
    return base::Status::Unsupported("line " + std::to_string(e->pos.line) + ", column " + std::to_string(e->pos.column) +
                                     ": function '" + f + "' does not take a lambda argument");
  }
  if (values.empty()) return base::Status::InvalidArgument("'" + f + "' needs an ARRAY or MAP argument");
  auto node = std::make_unique<LambdaCallNode>(f, std::move(values), std::move(lambdas), cc->query);
  return NodePtr(std::move(node));
}

}  // namespace tide::exec::expr
