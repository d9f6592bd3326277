#include "table/checkpoint_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/clock.h"
#include "columnar/builder.h"
#include "format/parquet/writer.h"
#include "table/writer.h"

namespace tide::table {

namespace col = tide::columnar;
using base::Result;
using base::Status;

namespace {

col::FieldPtr F(std::string name, col::TypePtr type) { return col::MakeField(std::move(name), std::move(type), true); }
col::TypePtr StringMap() { return col::Map(col::Utf8(), col::Utf8(), true); }
col::TypePtr StringList() { return col::List(col::Utf8()); }

col::TypePtr DeletionVectorType() {
  return col::Struct({F("storageType", col::Utf8()), F("pathOrInlineDv", col::Utf8()), F("offset", col::Int32()),
                      F("sizeInBytes", col::Int32()), F("cardinality", col::Int64())});
}

// Column indices of the checkpoint schema.
enum Column { kTxn = 0, kAdd, kRemove, kMetaData, kProtocol, kDomainMetadata, kNumColumns };

// ---- typed appends onto the builders of the schema above

void Str(col::ArrayBuilder* b, const std::optional<std::string>& v) {
  auto* sb = static_cast<col::BinaryBuilder*>(b);
  if (v) {
    sb->Append(*v);
  } else {
    sb->AppendNull();
  }
}
void I64(col::ArrayBuilder* b, const std::optional<int64_t>& v) {
  auto* ib = static_cast<col::Int64Builder*>(b);
  if (v) {
    ib->Append(*v);
  } else {
    ib->AppendNull();
  }
}
void I32(col::ArrayBuilder* b, const std::optional<int32_t>& v) {
  auto* ib = static_cast<col::Int32Builder*>(b);
  if (v) {
    ib->Append(*v);
  } else {
    ib->AppendNull();
  }
}
void Bool(col::ArrayBuilder* b, const std::optional<bool>& v) {
  auto* bb = static_cast<col::BooleanBuilder*>(b);
  if (v) {
    bb->Append(*v);
  } else {
    bb->AppendNull();
  }
}
void PartitionMap(col::ArrayBuilder* b, const PartitionValues& values) {
  auto* mb = static_cast<col::MapBuilder*>(b);
  mb->Append();
  for (const auto& [k, v] : values) {
    mb->AppendEntry();
    Str(mb->key_builder(), k);
    Str(mb->item_builder(), v);
  }
}
void TagMap(col::ArrayBuilder* b, const std::optional<std::map<std::string, std::string>>& tags) {
  auto* mb = static_cast<col::MapBuilder*>(b);
  if (!tags) {
    mb->AppendNull();
    return;
  }
  mb->Append();
  for (const auto& [k, v] : *tags) {
    mb->AppendEntry();
    Str(mb->key_builder(), k);
    Str(mb->item_builder(), v);
  }
}
void StrList(col::ArrayBuilder* b, const std::optional<std::vector<std::string>>& values) {
  auto* lb = static_cast<col::ListBuilder*>(b);
  if (!values) {
    lb->AppendNull();
    return;
  }
  lb->Append();
  for (const auto& v : *values) Str(lb->value_builder(), v);
}
void Dv(col::ArrayBuilder* b, const std::optional<DeletionVectorDescriptor>& dv) {
  auto* sb = static_cast<col::StructBuilder*>(b);
  if (!dv) {
    sb->AppendNull();
    return;
  }
  sb->Append();
  Str(sb->child(0), dv->storage_type);
  Str(sb->child(1), dv->path_or_inline_dv);
  I32(sb->child(2), dv->offset);
  I32(sb->child(3), dv->size_in_bytes);
  I64(sb->child(4), dv->cardinality);
}

// Builds rows in builders and writes them in row groups.
class RowSink {
 public:
  RowSink(format::parquet::ParquetWriter* writer, std::shared_ptr<const col::Schema> schema, int64_t rows_per_group)
      : writer_(writer), schema_(std::move(schema)), rows_per_group_(std::max<int64_t>(1, rows_per_group)) {
    for (const auto& f : schema_->fields()) builders_.push_back(col::MakeBuilder(f->type()));
  }

