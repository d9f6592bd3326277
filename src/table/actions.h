// Delta Lake log actions (PROTOCOL.md "Actions"), as values, with their JSON form.
//
// A Delta table's history is a sequence of commits `_delta_log/<version:020>.json`; each commit
// is newline-delimited JSON with one action per line ({"add": {...}}, {"remove": {...}}, ...).
// Checkpoints hold the same actions as Parquet rows (one struct column per action kind).
// This header is the one model every part of the table layer shares: log replay and
// checkpoints read into it, commits and checkpoints are written from it.
//
// Round trip: ParseActionLine(SerializeAction(a)) == a for every field modelled here. Fields a
// newer writer adds that Tide does not model are dropped on parse (readers must ignore unknown
// fields, PROTOCOL.md), except in commitInfo, which keeps its whole JSON object.
//
// Thread-safety: plain values; share copies freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace tide::table {

// Partition column name -> serialized value (PROTOCOL.md "Partition Value Serialization");
// std::nullopt is a null partition value (JSON null in the log).
using PartitionValues = std::map<std::string, std::optional<std::string>>;
using Tags = std::map<std::string, std::string>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  // Present only for reader version 3 / writer version 7 (table features).
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
  bool operator==(const Protocol&) const = default;
};

struct Format {
  std::string provider = "parquet";
  std::map<std::string, std::string> options;
  bool operator==(const Format&) const = default;
};

struct Metadata {
  std::string id;                           // a UUID
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  std::string schema_string;                // the Delta schema as JSON (delta_schema.h)
  std::vector<std::string> partition_columns;
  std::optional<int64_t> created_time;      // ms since the epoch
  std::map<std::string, std::string> configuration;  // table properties (delta.*)
  bool operator==(const Metadata&) const = default;
};

// PROTOCOL.md "Deletion Vector Descriptor".
struct DeletionVectorDescriptor {
  std::string storage_type;                 // "u" (relative path via UUID), "i" (inline), "p" (absolute path)
  std::string path_or_inline_dv;
  std::optional<int32_t> offset;            // byte offset in the file ("u", "p")
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;                  // number of deleted rows
  // A stable identity for the DV (storage type + path + offset), used to tell add actions of
  // the same file apart (PROTOCOL.md: files are keyed by path and DV id).
  std::string UniqueId() const;
  bool operator==(const DeletionVectorDescriptor&) const = default;
};

struct AddFile {
  std::string path;                         // URI-encoded, relative to the table root (or absolute)
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;            // ms since the epoch
  bool data_change = true;
  std::optional<std::string> stats;         // JSON: numRecords, minValues, maxValues, nullCount, tightBounds
  std::optional<Tags> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;
  bool operator==(const AddFile&) const = default;
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;  // ms since the epoch
  bool data_change = true;
  std::optional<bool> extended_file_metadata;
  std::optional<PartitionValues> partition_values;
  std::optional<int64_t> size;
  std::optional<std::string> stats;
  std::optional<Tags> tags;
  std::optional<DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  bool operator==(const RemoveFile&) const = default;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  std::optional<Tags> tags;
  bool operator==(const AddCdcFile&) const = default;
};

// Application transaction id: the last `version` an application (`app_id`) committed.
struct Txn {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;      // ms since the epoch
  bool operator==(const Txn&) const = default;
};

// commitInfo is free-form; Tide reads the fields it uses and keeps the whole object.
struct CommitInfo {
  std::optional<int64_t> timestamp;             // ms since the epoch
  std::optional<int64_t> in_commit_timestamp;   // inCommitTimestamp feature
  std::optional<std::string> operation;         // "WRITE", "DELETE", "MERGE", "OPTIMIZE", ...
  // Values as JSON text: a string parameter keeps its quotes ({"mode", "\"Append\""}), Spark's
  // JSON-in-a-string values stay strings ({"partitionBy", "\"[]\""}).
  std::map<std::string, std::string> operation_parameters;
  std::map<std::string, std::string> operation_metrics;     // values as strings (Spark style)
  std::optional<std::string> engine_info;       // "Tide/0.1.0"
  std::optional<int64_t> read_version;
  std::optional<std::string> isolation_level;
  std::optional<bool> is_blind_append;
  std::optional<std::string> txn_id;
  // The whole JSON object as read (empty for commit infos built in memory). When set,
  // SerializeAction writes it back unchanged so unknown fields survive a rewrite.
  std::string raw_json;
  bool operator==(const CommitInfo&) const = default;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;                // JSON text, opaque to Delta
  bool removed = false;
  bool operator==(const DomainMetadata&) const = default;
};

// V2 checkpoints: the checkpoint's own metadata and its sidecar files.
struct CheckpointMetadata {
  int64_t version = 0;
  std::optional<Tags> tags;
  bool operator==(const CheckpointMetadata&) const = default;
};

struct Sidecar {
  std::string path;                         // relative to _delta_log/_sidecars/
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  std::optional<Tags> tags;
  bool operator==(const Sidecar&) const = default;
};

using Action = std::variant<Protocol, Metadata, AddFile, RemoveFile, AddCdcFile, Txn, CommitInfo,
                            DomainMetadata, CheckpointMetadata, Sidecar>;

// The JSON key of the action's kind: "protocol", "metaData", "add", "remove", "cdc", "txn",
// "commitInfo", "domainMetadata", "checkpointMetadata", "sidecar".
std::string_view ActionKey(const Action& action);

// Parses one line of a commit (or JSON checkpoint) file. A line whose only key is unknown
// yields std::nullopt (readers skip action kinds they do not know). A line that is not a JSON
// object, or an action with a missing required field or a wrong type, is Corruption naming the
// field ("add.size: expected a number").
base::Result<std::optional<Action>> ParseActionLine(std::string_view line);

// Parses a whole commit file (one action per non-empty line). `where` names the file in errors
// ("_delta_log/00000000000000000003.json: line 2: add.size: expected a number").
base::Result<std::vector<Action>> ParseCommit(std::string_view contents, std::string_view where);

// One action as a single JSON line (no trailing newline), fields in protocol camelCase, optional
// fields omitted when unset.
std::string SerializeAction(const Action& action);

// A commit file's contents: one line per action, each ending with '\n'.
std::string SerializeCommit(const std::vector<Action>& actions);

// The path of `path` in the table directory: URI-decodes (%XX) a relative path. Absolute URIs
// ("file:///...", "/...") are returned decoded without the scheme.
base::Result<std::string> DecodeFilePath(std::string_view path);

// URI-encodes a relative file path for add/remove actions (spaces, '%', and characters outside
// RFC 3986's unreserved set, '/' and '=' are %XX-escaped; '=' stays readable in Hive-style
// partition directories, as Spark writes it), the inverse of DecodeFilePath.
std::string EncodeFilePath(std::string_view relative_path);

}  // namespace tide::table
