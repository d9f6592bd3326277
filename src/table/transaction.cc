#include "table/transaction.h"

#include <algorithm>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/logging.h"
#include "table/checkpoint_writer.h"
#include "table/delta_schema.h"
#include "table/log_store.h"
#include "table/writer.h"

namespace tide::table {

namespace col = tide::columnar;
using base::Result;
using base::Status;

std::string_view IsolationLevelName(IsolationLevel level) {
  return level == IsolationLevel::kSerializable ? "Serializable" : "WriteSerializable";
}

std::string EngineInfo() { return std::string("Tide/") + TIDE_VERSION; }

// ---------------------------------------------------------------- protocol

namespace {

bool TypeHasNtz(const col::DataType& t) {
  if (t.id() == col::TypeId::kTimestamp && !t.utc_adjusted()) return true;
  for (const auto& c : t.children()) {
    if (TypeHasNtz(*c->type())) return true;
  }
  return false;
}

bool FieldHasTypeChanges(const col::Field& f) {
  for (const auto& kv : f.metadata()) {
    if (kv.first == kTypeChangesKey) return true;
  }
  for (const auto& c : f.type()->children()) {
    if (FieldHasTypeChanges(*c)) return true;
  }
  return false;
}

void AddUnique(std::vector<std::string>* v, std::string_view name) {
  if (std::find(v->begin(), v->end(), name) == v->end()) v->emplace_back(name);
}

// Features that exist only as table features (no legacy protocol version implies them).
bool FeaturesOnly(std::string_view f) {
  return f != "appendOnly" && f != "invariants" && f != "checkConstraints" && f != "changeDataFeed" &&
         f != "generatedColumns" && f != "columnMapping" && f != "identityColumns";
}

// Reader-writer features: listed in both readerFeatures and writerFeatures.
bool IsReaderWriterFeature(std::string_view f) {
  return f == "columnMapping" || f == "deletionVectors" || f == "timestampNtz" || f == "typeWidening" ||
         f == "typeWidening-preview" || f == "v2Checkpoint" || f == "vacuumProtocolCheck";
}

}  // namespace

Result<Protocol> RequiredProtocol(const Metadata& metadata, const std::optional<Protocol>& current) {
  TIDE_ASSIGN_OR_RETURN(auto schema, ParseDeltaSchema(metadata.schema_string));
  TIDE_ASSIGN_OR_RETURN(auto props, ParseTableProperties(metadata.configuration));
  std::vector<std::string> needed;  // writer features in use
  if (props.append_only) needed.push_back("appendOnly");
  if (props.enable_change_data_feed) needed.push_back("changeDataFeed");
  if (props.column_mapping_mode != ColumnMappingMode::kNone) needed.push_back("columnMapping");
  if (props.enable_deletion_vectors) needed.push_back("deletionVectors");
  if (props.enable_in_commit_timestamps) needed.push_back("inCommitTimestamp");
  bool ntz = false, type_changes = false;
  for (const auto& f : schema.fields()) {
    ntz = ntz || TypeHasNtz(*f->type());
    type_changes = type_changes || FieldHasTypeChanges(*f);
  }
  if (ntz) needed.push_back("timestampNtz");
  if (type_changes) needed.push_back("typeWidening");

  Protocol base = current.value_or(Protocol{1, 2, std::nullopt, std::nullopt});
  bool features = base.min_writer_version >= 7;
  for (const auto& f : needed) features = features || FeaturesOnly(f);
  if (!features) {
    Protocol p = base;
    int writer = 2, reader = 1;
    if (props.enable_change_data_feed) writer = 4;
    if (props.column_mapping_mode != ColumnMappingMode::kNone) writer = 5, reader = 2;
    p.min_writer_version = std::max(p.min_writer_version, writer);
    p.min_reader_version = std::max(p.min_reader_version, reader);
    return p;
  }
  // Table features: list the features the old versions implied, plus the new ones.
  std::vector<std::string> writer_features = current ? WriterFeatures(*current) : std::vector<std::string>{};
  std::vector<std::string> reader_features = current ? ReaderFeatures(*current) : std::vector<std::string>{};
  if (!current) writer_features = {};
  for (const auto& f : needed) {
    AddUnique(&writer_features, f);
    if (IsReaderWriterFeature(f)) AddUnique(&reader_features, f);
  }
  Protocol p;
  p.min_writer_version = 7;
  p.writer_features = writer_features;
  bool reader_needs_features = base.min_reader_version >= 3;
  for (const auto& f : reader_features) reader_needs_features = reader_needs_features || FeaturesOnly(f);
  if (reader_needs_features) {
    p.min_reader_version = 3;
    p.reader_features = reader_features;
  } else {
    // Only legacy reader features (column mapping): reader version 2 covers them.
    p.min_reader_version = std::max(base.min_reader_version, reader_features.empty() ? 1 : 2);
  }
  return p;
}

// ---------------------------------------------------------------- building

std::unique_ptr<Transaction> Transaction::Start(std::shared_ptr<const Snapshot> snapshot, TransactionOptions options) {
  std::unique_ptr<Transaction> t(new Transaction());
  t->root_ = snapshot->table_root();
  t->read_version_ = snapshot->version();
  t->metadata_ = snapshot->metadata();
  t->protocol_ = snapshot->protocol();
  t->snapshot_ = std::move(snapshot);
  t->options_ = options;
  t->txn_id_ = GenerateUuid();
  return t;
}

std::unique_ptr<Transaction> Transaction::StartCreate(std::string table_root, TransactionOptions options) {
  std::unique_ptr<Transaction> t(new Transaction());
  t->root_ = std::move(table_root);
  t->read_version_ = -1;
  t->options_ = options;
  t->txn_id_ = GenerateUuid();
  return t;
}

void Transaction::UpdateMetadata(Metadata metadata) {
  metadata_ = std::move(metadata);
  metadata_changed_ = true;
}
void Transaction::UpdateProtocol(Protocol protocol) {
  protocol_ = std::move(protocol);
  protocol_changed_ = true;
}
void Transaction::AddFile(table::AddFile add) { adds_.push_back(std::move(add)); }
void Transaction::AddFiles(std::vector<table::AddFile> adds) {
  for (auto& a : adds) adds_.push_back(std::move(a));
}
void Transaction::RemoveFile(table::RemoveFile remove) { removes_.push_back(std::move(remove)); }
void Transaction::RemoveActiveFile(const table::AddFile& file, bool data_change) {
  table::RemoveFile r;
  r.path = file.path;
  r.deletion_timestamp = options_.now_ms.value_or(base::WallMillis());
  r.data_change = data_change;
  r.extended_file_metadata = true;
  r.partition_values = file.partition_values;
  r.size = file.size;
  r.tags = file.tags;
  r.deletion_vector = file.deletion_vector;
  r.base_row_id = file.base_row_id;
  r.default_row_commit_version = file.default_row_commit_version;
  removes_.push_back(std::move(r));
  read_files_.insert(file.path);  // removing a file depends on it still being there
}
void Transaction::AddCdcFile(table::AddCdcFile cdc) { cdcs_.push_back(std::move(cdc)); }
void Transaction::SetAppTransaction(const std::string& app_id, int64_t version) {
  for (auto& t : txns_) {
    if (t.app_id == app_id) {
      t.version = version;
      return;
    }
  }
  txns_.push_back(Txn{app_id, version, std::nullopt});
}
void Transaction::SetDomainMetadata(DomainMetadata domain) {
  for (auto& d : domains_) {
    if (d.domain == domain.domain) {
      d = std::move(domain);
      return;
    }
  }
  domains_.push_back(std::move(domain));
}
void Transaction::ReadWholeTable() { read_whole_table_ = true; }
void Transaction::ReadFiles(const std::vector<table::AddFile>& files) {
  for (const auto& f : files) read_files_.insert(f.path);
}
void Transaction::ReadPredicateFiles(ReadPredicate predicate) { read_predicates_.push_back(std::move(predicate)); }
void Transaction::ReadAppTransaction(const std::string& app_id) { read_app_ids_.insert(app_id); }

bool Transaction::IsBlindAppend() const {
  return !read_whole_table_ && read_files_.empty() && read_predicates_.empty() && removes_.empty() && cdcs_.empty();
}

std::vector<Action> Transaction::BuildActions(int64_t version, int64_t now_ms, int64_t previous_timestamp) const {
  std::vector<Action> out;
  CommitInfo ci;
  ci.timestamp = now_ms;
  auto props = ParseTableProperties(metadata_.configuration);
  if (props.ok() && props->enable_in_commit_timestamps) {
    // In-commit timestamps must increase strictly from commit to commit.
    ci.in_commit_timestamp = std::max(now_ms, previous_timestamp + 1);
  }
  ci.operation = operation_;
  for (const auto& [k, v] : operation_parameters_) {
    // Spark reads operationParameters as a map of strings: a structured or scalar value is
    // written as JSON text inside a string ("partitionBy":"[\"c\"]"), as Spark writes it.
    if (v.empty() || v == "null" || v.front() == '"') {
      ci.operation_parameters[k] = v.empty() ? "null" : v;
    } else {
      std::string quoted;
      base::AppendJsonString(&quoted, v);
      ci.operation_parameters[k] = quoted;
    }
  }
  ci.operation_metrics = operation_metrics_;
  ci.engine_info = EngineInfo();
  if (read_version_ >= 0) ci.read_version = read_version_;
  ci.isolation_level = std::string(IsolationLevelName(options_.isolation));
  ci.is_blind_append = IsBlindAppend();
  ci.txn_id = txn_id_;
  out.emplace_back(std::move(ci));
  const bool create = read_version_ < 0 || version == 0;
  if (create || protocol_changed_) out.emplace_back(protocol_);
  if (create || metadata_changed_) out.emplace_back(metadata_);
  for (const auto& t : txns_) {
    Txn x = t;
    x.last_updated = now_ms;
    out.emplace_back(std::move(x));
  }
  for (const auto& d : domains_) out.emplace_back(d);
  for (const auto& r : removes_) out.emplace_back(r);
  for (const auto& a : adds_) out.emplace_back(a);
  for (const auto& c : cdcs_) out.emplace_back(c);
  return out;
}

// ---------------------------------------------------------------- commit

namespace {

// Durability of a commit (docs/delta.md "Durability"). A commit may become visible only when
// everything it refers to is durable: the data (and change data) files it adds, the directory
// entries naming them, and the commit file's own contents. Each fsync of a newly written file
// costs about one journal commit and device flush, so flushes that do not depend on one another
// run concurrently; the file system then folds them into one journal commit:
//
//   round 1, concurrently:  fsync of the commit temp file (PreparedPut::Prepare)
//                           fsync of every added local data file and of the directories from
//                           each one up to the table root (new partition directories)
//   round 2:                link(temp, NNN.json) + fsync(_delta_log)   (PreparedPut::Publish)
//
// Round 2 starts only after round 1 finished, so after a crash at any point either the commit
// name does not exist, or it does and its contents and all its data files are on disk. Files
// the writer already fsynced cost only a cache flush here (done in parallel with the temp file).
// A listed file that does not exist is not a durability question (nothing was written that a
// crash could lose); it is skipped, as the table layer lets callers add files it did not write.
struct DurableSet {
  std::vector<std::string> files;
  std::vector<std::string> dirs;
  bool empty() const { return files.empty(); }
};

DurableSet FilesToSync(const std::string& root, const std::vector<table::AddFile>& adds,
                       const std::vector<table::AddCdcFile>& cdcs) {
  std::set<std::string> files, dirs;
  auto note = [&](const std::string& encoded) {
    auto decoded = DecodeFilePath(encoded);
    if (!decoded.ok() || decoded->empty()) return;  // not a local file: nothing Tide can fsync
    if ((*decoded)[0] == '/') {
      files.insert(*decoded);
      const size_t slash = decoded->rfind('/');
      dirs.insert(slash == 0 ? "/" : decoded->substr(0, slash));
      return;
    }
    files.insert(root + "/" + *decoded);
    // Every directory from the file's up to the root: the writer may have created partition
    // directories, whose entries live in their parents.
    std::string rel = *decoded;
    for (size_t slash = rel.rfind('/'); slash != std::string::npos && slash > 0; slash = rel.rfind('/')) {
      rel.resize(slash);
      dirs.insert(root + "/" + rel);
    }
    dirs.insert(root);
  };
  for (const auto& a : adds) note(a.path);
  for (const auto& c : cdcs) note(c.path);
  return DurableSet{{files.begin(), files.end()}, {dirs.begin(), dirs.end()}};
}

// fsyncs `files` (on up to 4 threads for large commits).
Status SyncFiles(const std::vector<std::string>& files) {
  constexpr size_t kPerThread = 16;
  const size_t threads = std::min<size_t>(4, (files.size() + kPerThread - 1) / kPerThread);
  if (threads <= 1) return SyncPaths(files, false, true);
  std::vector<std::vector<std::string>> parts(threads);
  for (size_t i = 0; i < files.size(); ++i) parts[i % threads].push_back(files[i]);
  std::vector<Status> results(threads);
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back([&, t] { results[t] = SyncPaths(parts[t], false, true); });
  }
  results[0] = SyncPaths(parts[0], false, true);
  for (auto& w : workers) w.join();
  for (const auto& r : results) TIDE_RETURN_IF_ERROR(r);
  return Status::OK();
}

}  // namespace


