#include "log/record_batch.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "base/endian.h"
#include "format/crc32c.h"

namespace tide::log {
namespace {

using base::Status;

std::string At(size_t position) { return "batch at byte " + std::to_string(position); }

// ---- zigzag varints (Kafka's protobuf-style encoding) ----

void PutVarlong(std::vector<uint8_t>* out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<uint8_t>(z | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<uint8_t>(z));
}

size_t VarlongSize(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  size_t n = 1;
  while (z >= 0x80) {
    z >>= 7;
    ++n;
  }
  return n;
}

// Cursor over a records section; every read is bounds-checked and sets `error` on failure.
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  bool error = false;

  size_t offset(const uint8_t* begin) const { return static_cast<size_t>(p - begin); }

  int64_t Varlong(int max_bytes) {
    uint64_t raw = 0;
    for (int shift = 0, i = 0; i < max_bytes; ++i, shift += 7) {
      if (p >= end) break;
      uint8_t b = *p++;
      raw |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
    }
    error = true;
    return 0;
  }
  int32_t Varint() {
    int64_t v = Varlong(5);
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) error = true;
    return static_cast<int32_t>(v);
  }
  // A length-prefixed byte string; -1 length is null.
  std::optional<std::string> Bytes() {
    int32_t len = Varint();
    if (error || len < -1) {
      error = true;
      return std::nullopt;
    }
    if (len == -1) return std::nullopt;
    if (static_cast<size_t>(end - p) < static_cast<size_t>(len)) {
      error = true;
      return std::nullopt;
    }
    std::string s(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
    p += len;
    return s;
  }
};

void PutBytes(std::vector<uint8_t>* out, const std::optional<std::string>& s) {
  if (!s) {
    PutVarlong(out, -1);
    return;
  }
  PutVarlong(out, static_cast<int64_t>(s->size()));
  out->insert(out->end(), s->begin(), s->end());
}

size_t BytesSize(const std::optional<std::string>& s) {
  return s ? VarlongSize(static_cast<int64_t>(s->size())) + s->size() : 1;
}

int16_t Load16(const uint8_t* p) { return static_cast<int16_t>(base::LoadBigEndian16(p)); }
int32_t Load32(const uint8_t* p) { return static_cast<int32_t>(base::LoadBigEndian32(p)); }
int64_t Load64(const uint8_t* p) { return static_cast<int64_t>(base::LoadBigEndian64(p)); }

}  // namespace

std::string_view CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone: return "none";
    case CompressionType::kGzip: return "gzip";
    case CompressionType::kSnappy: return "snappy";
    case CompressionType::kLz4: return "lz4";
    case CompressionType::kZstd: return "zstd";
  }
  return "unknown";
}

format::Codec ToCodec(CompressionType type) {
  switch (type) {
    case CompressionType::kNone: return format::Codec::kNone;
    case CompressionType::kGzip: return format::Codec::kGzip;
    case CompressionType::kSnappy: return format::Codec::kSnappy;
    case CompressionType::kLz4: return format::Codec::kLz4Frame;
    case CompressionType::kZstd: return format::Codec::kZstd;
  }
  return format::Codec::kNone;
}

// ---- BatchView ----

base::Result<BatchView> BatchView::Parse(std::span<const uint8_t> data, size_t position) {
  if (data.size() < kLogOverhead + 5) {
    return Status::Corruption(At(position) + ": " + std::to_string(data.size()) +
                              " bytes is too short for a record batch header");
  }
  int32_t length = Load32(data.data() + kBatchLengthPos);
  int8_t magic = static_cast<int8_t>(data[kMagicPos]);
  if (magic == 0 || magic == 1) {
    return Status::Unsupported(At(position) + ": legacy message format (magic " + std::to_string(magic) +
                               "); only record batch magic 2 is supported");
  }
  if (magic != kCurrentMagic) {
    return Status::Corruption(At(position) + ": unknown magic byte " + std::to_string(magic));
  }
  if (length < static_cast<int32_t>(kBatchHeaderSize - kLogOverhead)) {
    return Status::Corruption(At(position) + ": batch length " + std::to_string(length) +
                              " is smaller than the batch header");
  }
  size_t total = kLogOverhead + static_cast<size_t>(length);
  if (total > data.size()) {
    return Status::Corruption(At(position) + ": batch of " + std::to_string(total) + " bytes but only " +
                              std::to_string(data.size()) + " available");
  }
  return BatchView(data.first(total));
}