  // Starts a row whose only non-null column is `column`; returns that column's struct builder.
  col::StructBuilder* Row(Column column) {
    for (int c = 0; c < kNumColumns; ++c) {
      if (c != column) builders_[c]->AppendNull();
    }
    auto* sb = static_cast<col::StructBuilder*>(builders_[column].get());
    sb->Append();
    ++pending_;
    ++total_;
    return sb;
  }
  // Call after each row is complete.
  Status MaybeFlush() { return pending_ >= rows_per_group_ ? Flush() : Status::OK(); }
  Status Flush() {
    if (pending_ == 0) return Status::OK();
    std::vector<col::ArrayPtr> cols;
    for (auto& b : builders_) cols.push_back(b->Finish());
    col::RecordBatch batch(schema_, std::move(cols), pending_);
    pending_ = 0;
    return writer_->WriteBatch(batch);
  }
  int64_t total() const { return total_; }

 private:
  format::parquet::ParquetWriter* writer_;
  std::shared_ptr<const col::Schema> schema_;
  int64_t rows_per_group_;
  std::vector<std::unique_ptr<col::ArrayBuilder>> builders_;
  int64_t pending_ = 0;
  int64_t total_ = 0;
};

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "opening " + dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync " + dir);
  return Status::OK();
}

Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "opening " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync " + path);
  return Status::OK();
}

