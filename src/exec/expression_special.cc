// The lazy special forms: AND / OR with three-valued logic (later operands only see the rows
// earlier ones leave undecided), NOT, CASE / IF (a branch only sees the rows that reach it)
// and COALESCE (an argument only sees the rows still null).
#include <cstring>
#include <set>

#include "exec/cast.h"
#include "exec/expression_internal.h"
#include "exec/functions/kernel_util.h"
#include "exec/vector_ops.h"

namespace tide::exec::expr {

using columnar::ArrayPtr;
namespace bits = columnar::bits;

namespace {

SelectionVector AllRows(int64_t n) {
  SelectionVector rows(n);
  for (int64_t i = 0; i < n; ++i) rows[i] = static_cast<int32_t>(i);
  return rows;
}

class AndOrNode final : public Node {
 public:
  AndOrNode(bool is_and, std::vector<NodePtr> children) : is_and_(is_and), children_(std::move(children)) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    const int64_t n = in.num_rows;
    // decided[i]: the row's value is known to be the dominating value (false for AND, true for OR).
    std::vector<uint8_t> decided(n, 0), null(n, 0);
    SelectionVector active = AllRows(n);
    const int dominating = is_and_ ? 0 : 1;
    for (auto& c : children_) {
      if (active.empty()) break;
      TIDE_ASSIGN_OR_RETURN(KernelArg v, EvalOnRows(*c, in, active));
      SelectionVector next;
      next.reserve(active.size());
      for (size_t j = 0; j < active.size(); ++j) {
        const int32_t row = active[j];
        const int t = Truth(v, static_cast<int64_t>(j));
        if (t == dominating) {
          decided[row] = 1;
        } else {
          if (t < 0) null[row] = 1;
          next.push_back(row);
        }
      }
      active.swap(next);
    }
    std::vector<uint8_t> values(bits::BytesFor(n), 0), valid(bits::BytesFor(n), 0xFF);
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool value;
      if (decided[i]) {
        value = !is_and_;
      } else if (null[i]) {
        bits::Clear(valid.data(), i);
        ++nulls;
        continue;
      } else {
        value = is_and_;
      }
      if (value) bits::Set(values.data(), i);
    }
    return KernelArg{fn::MakeArray(columnar::Boolean(), n, nulls ? columnar::Buffer::FromVector(std::move(valid)) : nullptr,
                                   nulls, columnar::Buffer::FromVector(std::move(values))),
                     false};
  }

  base::Status Select(const EvalInput& in, SelectionVector* out) override {
    if (!is_and_) return Node::Select(in, out);
    // Conjunction: each conjunct filters the rows the previous ones selected.
    SelectionVector sel;
    TIDE_RETURN_IF_ERROR(children_[0]->Select(in, &sel));
    for (size_t k = 1; k < children_.size() && !sel.empty(); ++k) {
      Node& c = *children_[k];
      SelectionVector sub;
      if (static_cast<int64_t>(sel.size()) == in.num_rows) {
        TIDE_RETURN_IF_ERROR(c.Select(in, &sub));
        sel.swap(sub);
        continue;
      }
      if (!c.may_fail && sel.size() * 2 > static_cast<size_t>(in.num_rows)) {
        // Dense selection and a conjunct that cannot fail: evaluating every row is cheaper
        // than gathering; intersect.
        TIDE_RETURN_IF_ERROR(c.Select(in, &sub));
        SelectionVector both;
        both.reserve(std::min(sel.size(), sub.size()));
        std::set_intersection(sel.begin(), sel.end(), sub.begin(), sub.end(), std::back_inserter(both));
        sel.swap(both);
        continue;
      }
      EvalInput gathered;
      gathered.num_rows = static_cast<int64_t>(sel.size());
      gathered.columns.resize(in.columns.size());
      for (int col : c.columns) {
        if (col >= 0 && col < static_cast<int>(in.columns.size()) && in.columns[col]) {
          gathered.columns[col] = Take(*in.columns[col], sel.data(), gathered.num_rows);
        }
      }
      TIDE_RETURN_IF_ERROR(c.Select(gathered, &sub));
      for (auto& r : sub) r = sel[r];
      sel.swap(sub);
    }
    out->insert(out->end(), sel.begin(), sel.end());
    return base::Status::OK();
  }

 private:
  bool is_and_;
  std::vector<NodePtr> children_;
};

