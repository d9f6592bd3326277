// Abstract syntax tree of Tide's Spark-flavoured SQL, as produced by the parser (parser.h).
//
// The tree is plain data for the binder and planner that come after the parser:
//   - Every node carries `pos`, the line and column (1-based) where its text starts, so later
//     layers can report "line 3, column 14: column 'x' not found". Operator nodes (binary,
//     IS / BETWEEN / IN / LIKE, subscript, field access, `::`, set operations, joins) sit at
//     their operator keyword or symbol, which is what a type error should point at.
//   - Names are Identifier values: the spelling exactly as written plus `quoted` for
//     backtick-quoted names. Nothing is case-folded here; resolution rules are the binder's.
//   - A dotted name in an expression (`a.b.c`) is one ColumnRef with all its parts: whether
//     `a` is a table, a column or a struct is decided by the binder.
//   - Children are owned through std::unique_ptr; a parsed tree has no null child unless the
//     field says it is optional. Trees are move-only.
//   - Nesting depth is bounded by the parser (kMaxNestingDepth), so recursive walks over a
//     parsed tree (printing, destruction, binding) cannot exhaust the stack.
//   - ToSql() (printer.h) renders any tree as canonical SQL that parses back to an equal tree.
//
// Expression and table nodes use a `kind` tag and a struct per kind deriving from the base;
// use `As<T>()` after checking the kind.
//
// Thread-safety: nodes are plain values; a tree may be read from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tide::sql {

// Where a node's text starts: 1-based line and column (columns count bytes).
struct SourcePos {
  uint32_t line = 1;
  uint32_t column = 1;
};

// The parser rejects input nested deeper than this (parentheses, operators, subqueries, joins,
// set operations, types): "expression nested too deeply".
inline constexpr int kMaxNestingDepth = 1000;

struct Identifier {
  std::string name;     // as written (without the backticks when quoted)
  bool quoted = false;  // written as `name`
  SourcePos pos;
};

// A possibly qualified name: db.table, catalog.db.table, delta.`/path`.
struct QualifiedName {
  std::vector<Identifier> parts;  // never empty in a parsed tree
  SourcePos pos;
  // A path table `format`.`path` (delta.`/data/t`, parquet.`/x.parquet`): two parts, the first
  // an unquoted word naming a file format, the second quoted.
  bool IsPathTable() const;
};

// ---------------------------------------------------------------------------------- types

enum class TypeName : uint8_t {
  kTinyInt, kSmallInt, kInt, kBigInt, kFloat, kDouble, kDecimal, kString, kVarchar, kChar,
  kBinary, kBoolean, kDate, kTimestamp, kTimestampNtz, kTimestampLtz, kArray, kMap, kStruct,
  kInterval, kVoid,
};

enum class IntervalUnit : uint8_t {
  kYear, kMonth, kWeek, kDay, kHour, kMinute, kSecond, kMillisecond, kMicrosecond,
};

struct TypeSpec;
using TypeSpecPtr = std::unique_ptr<TypeSpec>;

struct StructFieldSpec {
  Identifier name;
  TypeSpecPtr type;
  bool not_null = false;
  std::optional<std::string> comment;
};

// A SQL type as written. `spelling` keeps the name used (LONG, INTEGER, DEC, ...) for messages;
// ToSql prints the canonical name (BIGINT, INT, DECIMAL, ...). ToColumnarType (types.h) maps
// it to a columnar type.
struct TypeSpec {
  TypeName name = TypeName::kInt;
  std::string spelling;
  SourcePos pos;
  // DECIMAL: precision/scale when written (DECIMAL alone is DECIMAL(10,0) in Spark);
  // VARCHAR/CHAR: length in `precision`.
  std::optional<int> precision;
  std::optional<int> scale;
  std::vector<TypeSpecPtr> children;      // ARRAY: element; MAP: key, value
  std::vector<StructFieldSpec> fields;    // STRUCT
  std::optional<IntervalUnit> interval_from;  // INTERVAL DAY TO SECOND etc. (both optional)
  std::optional<IntervalUnit> interval_to;
};