int64_t BatchView::base_offset() const { return Load64(bytes_.data() + kBaseOffsetPos); }
int32_t BatchView::batch_length() const { return Load32(bytes_.data() + kBatchLengthPos); }
int32_t BatchView::partition_leader_epoch() const { return Load32(bytes_.data() + kLeaderEpochPos); }
uint32_t BatchView::crc() const { return base::LoadBigEndian32(bytes_.data() + kCrcPos); }
int16_t BatchView::attributes() const { return Load16(bytes_.data() + kAttributesPos); }
int32_t BatchView::last_offset_delta() const { return Load32(bytes_.data() + 23); }
int64_t BatchView::base_timestamp() const { return Load64(bytes_.data() + 27); }
int64_t BatchView::max_timestamp() const { return Load64(bytes_.data() + kMaxTimestampPos); }
int64_t BatchView::producer_id() const { return Load64(bytes_.data() + 43); }
int16_t BatchView::producer_epoch() const { return Load16(bytes_.data() + 51); }
int32_t BatchView::base_sequence() const { return Load32(bytes_.data() + 53); }
int32_t BatchView::records_count() const { return Load32(bytes_.data() + 57); }

int32_t BatchView::last_sequence() const {
  int32_t base = base_sequence();
  if (base == kNoSequence) return kNoSequence;
  int64_t last = static_cast<int64_t>(base) + last_offset_delta();
  if (last > std::numeric_limits<int32_t>::max()) last -= static_cast<int64_t>(std::numeric_limits<int32_t>::max()) + 1;
  return static_cast<int32_t>(last);
}

Status BatchView::VerifyCrc(size_t position) const {
  uint32_t actual = format::Crc32c(bytes_.data() + kAttributesPos, bytes_.size() - kAttributesPos);
  if (actual != crc()) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "stored 0x%08x, computed 0x%08x", crc(), actual);
    return Status::Corruption(At(position) + " (base offset " + std::to_string(base_offset()) +
                              "): CRC mismatch: " + buf);
  }
  return Status::OK();
}

Status BatchView::Validate(size_t position, bool allow_compacted) const {
  // Built only for an error: Validate runs on every produced batch.
  auto where_text = [&] { return At(position) + " (base offset " + std::to_string(base_offset()) + ")"; };
  if ((attributes() & 0x7) > 4) {
    return Status::Corruption(where_text() + ": unknown compression codec " + std::to_string(attributes() & 0x7));
  }
  if (last_offset_delta() < 0) {
    return Status::Corruption(where_text() + ": negative lastOffsetDelta " + std::to_string(last_offset_delta()));
  }
  if (allow_compacted) {
    if (records_count() < 0 || records_count() > static_cast<int64_t>(last_offset_delta()) + 1) {
      return Status::Corruption(where_text() + ": recordsCount " + std::to_string(records_count()) +
                                " does not fit lastOffsetDelta " + std::to_string(last_offset_delta()));
    }
    return Status::OK();
  }
  if (records_count() <= 0) {
    return Status::Corruption(where_text() + ": batch holds " + std::to_string(records_count()) + " records");
  }
  if (records_count() != last_offset_delta() + 1) {
    return Status::Corruption(where_text() + ": recordsCount " + std::to_string(records_count()) +
                              " does not match lastOffsetDelta " + std::to_string(last_offset_delta()));
  }
  if (is_control() && records_count() != 1) {
    return Status::Corruption(where_text() + ": control batch with " + std::to_string(records_count()) + " records");
  }
  return Status::OK();
}

// ---- BatchReader ----

