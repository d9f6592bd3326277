// Log replay: Snapshot::Load and the cheap log accessors (see snapshot.h).
#include "table/snapshot.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>

#include "columnar/json.h"
#include "table/checkpoint_reader.h"

namespace tide::table {
namespace {

using base::Result;
using base::Status;

std::string Ts(int64_t ms) { return columnar::FormatTimestamp(ms * 1000, columnar::TimeUnit::kMicro, true); }

struct CheckpointCandidate {
  int64_t version = 0;
  std::vector<LogFile> files;  // all parts (multi-part), or the one file
  int64_t modification_time = 0;
};

struct Listing {
  std::map<int64_t, LogFile> commits;
  std::vector<CheckpointCandidate> checkpoints;  // complete ones, newest first
  std::map<int64_t, LogFile> compactions;        // by start version (the widest per start)
  int64_t latest = -1;
};

Result<Listing> ListLog(const LogStore& store) {
  TIDE_ASSIGN_OR_RETURN(auto files, store.ListFrom(0));
  Listing out;
  std::map<int64_t, std::vector<CheckpointCandidate>> by_version;
  std::map<std::pair<int64_t, int32_t>, std::vector<LogFile>> parts;
  for (auto& f : files) {
    switch (f.kind) {
      case LogFileKind::kCommit:
        out.latest = std::max(out.latest, f.version);
        out.commits[f.version] = f;
        break;
      case LogFileKind::kCheckpoint:
      case LogFileKind::kV2Checkpoint: {
        CheckpointCandidate c;
        c.version = f.version;
        c.modification_time = f.modification_time;
        c.files.push_back(f);
        // v2 (UUID-named) checkpoints first: they are the newer spec for the same version.
        auto& v = by_version[f.version];
        if (f.kind == LogFileKind::kV2Checkpoint) v.insert(v.begin(), c); else v.push_back(c);
        break;
      }
      case LogFileKind::kMultiPartCheckpoint:
        parts[{f.version, f.num_parts}].push_back(f);
        break;
      case LogFileKind::kCompaction: {
        auto it = out.compactions.find(f.version);
        if (it == out.compactions.end() || it->second.end_version < f.end_version) out.compactions[f.version] = f;
        break;
      }
      case LogFileKind::kChecksum:
        break;
    }
  }
  for (auto& [key, list] : parts) {
    std::sort(list.begin(), list.end(), [](const LogFile& a, const LogFile& b) { return a.part < b.part; });
    bool complete = static_cast<int32_t>(list.size()) == key.second;
    for (size_t i = 0; complete && i < list.size(); ++i) complete = list[i].part == static_cast<int32_t>(i + 1);
    if (!complete) continue;  // an interrupted multi-part checkpoint is not usable
    CheckpointCandidate c;
    c.version = key.first;
    c.files = list;
    for (const auto& f : list) c.modification_time = std::max(c.modification_time, f.modification_time);
    by_version[key.first].push_back(std::move(c));
  }
  for (auto it = by_version.rbegin(); it != by_version.rend(); ++it) {
    for (auto& c : it->second) out.checkpoints.push_back(std::move(c));
  }
  if (!out.checkpoints.empty()) out.latest = std::max(out.latest, out.checkpoints.front().version);
  return out;
}

// The first line of a commit file, cheaply (commitInfo comes first when in-commit timestamps
// are enabled, PROTOCOL.md "In-Commit Timestamps").
std::optional<int64_t> InCommitTimestampOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  if (line.find("\"commitInfo\"") == std::string::npos || line.find("inCommitTimestamp") == std::string::npos) {
    return std::nullopt;
  }
  auto action = ParseActionLine(line);
  if (!action.ok() || !*action) return std::nullopt;
  if (const auto* ci = std::get_if<CommitInfo>(&**action)) return ci->in_commit_timestamp;
  return std::nullopt;
}

int64_t TimestampOf(const LogStore& store, const LogFile& commit) {
  auto ict = InCommitTimestampOf(store.LogPath(commit.name));
  return ict ? *ict : commit.modification_time;
}

std::string CanonicalPath(const std::string& root, const std::string& path) {
  if (path.find_first_of("%:") == std::string::npos && !path.empty() && path[0] != '/') {
    // Plain relative path (the common case): DecodeFilePath would return it unchanged.
    std::string out;
    out.reserve(root.size() + 1 + path.size());
    out.append(root).push_back('/');
    out.append(path);
    return out;
  }
  auto decoded = DecodeFilePath(path);
  if (!decoded.ok()) return path;
  if (!decoded->empty() && (*decoded)[0] == '/') return *decoded;
  return root + "/" + *decoded;
}

struct ReplayState {
  std::string root;
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  // Active files with the sequence number of the add that put them there: the final order is
  // by path, and logs and checkpoints usually add files in path order already, so replay order
  // (integers) is tried first and the string sort runs only when it is not sorted.
  struct ActiveFile {
    AddFile add;
    uint64_t seq = 0;
  };
  std::unordered_map<FileKey, ActiveFile, FileKeyHash> active;
  uint64_t next_seq = 0;
  std::unordered_map<FileKey, RemoveFile, FileKeyHash> tombstones;
  std::map<std::string, Txn> txns;
  std::map<std::string, DomainMetadata> domains;