// ---------------------------------------------------------------------------- expressions

struct Query;
using QueryPtr = std::unique_ptr<Query>;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind : uint8_t {
  kLiteral, kInterval, kColumnRef, kStar, kUnary, kBinary, kIs, kBetween, kInList, kInSubquery,
  kLike, kExists, kSubquery, kCase, kCast, kFunction, kLambda, kSubscript, kFieldAccess,
  kExtract,
};

struct Expr {
  explicit Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  template <typename T> T& As() { return static_cast<T&>(*this); }
  template <typename T> const T& As() const { return static_cast<const T&>(*this); }
  ExprKind kind;
  SourcePos pos;
};

enum class NumberSuffix : uint8_t {
  kNone, kL /* BIGINT */, kS /* SMALLINT */, kY /* TINYINT */, kBD /* DECIMAL */, kD /* DOUBLE */,
  kF /* FLOAT */,
};

enum class LiteralKind : uint8_t {
  kNull, kBoolean, kInteger, kDecimal, kDouble, kString, kBinary, kDate, kTimestamp,
  kTimestampNtz, kTimestampLtz,
};

// NULL, TRUE, 42, 42L, 1.5, 1.5BD, 1e3, 'text', X'00FF', DATE '2024-01-01', TIMESTAMP '...'.
// Numbers keep their digits as text (the binder decides the type and range); strings and the
// typed literals keep the decoded text; binary keeps the hex digits (upper case, even count).
struct Literal : Expr {
  explicit Literal(SourcePos p) : Expr(ExprKind::kLiteral, p) {}
  LiteralKind literal_kind = LiteralKind::kNull;
  bool bool_value = false;
  std::string text;
  NumberSuffix suffix = NumberSuffix::kNone;
};

// INTERVAL '1' DAY, INTERVAL 1 DAY 2 HOURS, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1 day'.
struct IntervalLiteral : Expr {
  explicit IntervalLiteral(SourcePos p) : Expr(ExprKind::kInterval, p) {}
  struct Part {
    std::string value;   // the number or string as written (decoded for strings)
    bool negative = false;
    bool is_string = false;
    IntervalUnit unit = IntervalUnit::kDay;
  };
  // Either a single string without unit (INTERVAL '1 day 2 hours': `text` set, parts empty),
  // or one or more parts; `to_unit` only for one part (YEAR TO MONTH, DAY TO SECOND, ...).
  std::optional<std::string> text;
  std::vector<Part> parts;
  std::optional<IntervalUnit> to_unit;
};

// A (possibly dotted) name: column, table.column, struct.field, ... (see header comment).
struct ColumnRef : Expr {
  explicit ColumnRef(SourcePos p) : Expr(ExprKind::kColumnRef, p) {}
  std::vector<Identifier> parts;
};

// `*` or `qualifier.*` (select lists; `count(*)` is a function with one Star argument).
struct Star : Expr {
  explicit Star(SourcePos p) : Expr(ExprKind::kStar, p) {}
  std::vector<Identifier> qualifier;  // empty for a bare *
};

enum class UnaryOp : uint8_t { kNot, kNegate, kPlus, kBitNot };