class NotNode final : public Node {
 public:
  explicit NotNode(NodePtr child) : child_(std::move(child)) {}
  base::Result<KernelArg> Eval(const EvalInput& in) override {
    TIDE_ASSIGN_OR_RETURN(KernelArg v, child_->Eval(in));
    const int64_t n = v.scalar ? 1 : in.num_rows;
    std::vector<uint8_t> values(bits::BytesFor(n), 0);
    for (int64_t i = 0; i < n; ++i) {
      if (Truth(v, i) == 0) bits::Set(values.data(), i);
    }
    int64_t nulls = 0;
    columnar::BufferPtr validity;
    if (v.array->type->id() == columnar::TypeId::kNull) {
      nulls = n;
      validity = columnar::Buffer::FromVector(std::vector<uint8_t>(bits::BytesFor(n), 0));
    } else {
      validity = fn::CopyValidity(*v.array, n);
      if (validity) nulls = fn::CountNulls(validity->data(), n);
      if (nulls == 0) validity = nullptr;
    }
    return KernelArg{fn::MakeArray(columnar::Boolean(), n, validity, nulls, columnar::Buffer::FromVector(std::move(values))),
                     v.scalar};
  }

 private:
  NodePtr child_;
};

// Collects, per output row, which evaluated part and row it takes its value from.
class Assembler {
 public:
  Assembler(int64_t n) : part_(n, -1), pos_(n, 0) {}
  // v holds one value per entry of `rows` (or is a scalar).
  void Add(const KernelArg& v, const SelectionVector& rows) {
    const int32_t k = static_cast<int32_t>(parts_.size());
    parts_.push_back(v.scalar ? (v.array->length == 1 ? v.array : v.array->Slice(0, 1)) : v.array);
    for (size_t j = 0; j < rows.size(); ++j) {
      part_[rows[j]] = k;
      pos_[rows[j]] = v.scalar ? 0 : static_cast<int32_t>(j);
    }
  }
  // v holds one value per input row (evaluated over all rows); take those at `rows`.
  void AddFull(const KernelArg& v, const SelectionVector& rows) {
    const int32_t k = static_cast<int32_t>(parts_.size());
    parts_.push_back(v.scalar ? (v.array->length == 1 ? v.array : v.array->Slice(0, 1)) : v.array);
    for (int32_t r : rows) {
      part_[r] = k;
      pos_[r] = v.scalar ? 0 : r;
    }
  }
  base::Result<ArrayPtr> Finish(const columnar::TypePtr& type, int64_t n) {
    if (parts_.empty()) return columnar::MakeNullArray(type, n);
    // Parts share the layout of `type` (the binder cast every branch to it); a branch typed
    // NULL (an untyped null literal) becomes null rows, and a type differing only in nested
    // field names or nullability is relabelled.
    std::vector<ArrayPtr> parts;
    for (auto& p : parts_) {
      if (p->type->Equals(*type)) {
        parts.push_back(p);
      } else if (p->type->id() == columnar::TypeId::kNull) {
        parts.push_back(columnar::MakeNullArray(type, p->length));
      } else if (p->type->id() != type->id()) {
        KernelContext cast_ctx{nullptr, nullptr, true};
        TIDE_ASSIGN_OR_RETURN(ArrayPtr c, CastArray(cast_ctx, *p, type));
        parts.push_back(c);
      } else {
        auto relabelled = std::make_shared<columnar::ArrayData>(*p);
        relabelled->type = type;
        parts.push_back(relabelled);
      }
    }
    const int w = type->FixedWidth();
    if (w > 0 && !type->IsNested()) {
      // Fixed-width values: copy each row's value straight from its part.
      std::vector<uint8_t> values(static_cast<size_t>(n) * w, 0);
      fn::BitmapOut valid(n);
      for (int64_t i = 0; i < n; ++i) {
        const int32_t k = part_[i];
        if (k < 0 || parts[k]->IsNull(pos_[i])) {
          valid.Clear(i);
          continue;
        }
        const columnar::ArrayData& src = *parts[k];
        std::memcpy(values.data() + i * w, src.buffers[1]->data() + (src.offset + pos_[i]) * w, w);
      }
      const int64_t nulls = valid.nulls();
      return fn::MakeArray(type, n, valid.Finish(), nulls, columnar::Buffer::FromVector(std::move(values)));
    }
    std::vector<int32_t> base(parts.size());
    int32_t total = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      base[k] = total;
      total += static_cast<int32_t>(parts[k]->length);
    }
    std::vector<int32_t> idx(n);
    for (int64_t i = 0; i < n; ++i) idx[i] = part_[i] < 0 ? -1 : base[part_[i]] + pos_[i];
    TIDE_ASSIGN_OR_RETURN(ArrayPtr all, Concatenate(parts));
    return Take(*all, idx.data(), n);
  }

 private:
  std::vector<int32_t> part_;
  std::vector<int32_t> pos_;
  std::vector<ArrayPtr> parts_;
};

// A value cheap enough and safe to evaluate over every row instead of gathering the rows
// that take it: a column, a constant, or anything that cannot fail and reads one column.
bool EvalOverAll(const Node& n) { return !n.may_fail && n.columns.size() <= 1; }

