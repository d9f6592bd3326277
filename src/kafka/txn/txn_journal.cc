#include "kafka/txn/txn_journal.h"

#include "format/crc32c.h"

namespace tide::kafka::txnjournal {

namespace {

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
void PutU16(std::string* out, uint16_t v) {
  PutU8(out, static_cast<uint8_t>(v >> 8));
  PutU8(out, static_cast<uint8_t>(v));
}
void PutU32(std::string* out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}
void PutU64(std::string* out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v >> 32));
  PutU32(out, static_cast<uint32_t>(v));
}
void PutString(std::string* out, std::string_view s) {
  // Kafka bounds transactional ids, topics and group ids well below 64 KiB; longer input is cut
  // rather than written with a wrong length.
  size_t n = s.size() > 0xFFFF ? 0xFFFF : s.size();
  PutU16(out, static_cast<uint16_t>(n));
  out->append(s.data(), n);
}

// Bounds-checked big-endian reader; any overrun turns ok() false and yields zeros.
class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == data_.size(); }
  uint64_t Uint(int bytes) {
    if (!ok_ || data_.size() - pos_ < static_cast<size_t>(bytes)) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_++]);
    return v;
  }
  std::string String() {
    size_t n = Uint(2);
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

bool DecodePayload(std::string_view payload, JournalRecord* rec) {
  Cursor c(payload);
  uint8_t kind = static_cast<uint8_t>(c.Uint(1));
  if (kind != 1 && kind != 2) return false;
  rec->kind = static_cast<RecordKind>(kind);
  rec->meta = TransactionMetadata{};
  rec->meta.transactional_id = c.String();
  if (rec->kind == RecordKind::kDelete) return c.ok() && c.done();
  TransactionMetadata& m = rec->meta;
  m.producer_id = static_cast<int64_t>(c.Uint(8));
  m.producer_epoch = static_cast<int16_t>(c.Uint(2));
  m.last_producer_id = static_cast<int64_t>(c.Uint(8));
  m.last_producer_epoch = static_cast<int16_t>(c.Uint(2));
  m.timeout_ms = static_cast<int32_t>(c.Uint(4));
  uint8_t state = static_cast<uint8_t>(c.Uint(1));
  if (state > static_cast<uint8_t>(TxnState::kDead)) return false;
  m.state = static_cast<TxnState>(state);
  m.txn_start_ms = static_cast<int64_t>(c.Uint(8));
  m.last_update_ms = static_cast<int64_t>(c.Uint(8));
  uint32_t partitions = static_cast<uint32_t>(c.Uint(4));
  for (uint32_t i = 0; c.ok() && i < partitions; ++i) {
    std::string topic = c.String();
    int32_t p = static_cast<int32_t>(c.Uint(4));
    m.partitions.emplace(std::move(topic), p);
  }
  uint32_t groups = static_cast<uint32_t>(c.Uint(4));
  for (uint32_t i = 0; c.ok() && i < groups; ++i) m.groups.insert(c.String());
  return c.ok() && c.done();
}

}  // namespace

std::string EncodeUpsert(const TransactionMetadata& m) {
  std::string out;
  PutU8(&out, static_cast<uint8_t>(RecordKind::kUpsert));
  PutString(&out, m.transactional_id);
  PutU64(&out, static_cast<uint64_t>(m.producer_id));
  PutU16(&out, static_cast<uint16_t>(m.producer_epoch));
  PutU64(&out, static_cast<uint64_t>(m.last_producer_id));
  PutU16(&out, static_cast<uint16_t>(m.last_producer_epoch));
  PutU32(&out, static_cast<uint32_t>(m.timeout_ms));
  PutU8(&out, static_cast<uint8_t>(m.state));
  PutU64(&out, static_cast<uint64_t>(m.txn_start_ms));
  PutU64(&out, static_cast<uint64_t>(m.last_update_ms));
  PutU32(&out, static_cast<uint32_t>(m.partitions.size()));
  for (const auto& [topic, p] : m.partitions) {
    PutString(&out, topic);
    PutU32(&out, static_cast<uint32_t>(p));
  }
  PutU32(&out, static_cast<uint32_t>(m.groups.size()));
  for (const auto& g : m.groups) PutString(&out, g);
  return out;
}

std::string EncodeDelete(const std::string& transactional_id) {
  std::string out;
  PutU8(&out, static_cast<uint8_t>(RecordKind::kDelete));
  PutString(&out, transactional_id);
  return out;
}

std::string Frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  PutU32(&out, static_cast<uint32_t>(payload.size()));
  PutU32(&out, format::Crc32c(payload.data(), payload.size()));
  out.append(payload);
  return out;
}

std::vector<JournalRecord> ParseRecords(std::string_view data, size_t* valid_bytes, std::string* problem) {
  std::vector<JournalRecord> out;
  size_t pos = 0;
  std::string why;
  while (pos < data.size()) {
    Cursor header(data.substr(pos));
    uint32_t len = static_cast<uint32_t>(header.Uint(4));
    uint32_t crc = static_cast<uint32_t>(header.Uint(4));
    if (!header.ok() || data.size() - pos - 8 < len) {
      why = "record at byte " + std::to_string(pos) + " is incomplete";
      break;
    }
    std::string_view payload = data.substr(pos + 8, len);
    if (format::Crc32c(payload.data(), payload.size()) != crc) {
      why = "record at byte " + std::to_string(pos) + ": CRC mismatch";
      break;
    }
    JournalRecord rec;
    if (!DecodePayload(payload, &rec)) {
      why = "record at byte " + std::to_string(pos) + ": malformed payload";
      break;
    }
    out.push_back(std::move(rec));
    pos += 8 + len;
  }
  if (valid_bytes) *valid_bytes = pos;
  if (problem) *problem = why;
  return out;
}

}  // namespace tide::kafka::txnjournal
