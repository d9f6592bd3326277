#include "kafka/protocol/wire.h"

#include <algorithm>
#include <cstring>

#include "base/endian.h"

namespace tide::kafka {

bool operator==(const Records& a, const Records& b) {
  return a.is_null == b.is_null && std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end());
}

// ---------------------------------------------------------------------------------------------
// Reader

void Reader::Fail(const char* field, const std::string& what) {
  if (!status_.ok()) return;
  status_ = base::Status::Corruption(std::string(field ? field : "?") + ": " + what + " at byte " +
                                     std::to_string(pos_));
}

bool Reader::Need(const char* field, size_t n) {
  if (!ok()) return false;
  if (remaining() < n) {
    Fail(field, "needs " + std::to_string(n) + " bytes, only " + std::to_string(remaining()) + " left");
    return false;
  }
  return true;
}

void Reader::Int8(const char* field, int8_t& v) {
  v = 0;
  if (!Need(field, 1)) return;
  v = static_cast<int8_t>(buf_[pos_]);
  pos_ += 1;
}

void Reader::Int16(const char* field, int16_t& v) {
  v = 0;
  if (!Need(field, 2)) return;
  v = static_cast<int16_t>(base::LoadBigEndian16(buf_.data() + pos_));
  pos_ += 2;
}

void Reader::Int32(const char* field, int32_t& v) {
  v = 0;
  if (!Need(field, 4)) return;
  v = static_cast<int32_t>(base::LoadBigEndian32(buf_.data() + pos_));
  pos_ += 4;
}

void Reader::Int64(const char* field, int64_t& v) {
  v = 0;
  if (!Need(field, 8)) return;
  v = static_cast<int64_t>(base::LoadBigEndian64(buf_.data() + pos_));
  pos_ += 8;
}

void Reader::Uint16(const char* field, uint16_t& v) {
  int16_t x;
  Int16(field, x);
  v = static_cast<uint16_t>(x);
}

void Reader::Uint32(const char* field, uint32_t& v) {
  int32_t x;
  Int32(field, x);
  v = static_cast<uint32_t>(x);
}

void Reader::Float64(const char* field, double& v) {
  int64_t bits;
  Int64(field, bits);
  std::memcpy(&v, &bits, sizeof v);
}

void Reader::Bool(const char* field, bool& v) {
  int8_t x;
  Int8(field, x);
  v = x != 0;
}

void Reader::Error(const char* field, ErrorCode& v) {
  int16_t x;
  Int16(field, x);
  v = static_cast<ErrorCode>(x);
}

void Reader::Uuid(const char* field, kafka::Uuid& v) {
  v = {};
  if (!Need(field, 16)) return;
  std::memcpy(v.data(), buf_.data() + pos_, 16);
  pos_ += 16;
}

void Reader::UnsignedVarint(const char* field, uint32_t& v) {
  v = 0;
  if (!ok()) return;
  uint32_t result = 0;
  for (int i = 0; i < 5; ++i) {
    if (!Need(field, 1)) return;
    uint8_t b = buf_[pos_++];
    // The fifth byte may only carry the top 4 bits of a 32-bit value.
    if (i == 4 && (b & 0xf0) != 0) {
      Fail(field, "unsigned varint overflows 32 bits");
      return;
    }
    result |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      v = result;
      return;
    }
  }
}

void Reader::Varint(const char* field, int32_t& v) {
  uint32_t raw;
  UnsignedVarint(field, raw);
  v = static_cast<int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

void Reader::Varlong(const char* field, int64_t& v) {
  v = 0;
  if (!ok()) return;
  uint64_t raw = 0;
  for (int i = 0; i < 10; ++i) {
    if (!Need(field, 1)) return;
    uint8_t b = buf_[pos_++];
    if (i == 9 && (b & 0xfe) != 0) {
      Fail(field, "varlong overflows 64 bits");
      return;
    }
    raw |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      v = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
      return;
    }
  }
}

int64_t Reader::Length(const char* field, bool int32_length) {
  if (!ok()) return kErrorCount;
  int64_t len;
  if (flexible_) {
    uint32_t n;
    UnsignedVarint(field, n);
    if (!ok()) return kErrorCount;
    len = static_cast<int64_t>(n) - 1;
  } else if (int32_length) {
    int32_t n;
    Int32(field, n);
    len = n;
  } else {
    int16_t n;
    Int16(field, n);
    len = n;
  }
  if (!ok()) return kErrorCount;
  if (len < -1) {
    Fail(field, "negative length " + std::to_string(len));
    return kErrorCount;
  }
  if (len == -1) return kNullCount;
  if (static_cast<uint64_t>(len) > remaining()) {
    Fail(field, "length " + std::to_string(len) + " exceeds the " + std::to_string(remaining()) +
                    " bytes left");
    return kErrorCount;
  }
  return len;
}