  FileKey Key(const std::string& path, const std::optional<DeletionVectorDescriptor>& dv) const {
    return FileKey{CanonicalPath(root, path), dv ? dv->UniqueId() : std::string()};
  }

  void Apply(Action&& action) {
    std::visit(
        [&](auto&& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, Protocol>) {
            protocol = std::move(a);
          } else if constexpr (std::is_same_v<T, Metadata>) {
            metadata = std::move(a);
          } else if constexpr (std::is_same_v<T, AddFile>) {
            FileKey k = Key(a.path, a.deletion_vector);
            // (Checkpoint replay: no tombstones yet, skip the lookup; insert_or_assign moves the
            // action in instead of default-constructing and then assigning it.)
            if (!tombstones.empty()) tombstones.erase(k);
            active.insert_or_assign(std::move(k), ActiveFile{std::move(a), next_seq++});
          } else if constexpr (std::is_same_v<T, RemoveFile>) {
            FileKey k = Key(a.path, a.deletion_vector);
            if (!active.empty()) active.erase(k);
            tombstones.insert_or_assign(std::move(k), std::move(a));
          } else if constexpr (std::is_same_v<T, Txn>) {
            txns[a.app_id] = std::move(a);
          } else if constexpr (std::is_same_v<T, DomainMetadata>) {
            if (a.removed) domains.erase(a.domain); else domains[a.domain] = std::move(a);
          }
          // cdc, commitInfo, checkpointMetadata, sidecar: no table state.
        },
        std::move(action));
  }
};

Result<std::vector<Action>> LoadCheckpointActions(const LogStore& store, const CheckpointCandidate& cp) {
  std::vector<Action> actions;
  for (const auto& f : cp.files) {
    std::vector<Action> part;
    if (f.is_parquet()) {
      TIDE_ASSIGN_OR_RETURN(part, ReadParquetCheckpointFile(store.LogPath(f.name)));
    } else {
      TIDE_ASSIGN_OR_RETURN(std::string text, store.Read(f.name));
      TIDE_ASSIGN_OR_RETURN(part, ParseCommit(text, "_delta_log/" + f.name));
    }
    if (actions.empty()) {
      actions = std::move(part);  // single-file checkpoints: no copy of 100k actions
    } else {
      for (auto& a : part) actions.push_back(std::move(a));
    }
  }
  // V2 checkpoints reference sidecar files holding the add/remove actions.
  std::vector<Action> sidecar_actions;
  for (const auto& a : actions) {
    const auto* sc = std::get_if<Sidecar>(&a);
    if (!sc) continue;
    std::string path;
    if (sc->path.find(':') != std::string::npos || (!sc->path.empty() && sc->path[0] == '/')) {
      TIDE_ASSIGN_OR_RETURN(path, DecodeFilePath(sc->path));
    } else {
      TIDE_ASSIGN_OR_RETURN(std::string rel, DecodeFilePath(sc->path));
      path = store.LogPath("_sidecars/" + rel);
    }
    auto side = ReadParquetCheckpointFile(path);
    if (!side.ok()) {
      return side.status().WithContext("sidecar of checkpoint " + cp.files.front().name);
    }
    for (auto& s : *side) sidecar_actions.push_back(std::move(s));
  }
  for (auto& s : sidecar_actions) actions.push_back(std::move(s));
  return actions;
}

