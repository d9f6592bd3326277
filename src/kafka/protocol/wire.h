// Primitive encoding of the Kafka wire protocol: Reader (decode) and Writer (encode).
//
// Both classes expose the same set of field operations with the same names, so one templated
// "field list" per message serves both directions (see message_io.h):
//
//   io.Int32("partition_index", m.partition_index);   // Reader: reads into; Writer: writes from
//   io.String("name", m.name);                         // classic or compact by io.flexible()
//
// Variable-length types (strings, bytes, arrays, tagged fields) use the classic encoding (int16/
// int32 length, -1 = null) or the flexible one of KIP-482 (unsigned varint length+1, 0 = null) as
// chosen by set_flexible(); Message Decode/Encode set it from IsFlexible(api_key, version), so a
// message's field list never branches on flexibility.
//
// Reader safety: it parses untrusted network bytes. Every length and array count is checked
// against the bytes that remain before anything is allocated, so a 5-byte request claiming a
// 2-billion-element array fails instead of allocating. Errors are sticky: the first failure is
// recorded as a Status (Corruption: "<field>: <problem> at byte <offset>") and every later read
// returns a default value and consumes nothing; callers check status() once at the end.
//
// Zero-copy: BytesView/Records results are spans into the Reader's buffer and stay valid only as
// long as that buffer does.
//
// Thread-safety: none; a Reader/Writer belongs to one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/file_region.h"
#include "kafka/protocol/error_codes.h"

namespace tide::kafka {

using Uuid = std::array<uint8_t, 16>;

// Raw record-batch bytes (Produce request, Fetch response). The codec never parses them.
// A decoded Records points into the decoded buffer; for encoding, point `bytes` at data that
// outlives the Encode call. Equality compares `bytes` and nullness.
//
// Zero-copy fetch: for encoding, `file` may name the bytes in a file instead (then `bytes` is
// ignored). A Writer with a file sink (Writer::set_file_sink) writes the length prefix and leaves
// the bytes out, recording the region and where it goes; without a sink it reads them in.
struct Records {
  std::span<const uint8_t> bytes;
  bool is_null = false;
  const io::FileRegion* file = nullptr;  // must outlive the Encode call

  static Records Null() { return Records{{}, true}; }
  static Records Of(std::span<const uint8_t> b) { return Records{b, false}; }
  friend bool operator==(const Records& a, const Records& b);
};

class Reader;
class Writer;

// One known tagged field of a flexible struct (see TaggedFields). `present` matters only when
// encoding: a field equal to its default is left out, as Kafka does.
template <class IO>
struct TagField {
  uint32_t tag;
  bool present;
  std::function<void(IO&)> io;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> buf, bool flexible = false) : buf_(buf), flexible_(flexible) {}

  bool ok() const { return status_.ok(); }
  const base::Status& status() const { return status_; }
  size_t offset() const { return pos_; }
  size_t remaining() const { return buf_.size() - pos_; }
  // The unread bytes (empty after an error).
  std::span<const uint8_t> rest() const { return ok() ? buf_.subspan(pos_) : std::span<const uint8_t>(); }
  bool flexible() const { return flexible_; }
  void set_flexible(bool flexible) { flexible_ = flexible; }
  // Records `what` as the error (if none is recorded yet); for checks that need message context.
  void Fail(const char* field, const std::string& what);

  // Fixed-width big-endian integers.
  void Int8(const char* field, int8_t& v);
  void Int16(const char* field, int16_t& v);
  void Int32(const char* field, int32_t& v);
  void Int64(const char* field, int64_t& v);
  void Uint16(const char* field, uint16_t& v);
  void Uint32(const char* field, uint32_t& v);
  void Float64(const char* field, double& v);
  void Bool(const char* field, bool& v);  // any non-zero byte is true, as in Kafka
  void Error(const char* field, ErrorCode& v);  // an int16 error code
  void Uuid(const char* field, kafka::Uuid& v);

  // Variable-length integers (unsigned LEB128, and zigzag for signed).
  void UnsignedVarint(const char* field, uint32_t& v);
  void Varint(const char* field, int32_t& v);
  void Varlong(const char* field, int64_t& v);

  // Strings and bytes in the current (classic or compact) encoding. Non-nullable kinds reject
  // a null length; nullable kinds map null to nullopt.
  void String(const char* field, std::string& v);
  void NullableString(const char* field, std::optional<std::string>& v);
  void Bytes(const char* field, std::vector<uint8_t>& v);
  void NullableBytes(const char* field, std::optional<std::vector<uint8_t>>& v);
  // Zero-copy: a span into the buffer.
  void BytesView(const char* field, std::span<const uint8_t>& v);
  // Nullable bytes holding record batches, zero-copy.
  void RecordsField(const char* field, Records& v);
  // Explicit-encoding variants, for the few places where the encoding does not follow the
  // message's flexibility (request header v2's client_id is always a classic string).
  void ClassicNullableString(const char* field, std::optional<std::string>& v);