Result<CommitResult> Transaction::Commit(const std::string& operation,
                                         const std::map<std::string, std::string>& operation_parameters,
                                         const std::map<std::string, std::string>& operation_metrics) {
  if (committed_) return Status::InvalidArgument("transaction " + txn_id_ + " was already committed");
  committed_ = true;
  operation_ = operation;
  operation_parameters_ = operation_parameters;
  operation_metrics_ = operation_metrics;
  const bool create = read_version_ < 0;
  if (metadata_.schema_string.empty()) {
    return Status::InvalidArgument("commit to " + root_ + ": the table has no metadata (set it before committing)");
  }
  // The protocol the (new) metadata needs; never lower than what the table has.
  std::optional<Protocol> current;
  if (!create || protocol_changed_) current = protocol_;
  TIDE_ASSIGN_OR_RETURN(Protocol required, RequiredProtocol(metadata_, current));
  if (create || !(required == protocol_)) {
    if (!(required == protocol_)) protocol_changed_ = true;
    protocol_ = required;
  }
  {
    // Tide must honour every writer feature of the table, before and after this commit (an
    // invariant, CHECK constraint, generated or identity column it cannot evaluate refuses).
    TIDE_ASSIGN_OR_RETURN(auto schema, ParseDeltaSchema(metadata_.schema_string));
    TIDE_RETURN_IF_ERROR(CheckWritable(protocol_, metadata_, schema).WithContext("writing table " + root_));
    if (!create) TIDE_RETURN_IF_ERROR(CheckWritable(snapshot_->protocol()).WithContext("writing table " + root_));
  }
  {
    // Append-only is the table's setting before this commit (a commit may turn it off and
    // remove in the same step only by changing metadata first, as Delta requires).
    const Metadata& before = create ? metadata_ : snapshot_->metadata();
    TIDE_ASSIGN_OR_RETURN(auto props, ParseTableProperties(before.configuration));
    if (props.append_only) {
      for (const auto& r : removes_) {
        if (r.data_change) {
          return Status::InvalidArgument("table " + root_ +
                                         " is append-only (delta.appendOnly=true): cannot remove " + r.path +
                                         " with dataChange=true");
        }
      }
    }
  }
  LogStore store(root_);
  int64_t version = read_version_ + 1;
  int64_t previous_ts = create ? 0 : snapshot_->timestamp_ms();
  const int max_attempts = std::max(1, options_.max_attempts);
  bool data_durable = false;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const int64_t now = options_.now_ms.value_or(base::WallMillis());
    const std::string body = SerializeCommit(BuildActions(version, now, previous_ts));
    // Round 1 (see "Durability" above): the commit's temp file is written and fsynced on a
    // second thread while this one makes the data files durable (once; retries only rewrite
    // the commit file).
    std::optional<Result<PreparedPut>> prepared;
    if (!data_durable) {
      const DurableSet to_sync = FilesToSync(root_, adds_, cdcs_);
      Status synced;
      if (to_sync.empty()) {
        prepared.emplace(store.PreparePut(CommitFileName(version), body));
      } else {
        // Three independent flushes at once: the commit temp file, the directories (entries
        // of new files and partition directories) and the data files' contents. None depends
        // on another; all must finish before the publish below.
        std::thread writer([&] { prepared.emplace(store.PreparePut(CommitFileName(version), body)); });
        Status dirs_synced;
        std::thread dirs([&] { dirs_synced = SyncPaths(to_sync.dirs, true, true); });
        synced = SyncFiles(to_sync.files);
        dirs.join();
        writer.join();
        if (synced.ok()) synced = dirs_synced;
      }
      // On failure the prepared temp file (if any) is unlinked by its destructor.
      TIDE_RETURN_IF_ERROR(synced.WithContext("making the data files of version " + std::to_string(version) +
                                              " durable"));
      data_durable = true;
    } else {
      prepared.emplace(store.PreparePut(CommitFileName(version), body));
    }
    // Round 2: publish under the version's name (the atomic create-if-absent).
    Status st = prepared->ok() ? (**prepared).Publish() : prepared->status();
    if (st.ok()) {
      CommitResult r;
      r.version = version;
      r.attempts = attempt;
      if (options_.checkpoint) {
        auto cp = CheckpointIfDue(root_, version, metadata_);
        if (!cp.ok()) {
          base::LogWarn("table", "checkpoint failed (the commit is not affected)",
                        {{"table", root_}, {"version", version}, {"error", cp.status().ToString()}});
        } else {
          r.checkpointed = *cp;
        }
      }
      return r;
    }
    if (st.code() != base::StatusCode::kAlreadyExists) return st.WithContext("committing version " + std::to_string(version));
    if (create) return Status::AlreadyExists("a Delta table already exists at " + root_);
    TIDE_ASSIGN_OR_RETURN(auto winners, ReadCommitsRange(root_, version, -1));
    if (winners.empty()) {
      // Listing lags behind the create we just lost; look again shortly.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    for (const auto& w : winners) {
      TIDE_RETURN_IF_ERROR(CheckConflicts(w));
      previous_ts = std::max(previous_ts, w.timestamp_ms);
    }
    version = winners.back().version + 1;
  }
  return Status::Unavailable("commit to " + root_ + " lost the race for a version " + std::to_string(max_attempts) +
                             " times; giving up (retry the operation)");
}