Status WriteRows(const Snapshot& snap, RowSink* sink, int64_t now_ms, int64_t* num_adds) {
  {
    const Protocol& p = snap.protocol();
    auto* sb = sink->Row(kProtocol);
    I32(sb->child(0), p.min_reader_version);
    I32(sb->child(1), p.min_writer_version);
    StrList(sb->child(2), p.reader_features);
    StrList(sb->child(3), p.writer_features);
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  {
    const Metadata& m = snap.metadata();
    auto* sb = sink->Row(kMetaData);
    Str(sb->child(0), m.id);
    Str(sb->child(1), m.name);
    Str(sb->child(2), m.description);
    auto* fmt = static_cast<col::StructBuilder*>(sb->child(3));
    fmt->Append();
    Str(fmt->child(0), m.format.provider);
    TagMap(fmt->child(1), m.format.options);
    Str(sb->child(4), m.schema_string);
    StrList(sb->child(5), m.partition_columns);
    TagMap(sb->child(6), m.configuration);
    I64(sb->child(7), m.created_time);
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  for (const auto& [app, t] : snap.app_transactions()) {
    auto* sb = sink->Row(kTxn);
    Str(sb->child(0), t.app_id);
    I64(sb->child(1), t.version);
    I64(sb->child(2), t.last_updated);
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  for (const auto& [name, d] : snap.domain_metadata()) {
    if (d.removed) continue;
    auto* sb = sink->Row(kDomainMetadata);
    Str(sb->child(0), d.domain);
    Str(sb->child(1), d.configuration);
    Bool(sb->child(2), d.removed);
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  const int64_t expiry = now_ms - snap.properties().deleted_file_retention_ms;
  for (const RemoveFile& r : snap.tombstones()) {
    // Tombstones are kept until they expire so VACUUM does not delete files readers may use.
    if (r.deletion_timestamp.value_or(0) <= expiry) continue;
    auto* sb = sink->Row(kRemove);
    Str(sb->child(0), r.path);
    I64(sb->child(1), r.deletion_timestamp);
    Bool(sb->child(2), r.data_change);
    Bool(sb->child(3), r.extended_file_metadata);
    if (r.partition_values) {
      PartitionMap(sb->child(4), *r.partition_values);
    } else {
      sb->child(4)->AppendNull();
    }
    I64(sb->child(5), r.size);
    TagMap(sb->child(6), r.tags);
    Dv(sb->child(7), r.deletion_vector);
    I64(sb->child(8), r.base_row_id);
    I64(sb->child(9), r.default_row_commit_version);
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  for (const AddFile& a : snap.files()) {
    auto* sb = sink->Row(kAdd);
    Str(sb->child(0), a.path);
    PartitionMap(sb->child(1), a.partition_values);
    I64(sb->child(2), a.size);
    I64(sb->child(3), a.modification_time);
    Bool(sb->child(4), false);
    Str(sb->child(5), a.stats);
    TagMap(sb->child(6), a.tags);
    Dv(sb->child(7), a.deletion_vector);
    I64(sb->child(8), a.base_row_id);
    I64(sb->child(9), a.default_row_commit_version);
    Str(sb->child(10), a.clustering_provider);
    ++*num_adds;
    TIDE_RETURN_IF_ERROR(sink->MaybeFlush());
  }
  return sink->Flush();
}

}  // namespace

std::shared_ptr<const col::Schema> CheckpointSchema() {
  static const std::shared_ptr<const col::Schema> schema = [] {
    auto txn = col::Struct({F("appId", col::Utf8()), F("version", col::Int64()), F("lastUpdated", col::Int64())});
    auto add = col::Struct({F("path", col::Utf8()), F("partitionValues", StringMap()), F("size", col::Int64()),
                            F("modificationTime", col::Int64()), F("dataChange", col::Boolean()),
                            F("stats", col::Utf8()), F("tags", StringMap()), F("deletionVector", DeletionVectorType()),
                            F("baseRowId", col::Int64()), F("defaultRowCommitVersion", col::Int64()),
                            F("clusteringProvider", col::Utf8())});
    auto remove = col::Struct({F("path", col::Utf8()), F("deletionTimestamp", col::Int64()),
                               F("dataChange", col::Boolean()), F("extendedFileMetadata", col::Boolean()),
                               F("partitionValues", StringMap()), F("size", col::Int64()), F("tags", StringMap()),
                               F("deletionVector", DeletionVectorType()), F("baseRowId", col::Int64()),
                               F("defaultRowCommitVersion", col::Int64())});
    auto format = col::Struct({F("provider", col::Utf8()), F("options", StringMap())});
    auto metadata = col::Struct({F("id", col::Utf8()), F("name", col::Utf8()), F("description", col::Utf8()),
                                 F("format", format), F("schemaString", col::Utf8()),
                                 F("partitionColumns", StringList()), F("configuration", StringMap()),
                                 F("createdTime", col::Int64())});
    auto protocol = col::Struct({F("minReaderVersion", col::Int32()), F("minWriterVersion", col::Int32()),
                                 F("readerFeatures", StringList()), F("writerFeatures", StringList())});
    auto domain = col::Struct({F("domain", col::Utf8()), F("configuration", col::Utf8()), F("removed", col::Boolean())});
    return std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{
        F("txn", txn), F("add", add), F("remove", remove), F("metaData", metadata), F("protocol", protocol),
        F("domainMetadata", domain)});
  }();
  return schema;
}

Result<LastCheckpoint> WriteCheckpoint(const Snapshot& snapshot, const CheckpointOptions& options) {
  const int64_t version = snapshot.version();
  LogStore store(snapshot.table_root());
  const std::string name = CheckpointFileName(version);
  const std::string final_path = store.LogPath(name);
  const std::string tmp_path = store.LogPath("." + name + "." + GenerateUuid() + ".tmp");
  format::parquet::WriterOptions wo;
  wo.codec = format::parquet::CompressionCodec::kSnappy;
  wo.created_by = std::string("Tide ") + TIDE_VERSION;
  int64_t num_adds = 0, rows = 0;
  {
    TIDE_ASSIGN_OR_RETURN(auto writer, format::parquet::ParquetWriter::Open(tmp_path, CheckpointSchema(), wo));
    RowSink sink(writer.get(), CheckpointSchema(), options.rows_per_row_group);
    Status st = WriteRows(snapshot, &sink, options.now_ms.value_or(base::WallMillis()), &num_adds);
    if (st.ok()) st = writer->Close();
    if (st.ok()) st = SyncFile(tmp_path);
    if (!st.ok()) {
      ::unlink(tmp_path.c_str());
      return st.WithContext("writing checkpoint " + name);
    }
    rows = sink.total();
  }
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_path.c_str());
    return Status::FromErrno(err, "renaming checkpoint into " + final_path);
  }
  TIDE_RETURN_IF_ERROR(SyncDir(store.log_dir()));
  struct stat st;
  if (::stat(final_path.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + final_path);
  LastCheckpoint lc;
  lc.version = version;
  lc.size = rows;
  lc.size_in_bytes = static_cast<int64_t>(st.st_size);
  lc.num_of_add_files = num_adds;
  // _last_checkpoint only moves forward (a slow checkpointer must not hide a newer checkpoint).
  auto existing = store.ReadLastCheckpoint();
  if (existing.ok() && existing->has_value() && (*existing)->version > version) return lc;
  TIDE_RETURN_IF_ERROR(store.WriteLastCheckpoint(lc));
  return lc;
}

Result<CleanupResult> CleanupExpiredLogs(const std::string& table_root, int64_t retention_ms,
                                         std::optional<int64_t> now_ms) {
  LogStore store(table_root);
  TIDE_ASSIGN_OR_RETURN(auto files, store.ListFrom(0));
  const int64_t cutoff = now_ms.value_or(base::WallMillis()) - retention_ms;
  // The newest complete checkpoint written before the cutoff.
  int64_t boundary = -1;
  std::map<int64_t, std::map<int32_t, int32_t>> parts_seen;  // multi-part: version -> num_parts -> count
  for (const LogFile& f : files) {
    if (f.modification_time >= cutoff) continue;
    if (f.kind == LogFileKind::kCheckpoint || f.kind == LogFileKind::kV2Checkpoint) {
      boundary = std::max(boundary, f.version);
    } else if (f.kind == LogFileKind::kMultiPartCheckpoint) {
      if (++parts_seen[f.version][f.num_parts] == f.num_parts) boundary = std::max(boundary, f.version);
    }
  }
  CleanupResult result;
  result.oldest_kept_version = boundary < 0 ? 0 : boundary;
  if (boundary <= 0) return result;
  for (const LogFile& f : files) {
    if (f.modification_time >= cutoff) continue;
    const int64_t last = f.kind == LogFileKind::kCompaction ? f.end_version : f.version;
    if (last >= boundary) continue;
    const std::string path = store.LogPath(f.name);
    if (::unlink(path.c_str()) == 0) {
      ++result.files_deleted;
    } else if (errno != ENOENT) {
      return Status::FromErrno(errno, "deleting expired log file " + path);
    }
  }
  return result;
}

Result<bool> CheckpointIfDue(const std::string& table_root, int64_t version, const Metadata& metadata) {
  TIDE_ASSIGN_OR_RETURN(auto props, ParseTableProperties(metadata.configuration));
  const int64_t interval = props.checkpoint_interval > 0 ? props.checkpoint_interval : 10;
  if (version <= 0 || version % interval != 0) return false;
  SnapshotOptions so;
  so.version = version;
  TIDE_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(table_root, so));
  TIDE_RETURN_IF_ERROR(WriteCheckpoint(*snap).status());
  // delta.enableExpiredLogCleanup=false keeps every log file (Delta's switch for it).
  auto cleanup = metadata.configuration.find("delta.enableExpiredLogCleanup");
  if (cleanup != metadata.configuration.end() && cleanup->second == "false") return true;
  TIDE_RETURN_IF_ERROR(CleanupExpiredLogs(table_root, props.log_retention_ms).status());
  return true;
}

}  // namespace tide::table