Status MissingVersion(const std::string& root, int64_t v) {
  return Status::Corruption(root + ": _delta_log is missing version " + std::to_string(v) + " (" + CommitFileName(v) +
                            "): versions must be contiguous");
}

}  // namespace

size_t FileKeyHash::operator()(const FileKey& k) const {
  return std::hash<std::string>()(k.path) * 31 + std::hash<std::string>()(k.dv_id);
}

Result<int64_t> ParseIntervalMs(std::string_view text) {
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) words.push_back(s.substr(b, i - b));
  }
  size_t w = 0;
  if (w < words.size() && words[w] == "interval") ++w;
  if (w >= words.size()) return Status::InvalidArgument("'" + std::string(text) + "' is not an interval");
  if (words.size() == 1 && w == 0) {
    // Plain milliseconds.
    try {
      size_t used = 0;
      long long v = std::stoll(words[0], &used);
      if (used == words[0].size() && v >= 0) return static_cast<int64_t>(v);
    } catch (...) {
    }
    return Status::InvalidArgument("'" + std::string(text) + "' is not an interval");
  }
  int64_t total = 0;
  // Pairs of "<n> <unit>".
  for (; w < words.size(); w += 2) {
    if (w + 1 >= words.size()) return Status::InvalidArgument("'" + std::string(text) + "' is not an interval");
    long long n;
    try {
      size_t used = 0;
      n = std::stoll(words[w], &used);
      if (used != words[w].size()) throw 0;
    } catch (...) {
      return Status::InvalidArgument("'" + std::string(text) + "' is not an interval");
    }
    std::string u = words[w + 1];
    if (u.size() > 1 && u.back() == 's') u.pop_back();
    int64_t unit;
    if (u == "week") unit = 7LL * 86400000;
    else if (u == "day") unit = 86400000;
    else if (u == "hour") unit = 3600000;
    else if (u == "minute") unit = 60000;
    else if (u == "second") unit = 1000;
    else if (u == "millisecond") unit = 1;
    else return Status::InvalidArgument("'" + std::string(text) + "': unknown interval unit '" + words[w + 1] + "'");
    total += n * unit;
  }
  return total;
}