class CaseNode final : public Node {
 public:
  CaseNode(std::vector<NodePtr> children, bool has_else) : children_(std::move(children)), has_else_(has_else) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    const int64_t n = in.num_rows;
    const size_t pairs = children_.size() / 2;
    SelectionVector remaining = AllRows(n);
    Assembler out(n);
    for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
      TIDE_ASSIGN_OR_RETURN(KernelArg cond, EvalOnRows(*children_[2 * p], in, remaining));
      SelectionVector matched, rest;
      for (size_t j = 0; j < remaining.size(); ++j) {
        (Truth(cond, static_cast<int64_t>(j)) == 1 ? matched : rest).push_back(remaining[j]);
      }
      if (!matched.empty()) {
        Node& value = *children_[2 * p + 1];
        if (static_cast<int64_t>(matched.size()) != n && EvalOverAll(value)) {
          TIDE_ASSIGN_OR_RETURN(KernelArg v, value.Eval(in));
          out.AddFull(v, matched);
        } else {
          TIDE_ASSIGN_OR_RETURN(KernelArg v, EvalOnRows(value, in, matched));
          if (static_cast<int64_t>(matched.size()) == n && p == 0) return v;  // every row took branch 1
          out.Add(v, matched);
        }
      }
      remaining.swap(rest);
    }
    if (has_else_ && !remaining.empty()) {
      Node& value = *children_.back();
      if (static_cast<int64_t>(remaining.size()) != n && EvalOverAll(value)) {
        TIDE_ASSIGN_OR_RETURN(KernelArg v, value.Eval(in));
        out.AddFull(v, remaining);
      } else {
        TIDE_ASSIGN_OR_RETURN(KernelArg v, EvalOnRows(value, in, remaining));
        if (static_cast<int64_t>(remaining.size()) == n) return v;
        out.Add(v, remaining);
      }
    }
    TIDE_ASSIGN_OR_RETURN(ArrayPtr result, out.Finish(expr->type, n));
    return KernelArg{result, false};
  }

 private:
  std::vector<NodePtr> children_;
  bool has_else_;
};

class CoalesceNode final : public Node {
 public:
  explicit CoalesceNode(std::vector<NodePtr> children) : children_(std::move(children)) {}

  base::Result<KernelArg> Eval(const EvalInput& in) override {
    const int64_t n = in.num_rows;
    SelectionVector remaining = AllRows(n);
    Assembler out(n);
    for (size_t k = 0; k < children_.size() && !remaining.empty(); ++k) {
      TIDE_ASSIGN_OR_RETURN(KernelArg v, EvalOnRows(*children_[k], in, remaining));
      if (v.array->type->id() == columnar::TypeId::kNull) continue;
      if (k == 0 && !v.scalar && v.array->null_count == 0) return v;  // nothing to fill
      SelectionVector taken, rest;
      SelectionVector taken_pos;
      for (size_t j = 0; j < remaining.size(); ++j) {
        if (v.IsNull(static_cast<int64_t>(j))) {
          rest.push_back(remaining[j]);
        } else {
          taken.push_back(remaining[j]);
          taken_pos.push_back(static_cast<int32_t>(j));
        }
      }
      if (!taken.empty()) {
        if (v.scalar) {
          out.Add(v, taken);
        } else {
          KernelArg part{Take(*v.array, taken_pos.data(), static_cast<int64_t>(taken_pos.size())), false};
          out.Add(part, taken);
        }
      }
      remaining.swap(rest);
    }
    TIDE_ASSIGN_OR_RETURN(ArrayPtr result, out.Finish(expr->type, n));
    return KernelArg{result, false};
  }

 private:
  std::vector<NodePtr> children_;
};

}  // namespace

base::Result<NodePtr> MakeAndOr(const sql::BoundExpr& e, bool is_and, std::vector<NodePtr> children) {
  if (children.empty()) return base::Status::Internal("'" + e.function + "' without arguments");
  auto n = std::make_unique<AndOrNode>(is_and, std::move(children));
  return NodePtr(std::move(n));
}

base::Result<NodePtr> MakeNot(const sql::BoundExpr& e, NodePtr child) {
  return NodePtr(std::make_unique<NotNode>(std::move(child)));
}

base::Result<NodePtr> MakeCase(const sql::BoundExpr& e, std::vector<NodePtr> children, bool has_else) {
  return NodePtr(std::make_unique<CaseNode>(std::move(children), has_else));
}

base::Result<NodePtr> MakeCoalesce(const sql::BoundExpr& e, std::vector<NodePtr> children) {
  return NodePtr(std::make_unique<CoalesceNode>(std::move(children)));
}

}  // namespace tide::exec::expr
