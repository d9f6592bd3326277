// Canonical SQL for queries, table references and statements.
#include "sql/printer_internal.h"

namespace tide::sql::internal {

void Printer::Alias(const std::optional<TableAlias>& a) {
  if (!a) return;
  Add(" AS ");
  Id(a->name);
  if (!a->columns.empty()) IdList(a->columns);
}

void Printer::Rows(const std::vector<std::vector<ExprPtr>>& rows) {
  Add("VALUES ");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) Add(", ");
    Add("(");
    Exprs(rows[i]);
    Add(")");
  }
}

void Printer::TravelTo(const TimeTravel& tt) {
  Add(tt.kind == TimeTravelKind::kVersion ? "VERSION AS OF " : "TIMESTAMP AS OF ");
  E(*tt.value);
}

void Printer::R(const TableRef& r, bool as_right) {
  switch (r.kind) {
    case TableRefKind::kNamed: {
      const auto& n = r.As<NamedTable>();
      Name(n.name);
      if (n.time_travel) Add(" "), TravelTo(*n.time_travel);
      break;
    }
    case TableRefKind::kSubquery:
      Add("(");
      Q(*r.As<SubqueryTable>().query);
      Add(")");
      break;
    case TableRefKind::kValues: Rows(r.As<ValuesTable>().rows); break;
    case TableRefKind::kFunction: {
      const auto& f = r.As<FunctionTable>();
      Ids(f.name, ".");
      Add("(");
      Exprs(f.args);
      Add(")");
      break;
    }
    case TableRefKind::kJoin: {
      const auto& j = r.As<JoinTable>();
      bool parens = as_right || r.alias;
      if (parens) Add("(");
      R(*j.left);
      Add(" ");
      if (j.natural) Add("NATURAL ");
      switch (j.join_type) {
        case JoinType::kInner: Add("JOIN "); break;
        case JoinType::kLeft: Add("LEFT JOIN "); break;
        case JoinType::kRight: Add("RIGHT JOIN "); break;
        case JoinType::kFull: Add("FULL JOIN "); break;
        case JoinType::kLeftSemi: Add("LEFT SEMI JOIN "); break;
        case JoinType::kLeftAnti: Add("LEFT ANTI JOIN "); break;
        case JoinType::kCross: Add("CROSS JOIN "); break;
      }
      R(*j.right, /*as_right=*/true);
      if (j.on) Add(" ON "), E(*j.on);
      if (!j.using_columns.empty()) Add(" USING "), IdList(j.using_columns);
      if (parens) Add(")");
      break;
    }
  }
  Alias(r.alias);
}

int Printer::SetPrec(const QueryBody& b) {
  if (b.kind != QueryBodyKind::kSetOp) return 3;
  return b.As<SetOpBody>().op == SetOpKind::kIntersect ? 2 : 1;
}

void Printer::Body(const QueryBody& b) {
  switch (b.kind) {
    case QueryBodyKind::kSelect: Select(b.As<SelectBody>()); break;
    case QueryBodyKind::kValues: Rows(b.As<ValuesBody>().rows); break;
    case QueryBodyKind::kNested:
      Add("(");
      Q(*b.As<NestedBody>().query);
      Add(")");
      break;
    case QueryBodyKind::kSetOp: {
      const auto& s = b.As<SetOpBody>();
      int prec = SetPrec(b);
      // Left-associative: the left side needs parentheses only when it binds looser.
      bool lp = SetPrec(*s.left) < prec;
      bool rp = SetPrec(*s.right) <= prec;
      if (lp) Add("(");
      Body(*s.left);
      if (lp) Add(")");
      Add(s.op == SetOpKind::kUnion ? " UNION " : s.op == SetOpKind::kIntersect ? " INTERSECT " : " EXCEPT ");
      if (s.all) Add("ALL ");
      if (rp) Add("(");
      Body(*s.right);
      if (rp) Add(")");
      break;
    }
  }
}