struct UnaryExpr : Expr {
  explicit UnaryExpr(SourcePos p) : Expr(ExprKind::kUnary, p) {}
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

enum class BinaryOp : uint8_t {
  kOr, kAnd,
  kEq, kNe, kLt, kLe, kGt, kGe, kNullSafeEq,  // = and == are kEq; <> and != are kNe
  kIsDistinctFrom, kIsNotDistinctFrom,
  kBitOr, kBitXor, kBitAnd, kShiftLeft, kShiftRight, kShiftRightUnsigned,
  kAdd, kSubtract, kConcat, kMultiply, kDivide, kModulo, kIntDivide /* DIV */,
};

struct BinaryExpr : Expr {
  explicit BinaryExpr(SourcePos p) : Expr(ExprKind::kBinary, p) {}
  BinaryOp op = BinaryOp::kAnd;
  ExprPtr left;
  ExprPtr right;
};

enum class IsTest : uint8_t { kNull, kTrue, kFalse, kUnknown };

// x IS [NOT] NULL | TRUE | FALSE | UNKNOWN.
struct IsExpr : Expr {
  explicit IsExpr(SourcePos p) : Expr(ExprKind::kIs, p) {}
  IsTest test = IsTest::kNull;
  bool negated = false;
  ExprPtr operand;
};

struct BetweenExpr : Expr {
  explicit BetweenExpr(SourcePos p) : Expr(ExprKind::kBetween, p) {}
  bool negated = false;
  ExprPtr operand, low, high;
};

struct InListExpr : Expr {
  explicit InListExpr(SourcePos p) : Expr(ExprKind::kInList, p) {}
  bool negated = false;
  ExprPtr operand;
  std::vector<ExprPtr> list;  // at least one
};

struct InSubqueryExpr : Expr {
  explicit InSubqueryExpr(SourcePos p) : Expr(ExprKind::kInSubquery, p) {}
  bool negated = false;
  ExprPtr operand;
  QueryPtr query;
};

enum class LikeOp : uint8_t { kLike, kILike, kRLike /* RLIKE and REGEXP */ };

struct LikeExpr : Expr {
  explicit LikeExpr(SourcePos p) : Expr(ExprKind::kLike, p) {}
  LikeOp op = LikeOp::kLike;
  bool negated = false;
  ExprPtr operand, pattern;
  ExprPtr escape;  // optional (LIKE/ILIKE only)
};

// EXISTS (query). NOT EXISTS is UnaryExpr(kNot, ExistsExpr).
struct ExistsExpr : Expr {
  explicit ExistsExpr(SourcePos p) : Expr(ExprKind::kExists, p) {}
  QueryPtr query;
};

// (query) used as a value.
struct SubqueryExpr : Expr {
  explicit SubqueryExpr(SourcePos p) : Expr(ExprKind::kSubquery, p) {}
  QueryPtr query;
};

// CASE [operand] WHEN a THEN b ... [ELSE c] END.
struct CaseExpr : Expr {
  explicit CaseExpr(SourcePos p) : Expr(ExprKind::kCase, p) {}
  ExprPtr operand;  // optional: the simple form
  struct When {
    ExprPtr condition;
    ExprPtr result;
  };
  std::vector<When> whens;  // at least one
  ExprPtr else_result;      // optional
};

// CAST(x AS t), TRY_CAST(x AS t), x::t.
struct CastExpr : Expr {
  explicit CastExpr(SourcePos p) : Expr(ExprKind::kCast, p) {}
  bool try_cast = false;
  ExprPtr operand;
  TypeSpecPtr type;
};

enum class FrameType : uint8_t { kRows, kRange };
enum class BoundKind : uint8_t {
  kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing,
};

struct FrameBound {
  BoundKind kind = BoundKind::kCurrentRow;
  ExprPtr offset;  // kPreceding / kFollowing only
};

struct WindowFrame {
  FrameType type = FrameType::kRows;
  FrameBound start;
  std::optional<FrameBound> end;  // absent for `ROWS n PRECEDING` (no BETWEEN)
};

enum class SortDirection : uint8_t { kDefault, kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
};

// (base_window PARTITION BY ... ORDER BY ... frame).
struct WindowSpec {
  SourcePos pos;
  std::optional<Identifier> base;  // a named window this one extends
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
};

// f(args), f(DISTINCT args), count(*), f(x) WITHIN GROUP (ORDER BY y), f(x) IGNORE NULLS,
// f(x) FILTER (WHERE c), f(x) OVER (spec) / OVER name. Lambdas appear as arguments.
struct FunctionCall : Expr {
  explicit FunctionCall(SourcePos p) : Expr(ExprKind::kFunction, p) {}
  std::vector<Identifier> name;  // qualified name, usually one part
  bool distinct = false;
  std::vector<ExprPtr> args;
  std::vector<OrderItem> within_group;  // percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
  std::optional<bool> ignore_nulls;  // IGNORE NULLS (true) / RESPECT NULLS (false)
  ExprPtr filter;                    // optional
  std::unique_ptr<WindowSpec> over;  // optional: OVER (...)
  std::optional<Identifier> over_name;  // optional: OVER w
};

// x -> body, (x, y) -> body.
struct LambdaExpr : Expr {
  explicit LambdaExpr(SourcePos p) : Expr(ExprKind::kLambda, p) {}
  std::vector<Identifier> params;
  ExprPtr body;
};

// base[index]: array element or map value.
struct SubscriptExpr : Expr {
  explicit SubscriptExpr(SourcePos p) : Expr(ExprKind::kSubscript, p) {}
  ExprPtr base, index;
};

// base.field where base is not a plain name (a[0].f, f(x).g, (s).f).
struct FieldAccessExpr : Expr {
  explicit FieldAccessExpr(SourcePos p) : Expr(ExprKind::kFieldAccess, p) {}
  ExprPtr base;
  Identifier field;
};

// EXTRACT(field FROM source): the field is a word such as YEAR, MONTH, DOW.
struct ExtractExpr : Expr {
  explicit ExtractExpr(SourcePos p) : Expr(ExprKind::kExtract, p) {}
  Identifier field;
  ExprPtr source;
};

// ---------------------------------------------------------------------------------- queries

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

enum class TableRefKind : uint8_t { kNamed, kSubquery, kJoin, kValues, kFunction };

struct TableAlias {
  Identifier name;
  std::vector<Identifier> columns;  // t(a, b)
};

enum class TimeTravelKind : uint8_t { kVersion, kTimestamp };

// VERSION AS OF n | TIMESTAMP AS OF expr.
struct TimeTravel {
  TimeTravelKind kind = TimeTravelKind::kVersion;
  ExprPtr value;
  SourcePos pos;
};

struct TableRef {
  explicit TableRef(TableRefKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~TableRef() = default;
  TableRef(const TableRef&) = delete;
  TableRef& operator=(const TableRef&) = delete;
  template <typename T> T& As() { return static_cast<T&>(*this); }
  template <typename T> const T& As() const { return static_cast<const T&>(*this); }
  TableRefKind kind;
  SourcePos pos;
  std::optional<TableAlias> alias;
};

struct NamedTable : TableRef {
  explicit NamedTable(SourcePos p) : TableRef(TableRefKind::kNamed, p) {}
  QualifiedName name;
  std::optional<TimeTravel> time_travel;
};

struct SubqueryTable : TableRef {
  explicit SubqueryTable(SourcePos p) : TableRef(TableRefKind::kSubquery, p) {}
  QueryPtr query;
};

// VALUES (..), (..) [AS t(a, b)] in FROM.
struct ValuesTable : TableRef {
  explicit ValuesTable(SourcePos p) : TableRef(TableRefKind::kValues, p) {}
  std::vector<std::vector<ExprPtr>> rows;
};

// A table-valued function: range(10), explode(...).
struct FunctionTable : TableRef {
  explicit FunctionTable(SourcePos p) : TableRef(TableRefKind::kFunction, p) {}
  std::vector<Identifier> name;
  std::vector<ExprPtr> args;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kLeftSemi, kLeftAnti, kCross };

struct JoinTable : TableRef {
  explicit JoinTable(SourcePos p) : TableRef(TableRefKind::kJoin, p) {}
  JoinType join_type = JoinType::kInner;
  bool natural = false;
  TableRefPtr left, right;
  ExprPtr on;                       // optional
  std::vector<Identifier> using_columns;  // USING (a, b); empty when ON or neither
  // A parenthesized join `(a JOIN b)` keeps its alias in TableRef::alias.
};

struct SelectItem {
  ExprPtr expr;  // may be a Star
  std::optional<Identifier> alias;
};

enum class GroupingKind : uint8_t { kExpr, kRollup, kCube, kGroupingSets };

struct GroupingElement {
  GroupingKind kind = GroupingKind::kExpr;
  ExprPtr expr;                                // kExpr
  std::vector<ExprPtr> exprs;                  // kRollup / kCube
  std::vector<std::vector<ExprPtr>> sets;      // kGroupingSets: each set, possibly empty ()
};

struct NamedWindow {
  Identifier name;
  WindowSpec spec;
};

enum class QueryBodyKind : uint8_t { kSelect, kSetOp, kValues, kNested };
struct QueryBody;
using QueryBodyPtr = std::unique_ptr<QueryBody>;

struct QueryBody {
  explicit QueryBody(QueryBodyKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~QueryBody() = default;
  QueryBody(const QueryBody&) = delete;
  QueryBody& operator=(const QueryBody&) = delete;
  template <typename T> T& As() { return static_cast<T&>(*this); }
  template <typename T> const T& As() const { return static_cast<const T&>(*this); }
  QueryBodyKind kind;
  SourcePos pos;
};

// LATERAL VIEW [OUTER] generator(args) table [AS] col1, col2 (Spark/Hive): after all FROM
// items, each view in order joins every row of what precedes it with the rows its generator
// (explode, posexplode, inline, json_tuple, ...) makes of that row; OUTER keeps a row whose
// generator makes none (with NULL columns). `columns` empty: the generator's own names.
struct LateralView {
  SourcePos pos;
  bool outer = false;
  ExprPtr generator;  // a FunctionCall (no OVER / FILTER / DISTINCT)
  Identifier table;
  std::vector<Identifier> columns;
};

struct SelectBody : QueryBody {
  explicit SelectBody(SourcePos p) : QueryBody(QueryBodyKind::kSelect, p) {}
  bool distinct = false;
  std::vector<SelectItem> items;      // at least one
  std::vector<TableRefPtr> from;      // FROM a, b JOIN c: one entry per comma-separated item
  std::vector<LateralView> lateral_views;  // only after a non-empty FROM
  ExprPtr where;                      // optional
  std::vector<GroupingElement> group_by;
  ExprPtr having;                     // optional
  std::vector<NamedWindow> windows;   // WINDOW w AS (...)
};

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

// left UNION [ALL|DISTINCT] right; INTERSECT binds tighter than UNION and EXCEPT.
struct SetOpBody : QueryBody {
  explicit SetOpBody(SourcePos p) : QueryBody(QueryBodyKind::kSetOp, p) {}
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;
  QueryBodyPtr left, right;
};

// VALUES (1, 'a'), (2, 'b') as a query.
struct ValuesBody : QueryBody {
  explicit ValuesBody(SourcePos p) : QueryBody(QueryBodyKind::kValues, p) {}
  std::vector<std::vector<ExprPtr>> rows;  // at least one row, all non-empty
};

// A parenthesized query with its own WITH / ORDER BY / LIMIT, used as a set operand.
struct NestedBody : QueryBody {
  explicit NestedBody(SourcePos p) : QueryBody(QueryBodyKind::kNested, p) {}
  QueryPtr query;
};

struct Cte {
  Identifier name;
  std::vector<Identifier> columns;  // WITH t(a, b) AS (...)
  QueryPtr query;
};

struct Query {
  SourcePos pos;
  std::vector<Cte> ctes;
  QueryBodyPtr body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;   // optional; LIMIT ALL leaves it empty
  ExprPtr offset;  // optional
};

// ------------------------------------------------------------------------------ statements

enum class StatementKind : uint8_t {
  kQuery, kCreateTable, kCreateView, kDrop, kAlterTable, kInsert, kUpdate, kDelete, kMerge,
  kOptimize, kVacuum, kRestore, kDescribe, kShow, kExplain, kSet, kUse,
};

struct Statement {
  explicit Statement(StatementKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  template <typename T> T& As() { return static_cast<T&>(*this); }
  template <typename T> const T& As() const { return static_cast<const T&>(*this); }
  StatementKind kind;
  SourcePos pos;
};
using StatementPtr = std::unique_ptr<Statement>;

struct QueryStatement : Statement {
  explicit QueryStatement(SourcePos p) : Statement(StatementKind::kQuery, p) {}
  QueryPtr query;
};

struct ColumnDef {
  Identifier name;
  TypeSpecPtr type;
  bool not_null = false;
  std::optional<std::string> comment;
  SourcePos pos;
};

// 'key' = 'value' in TBLPROPERTIES. Keys may be written as dotted words (delta.appendOnly) or
// strings; values as strings, numbers or booleans. Both are kept as text.
struct Property {
  std::string key;
  std::string value;
  SourcePos pos;
};

struct CreateTableStatement : Statement {
  explicit CreateTableStatement(SourcePos p) : Statement(StatementKind::kCreateTable, p) {}
  bool or_replace = false;
  bool if_not_exists = false;
  QualifiedName name;
  std::vector<ColumnDef> columns;          // may be empty with AS query
  std::optional<Identifier> provider;      // USING DELTA
  std::vector<Identifier> partitioned_by;
  std::optional<std::string> location;
  std::optional<std::string> comment;
  std::vector<Property> properties;
  QueryPtr as_query;                       // optional
};

struct CreateViewStatement : Statement {
  explicit CreateViewStatement(SourcePos p) : Statement(StatementKind::kCreateView, p) {}
  bool or_replace = false;
  bool temporary = false;
  bool if_not_exists = false;
  QualifiedName name;
  std::vector<Identifier> columns;
  std::optional<std::string> comment;
  QueryPtr query;
};

enum class ObjectKind : uint8_t { kTable, kView };

struct DropStatement : Statement {
  explicit DropStatement(SourcePos p) : Statement(StatementKind::kDrop, p) {}
  ObjectKind object = ObjectKind::kTable;
  bool if_exists = false;
  QualifiedName name;
};

enum class AlterAction : uint8_t { kAddColumns, kSetProperties, kUnsetProperties };

struct AlterTableStatement : Statement {
  explicit AlterTableStatement(SourcePos p) : Statement(StatementKind::kAlterTable, p) {}
  QualifiedName name;
  AlterAction action = AlterAction::kAddColumns;
  std::vector<ColumnDef> columns;      // kAddColumns
  std::vector<Property> properties;    // kSetProperties
  std::vector<std::string> keys;       // kUnsetProperties
  bool if_exists = false;              // UNSET TBLPROPERTIES IF EXISTS
};

struct PartitionValue {
  Identifier column;
  ExprPtr value;  // optional: PARTITION (dt) without a value is a dynamic partition
};

struct InsertStatement : Statement {
  explicit InsertStatement(SourcePos p) : Statement(StatementKind::kInsert, p) {}
  bool overwrite = false;
  QualifiedName table;
  std::vector<PartitionValue> partition;
  std::vector<Identifier> columns;
  QueryPtr query;  // a query or VALUES (a ValuesBody)
};

struct Assignment {
  std::vector<Identifier> target;  // column, possibly qualified (t.col)
  ExprPtr value;
  SourcePos pos;
};

struct UpdateStatement : Statement {
  explicit UpdateStatement(SourcePos p) : Statement(StatementKind::kUpdate, p) {}
  QualifiedName table;
  std::optional<Identifier> alias;
  std::vector<Assignment> assignments;
  ExprPtr where;  // optional
};

struct DeleteStatement : Statement {
  explicit DeleteStatement(SourcePos p) : Statement(StatementKind::kDelete, p) {}
  QualifiedName table;
  std::optional<Identifier> alias;
  ExprPtr where;  // optional
};

enum class MergeMatch : uint8_t { kMatched, kNotMatchedByTarget, kNotMatchedBySource };
enum class MergeActionKind : uint8_t { kUpdateStar, kUpdate, kDelete, kInsertStar, kInsert };

struct MergeClause {
  MergeMatch match = MergeMatch::kMatched;
  bool by_target_written = false;  // WHEN NOT MATCHED BY TARGET (same meaning as without)
  ExprPtr condition;               // optional AND condition
  MergeActionKind action = MergeActionKind::kDelete;
  std::vector<Assignment> assignments;  // kUpdate
  std::vector<Identifier> insert_columns;  // kInsert (may be empty: INSERT VALUES (...))
  std::vector<ExprPtr> insert_values;      // kInsert
  SourcePos pos;
};

struct MergeStatement : Statement {
  explicit MergeStatement(SourcePos p) : Statement(StatementKind::kMerge, p) {}
  QualifiedName target;
  std::optional<Identifier> target_alias;
  TableRefPtr source;  // a NamedTable or SubqueryTable, with its alias
  ExprPtr on;
  std::vector<MergeClause> clauses;  // at least one
};

struct OptimizeStatement : Statement {
  explicit OptimizeStatement(SourcePos p) : Statement(StatementKind::kOptimize, p) {}
  QualifiedName table;
  ExprPtr where;  // optional
  std::vector<ExprPtr> zorder_by;
};

struct VacuumStatement : Statement {
  explicit VacuumStatement(SourcePos p) : Statement(StatementKind::kVacuum, p) {}
  QualifiedName table;
  ExprPtr retain_hours;  // optional: RETAIN n HOURS
  bool dry_run = false;
};

struct RestoreStatement : Statement {
  explicit RestoreStatement(SourcePos p) : Statement(StatementKind::kRestore, p) {}
  QualifiedName table;
  TimeTravel target;
};

enum class DescribeKind : uint8_t { kTable, kDetail, kHistory };

struct DescribeStatement : Statement {
  explicit DescribeStatement(SourcePos p) : Statement(StatementKind::kDescribe, p) {}
  DescribeKind what = DescribeKind::kTable;
  bool extended = false;  // DESCRIBE [TABLE] EXTENDED | FORMATTED
  QualifiedName table;
  ExprPtr limit;          // DESCRIBE HISTORY t LIMIT n
};

enum class ShowKind : uint8_t { kTables, kColumns, kTblProperties };

struct ShowStatement : Statement {
  explicit ShowStatement(SourcePos p) : Statement(StatementKind::kShow, p) {}
  ShowKind what = ShowKind::kTables;
  std::optional<QualifiedName> name;     // SHOW TABLES IN db / SHOW COLUMNS IN t / SHOW TBLPROPERTIES t
  std::optional<QualifiedName> database; // SHOW COLUMNS IN t IN db
  std::optional<std::string> pattern;    // SHOW TABLES LIKE 'pat'
};

enum class ExplainMode : uint8_t { kDefault, kExtended, kFormatted, kCodegen, kCost };

struct ExplainStatement : Statement {
  explicit ExplainStatement(SourcePos p) : Statement(StatementKind::kExplain, p) {}
  ExplainMode mode = ExplainMode::kDefault;
  StatementPtr statement;
};

// SET key = value (both raw text, trimmed, as Spark reads them), SET key (show one),
// SET (show all).
struct SetStatement : Statement {
  explicit SetStatement(SourcePos p) : Statement(StatementKind::kSet, p) {}
  std::optional<std::string> key;
  std::optional<std::string> value;
};

struct UseStatement : Statement {
  explicit UseStatement(SourcePos p) : Statement(StatementKind::kUse, p) {}
  QualifiedName database;
};

}  // namespace tide::sql
