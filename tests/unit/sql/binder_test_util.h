// An in-memory catalog for binder and optimizer tests: a few tables with columns of many
// types, the TPC-H tables (schemas from the specification, row counts of scale factor 1) and
// some views.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "columnar/builder.h"
#include "columnar/json.h"
#include "columnar/type.h"
#include "sql/binder.h"
#include "sql/logical_plan.h"
#include "sql/optimizer.h"
#include "sql/parser.h"

namespace tide::sql::testing {

class FakeTable : public TableHandle {
 public:
  FakeTable(std::string name, std::shared_ptr<const columnar::Schema> schema, int64_t rows, int64_t version = 0)
      : name_(std::move(name)), schema_(std::move(schema)), rows_(rows), version_(version) {}
  const std::shared_ptr<const columnar::Schema>& schema() const override { return schema_; }
  std::string display_name() const override { return name_; }
  int64_t version() const override { return version_; }
  int64_t EstimatedRows() const override { return rows_; }

 private:
  std::string name_;
  std::shared_ptr<const columnar::Schema> schema_;
  int64_t rows_;
  int64_t version_;
};

inline std::string LowerName(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class FakeCatalog : public Catalog {
 public:
  FakeCatalog() {
    using namespace columnar;
    Add("t", {MakeField("a", Int32()), MakeField("b", Int64()), MakeField("c", Utf8()), MakeField("d", Date32()),
              MakeField("e", Float64()), MakeField("f", Decimal(10, 2)), MakeField("ts", Timestamp(TimeUnit::kMicro, true)),
              MakeField("s", Struct({MakeField("x", Int32()), MakeField("y", Utf8())})), MakeField("arr", List(Int32())),
              MakeField("m", Map(Utf8(), Int32())), MakeField("flag", Boolean())},
        1000);
    Add("u", {MakeField("a", Int32()), MakeField("k", Utf8()), MakeField("v", Float64())}, 100);
    Add("w", {MakeField("id", Int64(), false), MakeField("name", Utf8())}, 10);
    // TPC-H (scale factor 1 row counts).
    Add("lineitem",
        {MakeField("l_orderkey", Int64()), MakeField("l_partkey", Int64()), MakeField("l_suppkey", Int64()),
         MakeField("l_linenumber", Int32()), MakeField("l_quantity", Decimal(15, 2)), MakeField("l_extendedprice", Decimal(15, 2)),
         MakeField("l_discount", Decimal(15, 2)), MakeField("l_tax", Decimal(15, 2)), MakeField("l_returnflag", Utf8()),
         MakeField("l_linestatus", Utf8()), MakeField("l_shipdate", Date32()), MakeField("l_commitdate", Date32()),
         MakeField("l_receiptdate", Date32()), MakeField("l_shipinstruct", Utf8()), MakeField("l_shipmode", Utf8()),
         MakeField("l_comment", Utf8())},
        6001215);
    Add("orders",
        {MakeField("o_orderkey", Int64()), MakeField("o_custkey", Int64()), MakeField("o_orderstatus", Utf8()),
         MakeField("o_totalprice", Decimal(15, 2)), MakeField("o_orderdate", Date32()), MakeField("o_orderpriority", Utf8()),
         MakeField("o_clerk", Utf8()), MakeField("o_shippriority", Int32()), MakeField("o_comment", Utf8())},
        1500000);
    Add("customer",
        {MakeField("c_custkey", Int64()), MakeField("c_name", Utf8()), MakeField("c_address", Utf8()),
         MakeField("c_nationkey", Int64()), MakeField("c_phone", Utf8()), MakeField("c_acctbal", Decimal(15, 2)),
         MakeField("c_mktsegment", Utf8()), MakeField("c_comment", Utf8())},
        150000);
    Add("part",
        {MakeField("p_partkey", Int64()), MakeField("p_name", Utf8()), MakeField("p_mfgr", Utf8()), MakeField("p_brand", Utf8()),
         MakeField("p_type", Utf8()), MakeField("p_size", Int32()), MakeField("p_container", Utf8()),
         MakeField("p_retailprice", Decimal(15, 2)), MakeField("p_comment", Utf8())},
        200000);
    Add("supplier",
        {MakeField("s_suppkey", Int64()), MakeField("s_name", Utf8()), MakeField("s_address", Utf8()),
         MakeField("s_nationkey", Int64()), MakeField("s_phone", Utf8()), MakeField("s_acctbal", Decimal(15, 2)),
         MakeField("s_comment", Utf8())},
        10000);
    Add("partsupp",
        {MakeField("ps_partkey", Int64()), MakeField("ps_suppkey", Int64()), MakeField("ps_availqty", Int32()),
         MakeField("ps_supplycost", Decimal(15, 2)), MakeField("ps_comment", Utf8())},
        800000);
    Add("nation",
        {MakeField("n_nationkey", Int64()), MakeField("n_name", Utf8()), MakeField("n_regionkey", Int64()),
         MakeField("n_comment", Utf8())},
        25);
    Add("region", {MakeField("r_regionkey", Int64()), MakeField("r_name", Utf8()), MakeField("r_comment", Utf8())}, 5);
    views_["v1"] = ViewDefinition{"v1", "SELECT a, c FROM t WHERE a > 1", {}};
    views_["v2"] = ViewDefinition{"v2", "SELECT a AS x FROM v1", {"y"}};
    views_["loop"] = ViewDefinition{"loop", "SELECT * FROM loop", {}};
  }

  void Add(const std::string& name, std::vector<columnar::FieldPtr> fields, int64_t rows) {
    tables_[name] = std::make_shared<FakeTable>(name, std::make_shared<const columnar::Schema>(std::move(fields)), rows);
  }

  base::Result<TableHandlePtr> GetTable(const QualifiedName& name, const std::optional<TimeTravelSpec>& tt) override {
    last_time_travel = tt;
    std::string key = LowerName(name.parts.back().name);
    auto it = tables_.find(key);
    if (it == tables_.end()) {
      return base::Status::NotFound("table or view '" + name.parts.back().name + "' not found");
    }
    if (tt && tt->kind == TimeTravelKind::kVersion) {
      auto* t = static_cast<const FakeTable*>(it->second.get());
      return TableHandlePtr(std::make_shared<FakeTable>(key, t->schema(), t->EstimatedRows(), tt->version));
    }
    return it->second;
  }

  std::optional<ViewDefinition> GetView(const QualifiedName& name) override {
    auto it = views_.find(LowerName(name.parts.back().name));
    if (it == views_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<TimeTravelSpec> last_time_travel;

 private:
  std::map<std::string, TableHandlePtr> tables_;
  std::map<std::string, ViewDefinition> views_;
};

// Parses and binds one query; fails the test on a parse error.
inline base::Result<PlanPtr> Bind(FakeCatalog& catalog, std::string_view sql) {
  auto q = ParseQuery(sql);
  if (!q.ok()) return q.status();
  BindOptions options;
  options.source = sql;
  return BindQuery(**q, catalog, options);
}

inline std::string BindToString(FakeCatalog& catalog, std::string_view sql) {
  auto p = Bind(catalog, sql);
  if (!p.ok()) return "ERROR: " + p.status().ToString();
  return PlanToString(**p);
}

inline std::string BindError(FakeCatalog& catalog, std::string_view sql) {
  auto p = Bind(catalog, sql);
  if (p.ok()) return "OK:\n" + PlanToString(**p);
  return p.status().ToString();
}

// A stand-in for exec's EvaluateConstant: folds date_add / date_sub / add_months of literal
// dates (enough for the TPC-H date arithmetic) and refuses everything else.
inline base::Result<BoundExprPtr> FakeFold(const BoundExprPtr& e) {
  if (e->kind == BoundExprKind::kCall && e->args.size() == 2 && e->args[0]->IsLiteral() && e->args[1]->IsLiteral() &&
      e->args[0]->type->id() == columnar::TypeId::kDate32 && e->args[1]->type->id() == columnar::TypeId::kInt32) {
    int32_t d = e->args[0]->literal->Value<int32_t>(0);
    int32_t n = e->args[1]->literal->Value<int32_t>(0);
    int32_t out;
    if (e->function == "date_add") {
      out = d + n;
    } else if (e->function == "date_sub") {
      out = d - n;
    } else if (e->function == "add_months" && n % 12 == 0) {
      // Whole years from a January 1st (the TPC-H case): add the days of each year.
      out = d;
      int years = n / 12;
      // 1970-based civil year of d.
      int64_t y = 1970 + static_cast<int64_t>(d) / 365;
      while (columnar::DaysFromCivil(y, 1, 1) > d) --y;
      while (columnar::DaysFromCivil(y + 1, 1, 1) <= d) ++y;
      int64_t doy = d - columnar::DaysFromCivil(y, 1, 1);
      out = static_cast<int32_t>(columnar::DaysFromCivil(y + years, 1, 1) + doy);
    } else {
      return base::Status::Unsupported("not folded");
    }
    columnar::Int32Builder b(columnar::Date32());
    b.Append(out);
    return MakeLiteral(b.Finish());
  }
  return base::Status::Unsupported("not folded");
}

inline base::Result<PlanPtr> BindOptimized(FakeCatalog& catalog, std::string_view sql, bool fold = true) {
  auto p = Bind(catalog, sql);
  if (!p.ok()) return p.status();
  OptimizerOptions o;
  if (fold) o.fold = FakeFold;
  return Optimize(*p, o);
}

inline std::string OptimizedString(FakeCatalog& catalog, std::string_view sql) {
  auto p = BindOptimized(catalog, sql);
  if (!p.ok()) return "ERROR: " + p.status().ToString();
  return PlanToString(**p);
}

}  // namespace tide::sql::testing