Result<TableProperties> ParseTableProperties(const std::map<std::string, std::string>& c) {
  TableProperties p;
  auto get = [&](const char* k) -> const std::string* {
    auto it = c.find(k);
    return it == c.end() ? nullptr : &it->second;
  };
  auto as_int = [&](const char* k, int64_t* out) -> Status {
    const std::string* v = get(k);
    if (!v) return Status::OK();
    try {
      size_t used = 0;
      long long x = std::stoll(*v, &used);
      if (used != v->size()) throw 0;
      *out = x;
    } catch (...) {
      return Status::InvalidArgument(std::string(k) + ": '" + *v + "' is not an integer");
    }
    return Status::OK();
  };
  auto as_bool = [&](const char* k, bool* out) -> Status {
    const std::string* v = get(k);
    if (!v) return Status::OK();
    std::string l;
    for (char ch : *v) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (l == "true") *out = true;
    else if (l == "false") *out = false;
    else return Status::InvalidArgument(std::string(k) + ": '" + *v + "' is not true or false");
    return Status::OK();
  };
  auto as_interval = [&](const char* k, int64_t* out) -> Status {
    const std::string* v = get(k);
    if (!v) return Status::OK();
    auto ms = ParseIntervalMs(*v);
    if (!ms.ok()) return ms.status().WithContext(k);
    *out = *ms;
    return Status::OK();
  };
  TIDE_RETURN_IF_ERROR(as_int("delta.checkpointInterval", &p.checkpoint_interval));
  if (p.checkpoint_interval <= 0) return Status::InvalidArgument("delta.checkpointInterval: must be positive");
  TIDE_RETURN_IF_ERROR(as_interval("delta.logRetentionDuration", &p.log_retention_ms));
  TIDE_RETURN_IF_ERROR(as_interval("delta.deletedFileRetentionDuration", &p.deleted_file_retention_ms));
  int64_t tfs = 0;
  if (get("delta.targetFileSize")) {
    TIDE_RETURN_IF_ERROR(as_int("delta.targetFileSize", &tfs));
    p.target_file_size = tfs;
  }
  int64_t nic = p.data_skipping_num_indexed_cols;
  TIDE_RETURN_IF_ERROR(as_int("delta.dataSkippingNumIndexedCols", &nic));
  if (nic < -1 || nic > INT32_MAX) return Status::InvalidArgument("delta.dataSkippingNumIndexedCols: out of range");
  p.data_skipping_num_indexed_cols = static_cast<int32_t>(nic);
  if (const std::string* v = get("delta.dataSkippingStatsColumns")) {
    std::vector<std::string> cols;
    size_t b = 0;
    while (b <= v->size()) {
      size_t e = v->find(',', b);
      if (e == std::string::npos) e = v->size();
      std::string name = v->substr(b, e - b);
      while (!name.empty() && name.front() == ' ') name.erase(name.begin());
      while (!name.empty() && name.back() == ' ') name.pop_back();
      if (!name.empty()) cols.push_back(name);
      b = e + 1;
    }
    p.data_skipping_stats_columns = std::move(cols);
  }
  TIDE_RETURN_IF_ERROR(as_bool("delta.enableChangeDataFeed", &p.enable_change_data_feed));
  TIDE_RETURN_IF_ERROR(as_bool("delta.appendOnly", &p.append_only));
  TIDE_RETURN_IF_ERROR(as_bool("delta.enableDeletionVectors", &p.enable_deletion_vectors));
  TIDE_RETURN_IF_ERROR(as_bool("delta.enableInCommitTimestamps", &p.enable_in_commit_timestamps));
  TIDE_ASSIGN_OR_RETURN(p.column_mapping_mode, ParseColumnMappingMode(c));
  TIDE_RETURN_IF_ERROR(as_int("delta.columnMapping.maxColumnId", &p.column_mapping_max_id));
  TIDE_RETURN_IF_ERROR(as_bool("delta.checkpoint.writeStatsAsJson", &p.checkpoint_write_stats_as_json));
  TIDE_RETURN_IF_ERROR(as_bool("delta.checkpoint.writeStatsAsStruct", &p.checkpoint_write_stats_as_struct));
  if (const std::string* v = get("delta.checkpointPolicy")) p.checkpoint_policy = *v;
  return p;
}

std::optional<int64_t> Snapshot::AppTransactionVersion(const std::string& app_id) const {
  auto it = txns_.find(app_id);
  if (it == txns_.end()) return std::nullopt;
  return it->second.version;
}

int64_t Snapshot::total_size() const {
  int64_t total = 0;
  for (const auto& f : files_) total += f.size;
  return total;
}

Result<std::string> Snapshot::DataFilePath(std::string_view add_path) const {
  TIDE_ASSIGN_OR_RETURN(std::string p, DecodeFilePath(add_path));
  if (!p.empty() && p[0] == '/') return p;
  return root_ + "/" + p;
}

