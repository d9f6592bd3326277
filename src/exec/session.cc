#include "exec/session.h"

#include <chrono>

#include "base/strings.h"
#include "exec/catalog.h"
#include "exec/statements/statements.h"
#include "sql/parser.h"

namespace tide::exec {

namespace col = tide::columnar;
using base::Status;

int64_t StatementResult::num_rows() const {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

Session::Session(SessionOptions options)
    : options_(std::move(options)), catalog_(std::make_unique<Catalog>(options_.data_dir)) {
  // Spill files go under the data directory unless told otherwise (ExecSettings::spill_dir).
  if (options_.settings.spill_dir.empty()) options_.settings.spill_dir = catalog_->data_dir() + "/tmp";
  catalog_->set_batch_rows(options_.settings.batch_size > 0 ? options_.settings.batch_size : 8192);
}

Session::~Session() = default;

void Session::InitEnv(stmt::StatementEnv* env, std::string_view sql) {
  env->source = sql;
  env->catalog = catalog_.get();
  env->settings = &options_.settings;
  env->conf = &conf_;
  env->set_running = [this](std::shared_ptr<QueryContext> ctx) {
    std::lock_guard<std::mutex> lock(running_mu_);
    // A cancel that came while no context ran (binding, between a DML's queries) still holds.
    if (ctx && cancel_requested_) ctx->Cancel();
    running_ = std::move(ctx);
  };
}

void Session::Cancel() {
  std::lock_guard<std::mutex> lock(running_mu_);
  if (!in_statement_) return;
  cancel_requested_ = true;
  if (running_) running_->Cancel();
}

void Session::BeginStatement() {
  std::lock_guard<std::mutex> lock(running_mu_);
  in_statement_ = true;
  cancel_requested_ = false;
}

void Session::EndStatement() {
  std::lock_guard<std::mutex> lock(running_mu_);
  running_.reset();
  in_statement_ = false;
  cancel_requested_ = false;
}

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

base::Result<StatementResult> Dispatch(stmt::StatementEnv& env, const sql::Statement& s) {
  using K = sql::StatementKind;
  switch (s.kind) {
    case K::kQuery: {
      TIDE_ASSIGN_OR_RETURN(stmt::Rows rows, stmt::RunQuery(env, *s.As<sql::QueryStatement>().query));
      return stmt::FromRows(std::move(rows));
    }
    case K::kCreateTable: return stmt::CreateTable(env, s.As<sql::CreateTableStatement>());
    case K::kCreateView: return stmt::CreateView(env, s.As<sql::CreateViewStatement>());
    case K::kDrop: return stmt::Drop(env, s.As<sql::DropStatement>());
    case K::kAlterTable: return stmt::AlterTable(env, s.As<sql::AlterTableStatement>());
    case K::kInsert: return stmt::Insert(env, s.As<sql::InsertStatement>());
    case K::kUpdate: return stmt::Update(env, s.As<sql::UpdateStatement>());
    case K::kDelete: return stmt::Delete(env, s.As<sql::DeleteStatement>());
    case K::kMerge: return stmt::Merge(env, s.As<sql::MergeStatement>());
    case K::kOptimize: return stmt::Optimize(env, s.As<sql::OptimizeStatement>());
    case K::kVacuum: return stmt::Vacuum(env, s.As<sql::VacuumStatement>());
    case K::kRestore: return stmt::Restore(env, s.As<sql::RestoreStatement>());
    case K::kDescribe: return stmt::Describe(env, s.As<sql::DescribeStatement>());
    case K::kShow: return stmt::Show(env, s.As<sql::ShowStatement>());
    case K::kExplain: return stmt::Explain(env, s.As<sql::ExplainStatement>());
    case K::kSet: return stmt::Set(env, s.As<sql::SetStatement>());
    case K::kUse: {
      const auto& db = s.As<sql::UseStatement>().database;
      std::string last = db.parts.empty() ? "" : base::AsciiLower(db.parts.back().name);
      bool ok = last == "default" &&
                (db.parts.size() == 1 || (db.parts.size() == 2 && base::AsciiLower(db.parts[0].name) == "spark_catalog"));
      if (!ok) {
        return stmt::ErrorAt(env, db.pos, base::StatusCode::kNotFound,
                             "database '" + stmt::QualifiedNameText(db) + "' not found (only 'default' exists)");
      }
      return stmt::EmptyResult();
    }
  }
  return Status::Unsupported("statement kind not supported");
}

}  // namespace

base::Result<StatementResult> Session::Execute(std::string_view sql) {
  int64_t start = NowMicros();
  TIDE_ASSIGN_OR_RETURN(sql::StatementPtr parsed, sql::ParseStatement(sql));
  stmt::StatementEnv env;
  InitEnv(&env, sql);
  BeginStatement();
  auto result = Dispatch(env, *parsed);
  EndStatement();
  catalog_->set_batch_rows(options_.settings.batch_size > 0 ? options_.settings.batch_size : 8192);
  if (!result.ok()) return result.status();
  result->elapsed_micros = NowMicros() - start;
  return result;
}

base::Status Session::ExecuteStreaming(std::string_view sql,
                                       const std::function<Status(const std::shared_ptr<const col::Schema>&)>& on_schema,
                                       const ResultSink& on_batch, ExecStats* stats) {
  TIDE_ASSIGN_OR_RETURN(sql::StatementPtr parsed, sql::ParseStatement(sql));
  stmt::StatementEnv env;
  InitEnv(&env, sql);
  BeginStatement();
  if (parsed->kind == sql::StatementKind::kQuery) {
    // Queries stream: batches go to the caller as the executor produces them.
    auto planned = stmt::PlanQuery(env, *parsed->As<sql::QueryStatement>().query);
    Status st = planned.status();
    if (st.ok()) st = on_schema((*planned)->schema);
    if (st.ok()) {
      auto ctx = env.NewContext();
      env.set_running(ctx);
      st = ExecutePlan(*planned, ctx.get(), on_batch, stats);
    }
    EndStatement();
    return st;
  }
  auto result = Dispatch(env, *parsed);
  EndStatement();
  if (!result.ok()) return result.status();
  TIDE_RETURN_IF_ERROR(on_schema(result->schema));
  for (auto& b : result->batches) TIDE_RETURN_IF_ERROR(on_batch(b));
  if (stats) *stats = result->stats;
  return Status::OK();
}

}  // namespace tide::exec