int64_t Reader::ArrayCount(const char* field) {
  if (!ok()) return kErrorCount;
  int64_t n;
  if (flexible_) {
    uint32_t raw;
    UnsignedVarint(field, raw);
    n = static_cast<int64_t>(raw) - 1;
  } else {
    int32_t raw;
    Int32(field, raw);
    n = raw;
  }
  if (!ok()) return kErrorCount;
  if (n < -1) {
    Fail(field, "negative array count " + std::to_string(n));
    return kErrorCount;
  }
  if (n == -1) return kNullCount;
  if (static_cast<uint64_t>(n) > remaining()) {
    Fail(field, "array count " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
                    " bytes left");
    return kErrorCount;
  }
  return n;
}

bool Reader::ReadNullableString(const char* field, bool compact, std::string& out) {
  out.clear();
  bool saved = flexible_;
  flexible_ = compact;
  int64_t len = Length(field, false);
  flexible_ = saved;
  if (len < 0) return false;
  out.assign(reinterpret_cast<const char*>(buf_.data() + pos_), static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return true;
}

void Reader::String(const char* field, std::string& v) {
  if (!ReadNullableString(field, flexible_, v) && ok()) Fail(field, "null in a non-nullable string");
}

void Reader::NullableString(const char* field, std::optional<std::string>& v) {
  std::string s;
  if (ReadNullableString(field, flexible_, s)) {
    v = std::move(s);
  } else {
    v.reset();
  }
}

void Reader::ClassicNullableString(const char* field, std::optional<std::string>& v) {
  std::string s;
  if (ReadNullableString(field, false, s)) {
    v = std::move(s);
  } else {
    v.reset();
  }
}

void Reader::BytesView(const char* field, std::span<const uint8_t>& v) {
  v = {};
  int64_t len = Length(field, true);
  if (len < 0) {
    if (len == kNullCount) Fail(field, "null in non-nullable bytes");
    return;
  }
  v = buf_.subspan(pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
}

void Reader::Bytes(const char* field, std::vector<uint8_t>& v) {
  std::span<const uint8_t> s;
  BytesView(field, s);
  v.assign(s.begin(), s.end());
}

void Reader::NullableBytes(const char* field, std::optional<std::vector<uint8_t>>& v) {
  v.reset();
  int64_t len = Length(field, true);
  if (len < 0) return;
  v.emplace(buf_.begin() + static_cast<ptrdiff_t>(pos_), buf_.begin() + static_cast<ptrdiff_t>(pos_ + len));
  pos_ += static_cast<size_t>(len);
}

void Reader::RecordsField(const char* field, Records& v) {
  v = Records{};
  int64_t len = Length(field, true);
  if (len == kErrorCount) return;
  if (len == kNullCount) {
    v = Records::Null();
    return;
  }
  v = Records::Of(buf_.subspan(pos_, static_cast<size_t>(len)));
  pos_ += static_cast<size_t>(len);
}

void Reader::TaggedFields(const char* field, std::initializer_list<TagField<Reader>> known) {
  if (!flexible_ || !ok()) return;
  uint32_t count;
  UnsignedVarint(field, count);
  if (!ok()) return;
  // Each tag takes at least two bytes (tag, size).
  if (count > remaining()) {
    Fail(field, "tagged field count " + std::to_string(count) + " exceeds the bytes left");
    return;
  }
  for (uint32_t i = 0; i < count && ok(); ++i) {
    uint32_t tag, size;
    UnsignedVarint(field, tag);
    UnsignedVarint(field, size);
    if (!Need(field, size)) return;
    std::span<const uint8_t> body = buf_.subspan(pos_, size);
    for (const auto& k : known) {
      if (k.tag != tag) continue;
      Reader sub(body, true);
      k.io(sub);
      if (!sub.ok()) {
        Fail(field, "tag " + std::to_string(tag) + ": " + sub.status().message());
        return;
      }
      break;
    }
    pos_ += size;
  }
}

// ---------------------------------------------------------------------------------------------
// Writer

void Writer::Int16(const char*, int16_t v) {
  uint8_t b[2];
  base::StoreBigEndian16(b, static_cast<uint16_t>(v));
  out_.insert(out_.end(), b, b + 2);
}

void Writer::Int32(const char*, int32_t v) {
  uint8_t b[4];
  base::StoreBigEndian32(b, static_cast<uint32_t>(v));
  out_.insert(out_.end(), b, b + 4);
}

void Writer::Int64(const char*, int64_t v) {
  uint8_t b[8];
  base::StoreBigEndian64(b, static_cast<uint64_t>(v));
  out_.insert(out_.end(), b, b + 8);
}

void Writer::Float64(const char*, double v) {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  Int64(nullptr, bits);
}

void Writer::UnsignedVarint(const char*, uint32_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::Varint(const char*, int32_t v) {
  UnsignedVarint(nullptr, (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

void Writer::Varlong(const char*, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out_.push_back(static_cast<uint8_t>(z | 0x80));
    z >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(z));
}

void Writer::String(const char*, const std::string& v) {
  if (flexible_) {
    UnsignedVarint(nullptr, static_cast<uint32_t>(v.size() + 1));
  } else {
    Int16(nullptr, static_cast<int16_t>(v.size()));
  }
  out_.insert(out_.end(), v.begin(), v.end());
}

void Writer::NullableString(const char*, const std::optional<std::string>& v) {
  if (v) return String(nullptr, *v);
  if (flexible_) {
    UnsignedVarint(nullptr, 0);
  } else {
    Int16(nullptr, -1);
  }
}

void Writer::ClassicNullableString(const char*, const std::optional<std::string>& v) {
  bool saved = flexible_;
  flexible_ = false;
  NullableString(nullptr, v);
  flexible_ = saved;
}

void Writer::NullableBytes(const char*, const std::optional<std::vector<uint8_t>>& v) {
  if (v) {
    WriteBytes(v->data(), v->size(), false);
  } else {
    WriteBytes(nullptr, 0, true);
  }
}

void Writer::WriteBytes(const uint8_t* p, size_t n, bool is_null) {
  if (flexible_) {
    UnsignedVarint(nullptr, is_null ? 0 : static_cast<uint32_t>(n + 1));
  } else {
    Int32(nullptr, is_null ? -1 : static_cast<int32_t>(n));
  }
  if (!is_null && n > 0) out_.insert(out_.end(), p, p + n);
}

void Writer::RecordsField(const char*, const Records& v) {
  if (v.file == nullptr || v.is_null) {
    WriteBytes(v.bytes.data(), v.bytes.size(), v.is_null);
    return;
  }
  if (flexible_) {  // the length prefix, as WriteBytes writes it
    UnsignedVarint(nullptr, static_cast<uint32_t>(v.file->length + 1));
  } else {
    Int32(nullptr, static_cast<int32_t>(v.file->length));
  }
  if (v.file->length == 0) return;
  if (file_sink_ != nullptr) {
    file_sink_->emplace_back(out_.size(), *v.file);
    return;
  }
  size_t at = out_.size();
  out_.resize(at + v.file->length);
  // Without a sink (tests, tools) the bytes are read in. A region that cannot be read leaves
  // zeros, which a client's CRC check refuses; the broker encodes fetches with a sink and reads
  // small records itself, so that a read error becomes a partition error there.
  if (!io::ReadFileRegion(*v.file, out_.data() + at)) std::fill(out_.begin() + static_cast<ptrdiff_t>(at), out_.end(), 0);
}

void Writer::ArrayCount(int64_t n) {
  if (flexible_) {
    UnsignedVarint(nullptr, static_cast<uint32_t>(n + 1));
  } else {
    Int32(nullptr, static_cast<int32_t>(n));
  }
}

void Writer::TaggedFields(const char*, std::initializer_list<TagField<Writer>> known) {
  if (!flexible_) return;
  uint32_t count = 0;
  for (const auto& k : known) count += k.present ? 1 : 0;
  UnsignedVarint(nullptr, count);
  for (const auto& k : known) {
    if (!k.present) continue;
    std::vector<uint8_t> body;
    Writer sub(body, true);
    k.io(sub);
    UnsignedVarint(nullptr, k.tag);
    UnsignedVarint(nullptr, static_cast<uint32_t>(body.size()));
    out_.insert(out_.end(), body.begin(), body.end());
  }
}

size_t Writer::ReserveInt32() {
  size_t pos = out_.size();
  out_.insert(out_.end(), 4, 0);
  return pos;
}

void Writer::PatchInt32(size_t pos, int32_t value) {
  base::StoreBigEndian32(out_.data() + pos, static_cast<uint32_t>(value));
}

}  // namespace tide::kafka
