// Statements: DDL, DML, Delta maintenance, DESCRIBE / SHOW / EXPLAIN / SET.
#include "sql/parser_internal.h"

namespace tide::sql::internal {
namespace {

template <typename T>
std::unique_ptr<T> Make(SourcePos pos) {
  return std::make_unique<T>(pos);
}

// Trims ASCII whitespace at both ends.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<StatementPtr> Parser::Statement() {
  Nest nest(this);
  if (Deep()) return TooDeep();
  SourcePos pos = Cur().pos;
  if (QueryAhead() || Is(TokenKind::kLParen) || (IsWord("TABLE") && IsIdentifierStart(1))) {
    auto stmt = Make<QueryStatement>(pos);
    TIDE_ASSIGN_OR_RETURN(stmt->query, Query());
    return StatementPtr(std::move(stmt));
  }
  if (IsWord("CREATE")) return Create();
  if (IsWord("DROP")) return Drop();
  if (IsWord("ALTER")) return Alter();
  if (IsWord("INSERT")) return Insert();
  if (IsWord("UPDATE")) return Update();
  if (IsWord("DELETE")) return Delete();
  if (IsWord("MERGE")) return Merge();
  if (IsWord("OPTIMIZE")) return Optimize();
  if (IsWord("VACUUM")) return Vacuum();
  if (IsWord("RESTORE")) return Restore();
  if (IsWord("DESCRIBE") || IsWord("DESC")) return Describe();
  if (IsWord("SHOW")) return Show();
  if (IsWord("EXPLAIN")) return Explain();
  if (IsWord("SET")) return Set();
  if (IsWord("USE")) {
    Advance();
    AcceptWord("DATABASE") || AcceptWord("SCHEMA") || AcceptWord("NAMESPACE");
    auto stmt = Make<UseStatement>(pos);
    TIDE_ASSIGN_OR_RETURN(stmt->database, QualifiedName_());
    return StatementPtr(std::move(stmt));
  }
  return Expected("a statement (SELECT, INSERT, MERGE, CREATE, ...)");
}

Result<StatementPtr> Parser::Create() {
  SourcePos pos = Cur().pos;
  Advance();  // CREATE
  bool or_replace = false;
  if (IsWord("OR")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("REPLACE"));
    or_replace = true;
  }
  bool temporary = false;
  if (AcceptWord("GLOBAL")) {
    if (!AcceptWord("TEMPORARY") && !AcceptWord("TEMP")) return Expected("TEMPORARY");
    temporary = true;
  } else if (AcceptWord("TEMPORARY") || AcceptWord("TEMP")) {
    temporary = true;
  }
  if (!temporary && AcceptWord("TABLE")) return CreateTable(pos, or_replace);
  if (AcceptWord("VIEW")) return CreateView(pos, or_replace, temporary);
  return Expected(temporary ? "VIEW" : "TABLE or VIEW");
}