void Printer::Select(const SelectBody& s) {
  Add("SELECT ");
  if (s.distinct) Add("DISTINCT ");
  for (size_t i = 0; i < s.items.size(); ++i) {
    if (i) Add(", ");
    E(*s.items[i].expr);
    if (s.items[i].alias) Add(" AS "), Id(*s.items[i].alias);
  }
  if (!s.from.empty()) {
    Add(" FROM ");
    for (size_t i = 0; i < s.from.size(); ++i) {
      if (i) Add(", ");
      R(*s.from[i]);
    }
    for (const auto& v : s.lateral_views) {
      Add(v.outer ? " LATERAL VIEW OUTER " : " LATERAL VIEW ");
      E(*v.generator);
      Add(" ");
      Id(v.table);
      if (!v.columns.empty()) Add(" AS "), Ids(v.columns);
    }
  }
  if (s.where) Add(" WHERE "), E(*s.where);
  if (!s.group_by.empty()) {
    Add(" GROUP BY ");
    for (size_t i = 0; i < s.group_by.size(); ++i) {
      if (i) Add(", ");
      const auto& g = s.group_by[i];
      switch (g.kind) {
        case GroupingKind::kExpr: E(*g.expr); break;
        case GroupingKind::kRollup: Add("ROLLUP("), Exprs(g.exprs), Add(")"); break;
        case GroupingKind::kCube: Add("CUBE("), Exprs(g.exprs), Add(")"); break;
        case GroupingKind::kGroupingSets:
          Add("GROUPING SETS (");
          for (size_t k = 0; k < g.sets.size(); ++k) {
            if (k) Add(", ");
            Add("(");
            Exprs(g.sets[k]);
            Add(")");
          }
          Add(")");
          break;
      }
    }
  }
  if (s.having) Add(" HAVING "), E(*s.having);
  if (!s.windows.empty()) {
    Add(" WINDOW ");
    for (size_t i = 0; i < s.windows.size(); ++i) {
      if (i) Add(", ");
      Id(s.windows[i].name);
      Add(" AS ");
      Window(s.windows[i].spec);
    }
  }
}

void Printer::Q(const Query& q) {
  if (!q.ctes.empty()) {
    Add("WITH ");
    for (size_t i = 0; i < q.ctes.size(); ++i) {
      if (i) Add(", ");
      Id(q.ctes[i].name);
      if (!q.ctes[i].columns.empty()) IdList(q.ctes[i].columns);
      Add(" AS (");
      Q(*q.ctes[i].query);
      Add(")");
    }
    Add(" ");
  }
  Body(*q.body);
  if (!q.order_by.empty()) Add(" ORDER BY "), Order(q.order_by);
  if (q.limit) Add(" LIMIT "), E(*q.limit);
  if (q.offset) Add(" OFFSET "), E(*q.offset);
}

void Printer::Props(const std::vector<Property>& props) {
  Add("(");
  for (size_t i = 0; i < props.size(); ++i) {
    if (i) Add(", ");
    Add(QuoteString(props[i].key));
    Add(" = ");
    Add(QuoteString(props[i].value));
  }
  Add(")");
}

void Printer::Columns(const std::vector<ColumnDef>& cols) {
  Add("(");
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) Add(", ");
    Id(cols[i].name);
    Add(" ");
    T(*cols[i].type);
    if (cols[i].not_null) Add(" NOT NULL");
    if (cols[i].comment) Add(" COMMENT "), Add(QuoteString(*cols[i].comment));
  }
  Add(")");
}

void Printer::Assigns(const std::vector<Assignment>& as) {
  for (size_t i = 0; i < as.size(); ++i) {
    if (i) Add(", ");
    Ids(as[i].target, ".");
    Add(" = ");
    E(*as[i].value);
  }
}