  // Arrays: `fn(element&)` decodes one element. Counts are bounded by remaining(): every element
  // takes at least one byte in every schema Tide decodes.
  template <class T, class F>
  void Array(const char* field, std::vector<T>& v, F&& fn) {
    v.clear();
    int64_t n = ArrayCount(field);
    if (n < 0) {
      if (n == kNullCount) Fail(field, "null array in a non-nullable field");
      return;
    }
    for (int64_t i = 0; i < n && ok(); ++i) fn(v.emplace_back());
  }
  template <class T, class F>
  void NullableArray(const char* field, std::optional<std::vector<T>>& v, F&& fn) {
    v.reset();
    int64_t n = ArrayCount(field);
    if (n < 0) return;  // null, or an error already recorded
    v.emplace();
    for (int64_t i = 0; i < n && ok(); ++i) fn(v->emplace_back());
  }

  // The tagged-field section of a flexible struct; no-op when not flexible. Known tags are
  // decoded by their TagField::io over exactly the tag's bytes; unknown tags are skipped.
  void TaggedFields(const char* field, std::initializer_list<TagField<Reader>> known = {});

 private:
  static constexpr int64_t kNullCount = -1;
  static constexpr int64_t kErrorCount = -2;
  bool Need(const char* field, size_t n);
  // The length of a string/bytes field: >= 0, kNullCount, or kErrorCount. Checks it fits.
  int64_t Length(const char* field, bool int32_length);
  // An array count: >= 0, kNullCount, or kErrorCount (error recorded). Bounded by remaining().
  int64_t ArrayCount(const char* field);
  bool ReadNullableString(const char* field, bool compact, std::string& out);  // false = null

  std::span<const uint8_t> buf_;
  size_t pos_ = 0;
  bool flexible_;
  base::Status status_;
};

class Writer {
 public:
  // Appends to `out` (which may already hold bytes, e.g. a reserved size prefix).
  explicit Writer(std::vector<uint8_t>& out, bool flexible = false) : out_(out), flexible_(flexible) {}

  bool flexible() const { return flexible_; }
  void set_flexible(bool flexible) { flexible_ = flexible; }
  size_t size() const { return out_.size(); }
  std::vector<uint8_t>& buffer() { return out_; }

  void Int8(const char*, int8_t v) { out_.push_back(static_cast<uint8_t>(v)); }
  void Int16(const char*, int16_t v);
  void Int32(const char*, int32_t v);
  void Int64(const char*, int64_t v);
  void Uint16(const char*, uint16_t v) { Int16(nullptr, static_cast<int16_t>(v)); }
  void Uint32(const char*, uint32_t v) { Int32(nullptr, static_cast<int32_t>(v)); }
  void Float64(const char*, double v);
  void Bool(const char*, bool v) { out_.push_back(v ? 1 : 0); }
  void Error(const char*, ErrorCode v) { Int16(nullptr, static_cast<int16_t>(v)); }
  void Uuid(const char*, const kafka::Uuid& v) { out_.insert(out_.end(), v.begin(), v.end()); }

  void UnsignedVarint(const char*, uint32_t v);
  void Varint(const char*, int32_t v);
  void Varlong(const char*, int64_t v);

  void String(const char*, const std::string& v);
  void NullableString(const char*, const std::optional<std::string>& v);
  void Bytes(const char*, const std::vector<uint8_t>& v) { WriteBytes(v.data(), v.size(), false); }
  void NullableBytes(const char*, const std::optional<std::vector<uint8_t>>& v);
  void BytesView(const char*, std::span<const uint8_t> v) { WriteBytes(v.data(), v.size(), false); }
  void RecordsField(const char*, const Records& v);
  // File regions of Records fields (see Records::file) are recorded here, each with the position
  // in the output before which its bytes go (for TcpConnection::SendWithFiles), instead of
  // being read into the output.
  using FileSink = std::vector<std::pair<size_t, io::FileRegion>>;
  void set_file_sink(FileSink* sink) { file_sink_ = sink; }
  void ClassicNullableString(const char*, const std::optional<std::string>& v);

  template <class T, class F>
  void Array(const char* field, const std::vector<T>& v, F&& fn) {
    ArrayCount(static_cast<int64_t>(v.size()));
    for (const T& e : v) fn(e);
  }
  template <class T, class F>
  void NullableArray(const char* field, const std::optional<std::vector<T>>& v, F&& fn) {
    if (!v) {
      ArrayCount(-1);
      return;
    }
    Array(field, *v, fn);
  }

  // Writes the present known tags in ascending tag order (callers list them in order).
  void TaggedFields(const char* field, std::initializer_list<TagField<Writer>> known = {});

  // Length prefixes written after the fact: Reserve returns the position of a 4-byte
  // placeholder, Patch stores `value` there (big-endian).
  size_t ReserveInt32();
  void PatchInt32(size_t pos, int32_t value);

 private:
  void ArrayCount(int64_t n);  // -1 = null
  void WriteBytes(const uint8_t* p, size_t n, bool is_null);

  std::vector<uint8_t>& out_;
  bool flexible_;
  FileSink* file_sink_ = nullptr;
};

}  // namespace tide::kafka
