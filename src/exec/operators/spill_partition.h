// Partitioned spilling shared by hash aggregation and hash join: a sink that writes each
// input row (all its columns) to one of N partition files chosen by a hash of key
// expressions, so that rows with equal keys land in the same partition; and a stream that
// reads one partition back.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "exec/operators/pipeline.h"
#include "exec/spill.h"

namespace tide::exec::internal {

struct SpillPartitions {
  int num_partitions = 0;
  std::shared_ptr<const columnar::Schema> schema;
  std::vector<std::vector<std::string>> files;  // per partition (one per writing worker)
  std::vector<int64_t> rows;                    // per partition
};

struct PartitionSpec {
  QueryContext* ctx = nullptr;
  std::string tag;
  int num_partitions = 32;
  uint64_t seed = 0;
  std::vector<sql::BoundExprPtr> keys;
  std::vector<bool> null_safe;               // per key; nulls in other keys set saw_null_key
  std::atomic<bool>* saw_null_key = nullptr;  // optional
};

// Runs `input` into partition files.
base::Result<SpillPartitions> SpillStreamPartitioned(const Stream& input, const PartitionSpec& spec);

// A stream over partition p's rows.
Stream PartitionStream(const SpillPartitions& parts, int p, int64_t batch_size);

// The partition of a key hash for a given seed.
int PartitionOf(uint64_t key_hash, uint64_t seed, int num_partitions);

}  // namespace tide::exec::internal

namespace tide::exec::internal {

// Runs `input` and keeps its output in memory while the memory limit allows, spilling the
// rest to files; returns a stream over all of it (memory chunks first, then one task per
// file). The memory stays reserved until the returned stream is destroyed.
base::Result<Stream> MaterializeSpillable(const Stream& input, QueryContext* ctx, const std::string& tag,
                                          int64_t batch_size);

}  // namespace tide::exec::internal