Result<std::shared_ptr<const Snapshot>> Snapshot::Load(const std::string& table_root, const SnapshotOptions& options) {
  LogStore store(table_root);
  const std::string& root = store.table_root();
  TIDE_ASSIGN_OR_RETURN(Listing listing, ListLog(store));
  if (listing.latest < 0) return Status::NotFound(root + ": not a Delta table (no commits in _delta_log)");

  // Earliest version that can be reconstructed: commit 0, or the oldest checkpoint.
  int64_t earliest = listing.commits.count(0) ? 0 : -1;
  if (earliest < 0 && !listing.checkpoints.empty()) earliest = listing.checkpoints.back().version;
  if (earliest < 0) earliest = listing.commits.empty() ? 0 : listing.commits.begin()->first;

  int64_t target = listing.latest;
  if (options.version && options.timestamp_ms) {
    return Status::InvalidArgument("time travel: give a version or a timestamp, not both");
  }
  if (options.timestamp_ms) {
    TIDE_ASSIGN_OR_RETURN(target, VersionAtTimestamp(root, *options.timestamp_ms));
  } else if (options.version) {
    target = *options.version;
    if (target > listing.latest || target < 0) {
      return Status::NotFound("version " + std::to_string(target) + " of " + root + " does not exist: the table has versions " +
                              std::to_string(earliest) + " to " + std::to_string(listing.latest));
    }
  }

  // Candidate starting points: checkpoints at or below the target (newest first), then commit 0.
  std::vector<const CheckpointCandidate*> candidates;
  for (const auto& c : listing.checkpoints) {
    if (c.version <= target) candidates.push_back(&c);
  }
  Status first_error;
  ReplayState state;
  state.root = root;
  int64_t start = -1;  // last version covered by the checkpoint (-1: none)
  bool loaded = false;
  for (const auto* cp : candidates) {
    auto actions = LoadCheckpointActions(store, *cp);
    if (!actions.ok()) {
      if (first_error.ok()) first_error = actions.status();
      continue;  // a damaged checkpoint: fall back to an older one (or to commit 0)
    }
    // The commits after the checkpoint must all be there; otherwise an older start cannot help
    // either (it would need the same commits).
    size_t adds = 0, removes = 0;
    for (const auto& a : *actions) {
      adds += std::holds_alternative<AddFile>(a);
      removes += std::holds_alternative<RemoveFile>(a);
    }
    state.active.reserve(adds);  // no rehashing while a large checkpoint is applied
    state.tombstones.reserve(removes);
    for (auto& a : *actions) state.Apply(std::move(a));
    start = cp->version;
    loaded = true;
    break;
  }
  if (!loaded) {
    if (!listing.commits.count(0)) {
      if (!first_error.ok()) return first_error;
      if (target < earliest || listing.commits.empty()) {
        return Status::NotFound("version " + std::to_string(target) + " of " + root +
                                " is not reconstructable: no checkpoint at or before it and no commit 0");
      }
      return MissingVersion(root, 0);
    }
    state = ReplayState();
    state.root = root;
    start = -1;
  }
  int64_t checkpoint_version = start;

  // Replay commits start+1 .. target, using log compaction files for ranges whose commits are gone.
  // inCommitTimestamp of the last commit replayed (-1: none), for the snapshot's timestamp.
  int64_t last_ict = -1;
  for (int64_t v = start + 1; v <= target;) {
    auto it = listing.commits.find(v);
    if (it != listing.commits.end()) {
      TIDE_ASSIGN_OR_RETURN(std::string text, store.Read(it->second.name));
      TIDE_ASSIGN_OR_RETURN(auto actions, ParseCommit(text, "_delta_log/" + it->second.name));
      last_ict = -1;
      for (auto& a : actions) {
        if (const auto* ci = std::get_if<CommitInfo>(&a); ci && ci->in_commit_timestamp) last_ict = *ci->in_commit_timestamp;
        state.Apply(std::move(a));
      }
      ++v;
      continue;
    }
    auto ct = listing.compactions.find(v);
    if (ct != listing.compactions.end() && ct->second.end_version <= target) {
      TIDE_ASSIGN_OR_RETURN(std::string text, store.Read(ct->second.name));
      TIDE_ASSIGN_OR_RETURN(auto actions, ParseCommit(text, "_delta_log/" + ct->second.name));
      for (auto& a : actions) state.Apply(std::move(a));
      v = ct->second.end_version + 1;
      continue;
    }
    return MissingVersion(root, v);
  }

  if (!state.protocol) {
    return Status::Corruption(root + ": the log up to version " + std::to_string(target) + " has no protocol action");
  }
  if (!state.metadata) {
    return Status::Corruption(root + ": the log up to version " + std::to_string(target) + " has no metaData action");
  }
  TIDE_RETURN_IF_ERROR(CheckReadable(*state.protocol).WithContext(root));

  auto snap = std::make_shared<Snapshot>();
  snap->root_ = root;
  snap->version_ = target;
  snap->checkpoint_version_ = checkpoint_version;
  snap->protocol_ = std::move(*state.protocol);
  snap->metadata_ = std::move(*state.metadata);
  {
    auto props = ParseTableProperties(snap->metadata_.configuration);
    if (!props.ok()) return Status::Corruption(root + ": table property " + props.status().message());
    snap->properties_ = std::move(*props);
  }
  if (snap->metadata_.schema_string.empty()) {
    snap->schema_ = std::make_shared<columnar::Schema>();
  } else {
    auto schema = ParseDeltaSchema(snap->metadata_.schema_string);
    if (!schema.ok()) return schema.status().WithContext(root);
    snap->schema_ = std::make_shared<columnar::Schema>(std::move(*schema));
  }
  for (const auto& pc : snap->metadata_.partition_columns) {
    if (snap->schema_->FieldIndex(pc) < 0) {
      return Status::Corruption(root + ": partition column '" + pc + "' is not in the schema");
    }
  }

  // Commit timestamp of the target version.
  auto cit = listing.commits.find(target);
  if (cit != listing.commits.end()) {
    if (start < target && last_ict >= 0) snap->timestamp_ms_ = last_ict;
    else snap->timestamp_ms_ = TimestampOf(store, cit->second);
  } else if (!candidates.empty() && loaded) {
    for (const auto* cp : candidates) {
      if (cp->version == target) snap->timestamp_ms_ = cp->modification_time;
    }
  }

  // Sort pointers (cheap swaps) and move each action once into place; the DV id (the map key
  // already holds it) breaks ties between adds of one path.
  {
    struct Entry {
      uint64_t seq;
      AddFile* add;
      const std::string* dv_id;
    };
    std::vector<Entry> order;
    order.reserve(state.active.size());
    for (auto& [k, a] : state.active) order.push_back(Entry{a.seq, &a.add, &k.dv_id});
    std::sort(order.begin(), order.end(), [](const Entry& x, const Entry& y) { return x.seq < y.seq; });
    auto by_path = [](const Entry& x, const Entry& y) {
      const int c = x.add->path.compare(y.add->path);
      return c != 0 ? c < 0 : *x.dv_id < *y.dv_id;
    };
    if (!std::is_sorted(order.begin(), order.end(), by_path)) std::sort(order.begin(), order.end(), by_path);
    snap->files_.reserve(order.size());
    for (auto& e : order) snap->files_.push_back(std::move(*e.add));
  }
  {
    std::vector<RemoveFile*> order;
    order.reserve(state.tombstones.size());
    for (auto& [k, r] : state.tombstones) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](const RemoveFile* a, const RemoveFile* b) { return a->path < b->path; });
    snap->tombstones_.reserve(order.size());
    for (auto* r : order) snap->tombstones_.push_back(std::move(*r));
  }
  snap->txns_ = std::move(state.txns);
  snap->domains_ = std::move(state.domains);
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

