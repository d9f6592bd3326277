// QueryContext::SubqueryResult: uncorrelated subqueries run once per query (CollectPlan) and
// are cached by their BoundExpr node.
#include <unordered_set>

#include "exec/executor.h"
#include "exec/operators/row_codec.h"
#include "exec/query_context.h"
#include "exec/vector_ops.h"

namespace tide::exec {

namespace {

base::Result<columnar::ArrayPtr> Evaluate(const sql::BoundExpr& sq, QueryContext* ctx) {
  if (sq.kind != sql::BoundExprKind::kSubquery || !sq.subquery) {
    return base::Status::Internal("SubqueryResult called on a non-subquery expression");
  }
  const auto& schema = sq.subquery->schema;
  TIDE_ASSIGN_OR_RETURN(auto batches, CollectPlan(sq.subquery, ctx));
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  const std::string name = sq.sql.empty() ? std::string("subquery") : "subquery '" + sq.sql + "'";
  switch (sq.subquery_kind) {
    case sql::SubqueryKind::kExists: {
      columnar::BooleanBuilder b;
      b.Append(rows > 0);
      return b.Finish();
    }
    case sql::SubqueryKind::kScalar: {
      if (schema->num_fields() != 1) {
        return base::Status::InvalidArgument("scalar " + name + " returns " + std::to_string(schema->num_fields()) +
                                             " columns, expected 1");
      }
      if (rows > 1) {
        return base::Status::InvalidArgument("scalar " + name + " returned more than one row (" +
                                             std::to_string(rows) + ")");
      }
      for (const auto& b : batches) {
        if (b->num_rows() == 1) return ValueAt(*b->column(0), 0);
      }
      return columnar::MakeNullArray(sq.type, 1);
    }
    case sql::SubqueryKind::kIn: {
      if (schema->num_fields() < 1) return base::Status::InvalidArgument(name + " returns no column");
      const auto& type = schema->field(0)->type();
      std::vector<columnar::ArrayPtr> parts;
      for (const auto& b : batches) {
        if (b->num_rows() > 0) parts.push_back(b->column(0));
      }
      if (parts.empty()) return columnar::MakeNullArray(type, 0);
      TIDE_ASSIGN_OR_RETURN(columnar::ArrayPtr all, Concatenate(parts));
      // Distinct values (one null kept if any, for three-valued IN).
      std::unordered_set<std::string> seen;
      std::vector<int32_t> keep;
      std::vector<uint8_t> buf;
      for (int64_t i = 0; i < all->length; ++i) {
        buf.clear();
        internal::EncodeValue(*all, i, &buf);
        if (seen.emplace(reinterpret_cast<const char*>(buf.data()), buf.size()).second) {
          keep.push_back(static_cast<int32_t>(i));
        }
      }
      return Take(*all, keep.data(), static_cast<int64_t>(keep.size()));
    }
  }
  return base::Status::Internal("unknown subquery kind");
}

}  // namespace

base::Result<columnar::ArrayPtr> QueryContext::SubqueryResult(const sql::BoundExpr& subquery) {
  std::shared_future<base::Result<columnar::ArrayPtr>> fut;
  std::shared_ptr<std::promise<base::Result<columnar::ArrayPtr>>> mine;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = subqueries_.find(&subquery);
    if (it != subqueries_.end()) {
      fut = it->second;
    } else {
      mine = std::make_shared<std::promise<base::Result<columnar::ArrayPtr>>>();
      fut = mine->get_future().share();
      subqueries_.emplace(&subquery, fut);
    }
  }
  if (mine) mine->set_value(Evaluate(subquery, this));
  return fut.get();
}

}  // namespace tide::exec