// ---------------------------------------------------------------- conflicts

namespace {

std::string DescribeFiles(const std::vector<std::string>& paths) {
  std::string s;
  for (size_t i = 0; i < paths.size() && i < 3; ++i) {
    if (i) s += ", ";
    s += paths[i];
  }
  if (paths.size() > 3) s += " and " + std::to_string(paths.size() - 3) + " more";
  return s;
}

std::string WinnerName(const VersionedActions& w) {
  std::string op;
  for (const auto& a : w.actions) {
    if (const auto* ci = std::get_if<CommitInfo>(&a); ci && ci->operation) op = *ci->operation;
  }
  return "version " + std::to_string(w.version) + (op.empty() ? "" : " (" + op + ")");
}

}  // namespace

Status Transaction::CheckConflicts(const VersionedActions& winner) const {
  const std::string who = WinnerName(winner);
  const std::string mine = " (this transaction read version " + std::to_string(read_version_) + ")";
  bool winner_blind = false;
  std::vector<const table::AddFile*> winner_adds;
  std::vector<const table::RemoveFile*> winner_removes;
  for (const auto& a : winner.actions) {
    if (const auto* ci = std::get_if<CommitInfo>(&a)) {
      winner_blind = ci->is_blind_append.value_or(false);
    } else if (std::holds_alternative<Protocol>(a)) {
      return Status::Conflict("ProtocolChanged: the protocol was changed by concurrent commit " + who + mine);
    } else if (std::holds_alternative<Metadata>(a)) {
      return Status::Conflict("MetadataChanged: the table metadata (schema, partitioning or properties) was changed "
                              "by concurrent commit " + who + mine);
    } else if (const auto* add = std::get_if<table::AddFile>(&a)) {
      if (add->data_change) winner_adds.push_back(add);
    } else if (const auto* rm = std::get_if<table::RemoveFile>(&a)) {
      if (rm->data_change) winner_removes.push_back(rm);
    } else if (const auto* t = std::get_if<Txn>(&a)) {
      const bool sets = std::any_of(txns_.begin(), txns_.end(), [&](const Txn& x) { return x.app_id == t->app_id; });
      if (sets || read_app_ids_.count(t->app_id)) {
        return Status::Conflict("ConcurrentTransaction: concurrent commit " + who +
                                " committed application transaction '" + t->app_id + "' version " +
                                std::to_string(t->version) + mine);
      }
    } else if (const auto* d = std::get_if<DomainMetadata>(&a)) {
      for (const auto& x : domains_) {
        if (x.domain == d->domain) {
          return Status::Conflict("ConcurrentDomainMetadata: concurrent commit " + who + " changed domain '" +
                                  d->domain + "'" + mine);
        }
      }
    }
  }
  // ConcurrentAppend: new data in what this transaction read.
  const bool count_blind = options_.isolation == IsolationLevel::kSerializable || metadata_changed_;
  if (!winner_blind || count_blind) {
    std::vector<std::string> hits;
    std::string why;
    for (const auto* add : winner_adds) {
      if (read_whole_table_) {
        hits.push_back(add->path);
        why = "the whole table";
        continue;
      }
      for (const auto& p : read_predicates_) {
        if (p.may_match && p.may_match(*add)) {
          hits.push_back(add->path);
          why = p.description;
          break;
        }
      }
    }
    if (!hits.empty()) {
      return Status::Conflict("ConcurrentAppend: concurrent commit " + who + " added " + DescribeFiles(hits) +
                              " to data this transaction read (" + why + ")" + mine);
    }
  }
  // ConcurrentDeleteRead / ConcurrentDeleteDelete.
  std::unordered_set<std::string> my_removes;
  for (const auto& r : removes_) my_removes.insert(r.path);
  std::vector<std::string> deleted_read, deleted_deleted;
  for (const auto* r : winner_removes) {
    if (my_removes.count(r->path)) {
      deleted_deleted.push_back(r->path);
    } else if (read_whole_table_ || read_files_.count(r->path)) {
      deleted_read.push_back(r->path);
    }
  }
  if (!deleted_deleted.empty()) {
    return Status::Conflict("ConcurrentDeleteDelete: concurrent commit " + who + " removed " +
                            DescribeFiles(deleted_deleted) + ", which this transaction also removes" + mine);
  }
  if (!deleted_read.empty()) {
    return Status::Conflict("ConcurrentDeleteRead: concurrent commit " + who + " removed " +
                            DescribeFiles(deleted_read) + ", which this transaction read" + mine);
  }
  return Status::OK();
}

}  // namespace tide::table