Result<int64_t> LatestVersion(const std::string& table_root) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(Listing listing, ListLog(store));
  if (listing.latest < 0) return Status::NotFound(store.table_root() + ": not a Delta table (no commits in _delta_log)");
  return listing.latest;
}

Result<std::vector<Action>> ReadCommitActions(const std::string& table_root, int64_t version) {
  LogStore store(table_root);
  std::string name = CommitFileName(version);
  auto text = store.Read(name);
  if (!text.ok()) {
    if (text.status().IsNotFound()) {
      if (!store.LogDirExists()) return Status::NotFound(store.table_root() + ": not a Delta table (no _delta_log directory)");
      return Status::NotFound("commit " + std::to_string(version) + " of " + store.table_root() + " does not exist");
    }
    return text.status();
  }
  return ParseCommit(*text, "_delta_log/" + name);
}

Result<std::vector<VersionedActions>> ReadCommitsRange(const std::string& table_root, int64_t from_version,
                                                        int64_t to_version) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(auto files, store.ListFrom(from_version));
  std::vector<VersionedActions> out;
  int64_t expect = from_version;
  for (const auto& f : files) {
    if (f.kind != LogFileKind::kCommit) continue;
    if (to_version >= 0 && f.version > to_version) break;
    if (f.version != expect) return MissingVersion(store.table_root(), expect);
    TIDE_ASSIGN_OR_RETURN(std::string text, store.Read(f.name));
    VersionedActions va;
    va.version = f.version;
    TIDE_ASSIGN_OR_RETURN(va.actions, ParseCommit(text, "_delta_log/" + f.name));
    va.timestamp_ms = f.modification_time;
    for (const auto& a : va.actions) {
      if (const auto* ci = std::get_if<CommitInfo>(&a); ci && ci->in_commit_timestamp) va.timestamp_ms = *ci->in_commit_timestamp;
    }
    out.push_back(std::move(va));
    ++expect;
  }
  if (to_version >= 0 && expect <= to_version) return MissingVersion(store.table_root(), expect);
  return out;
}

