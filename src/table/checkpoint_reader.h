// Reading checkpoint files into actions: classic / multi-part Parquet checkpoints, v2
// checkpoints (top-level JSON or Parquet with checkpointMetadata + sidecar actions) and
// sidecar Parquet files (PROTOCOL.md "Checkpoints", "Checkpoint Schema").
//
// A Parquet checkpoint row has one struct column per action kind, exactly one of which is set.
// The add and remove columns (nearly all rows) are decoded column-wise straight into AddFile /
// RemoveFile. Every other row -- other action kinds, columns whose types differ from the
// checkpoint schema, an add whose stats come only from add.stats_parsed (writeStatsAsStruct) --
// is rendered as the action's JSON object (maps as objects, nulls omitted) and parsed by
// ParseActionLine. Both paths give the same actions and the same validation errors as a JSON
// commit line (Corruption "<file>: row <n>: add.size: missing required field").
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "table/actions.h"

namespace tide::table {

// All actions of one Parquet checkpoint (or sidecar) file. Errors name the file and row.
base::Result<std::vector<Action>> ReadParquetCheckpointFile(const std::string& path);

}  // namespace tide::table