Result<StatementPtr> Parser::CreateTable(SourcePos pos, bool or_replace) {
  auto stmt = Make<CreateTableStatement>(pos);
  stmt->or_replace = or_replace;
  if (IsWord("IF")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("NOT"));
    TIDE_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    stmt->if_not_exists = true;
  }
  TIDE_ASSIGN_OR_RETURN(stmt->name, QualifiedName_());
  if (Is(TokenKind::kLParen) && !ParenQueryAhead()) {
    TIDE_ASSIGN_OR_RETURN(stmt->columns, ColumnDefs());
  }
  if (AcceptWord("USING")) {
    TIDE_ASSIGN_OR_RETURN(auto provider, Ident());
    stmt->provider = std::move(provider);
  }
  // The table clauses come in any order, each at most once.
  for (;;) {
    SourcePos at = Cur().pos;
    if (IsWord("PARTITIONED") && IsWord("BY", 1)) {
      if (!stmt->partitioned_by.empty()) return ErrorAt(at, "PARTITIONED BY given twice");
      Advance();
      Advance();
      TIDE_ASSIGN_OR_RETURN(stmt->partitioned_by, IdentList());
    } else if (IsWord("LOCATION")) {
      if (stmt->location) return ErrorAt(at, "LOCATION given twice");
      Advance();
      TIDE_ASSIGN_OR_RETURN(auto loc, StringLiteral("a string"));
      stmt->location = std::move(loc);
    } else if (IsWord("COMMENT")) {
      if (stmt->comment) return ErrorAt(at, "COMMENT given twice");
      Advance();
      TIDE_ASSIGN_OR_RETURN(auto c, StringLiteral("a string"));
      stmt->comment = std::move(c);
    } else if (IsWord("TBLPROPERTIES")) {
      if (!stmt->properties.empty()) return ErrorAt(at, "TBLPROPERTIES given twice");
      Advance();
      TIDE_ASSIGN_OR_RETURN(stmt->properties, Properties());
    } else {
      break;
    }
  }
  bool as = AcceptWord("AS");
  if (as || QueryAhead() || Is(TokenKind::kLParen)) {
    TIDE_ASSIGN_OR_RETURN(stmt->as_query, Query());
  }
  if (stmt->columns.empty() && !stmt->as_query) {
    return Expected("a column list '(' or AS query");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::CreateView(SourcePos pos, bool or_replace, bool temporary) {
  auto stmt = Make<CreateViewStatement>(pos);
  stmt->or_replace = or_replace;
  stmt->temporary = temporary;
  if (IsWord("IF")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("NOT"));
    TIDE_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    stmt->if_not_exists = true;
  }
  TIDE_ASSIGN_OR_RETURN(stmt->name, QualifiedName_());
  if (Is(TokenKind::kLParen)) {
    TIDE_ASSIGN_OR_RETURN(stmt->columns, IdentList());
  }
  if (AcceptWord("COMMENT")) {
    TIDE_ASSIGN_OR_RETURN(auto c, StringLiteral("a string"));
    stmt->comment = std::move(c);
  }
  TIDE_RETURN_IF_ERROR(ExpectWord("AS"));
  TIDE_ASSIGN_OR_RETURN(stmt->query, Query());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Drop() {
  auto stmt = Make<DropStatement>(Cur().pos);
  Advance();
  if (AcceptWord("TABLE")) stmt->object = ObjectKind::kTable;
  else if (AcceptWord("VIEW")) stmt->object = ObjectKind::kView;
  else return Expected("TABLE or VIEW");
  if (IsWord("IF")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    stmt->if_exists = true;
  }
  TIDE_ASSIGN_OR_RETURN(stmt->name, QualifiedName_());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Alter() {
  auto stmt = Make<AlterTableStatement>(Cur().pos);
  Advance();
  TIDE_RETURN_IF_ERROR(ExpectWord("TABLE"));
  TIDE_ASSIGN_OR_RETURN(stmt->name, QualifiedName_());
  if (AcceptWord("ADD")) {
    stmt->action = AlterAction::kAddColumns;
    if (AcceptWord("COLUMNS")) {
      TIDE_ASSIGN_OR_RETURN(stmt->columns, ColumnDefs());
    } else if (AcceptWord("COLUMN")) {
      TIDE_ASSIGN_OR_RETURN(auto def, ColumnDef_());
      stmt->columns.push_back(std::move(def));
    } else {
      return Expected("COLUMNS or COLUMN");
    }
  } else if (AcceptWord("SET")) {
    TIDE_RETURN_IF_ERROR(ExpectWord("TBLPROPERTIES"));
    stmt->action = AlterAction::kSetProperties;
    TIDE_ASSIGN_OR_RETURN(stmt->properties, Properties());
  } else if (AcceptWord("UNSET")) {
    TIDE_RETURN_IF_ERROR(ExpectWord("TBLPROPERTIES"));
    stmt->action = AlterAction::kUnsetProperties;
    if (IsWord("IF")) {
      Advance();
      TIDE_RETURN_IF_ERROR(ExpectWord("EXISTS"));
      stmt->if_exists = true;
    }
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    do {
      TIDE_ASSIGN_OR_RETURN(auto key, PropertyKey());
      stmt->keys.push_back(std::move(key));
    } while (Accept(TokenKind::kComma));
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  } else {
    return Expected("ADD COLUMNS, SET TBLPROPERTIES or UNSET TBLPROPERTIES");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Insert() {
  auto stmt = Make<InsertStatement>(Cur().pos);
  Advance();
  if (AcceptWord("OVERWRITE")) {
    stmt->overwrite = true;
    AcceptWord("TABLE");
  } else if (AcceptWord("INTO")) {
    AcceptWord("TABLE");
  } else {
    return Expected("INTO or OVERWRITE");
  }
  TIDE_ASSIGN_OR_RETURN(stmt->table, QualifiedName_());
  if (AcceptWord("PARTITION")) {
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    do {
      PartitionValue pv;
      TIDE_ASSIGN_OR_RETURN(pv.column, Ident());
      if (Accept(TokenKind::kEq)) {
        TIDE_ASSIGN_OR_RETURN(pv.value, Expr());
      }
      stmt->partition.push_back(std::move(pv));
    } while (Accept(TokenKind::kComma));
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  if (Is(TokenKind::kLParen) && !ParenQueryAhead()) {
    TIDE_ASSIGN_OR_RETURN(stmt->columns, IdentList());
  }
  if (!QueryAhead() && !Is(TokenKind::kLParen) && !(IsWord("TABLE") && IsIdentifierStart(1))) {
    return Expected("a query or VALUES");
  }
  TIDE_ASSIGN_OR_RETURN(stmt->query, Query());
  return StatementPtr(std::move(stmt));
}

Result<std::vector<Assignment>> Parser::Assignments() {
  std::vector<Assignment> out;
  do {
    Assignment a;
    a.pos = Cur().pos;
    TIDE_ASSIGN_OR_RETURN(auto target, QualifiedName_());
    a.target = std::move(target.parts);
    TIDE_RETURN_IF_ERROR(Expect(TokenKind::kEq));
    TIDE_ASSIGN_OR_RETURN(a.value, Expr());
    out.push_back(std::move(a));
  } while (Accept(TokenKind::kComma));
  return out;
}

Result<StatementPtr> Parser::Update() {
  auto stmt = Make<UpdateStatement>(Cur().pos);
  Advance();
  TIDE_ASSIGN_OR_RETURN(stmt->table, QualifiedName_());
  TIDE_ASSIGN_OR_RETURN(stmt->alias, OptionalAlias());
  TIDE_RETURN_IF_ERROR(ExpectWord("SET"));
  TIDE_ASSIGN_OR_RETURN(stmt->assignments, Assignments());
  if (AcceptWord("WHERE")) {
    TIDE_ASSIGN_OR_RETURN(stmt->where, Expr());
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Delete() {
  auto stmt = Make<DeleteStatement>(Cur().pos);
  Advance();
  TIDE_RETURN_IF_ERROR(ExpectWord("FROM"));
  TIDE_ASSIGN_OR_RETURN(stmt->table, QualifiedName_());
  TIDE_ASSIGN_OR_RETURN(stmt->alias, OptionalAlias());
  if (AcceptWord("WHERE")) {
    TIDE_ASSIGN_OR_RETURN(stmt->where, Expr());
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Merge() {
  auto stmt = Make<MergeStatement>(Cur().pos);
  Advance();
  TIDE_RETURN_IF_ERROR(ExpectWord("INTO"));
  TIDE_ASSIGN_OR_RETURN(stmt->target, QualifiedName_());
  TIDE_ASSIGN_OR_RETURN(stmt->target_alias, OptionalAlias());
  TIDE_RETURN_IF_ERROR(ExpectWord("USING"));
  if (!Is(TokenKind::kLParen) && !IsIdentifierStart()) return Expected("a table name or '('");
  TIDE_ASSIGN_OR_RETURN(stmt->source, TablePrimary());
  TIDE_RETURN_IF_ERROR(ExpectWord("ON"));
  TIDE_ASSIGN_OR_RETURN(stmt->on, Expr());
  while (IsWord("WHEN")) {
    MergeClause clause;
    clause.pos = Cur().pos;
    Advance();
    if (AcceptWord("MATCHED")) {
      clause.match = MergeMatch::kMatched;
    } else if (AcceptWord("NOT")) {
      TIDE_RETURN_IF_ERROR(ExpectWord("MATCHED"));
      clause.match = MergeMatch::kNotMatchedByTarget;
      if (AcceptWord("BY")) {
        if (AcceptWord("TARGET")) {
          clause.by_target_written = true;
        } else if (AcceptWord("SOURCE")) {
          clause.match = MergeMatch::kNotMatchedBySource;
        } else {
          return Expected("TARGET or SOURCE");
        }
      }
    } else {
      return Expected("MATCHED or NOT MATCHED");
    }
    if (AcceptWord("AND")) {
      TIDE_ASSIGN_OR_RETURN(clause.condition, Expr());
    }
    TIDE_RETURN_IF_ERROR(ExpectWord("THEN"));
    bool inserting = clause.match == MergeMatch::kNotMatchedByTarget;
    if (inserting) {
      TIDE_RETURN_IF_ERROR(ExpectWord("INSERT"));
      if (Accept(TokenKind::kStar)) {
        clause.action = MergeActionKind::kInsertStar;
      } else {
        clause.action = MergeActionKind::kInsert;
        if (Is(TokenKind::kLParen)) {
          TIDE_ASSIGN_OR_RETURN(clause.insert_columns, IdentList());
        }
        TIDE_RETURN_IF_ERROR(ExpectWord("VALUES"));
        TIDE_ASSIGN_OR_RETURN(clause.insert_values, ParenExprList(false));
        if (!clause.insert_columns.empty() && clause.insert_columns.size() != clause.insert_values.size()) {
          return ErrorAt(clause.pos, "INSERT has " + std::to_string(clause.insert_columns.size()) + " columns but " +
                                         std::to_string(clause.insert_values.size()) + " values");
        }
      }
    } else if (AcceptWord("DELETE")) {
      clause.action = MergeActionKind::kDelete;
    } else if (AcceptWord("UPDATE")) {
      TIDE_RETURN_IF_ERROR(ExpectWord("SET"));
      if (clause.match == MergeMatch::kMatched && Accept(TokenKind::kStar)) {
        clause.action = MergeActionKind::kUpdateStar;
      } else {
        clause.action = MergeActionKind::kUpdate;
        TIDE_ASSIGN_OR_RETURN(clause.assignments, Assignments());
      }
    } else {
      return Expected("UPDATE or DELETE");
    }
    stmt->clauses.push_back(std::move(clause));
  }
  if (stmt->clauses.empty()) return Expected("WHEN");
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Optimize() {
  auto stmt = Make<OptimizeStatement>(Cur().pos);
  Advance();
  TIDE_ASSIGN_OR_RETURN(stmt->table, TableNameOrPath());
  if (AcceptWord("WHERE")) {
    TIDE_ASSIGN_OR_RETURN(stmt->where, Expr());
  }
  if (IsWord("ZORDER")) {
    Advance();
    TIDE_RETURN_IF_ERROR(ExpectWord("BY"));
    if (Is(TokenKind::kLParen)) {
      TIDE_ASSIGN_OR_RETURN(stmt->zorder_by, ParenExprList(false));
    } else {
      TIDE_ASSIGN_OR_RETURN(stmt->zorder_by, ExprList());
    }
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Vacuum() {
  auto stmt = Make<VacuumStatement>(Cur().pos);
  Advance();
  TIDE_ASSIGN_OR_RETURN(stmt->table, TableNameOrPath());
  if (AcceptWord("RETAIN")) {
    TIDE_ASSIGN_OR_RETURN(stmt->retain_hours, Binary(6));
    TIDE_RETURN_IF_ERROR(ExpectWord("HOURS"));
  }
  if (AcceptWord("DRY")) {
    TIDE_RETURN_IF_ERROR(ExpectWord("RUN"));
    stmt->dry_run = true;
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Restore() {
  auto stmt = Make<RestoreStatement>(Cur().pos);
  Advance();
  AcceptWord("TABLE");
  TIDE_ASSIGN_OR_RETURN(stmt->table, TableNameOrPath());
  AcceptWord("TO");
  TIDE_ASSIGN_OR_RETURN(auto tt, OptionalTimeTravel());
  if (!tt) return Expected("VERSION AS OF or TIMESTAMP AS OF");
  stmt->target = std::move(*tt);
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Describe() {
  auto stmt = Make<DescribeStatement>(Cur().pos);
  Advance();
  // DETAIL / HISTORY / EXTENDED are keywords only when a table name follows them, so
  // `DESCRIBE history` still describes a table named history.
  if (IsWord("DETAIL") && (IsIdentifierStart(1) || Is(TokenKind::kString, 1))) {
    Advance();
    stmt->what = DescribeKind::kDetail;
  } else if (IsWord("HISTORY") && (IsIdentifierStart(1) || Is(TokenKind::kString, 1))) {
    Advance();
    stmt->what = DescribeKind::kHistory;
  } else {
    if (IsWord("TABLE") && IsIdentifierStart(1)) Advance();
    if ((IsWord("EXTENDED") || IsWord("FORMATTED")) && IsIdentifierStart(1)) {
      Advance();
      stmt->extended = true;
    }
  }
  TIDE_ASSIGN_OR_RETURN(stmt->table, TableNameOrPath());
  if (stmt->what == DescribeKind::kHistory && AcceptWord("LIMIT")) {
    TIDE_ASSIGN_OR_RETURN(stmt->limit, Binary(6));
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Show() {
  auto stmt = Make<ShowStatement>(Cur().pos);
  Advance();
  if (AcceptWord("TABLES")) {
    stmt->what = ShowKind::kTables;
    if (AcceptWord("IN") || AcceptWord("FROM")) {
      TIDE_ASSIGN_OR_RETURN(auto db, QualifiedName_());
      stmt->name = std::move(db);
    }
    if (AcceptWord("LIKE") || Is(TokenKind::kString)) {
      TIDE_ASSIGN_OR_RETURN(auto pat, StringLiteral("a string"));
      stmt->pattern = std::move(pat);
    }
  } else if (AcceptWord("COLUMNS")) {
    stmt->what = ShowKind::kColumns;
    if (!AcceptWord("IN") && !AcceptWord("FROM")) return Expected("IN or FROM");
    TIDE_ASSIGN_OR_RETURN(auto table, QualifiedName_());
    stmt->name = std::move(table);
    if (AcceptWord("IN") || AcceptWord("FROM")) {
      TIDE_ASSIGN_OR_RETURN(auto db, QualifiedName_());
      stmt->database = std::move(db);
    }
  } else if (AcceptWord("TBLPROPERTIES")) {
    stmt->what = ShowKind::kTblProperties;
    TIDE_ASSIGN_OR_RETURN(auto table, QualifiedName_());
    stmt->name = std::move(table);
  } else {
    return Expected("TABLES, COLUMNS or TBLPROPERTIES");
  }
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Explain() {
  auto stmt = Make<ExplainStatement>(Cur().pos);
  Advance();
  if (AcceptWord("EXTENDED")) stmt->mode = ExplainMode::kExtended;
  else if (AcceptWord("FORMATTED")) stmt->mode = ExplainMode::kFormatted;
  else if (AcceptWord("CODEGEN")) stmt->mode = ExplainMode::kCodegen;
  else if (AcceptWord("COST")) stmt->mode = ExplainMode::kCost;
  TIDE_ASSIGN_OR_RETURN(stmt->statement, Statement());
  return StatementPtr(std::move(stmt));
}

Result<StatementPtr> Parser::Set() {
  // Spark reads SET's key and value as raw text: `SET spark.sql.shuffle.partitions = 8`.
  auto stmt = Make<SetStatement>(Cur().pos);
  Advance();
  size_t begin = pos_;
  size_t end = begin;
  while (!Is(TokenKind::kEnd, end - pos_) && !Is(TokenKind::kSemicolon, end - pos_)) ++end;
  if (begin == end) return StatementPtr(std::move(stmt));  // SET: list everything
  size_t eq = begin;
  while (eq < end && TokenAt(eq).kind != TokenKind::kEq) ++eq;
  auto text = [&](size_t from, size_t to) {  // source text of tokens [from, to)
    const Token& a = TokenAt(from);
    const Token& b = TokenAt(to - 1);
    return std::string(Trim(src_.substr(a.offset, b.offset + b.length - a.offset)));
  };
  if (eq == begin) {
    pos_ = eq;
    return Expected("a configuration key");
  }
  stmt->key = text(begin, eq);
  if (eq < end) {
    stmt->value = eq + 1 < end ? text(eq + 1, end) : std::string();
  }
  pos_ = end;
  return StatementPtr(std::move(stmt));
}

Result<ColumnDef> Parser::ColumnDef_() {
  ColumnDef def;
  def.pos = Cur().pos;
  TIDE_ASSIGN_OR_RETURN(def.name, Ident());
  TIDE_ASSIGN_OR_RETURN(def.type, Type());
  for (;;) {
    if (IsWord("NOT") && IsWord("NULL", 1)) {
      Advance();
      Advance();
      def.not_null = true;
    } else if (IsWord("COMMENT") && Is(TokenKind::kString, 1)) {
      Advance();
      TIDE_ASSIGN_OR_RETURN(auto c, StringLiteral("a string"));
      def.comment = std::move(c);
    } else {
      break;
    }
  }
  return def;
}

Result<std::vector<ColumnDef>> Parser::ColumnDefs() {
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<ColumnDef> out;
  do {
    TIDE_ASSIGN_OR_RETURN(auto def, ColumnDef_());
    out.push_back(std::move(def));
  } while (Accept(TokenKind::kComma));
  if (!Is(TokenKind::kRParen)) return Expected("',' or ')'");
  Advance();
  return out;
}

Result<std::string> Parser::PropertyKey() {
  if (Is(TokenKind::kString)) return StringLiteral("a string");
  TIDE_ASSIGN_OR_RETURN(auto name, QualifiedName_());
  std::string key;
  for (size_t i = 0; i < name.parts.size(); ++i) {
    if (i) key += '.';
    key += name.parts[i].name;
  }
  return key;
}

Result<std::vector<Property>> Parser::Properties() {
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  std::vector<Property> out;
  do {
    Property prop;
    prop.pos = Cur().pos;
    TIDE_ASSIGN_OR_RETURN(prop.key, PropertyKey());
    Accept(TokenKind::kEq);  // Spark allows `'k' 'v'` without '='
    const Token& v = Cur();
    if (v.kind == TokenKind::kString) {
      TIDE_ASSIGN_OR_RETURN(prop.value, StringLiteral("a string"));
    } else if (v.kind == TokenKind::kInteger || v.kind == TokenKind::kDecimal || v.kind == TokenKind::kDouble ||
               (v.kind == TokenKind::kWord && (EqualsKeyword(v.text, "TRUE") || EqualsKeyword(v.text, "FALSE")))) {
      prop.value = std::string(v.text);
      Advance();
    } else {
      return Expected("a property value (string, number or boolean)");
    }
    out.push_back(std::move(prop));
  } while (Accept(TokenKind::kComma));
  TIDE_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  return out;
}

}  // namespace tide::sql::internal