base::Result<bool> BatchReader::Next(BatchView* batch) {
  incomplete_ = false;
  size_t left = data_.size() - pos_;
  if (left == 0) return false;
  size_t abs = base_position_ + pos_;
  if (left < kLogOverhead) {
    incomplete_ = true;
    return false;
  }
  int32_t length = Load32(data_.data() + pos_ + kBatchLengthPos);
  if (length >= static_cast<int32_t>(kBatchHeaderSize - kLogOverhead) &&
      kLogOverhead + static_cast<size_t>(length) > left) {
    // A plausible batch that the span cuts short (fetch responses end like this; so does a torn
    // write). The magic is checked when it is in range so garbage is not mistaken for a tail.
    if (left > kMagicPos && static_cast<int8_t>(data_[pos_ + kMagicPos]) != kCurrentMagic) {
      auto parsed = BatchView::Parse(data_.subspan(pos_), abs);
      return parsed.status();
    }
    incomplete_ = true;
    return false;
  }
  TIDE_ASSIGN_OR_RETURN(BatchView view, BatchView::Parse(data_.subspan(pos_), abs));
  if (verify_crc_) TIDE_RETURN_IF_ERROR(view.VerifyCrc(abs));
  *batch = view;
  pos_ += view.size();
  return true;
}

// ---- records ----

Status DecodeRecords(const BatchView& batch, std::vector<Record>* out, size_t max_decompressed) {
  std::string where = "batch at offset " + std::to_string(batch.base_offset());
  std::vector<uint8_t> decompressed;
  std::span<const uint8_t> data = batch.records_data();
  if (batch.compression() != CompressionType::kNone) {
    if ((batch.attributes() & 0x7) > 4) {
      return Status::Corruption(where + ": unknown compression codec " + std::to_string(batch.attributes() & 0x7));
    }
    Status st = format::Decompress(ToCodec(batch.compression()), data, &decompressed, 0, max_decompressed);
    if (!st.ok()) return st.WithContext(where);
    data = decompressed;
  }
  int32_t count = batch.records_count();
  if (count < 0) return Status::Corruption(where + ": negative record count " + std::to_string(count));
  bool log_append = batch.timestamp_type() == TimestampType::kLogAppendTime;
  Cursor c{data.data(), data.data() + data.size()};
  size_t first = out->size();
  for (int32_t i = 0; i < count; ++i) {
    size_t record_pos = c.offset(data.data());
    int32_t length = c.Varint();
    if (c.error || length < 0 || static_cast<size_t>(c.end - c.p) < static_cast<size_t>(length)) {
      out->resize(first);
      return Status::Corruption(where + ": record " + std::to_string(i) + " at byte " + std::to_string(record_pos) +
                                " of the records section has a bad length");
    }
    Cursor r{c.p, c.p + length};
    c.p += length;
    Record rec;
    if (r.p >= r.end) r.error = true;
    else ++r.p;  // record attributes: unused
    int64_t ts_delta = r.Varlong(10);
    int32_t offset_delta = r.Varint();
    rec.key = r.Bytes();
    rec.value = r.Bytes();
    int32_t header_count = r.Varint();
    if (!r.error && header_count < 0) r.error = true;
    for (int32_t h = 0; !r.error && h < header_count; ++h) {
      auto key = r.Bytes();
      if (!key) {
        r.error = true;
        break;
      }
      RecordHeader header{std::move(*key), r.Bytes()};
      rec.headers.push_back(std::move(header));
    }
    if (r.error || r.p != r.end) {
      out->resize(first);
      return Status::Corruption(where + ": record " + std::to_string(i) + " at byte " + std::to_string(record_pos) +
                                " of the records section is malformed");
    }
    rec.offset = batch.base_offset() + offset_delta;
    rec.timestamp = log_append ? batch.max_timestamp() : batch.base_timestamp() + ts_delta;
    out->push_back(std::move(rec));
  }
  if (c.p != c.end) {
    out->resize(first);
    return Status::Corruption(where + ": " + std::to_string(c.end - c.p) + " unexpected bytes after " +
                              std::to_string(count) + " records");
  }
  return Status::OK();
}