Result<std::vector<HistoryEntry>> ReadHistory(const std::string& table_root, int64_t limit) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(Listing listing, ListLog(store));
  if (listing.latest < 0) return Status::NotFound(store.table_root() + ": not a Delta table (no commits in _delta_log)");
  std::vector<HistoryEntry> out;
  for (auto it = listing.commits.rbegin(); it != listing.commits.rend(); ++it) {
    if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
    HistoryEntry e;
    e.version = it->first;
    e.timestamp_ms = it->second.modification_time;
    TIDE_ASSIGN_OR_RETURN(std::string text, store.Read(it->second.name));
    TIDE_ASSIGN_OR_RETURN(auto actions, ParseCommit(text, "_delta_log/" + it->second.name));
    for (auto& a : actions) {
      if (auto* ci = std::get_if<CommitInfo>(&a)) {
        if (ci->in_commit_timestamp) e.timestamp_ms = *ci->in_commit_timestamp;
        e.commit_info = std::move(*ci);
        break;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> CommitTimestamp(const std::string& table_root, int64_t version) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(Listing listing, ListLog(store));
  auto it = listing.commits.find(version);
  if (it == listing.commits.end()) {
    return Status::NotFound("commit " + std::to_string(version) + " of " + store.table_root() + " does not exist");
  }
  return TimestampOf(store, it->second);
}

Result<int64_t> VersionAtTimestamp(const std::string& table_root, int64_t timestamp_ms) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(Listing listing, ListLog(store));
  if (listing.commits.empty()) return Status::NotFound(store.table_root() + ": not a Delta table (no commits in _delta_log)");
  // Only versions that can be reconstructed count: from commit 0 or the oldest checkpoint on.
  int64_t earliest = listing.commits.count(0) ? 0 : (listing.checkpoints.empty() ? listing.commits.begin()->first
                                                                                 : listing.checkpoints.back().version);
  int64_t found = -1;
  int64_t prev_ts = INT64_MIN;
  int64_t first_version = -1, first_ts = 0;
  for (const auto& [v, f] : listing.commits) {
    if (v < earliest) continue;
    // File modification times may go backwards (copies, clock skew); like Delta, make them
    // strictly increasing so each version owns an interval of time.
    int64_t ts = TimestampOf(store, f);
    if (prev_ts != INT64_MIN && ts <= prev_ts) ts = prev_ts + 1;
    prev_ts = ts;
    if (first_version < 0) {
      first_version = v;
      first_ts = ts;
    }
    if (ts <= timestamp_ms) found = v;
    else break;
  }
  if (found < 0) {
    return Status::OutOfRange("timestamp " + Ts(timestamp_ms) + " is before the earliest available commit (version " +
                                   std::to_string(first_version) + " at " + Ts(first_ts) + ")");
  }
  return found;
}

}  // namespace tide::table
