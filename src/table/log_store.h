// LogStore: the `_delta_log` directory of a Delta table on the local file system.
//
// File names (PROTOCOL.md "Delta Log Entries", "Checkpoints", "Log Compaction Files"):
//   00000000000000000003.json                               commit of version 3
//   00000000000000000010.checkpoint.parquet                 classic single-file checkpoint
//   00000000000000000010.checkpoint.0000000001.0000000003.parquet   part 1 of 3 (multi-part)
//   00000000000000000010.checkpoint.<uuid>.json|.parquet    v2 checkpoint (top-level file)
//   00000000000000000004.00000000000000000006.compacted.json  log compaction of commits 4..6
//   00000000000000000003.crc                                version checksum (ignored by replay)
//   _last_checkpoint                                        hint: the latest checkpoint
//   _sidecars/<name>.parquet                                v2 checkpoint sidecar files
// Anything else in the directory (temp files, "_commits/", ".00000.json.crc" Hadoop files) is
// ignored by listing.
//
// Atomicity: PutIfAbsent creates a file only if no file of that name exists, atomically across
// processes on one machine (temp file in the same directory, fsync, link(2) to the final name,
// unlink the temp, fsync the directory). It is the primitive Delta commits rely on ("mutual
// exclusion": exactly one writer wins version N). WriteFileAtomic replaces a file atomically
// (temp + rename + directory fsync); readers see the old or the new contents, never a mix.
//
// Thread-safety: a LogStore is an immutable value (the table root); its methods may be called
// from several threads. Concurrent PutIfAbsent calls on one name: exactly one succeeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace tide::table {

enum class LogFileKind {
  kCommit,               // NNN.json
  kCheckpoint,           // NNN.checkpoint.parquet (classic, single file)
  kMultiPartCheckpoint,  // NNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet
  kV2Checkpoint,         // NNN.checkpoint.<uuid>.json|parquet
  kCompaction,           // NNN.MMM.compacted.json
  kChecksum,             // NNN.crc
};

struct LogFile {
  LogFileKind kind = LogFileKind::kCommit;
  int64_t version = 0;      // commit / checkpoint version; compaction: first version covered
  int64_t end_version = 0;  // compaction: last version covered; otherwise == version
  int32_t part = 0;         // multi-part checkpoint: 1-based part number
  int32_t num_parts = 0;    // multi-part checkpoint: number of parts (1 for classic / v2)
  std::string name;         // file name inside _delta_log ("00000000000000000003.json")
  int64_t size = 0;                // bytes (from listing)
  int64_t modification_time = 0;   // ms since the epoch (from listing)
  bool is_parquet() const;  // checkpoint stored as Parquet (classic, multi-part, v2 .parquet)
};

// Classifies a file name of _delta_log; std::nullopt for names that are not log files.
std::optional<LogFile> ParseLogFileName(std::string_view name);

// Canonical names.
std::string CommitFileName(int64_t version);                   // "%020d.json"
std::string CheckpointFileName(int64_t version);               // "%020d.checkpoint.parquet"
std::string MultiPartCheckpointFileName(int64_t version, int32_t part, int32_t num_parts);
std::string V2CheckpointFileName(int64_t version, std::string_view uuid, std::string_view ext);  // ext "json"|"parquet"
std::string CompactionFileName(int64_t start_version, int64_t end_version);

// The `_last_checkpoint` file (PROTOCOL.md "Last Checkpoint File").
struct LastCheckpoint {
  int64_t version = 0;
  int64_t size = 0;                      // number of actions in the checkpoint
  std::optional<int32_t> parts;          // multi-part checkpoints
  std::optional<int64_t> size_in_bytes;
  std::optional<int64_t> num_of_add_files;
  std::optional<std::string> checkpoint_schema;  // JSON text, kept as is
  std::optional<std::string> checksum;
  std::optional<std::string> v2_checkpoint;      // JSON text of the "v2Checkpoint" object
  bool operator==(const LastCheckpoint&) const = default;
};
// Corruption naming the field when the JSON is malformed.
base::Result<LastCheckpoint> ParseLastCheckpoint(std::string_view json);
std::string SerializeLastCheckpoint(const LastCheckpoint& lc);