base::Result<ControlRecord> DecodeControlRecord(const BatchView& batch) {
  std::vector<Record> records;
  TIDE_RETURN_IF_ERROR(DecodeRecords(batch, &records, 1 << 20));
  std::string where = "control batch at offset " + std::to_string(batch.base_offset());
  if (records.size() != 1 || !records[0].key || records[0].key->size() < 4) {
    return Status::Corruption(where + ": malformed control record");
  }
  const auto* key = reinterpret_cast<const uint8_t*>(records[0].key->data());
  int16_t type = Load16(key + 2);
  if (type != 0 && type != 1) return Status::Corruption(where + ": unknown control type " + std::to_string(type));
  ControlRecord marker;
  marker.type = static_cast<ControlType>(type);
  if (records[0].value && records[0].value->size() >= 6) {
    marker.coordinator_epoch = Load32(reinterpret_cast<const uint8_t*>(records[0].value->data()) + 2);
  }
  return marker;
}

// ---- builder ----

Status BuildBatch(const BatchBuildOptions& opt, std::span<const Record> records, std::vector<uint8_t>* out) {
  if (records.empty() && !opt.last_offset_delta) {
    return Status::InvalidArgument("a record batch needs at least one record");
  }
  int64_t base_ts = opt.base_timestamp.value_or(kNoTimestamp);
  int64_t max_ts = kNoTimestamp;
  if (!records.empty()) {
    base_ts = records.front().timestamp;
    for (const auto& r : records) max_ts = std::max(max_ts, r.timestamp);
  }
  if (records.empty()) max_ts = base_ts;
  // Records section, uncompressed.
  std::vector<uint8_t> body;
  int64_t prev = opt.base_offset - 1;
  for (const auto& r : records) {
    if (r.offset <= prev) {
      return Status::InvalidArgument("record offsets must be increasing and >= the base offset (got " +
                                     std::to_string(r.offset) + " after " + std::to_string(prev) + ")");
    }
    if (r.offset - opt.base_offset > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument("record offset " + std::to_string(r.offset) + " too far from base offset");
    }
    prev = r.offset;
    int64_t ts_delta = r.timestamp - base_ts;
    int64_t offset_delta = r.offset - opt.base_offset;
    size_t len = 1 + VarlongSize(ts_delta) + VarlongSize(offset_delta) + BytesSize(r.key) + BytesSize(r.value) +
                 VarlongSize(static_cast<int64_t>(r.headers.size()));
    for (const auto& h : r.headers) len += BytesSize(h.key) + BytesSize(h.value);
    PutVarlong(&body, static_cast<int64_t>(len));
    body.push_back(0);
    PutVarlong(&body, ts_delta);
    PutVarlong(&body, offset_delta);
    PutBytes(&body, r.key);
    PutBytes(&body, r.value);
    PutVarlong(&body, static_cast<int64_t>(r.headers.size()));
    for (const auto& h : r.headers) {
      PutBytes(&body, h.key);
      PutBytes(&body, h.value);
    }
  }
  int32_t last_delta = records.empty() ? 0 : static_cast<int32_t>(records.back().offset - opt.base_offset);
  if (opt.last_offset_delta) {
    if (*opt.last_offset_delta < last_delta) {
      return Status::InvalidArgument("last_offset_delta " + std::to_string(*opt.last_offset_delta) +
                                     " is below the last record's delta " + std::to_string(last_delta));
    }
    last_delta = *opt.last_offset_delta;
  }
  size_t start = out->size();
  out->resize(start + kBatchHeaderSize);
  if (opt.compression == CompressionType::kNone) {
    out->insert(out->end(), body.begin(), body.end());
  } else {
    Status st = format::Compress(ToCodec(opt.compression), body, out, opt.compression_level);
    if (!st.ok()) {
      out->resize(start);
      return st;
    }
  }
  size_t total = out->size() - start;
  if (total - kLogOverhead > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    out->resize(start);
    return Status::InvalidArgument("record batch larger than 2 GiB");
  }
  int16_t attributes = static_cast<int16_t>(opt.compression);
  if (opt.timestamp_type == TimestampType::kLogAppendTime) {
    attributes |= 0x8;
    max_ts = opt.log_append_time;
  }
  if (opt.transactional) attributes |= 0x10;
  if (opt.control) attributes |= 0x20;
  uint8_t* h = out->data() + start;
  base::StoreBigEndian64(h + 0, static_cast<uint64_t>(opt.base_offset));
  base::StoreBigEndian32(h + 8, static_cast<uint32_t>(total - kLogOverhead));
  base::StoreBigEndian32(h + 12, static_cast<uint32_t>(opt.partition_leader_epoch));
  h[16] = kCurrentMagic;
  base::StoreBigEndian16(h + 21, static_cast<uint16_t>(attributes));
  base::StoreBigEndian32(h + 23, static_cast<uint32_t>(last_delta));
  base::StoreBigEndian64(h + 27, static_cast<uint64_t>(base_ts));
  base::StoreBigEndian64(h + 35, static_cast<uint64_t>(max_ts));
  base::StoreBigEndian64(h + 43, static_cast<uint64_t>(opt.producer_id));
  base::StoreBigEndian16(h + 51, static_cast<uint16_t>(opt.producer_epoch));
  base::StoreBigEndian32(h + 53, static_cast<uint32_t>(opt.base_sequence));
  base::StoreBigEndian32(h + 57, static_cast<uint32_t>(records.size()));
  base::StoreBigEndian32(h + kCrcPos, format::Crc32c(h + kAttributesPos, total - kAttributesPos));
  return Status::OK();
}

