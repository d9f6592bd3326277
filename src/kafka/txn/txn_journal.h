// Record encoding of the transaction coordinator's state files (see transaction_coordinator.h,
// "Persistence"): framing with length + CRC32C, and the upsert/delete payloads.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "kafka/txn/transaction_coordinator.h"

namespace tide::kafka::txnjournal {

enum class RecordKind : uint8_t { kUpsert = 1, kDelete = 2 };

struct JournalRecord {
  RecordKind kind = RecordKind::kUpsert;
  TransactionMetadata meta;  // only transactional_id is meaningful for kDelete
};

std::string EncodeUpsert(const TransactionMetadata& meta);
std::string EncodeDelete(const std::string& transactional_id);
// u32 length | u32 CRC32C | payload.
std::string Frame(std::string_view payload);

// Splits `data` into records. Stops at the first incomplete or corrupt frame: *valid_bytes is
// the length of the good prefix and *problem (when not null) says what was wrong after it
// (empty when the whole input was valid).
std::vector<JournalRecord> ParseRecords(std::string_view data, size_t* valid_bytes, std::string* problem);

}  // namespace tide::kafka::txnjournal