// Create `path` with `bytes` unless it exists: AlreadyExists("<path> already exists") when it
// does; IoError on any other failure (no partial file is ever visible under `path`).
// Equivalent to PreparedPut::Prepare followed by Publish.
base::Status PutIfAbsent(const std::string& path, std::string_view bytes);

// PutIfAbsent in two phases, so a caller can overlap the durable write of the contents with
// other flushes it needs before the file may become visible (Transaction::Commit fsyncs the
// data files of the commit meanwhile):
//   Prepare: writes `bytes` to a uniquely named temp file next to `path` and fsyncs it; the
//            final name is untouched (nothing visible to readers, who ignore temp names).
//   Publish: link(2)s the temp file to `path` (AlreadyExists when `path` exists; the atomic
//            create-if-absent step), unlinks the temp name and fsyncs the directory. Only
//            after Publish returns OK is the file durable under `path`; a crash before leaves
//            at most a stray temp file.
// A PreparedPut not published unlinks its temp file when destroyed (after a failed Publish,
// too). Move-only; one thread at a time.
class PreparedPut {
 public:
  static base::Result<PreparedPut> Prepare(const std::string& path, std::string_view bytes);
  PreparedPut(PreparedPut&& other) noexcept;
  PreparedPut& operator=(PreparedPut&& other) noexcept;
  PreparedPut(const PreparedPut&) = delete;
  PreparedPut& operator=(const PreparedPut&) = delete;
  ~PreparedPut();

  base::Status Publish();
  const std::string& path() const { return path_; }

 private:
  PreparedPut(std::string path, std::string tmp) : path_(std::move(path)), tmp_(std::move(tmp)) {}
  void Abandon();
  std::string path_;
  std::string tmp_;  // empty once published or abandoned
};

// fsyncs each of `paths` (files; `directories` says they are directories) so that what was
// written to them is durable. A path that does not exist is skipped when `skip_missing`
// (otherwise NotFound); any other failure is IoError naming the path.
base::Status SyncPaths(const std::vector<std::string>& paths, bool directories, bool skip_missing);
// Replace (or create) `path` with `bytes` atomically.
base::Status WriteFileAtomic(const std::string& path, std::string_view bytes);
// The whole file. NotFound when it does not exist, IoError otherwise.
base::Result<std::string> ReadWholeFile(const std::string& path);

class LogStore {
 public:
  // `table_root`: the table directory (a local path; a "file:" URI prefix is stripped).
  explicit LogStore(std::string table_root);

  const std::string& table_root() const { return root_; }
  std::string log_dir() const;                          // <root>/_delta_log
  std::string LogPath(std::string_view name) const;     // <root>/_delta_log/<name>

  // True when <root>/_delta_log is a directory.
  bool LogDirExists() const;

  // Every log file with version >= `from_version` (compactions: start >= from), sorted by
  // version, then kind (commit before checkpoints before compactions), then name.
  // NotFound("<root>: not a Delta table (no _delta_log directory)") when the directory is missing.
  base::Result<std::vector<LogFile>> ListFrom(int64_t from_version) const;

  // Reads a file of _delta_log ("00000000000000000003.json", "_sidecars/x.parquet").
  base::Result<std::string> Read(std::string_view name) const;

  // `_last_checkpoint`, or std::nullopt when absent. Corruption when unreadable as JSON (callers
  // treat that as a hint to ignore, PROTOCOL.md says it is only an optimization).
  base::Result<std::optional<LastCheckpoint>> ReadLastCheckpoint() const;
  base::Status WriteLastCheckpoint(const LastCheckpoint& lc) const;

  // Atomic create of a log file (a commit): AlreadyExists when version already committed.
  // Creates _delta_log if needed.
  base::Status PutIfAbsent(std::string_view name, std::string_view bytes) const;
  // The first phase of PutIfAbsent for a log file (see PreparedPut). Creates _delta_log if needed.
  base::Result<PreparedPut> PreparePut(std::string_view name, std::string_view bytes) const;
  base::Status WriteFileAtomic(std::string_view name, std::string_view bytes) const;

 private:
  std::string root_;
};

}  // namespace tide::table