base::Result<std::vector<uint8_t>> BuildSimpleBatch(
    const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>& kvs, int64_t timestamp,
    CompressionType compression) {
  std::vector<Record> records;
  for (size_t i = 0; i < kvs.size(); ++i) {
    records.push_back(Record{static_cast<int64_t>(i), timestamp, kvs[i].first, kvs[i].second, {}});
  }
  BatchBuildOptions opt;
  opt.compression = compression;
  std::vector<uint8_t> out;
  TIDE_RETURN_IF_ERROR(BuildBatch(opt, records, &out));
  return out;
}

Status BuildControlBatch(int64_t base_offset, int64_t producer_id, int16_t producer_epoch, ControlRecord marker,
                         int64_t timestamp, std::vector<uint8_t>* out) {
  // Control record key: version i16 (0), type i16. Value: version i16 (0), coordinatorEpoch i32.
  std::string key(4, '\0'), value(6, '\0');
  base::StoreBigEndian16(reinterpret_cast<uint8_t*>(key.data()) + 2, static_cast<uint16_t>(marker.type));
  base::StoreBigEndian32(reinterpret_cast<uint8_t*>(value.data()) + 2, static_cast<uint32_t>(marker.coordinator_epoch));
  Record r{base_offset, timestamp, std::move(key), std::move(value), {}};
  BatchBuildOptions opt;
  opt.base_offset = base_offset;
  opt.producer_id = producer_id;
  opt.producer_epoch = producer_epoch;
  opt.transactional = true;
  opt.control = true;
  return BuildBatch(opt, std::span(&r, 1), out);
}

void SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset) {
  base::StoreBigEndian64(batch.data() + kBaseOffsetPos, static_cast<uint64_t>(base_offset));
}

void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch) {
  base::StoreBigEndian32(batch.data() + kLeaderEpochPos, static_cast<uint32_t>(epoch));
}

void SetLogAppendTime(std::span<uint8_t> batch, int64_t time) {
  uint16_t attributes = base::LoadBigEndian16(batch.data() + kAttributesPos);
  base::StoreBigEndian16(batch.data() + kAttributesPos, static_cast<uint16_t>(attributes | 0x8));
  base::StoreBigEndian64(batch.data() + kMaxTimestampPos, static_cast<uint64_t>(time));
  base::StoreBigEndian32(batch.data() + kCrcPos,
                         format::Crc32c(batch.data() + kAttributesPos, batch.size() - kAttributesPos));
}

}  // namespace tide::log