void Printer::S(const Statement& st) {
  switch (st.kind) {
    case StatementKind::kQuery: Q(*st.As<QueryStatement>().query); break;
    case StatementKind::kCreateTable: {
      const auto& c = st.As<CreateTableStatement>();
      Add(c.or_replace ? "CREATE OR REPLACE TABLE " : "CREATE TABLE ");
      if (c.if_not_exists) Add("IF NOT EXISTS ");
      Name(c.name);
      if (!c.columns.empty()) Add(" "), Columns(c.columns);
      if (c.provider) Add(" USING "), Id(*c.provider);
      if (!c.partitioned_by.empty()) Add(" PARTITIONED BY "), IdList(c.partitioned_by);
      if (c.location) Add(" LOCATION "), Add(QuoteString(*c.location));
      if (c.comment) Add(" COMMENT "), Add(QuoteString(*c.comment));
      if (!c.properties.empty()) Add(" TBLPROPERTIES "), Props(c.properties);
      if (c.as_query) Add(" AS "), Q(*c.as_query);
      break;
    }
    case StatementKind::kCreateView: {
      const auto& v = st.As<CreateViewStatement>();
      Add("CREATE ");
      if (v.or_replace) Add("OR REPLACE ");
      if (v.temporary) Add("TEMPORARY ");
      Add("VIEW ");
      if (v.if_not_exists) Add("IF NOT EXISTS ");
      Name(v.name);
      if (!v.columns.empty()) Add(" "), IdList(v.columns);
      if (v.comment) Add(" COMMENT "), Add(QuoteString(*v.comment));
      Add(" AS ");
      Q(*v.query);
      break;
    }
    case StatementKind::kDrop: {
      const auto& d = st.As<DropStatement>();
      Add(d.object == ObjectKind::kTable ? "DROP TABLE " : "DROP VIEW ");
      if (d.if_exists) Add("IF EXISTS ");
      Name(d.name);
      break;
    }
    case StatementKind::kAlterTable: {
      const auto& a = st.As<AlterTableStatement>();
      Add("ALTER TABLE ");
      Name(a.name);
      switch (a.action) {
        case AlterAction::kAddColumns: Add(" ADD COLUMNS "), Columns(a.columns); break;
        case AlterAction::kSetProperties: Add(" SET TBLPROPERTIES "), Props(a.properties); break;
        case AlterAction::kUnsetProperties:
          Add(" UNSET TBLPROPERTIES ");
          if (a.if_exists) Add("IF EXISTS ");
          Add("(");
          for (size_t i = 0; i < a.keys.size(); ++i) {
            if (i) Add(", ");
            Add(QuoteString(a.keys[i]));
          }
          Add(")");
          break;
      }
      break;
    }
    case StatementKind::kInsert: {
      const auto& in = st.As<InsertStatement>();
      Add(in.overwrite ? "INSERT OVERWRITE TABLE " : "INSERT INTO TABLE ");
      Name(in.table);
      if (!in.partition.empty()) {
        Add(" PARTITION (");
        for (size_t i = 0; i < in.partition.size(); ++i) {
          if (i) Add(", ");
          Id(in.partition[i].column);
          if (in.partition[i].value) Add(" = "), E(*in.partition[i].value);
        }
        Add(")");
      }
      if (!in.columns.empty()) Add(" "), IdList(in.columns);
      Add(" ");
      Q(*in.query);
      break;
    }
    case StatementKind::kUpdate: {
      const auto& u = st.As<UpdateStatement>();
      Add("UPDATE ");
      Name(u.table);
      if (u.alias) Add(" AS "), Id(*u.alias);
      Add(" SET ");
      Assigns(u.assignments);
      if (u.where) Add(" WHERE "), E(*u.where);
      break;
    }
    case StatementKind::kDelete: {
      const auto& d = st.As<DeleteStatement>();
      Add("DELETE FROM ");
      Name(d.table);
      if (d.alias) Add(" AS "), Id(*d.alias);
      if (d.where) Add(" WHERE "), E(*d.where);
      break;
    }
    case StatementKind::kMerge: {
      const auto& m = st.As<MergeStatement>();
      Add("MERGE INTO ");
      Name(m.target);
      if (m.target_alias) Add(" AS "), Id(*m.target_alias);
      Add(" USING ");
      R(*m.source);
      Add(" ON ");
      E(*m.on);
      for (const auto& c : m.clauses) {
        switch (c.match) {
          case MergeMatch::kMatched: Add(" WHEN MATCHED"); break;
          case MergeMatch::kNotMatchedByTarget: Add(c.by_target_written ? " WHEN NOT MATCHED BY TARGET" : " WHEN NOT MATCHED"); break;
          case MergeMatch::kNotMatchedBySource: Add(" WHEN NOT MATCHED BY SOURCE"); break;
        }
        if (c.condition) Add(" AND "), E(*c.condition);
        Add(" THEN ");
        switch (c.action) {
          case MergeActionKind::kUpdateStar: Add("UPDATE SET *"); break;
          case MergeActionKind::kUpdate: Add("UPDATE SET "), Assigns(c.assignments); break;
          case MergeActionKind::kDelete: Add("DELETE"); break;
          case MergeActionKind::kInsertStar: Add("INSERT *"); break;
          case MergeActionKind::kInsert:
            Add("INSERT ");
            if (!c.insert_columns.empty()) IdList(c.insert_columns), Add(" ");
            Add("VALUES (");
            Exprs(c.insert_values);
            Add(")");
            break;
        }
      }
      break;
    }
    case StatementKind::kOptimize: {
      const auto& o = st.As<OptimizeStatement>();
      Add("OPTIMIZE ");
      Name(o.table);
      if (o.where) Add(" WHERE "), E(*o.where);
      if (!o.zorder_by.empty()) Add(" ZORDER BY ("), Exprs(o.zorder_by), Add(")");
      break;
    }
    case StatementKind::kVacuum: {
      const auto& v = st.As<VacuumStatement>();
      Add("VACUUM ");
      Name(v.table);
      if (v.retain_hours) Add(" RETAIN "), E(*v.retain_hours), Add(" HOURS");
      if (v.dry_run) Add(" DRY RUN");
      break;
    }
    case StatementKind::kRestore: {
      const auto& r = st.As<RestoreStatement>();
      Add("RESTORE TABLE ");
      Name(r.table);
      Add(" TO ");
      TravelTo(r.target);
      break;
    }
    case StatementKind::kDescribe: {
      const auto& d = st.As<DescribeStatement>();
      switch (d.what) {
        case DescribeKind::kDetail: Add("DESCRIBE DETAIL "); break;
        case DescribeKind::kHistory: Add("DESCRIBE HISTORY "); break;
        case DescribeKind::kTable: Add(d.extended ? "DESCRIBE TABLE EXTENDED " : "DESCRIBE TABLE "); break;
      }
      Name(d.table);
      if (d.limit) Add(" LIMIT "), E(*d.limit);
      break;
    }
    case StatementKind::kShow: {
      const auto& s = st.As<ShowStatement>();
      switch (s.what) {
        case ShowKind::kTables:
          Add("SHOW TABLES");
          if (s.name) Add(" IN "), Name(*s.name);
          if (s.pattern) Add(" LIKE "), Add(QuoteString(*s.pattern));
          break;
        case ShowKind::kColumns:
          Add("SHOW COLUMNS IN ");
          if (s.name) Name(*s.name);
          if (s.database) Add(" IN "), Name(*s.database);
          break;
        case ShowKind::kTblProperties:
          Add("SHOW TBLPROPERTIES ");
          if (s.name) Name(*s.name);
          break;
      }
      break;
    }
    case StatementKind::kExplain: {
      const auto& x = st.As<ExplainStatement>();
      Add("EXPLAIN ");
      switch (x.mode) {
        case ExplainMode::kDefault: break;
        case ExplainMode::kExtended: Add("EXTENDED "); break;
        case ExplainMode::kFormatted: Add("FORMATTED "); break;
        case ExplainMode::kCodegen: Add("CODEGEN "); break;
        case ExplainMode::kCost: Add("COST "); break;
      }
      S(*x.statement);
      break;
    }
    case StatementKind::kSet: {
      const auto& s = st.As<SetStatement>();
      Add("SET");
      if (s.key) Add(" "), Add(*s.key);
      if (s.value) Add(" = "), Add(*s.value);
      break;
    }
    case StatementKind::kUse:
      Add("USE ");
      Name(st.As<UseStatement>().database);
      break;
  }
}

}  // namespace tide::sql::internal
