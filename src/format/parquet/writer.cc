#include "format/parquet/writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "columnar/json.h"
#include "format/compression.h"
#include "format/parquet/encoding.h"
#include "format/parquet/reader.h"

namespace tide::format::parquet {

namespace {

using base::Status;
namespace col = tide::columnar;

// ---------------------------------------------------------------- sinks

class FileSink final : public ParquetSink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Write(const uint8_t* data, size_t n) override {
    if (buf_.size() + n > kBuffer) TIDE_RETURN_IF_ERROR(Flush());
    if (n >= kBuffer) return WriteAll(data, n);
    buf_.insert(buf_.end(), data, data + n);
    return Status::OK();
  }
  Status Close() override {
    TIDE_RETURN_IF_ERROR(Flush());
    if (fd_ >= 0) {
      const int rc = ::close(fd_);
      fd_ = -1;
      if (rc != 0) return Status::FromErrno(errno, "closing " + path_);
    }
    return Status::OK();
  }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  Status Flush() {
    Status st = WriteAll(buf_.data(), buf_.size());
    buf_.clear();
    return st;
  }
  Status WriteAll(const uint8_t* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "writing " + path_);
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::OK();
  }
  int fd_;
  std::string path_;
  std::vector<uint8_t> buf_;
};

class BufferSink final : public ParquetSink {
 public:
  explicit BufferSink(std::vector<uint8_t>* out) : out_(out) {}
  Status Write(const uint8_t* data, size_t n) override {
    out_->insert(out_->end(), data, data + n);
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }

 private:
  std::vector<uint8_t>* out_;
};

// ---------------------------------------------------------------- schema

int DecimalBytes(int precision) {
  // Smallest n with 10^precision - 1 < 2^(8n - 1).
  unsigned __int128 max = 1;
  for (int i = 0; i < precision; ++i) max *= 10;
  max -= 1;
  for (int n = 1; n <= 16; ++n) {
    if (n == 16 || max < (static_cast<unsigned __int128>(1) << (8 * n - 1))) return n;
  }
  return 16;
}

Status AddField(const col::Field& f, bool force_required, std::vector<SchemaElement>* out) {
  SchemaElement e;
  e.name = f.name();
  e.repetition = (f.nullable() && !force_required) ? Repetition::kOptional : Repetition::kRequired;
  // Field ids (Arrow's "PARQUET:field_id" metadata key) let readers match columns by id instead
  // of by name, as Delta column mapping in id mode and Iceberg do.
  for (const auto& [key, value] : f.metadata()) {
    if (key != kFieldIdMetadataKey) continue;
    int32_t id = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return Status::InvalidArgument("column " + f.name() + ": field id '" + value + "' is not a 32-bit integer");
    }
    e.field_id = id;
  }
  const col::DataType& t = *f.type();
  auto integer = [&](PhysicalType p, int bits, bool is_signed, std::optional<ConvertedType> ct) {
    e.type = p;
    e.logical_type.kind = LogicalType::kInteger;
    e.logical_type.bit_width = static_cast<int8_t>(bits);
    e.logical_type.is_signed = is_signed;
    e.converted_type = ct;
  };
  switch (t.id()) {
    case col::TypeId::kNull: return Status::Unsupported("column " + f.name() + " has type VOID, which Parquet cannot store");
    case col::TypeId::kBoolean: e.type = PhysicalType::kBoolean; break;
    case col::TypeId::kInt8: integer(PhysicalType::kInt32, 8, true, ConvertedType::kInt8); break;
    case col::TypeId::kInt16: integer(PhysicalType::kInt32, 16, true, ConvertedType::kInt16); break;
    case col::TypeId::kInt32: e.type = PhysicalType::kInt32; break;
    case col::TypeId::kInt64: e.type = PhysicalType::kInt64; break;
    case col::TypeId::kUInt8: integer(PhysicalType::kInt32, 8, false, ConvertedType::kUint8); break;
    case col::TypeId::kUInt16: integer(PhysicalType::kInt32, 16, false, ConvertedType::kUint16); break;
    case col::TypeId::kUInt32: integer(PhysicalType::kInt32, 32, false, ConvertedType::kUint32); break;
    case col::TypeId::kUInt64: integer(PhysicalType::kInt64, 64, false, ConvertedType::kUint64); break;
    case col::TypeId::kFloat32: e.type = PhysicalType::kFloat; break;
    case col::TypeId::kFloat64: e.type = PhysicalType::kDouble; break;
    case col::TypeId::kDecimal128:
      if (t.precision() <= 9) {
        e.type = PhysicalType::kInt32;
      } else if (t.precision() <= 18) {
        e.type = PhysicalType::kInt64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = DecimalBytes(t.precision());
      }
      e.converted_type = ConvertedType::kDecimal;
      e.precision = t.precision();
      e.scale = t.scale();
      e.logical_type.kind = LogicalType::kDecimal;
      e.logical_type.decimal_precision = t.precision();
      e.logical_type.decimal_scale = t.scale();
      break;
    case col::TypeId::kString:
      e.type = PhysicalType::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = LogicalType::kString;
      break;
    case col::TypeId::kBinary: e.type = PhysicalType::kByteArray; break;
    case col::TypeId::kFixedSizeBinary:
      e.type = PhysicalType::kFixedLenByteArray;
      e.type_length = t.byte_width();
      break;
    case col::TypeId::kDate32:
      e.type = PhysicalType::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type.kind = LogicalType::kDate;
      break;
    case col::TypeId::kTime64:
      e.type = PhysicalType::kInt64;
      e.logical_type.kind = LogicalType::kTime;
      e.logical_type.is_adjusted_to_utc = false;
      e.logical_type.unit = t.unit() == col::TimeUnit::kNano ? TimeUnitKind::kNanos : TimeUnitKind::kMicros;
      if (t.unit() == col::TimeUnit::kMicro) e.converted_type = ConvertedType::kTimeMicros;
      break;
    case col::TypeId::kTimestamp:
      e.type = PhysicalType::kInt64;
      e.logical_type.kind = LogicalType::kTimestamp;
      e.logical_type.is_adjusted_to_utc = t.utc_adjusted();
      e.logical_type.unit = t.unit() == col::TimeUnit::kNano ? TimeUnitKind::kNanos : TimeUnitKind::kMicros;
      // The legacy converted type means "UTC-adjusted micros"; local times get none.
      if (t.unit() == col::TimeUnit::kMicro && t.utc_adjusted()) e.converted_type = ConvertedType::kTimestampMicros;
      break;
    case col::TypeId::kStruct: {
      if (t.children().empty()) return Status::Unsupported("column " + f.name() + " is a struct without fields");
      e.num_children = static_cast<int32_t>(t.children().size());
      out->push_back(e);
      for (const auto& c : t.children()) TIDE_RETURN_IF_ERROR(AddField(*c, false, out));
      return Status::OK();
    }
    case col::TypeId::kList: {
      e.num_children = 1;
      e.converted_type = ConvertedType::kList;
      e.logical_type.kind = LogicalType::kList;
      out->push_back(e);
      SchemaElement rep;
      rep.name = "list";
      rep.repetition = Repetition::kRepeated;
      rep.num_children = 1;
      out->push_back(rep);
      const col::Field& elem = *t.children()[0];
      return AddField(col::Field("element", elem.type(), elem.nullable(), elem.metadata()), false, out);
    }
    case col::TypeId::kMap: {
      e.num_children = 1;
      e.converted_type = ConvertedType::kMap;
      e.logical_type.kind = LogicalType::kMap;
      out->push_back(e);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition = Repetition::kRepeated;
      kv.num_children = 2;
      out->push_back(kv);
      TIDE_RETURN_IF_ERROR(AddField(col::Field("key", t.map_key()->type(), false), true, out));
      return AddField(col::Field("value", t.map_value()->type(), t.map_value()->nullable()), false, out);
    }
  }
  out->push_back(e);
  return Status::OK();
}

void LeafPaths(const std::vector<SchemaElement>& els, size_t* pos, std::vector<std::string>* prefix,
               std::vector<std::vector<std::string>>* out, bool root) {
  const SchemaElement& e = els[(*pos)++];
  if (!root) prefix->push_back(e.name);
  if (e.type) {
    out->push_back(*prefix);
  } else {
    for (int i = 0; i < e.num_children; ++i) LeafPaths(els, pos, prefix, out, false);
  }
  if (!root) prefix->pop_back();
}

// ---------------------------------------------------------------- shredding

// Levels and values of one leaf column for the rows of one row group.
struct LeafOut {
  std::vector<int16_t> def, rep;
  int64_t levels = 0;
  std::vector<uint8_t> fixed;            // PLAIN bytes (booleans: one byte 0/1 per value)
  std::vector<std::string_view> binary;  // BYTE_ARRAY values (point into the batch)
  int64_t num_values = 0;
  int64_t null_count = 0;                // levels below max_def
  // The dense fixed-width values: fixed.data(), or the batch's own value buffer when the
  // column needs no conversion and holds no nulls (saves a copy of the whole column).
  const uint8_t* values = nullptr;
};

void PutBytes(std::vector<uint8_t>* out, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  out->insert(out->end(), b, b + n);
}

// Whether a DECIMAL(p, s) unscaled value keeps the type's rule |v| < 10^p (columnar/type.h).
// Builders do not check it; storing such a value would truncate it into the physical type (or
// write a file readers reject), so the writer refuses it instead.
constexpr std::array<unsigned __int128, 39> kPow10 = [] {
  std::array<unsigned __int128, 39> t{};
  t[0] = 1;
  for (size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}();

bool DecimalFits(__int128 v, int precision) {
  const unsigned __int128 mag = v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  return mag < kPow10[static_cast<size_t>(std::clamp(precision, 0, 38))];
}

// `where` says which value: "row 12" (a top-level column) or "value 12" (a nested leaf,
// counted in its child array).
Status DecimalOutOfRange(const std::string& column, const std::string& where, __int128 v, const col::DataType& t) {
  return Status::InvalidArgument("column " + column + ": " + where + " holds " + col::FormatDecimal128(v, t.scale()) +
                                 ", which has more digits than its type " + t.ToString());
}

// Appends value i of `a` (a fixed-width leaf) in its PLAIN physical form; false (nothing
// appended) for a decimal value beyond its precision, see DecimalFits.
bool AppendConverted(const LeafInfo& info, const col::ArrayData& a, int64_t i, std::vector<uint8_t>* fixed) {
  const col::DataType& t = *info.type;
  switch (info.conversion) {
    case LeafConversion::kInt32ToInt8:
    case LeafConversion::kInt32ToInt16: {
      int32_t v = 0;
      switch (t.id()) {
        case col::TypeId::kInt8: v = a.Value<int8_t>(i); break;
        case col::TypeId::kUInt8: v = a.Value<uint8_t>(i); break;
        case col::TypeId::kInt16: v = a.Value<int16_t>(i); break;
        default: v = a.Value<uint16_t>(i); break;
      }
      PutBytes(fixed, &v, 4);
      return true;
    }
    case LeafConversion::kInt32ToDecimal: {
      if (!DecimalFits(a.Value<__int128>(i), t.precision())) return false;
      const int32_t v = static_cast<int32_t>(a.Value<__int128>(i));
      PutBytes(fixed, &v, 4);
      return true;
    }
    case LeafConversion::kInt64ToDecimal: {
      if (!DecimalFits(a.Value<__int128>(i), t.precision())) return false;
      const int64_t v = static_cast<int64_t>(a.Value<__int128>(i));
      PutBytes(fixed, &v, 8);
      return true;
    }
    case LeafConversion::kBytesToDecimal: {
      if (!DecimalFits(a.Value<__int128>(i), t.precision())) return false;
      const unsigned __int128 v = static_cast<unsigned __int128>(a.Value<__int128>(i));
      const int n = info.element.type_length;
      for (int k = n - 1; k >= 0; --k) fixed->push_back(static_cast<uint8_t>(v >> (8 * k)));
      return true;
    }
    default: {
      const int w = t.FixedWidth();
      PutBytes(fixed, a.buffers[1]->data() + (a.offset + i) * w, w);
      return true;
    }
  }
}

class Shredder {
 public:
  Shredder(const std::vector<LeafInfo>& leaves, std::vector<LeafOut>* out) : leaves_(leaves), out_(*out) {}

  Status Emit(const SchemaNode& node, const col::ArrayData& a, int64_t i, int16_t rep) {
    if (!a.IsValid(i)) {
      if (!node.field->nullable()) {
        return Status::InvalidArgument("column " + node.field->name() + " is NOT NULL but holds a null");
      }
      EmitNull(node, static_cast<int16_t>(node.def_level - 1), rep);
      return Status::OK();
    }
    switch (node.kind) {
      case SchemaNode::Kind::kLeaf: {
        LeafOut& o = out_[node.leaf];
        const LeafInfo& info = leaves_[node.leaf];
        if (info.max_def > 0) o.def.push_back(node.def_level);
        if (info.max_rep > 0) o.rep.push_back(rep);
        ++o.levels;
        if (!AppendValue(info, a, i, &o)) {
          return DecimalOutOfRange(info.path, "value " + std::to_string(i), a.Value<__int128>(i), *info.type);
        }
        return Status::OK();
      }
      case SchemaNode::Kind::kStruct:
        for (size_t c = 0; c < node.children.size(); ++c) {
          TIDE_RETURN_IF_ERROR(Emit(node.children[c], *a.children[c], a.offset + i, rep));
        }
        return Status::OK();
      case SchemaNode::Kind::kList:
      case SchemaNode::Kind::kMap: {
        const int32_t b = a.ListBegin(i), e = a.ListEnd(i);
        if (b == e) {
          EmitNull(node, node.def_level, rep);  // present but empty
          return Status::OK();
        }
        const int16_t inner = static_cast<int16_t>(node.rep_level + 1);
        for (int32_t j = b; j < e; ++j) {
          TIDE_RETURN_IF_ERROR(Emit(node.children[0], *a.children[0], j, j == b ? rep : inner));
        }
        return Status::OK();
      }
    }
    return Status::OK();
  }

 private:
  void EmitNull(const SchemaNode& node, int16_t def, int16_t rep) {
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
      LeafOut& o = out_[l];
      if (leaves_[l].max_def > 0) o.def.push_back(def);
      if (leaves_[l].max_rep > 0) o.rep.push_back(rep);
      ++o.levels;
    }
  }

  // False for a decimal beyond its precision (see AppendConverted).
  static bool AppendValue(const LeafInfo& info, const col::ArrayData& a, int64_t i, LeafOut* o) {
    ++o->num_values;
    switch (info.conversion) {
      case LeafConversion::kBoolean: o->fixed.push_back(a.BoolValue(i) ? 1 : 0); return true;
      case LeafConversion::kByteArray: o->binary.push_back(a.BytesValue(i)); return true;
      default: return AppendConverted(info, a, i, &o->fixed);
    }
  }

  const std::vector<LeafInfo>& leaves_;
  std::vector<LeafOut>& out_;
};

// Bytes of one PLAIN value of a fixed-width leaf (booleans: one byte in LeafOut::fixed).
size_t FixedWidth(const LeafInfo& leaf) {
  switch (*leaf.element.type) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return static_cast<size_t>(leaf.element.type_length);
    case PhysicalType::kByteArray: return 0;
  }
  return 0;
}

// A top-level primitive field: levels straight from the validity bitmap and values copied in
// bulk, instead of the per-value recursion of the Shredder (the common case, and the hot one).
Status ShredFlat(const SchemaNode& node, const LeafInfo& info, const col::ArrayData& a, int64_t off, int64_t rows,
                 LeafOut* o) {
  const uint8_t* validity = a.buffers.empty() || !a.buffers[0] ? nullptr : a.buffers[0]->data();
  const int64_t base = a.offset + off;
  const int64_t valid = validity ? col::bits::CountSet(validity, base, rows) : rows;
  if (valid < rows && !node.field->nullable()) {
    return Status::InvalidArgument("column " + node.field->name() + " is NOT NULL but holds a null");
  }
  if (valid == rows) validity = nullptr;
  o->levels = rows;
  o->num_values = valid;
  o->null_count = rows - valid;
  if (info.max_def > 0) {
    o->def.resize(rows);
    int16_t* d = o->def.data();
    if (!validity) {
      std::fill(d, d + rows, int16_t{1});
    } else {
      for (int64_t i = 0; i < rows; ++i) d[i] = static_cast<int16_t>(col::bits::Get(validity, base + i));
    }
  }
  auto is_valid = [&](int64_t i) { return !validity || col::bits::Get(validity, base + i); };
  const col::DataType& t = *info.type;
  switch (info.conversion) {
    case LeafConversion::kBoolean: {
      o->fixed.resize(valid);
      const uint8_t* bits = a.buffers[1]->data();
      int64_t k = 0;
      for (int64_t i = 0; i < rows; ++i) {
        if (is_valid(i)) o->fixed[k++] = col::bits::Get(bits, base + i);
      }
      break;
    }
    case LeafConversion::kByteArray: {
      o->binary.resize(valid);
      if (t.id() == col::TypeId::kFixedSizeBinary) return Status::Internal("fixed-size binary as BYTE_ARRAY");
      const int32_t* offs = a.buffers[1]->as<int32_t>() + base;
      const char* data = a.buffers.size() > 2 && a.buffers[2] ? reinterpret_cast<const char*>(a.buffers[2]->data()) : "";
      std::string_view* out = o->binary.data();
      int64_t k = 0;
      for (int64_t i = 0; i < rows; ++i) {
        if (is_valid(i)) out[k++] = std::string_view(data + offs[i], static_cast<size_t>(offs[i + 1] - offs[i]));
      }
      break;
    }
    case LeafConversion::kNone: {
      const size_t w = static_cast<size_t>(t.FixedWidth());
      const uint8_t* src = a.buffers[1]->data() + base * static_cast<int64_t>(w);
      if (!validity) {
        o->values = src;
        return Status::OK();
      }
      o->fixed.resize(valid * w);
      uint8_t* dst = o->fixed.data();
      for (int64_t i = 0; i < rows; ++i) {
        if (is_valid(i)) {
          std::memcpy(dst, src + i * w, w);
          dst += w;
        }
      }
      break;
    }
    default: {  // narrowing / widening conversions: one value at a time
      for (int64_t i = 0; i < rows; ++i) {
        if (is_valid(i) && !AppendConverted(info, a, off + i, &o->fixed)) {
          return DecimalOutOfRange(node.field->name(), "row " + std::to_string(off + i), a.Value<__int128>(off + i),
                                   t);
        }
      }
      break;
    }
  }
  o->values = o->fixed.data();
  return Status::OK();
}

// ---------------------------------------------------------------- statistics

// Compares two PLAIN-encoded values of the leaf in its type-defined order.
int CompareValues(const LeafInfo& leaf, const uint8_t* a, const uint8_t* b, size_t w) {
  const col::TypeId id = leaf.type->id();
  switch (*leaf.element.type) {
    case PhysicalType::kBoolean: return static_cast<int>(*a) - static_cast<int>(*b);
    case PhysicalType::kInt32: {
      int32_t x, y;
      std::memcpy(&x, a, 4);
      std::memcpy(&y, b, 4);
      if (id == col::TypeId::kUInt8 || id == col::TypeId::kUInt16 || id == col::TypeId::kUInt32) {
        return static_cast<uint32_t>(x) < static_cast<uint32_t>(y) ? -1 : static_cast<uint32_t>(x) > static_cast<uint32_t>(y);
      }
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kInt64: {
      int64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (id == col::TypeId::kUInt64) {
        return static_cast<uint64_t>(x) < static_cast<uint64_t>(y) ? -1 : static_cast<uint64_t>(x) > static_cast<uint64_t>(y);
      }
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kFloat: {
      float x, y;
      std::memcpy(&x, a, 4);
      std::memcpy(&y, b, 4);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kDouble: {
      double x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kFixedLenByteArray:
      if (id == col::TypeId::kDecimal128) {  // big-endian two's complement: signed first byte
        if (static_cast<int8_t>(a[0]) != static_cast<int8_t>(b[0])) {
          return static_cast<int8_t>(a[0]) < static_cast<int8_t>(b[0]) ? -1 : 1;
        }
        const int c = std::memcmp(a + 1, b + 1, w - 1);
        return c < 0 ? -1 : c > 0;
      } else {
        const int c = std::memcmp(a, b, w);
        return c < 0 ? -1 : c > 0;
      }
    default: return 0;
  }
}

int CompareBytes(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : a.size() > b.size();
}

constexpr size_t kMaxStatBytes = 4096;

// Index of the minimum and maximum of n values of type T (NaNs skipped), or false when every
// value is NaN (or n == 0). Typed loops: the generic byte comparison costs 5x as much.
template <typename T>
bool MinMaxIndex(const uint8_t* p, int64_t n, int64_t* imin, int64_t* imax) {
  int64_t i = 0;
  T lo{}, hi{};
  for (; i < n; ++i) {
    std::memcpy(&lo, p + i * sizeof(T), sizeof(T));
    if (lo == lo) break;  // not NaN
  }
  if (i == n) return false;
  hi = lo;
  *imin = *imax = i;
  for (++i; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * sizeof(T), sizeof(T));
    if (v < lo) {
      lo = v;
      *imin = i;
    } else if (v > hi) {
      hi = v;
      *imax = i;
    }
  }
  return true;
}

// `distinct`: when the column was dictionary-encoded, its distinct values (min/max need only
// those).
std::optional<Statistics> ComputeStatistics(const LeafInfo& leaf, const LeafOut& o,
                                            const std::vector<std::string_view>* distinct) {
  Statistics s;
  s.null_count = o.null_count;
  const PhysicalType pt = *leaf.element.type;
  if (pt == PhysicalType::kByteArray) {
    const std::vector<std::string_view>& vals = distinct ? *distinct : o.binary;
    if (vals.empty()) return s;
    std::string_view mn = vals[0], mx = vals[0];
    for (const auto& v : vals) {
      if (CompareBytes(v, mn) < 0) mn = v;
      if (CompareBytes(v, mx) > 0) mx = v;
    }
    if (mn.size() <= kMaxStatBytes && mx.size() <= kMaxStatBytes) {
      s.min_value = std::string(mn);
      s.max_value = std::string(mx);
    }
    return s;
  }
  const size_t w = FixedWidth(leaf);
  const bool is_float = pt == PhysicalType::kFloat || pt == PhysicalType::kDouble;
  const uint8_t* mn = nullptr;
  const uint8_t* mx = nullptr;
  const col::TypeId tid = leaf.type->id();
  const bool uns = tid == col::TypeId::kUInt8 || tid == col::TypeId::kUInt16 || tid == col::TypeId::kUInt32 ||
                   tid == col::TypeId::kUInt64;
  int64_t imin = 0, imax = 0;
  bool found = false, typed = true;
  switch (pt) {
    case PhysicalType::kInt32:
      found = uns ? MinMaxIndex<uint32_t>(o.values, o.num_values, &imin, &imax)
                  : MinMaxIndex<int32_t>(o.values, o.num_values, &imin, &imax);
      break;
    case PhysicalType::kInt64:
      found = uns ? MinMaxIndex<uint64_t>(o.values, o.num_values, &imin, &imax)
                  : MinMaxIndex<int64_t>(o.values, o.num_values, &imin, &imax);
      break;
    case PhysicalType::kFloat: found = MinMaxIndex<float>(o.values, o.num_values, &imin, &imax); break;
    case PhysicalType::kDouble: found = MinMaxIndex<double>(o.values, o.num_values, &imin, &imax); break;
    default: typed = false;
  }
  if (typed) {
    if (found) {
      mn = o.values + imin * w;
      mx = o.values + imax * w;
    }
  } else {
    for (int64_t i = 0; i < o.num_values; ++i) {
      const uint8_t* v = o.values + i * w;
      if (!mn || CompareValues(leaf, v, mn, w) < 0) mn = v;
      if (!mx || CompareValues(leaf, v, mx, w) > 0) mx = v;
    }
  }
  if (!mn || w > kMaxStatBytes) return s;
  std::string lo(reinterpret_cast<const char*>(mn), w), hi(reinterpret_cast<const char*>(mx), w);
  if (is_float) {
    // Zeros: the spec asks for -0.0 as the minimum and +0.0 as the maximum.
    if (pt == PhysicalType::kFloat) {
      float f;
      std::memcpy(&f, lo.data(), 4);
      if (f == 0) { f = -0.0f; std::memcpy(lo.data(), &f, 4); }
      std::memcpy(&f, hi.data(), 4);
      if (f == 0) { f = 0.0f; std::memcpy(hi.data(), &f, 4); }
    } else {
      double f;
      std::memcpy(&f, lo.data(), 8);
      if (f == 0) { f = -0.0; std::memcpy(lo.data(), &f, 8); }
      std::memcpy(&f, hi.data(), 8);
      if (f == 0) { f = 0.0; std::memcpy(hi.data(), &f, 8); }
    }
  }
  s.min_value = lo;
  s.max_value = hi;
  const col::TypeId id = leaf.type->id();
  const bool signed_order = pt == PhysicalType::kBoolean || is_float ||
                            ((pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64) && id != col::TypeId::kUInt8 &&
                             id != col::TypeId::kUInt16 && id != col::TypeId::kUInt32 && id != col::TypeId::kUInt64);
  if (signed_order) {  // old readers only know the deprecated fields
    s.min = lo;
    s.max = hi;
  }
  return s;
}

SizeStatistics ComputeSizeStatistics(const LeafInfo& leaf, const LeafOut& o) {
  SizeStatistics z;
  if (leaf.conversion == LeafConversion::kByteArray) {
    int64_t bytes = 0;
    for (const auto& v : o.binary) bytes += static_cast<int64_t>(v.size());
    z.unencoded_byte_array_data_bytes = bytes;
  }
  // Histograms of a level that is always 0 carry nothing; the spec lets writers omit them.
  if (leaf.max_rep > 0) {
    z.repetition_level_histogram.assign(leaf.max_rep + 1, 0);
    for (int16_t r : o.rep) ++z.repetition_level_histogram[r];
  }
  if (leaf.max_def > 0) {
    z.definition_level_histogram.assign(leaf.max_def + 1, 0);
    if (leaf.max_def == 1 && o.def.size() == static_cast<size_t>(o.levels)) {
      z.definition_level_histogram[0] = o.null_count;
      z.definition_level_histogram[1] = o.levels - o.null_count;
    } else {
      for (int16_t d : o.def) ++z.definition_level_histogram[d];
    }
  }
  return z;
}

// Dictionary-encodes n fixed-width values (4 or 8 bytes, compared bit for bit) when it pays:
// at most max_bytes of distinct values, and the dictionary plus the bit-packed indices smaller
// than 3/4 of the PLAIN values. An open-addressing table over the value bits keeps it cheap;
// a column of mostly distinct values is given up on as soon as that is clear.
// Whether the dictionary of `count` distinct values of width w pays for n values.
bool DictionaryPays(int64_t count, int64_t n, size_t w) {
  const int64_t dict_bytes = count * static_cast<int64_t>(w);
  const int64_t index_bytes = (n * BitWidthFor(static_cast<uint32_t>(count - 1)) + 7) / 8;
  return (dict_bytes + index_bytes) * 4 <= n * static_cast<int64_t>(w) * 3;
}

// Integers within a small range: a direct table indexed by value - min (no hashing, and it
// stays in cache). Returns false when the range is too wide (the caller hashes instead) or the
// dictionary does not pay (*tried is then set).
template <typename T>
bool SmallRangeDictionary(const uint8_t* values, int64_t n, int64_t max_entries, std::vector<uint32_t>* indices,
                          std::vector<uint8_t>* dict, bool* tried) {
  T lo, hi;
  std::memcpy(&lo, values, sizeof(T));
  hi = lo;
  for (int64_t i = 1; i < n; ++i) {
    T v;
    std::memcpy(&v, values + i * sizeof(T), sizeof(T));
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (range >= (uint64_t{1} << 20) || range >= static_cast<uint64_t>(4 * n)) return false;
  *tried = true;
  std::vector<uint32_t> slot(static_cast<size_t>(range) + 1, 0);  // dictionary index + 1
  std::vector<T> keys;
  indices->resize(static_cast<size_t>(n));
  uint32_t* idx = indices->data();
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, values + i * sizeof(T), sizeof(T));
    uint32_t& s = slot[static_cast<uint64_t>(v) - static_cast<uint64_t>(lo)];
    if (s == 0) {
      if (static_cast<int64_t>(keys.size()) >= max_entries) {
        indices->clear();
        return false;
      }
      keys.push_back(v);
      s = static_cast<uint32_t>(keys.size());
    }
    idx[i] = s - 1;
  }
  if (!DictionaryPays(static_cast<int64_t>(keys.size()), n, sizeof(T))) {
    indices->clear();
    return false;
  }
  dict->resize(keys.size() * sizeof(T));
  std::memcpy(dict->data(), keys.data(), dict->size());
  return true;
}

bool BuildFixedDictionary(const uint8_t* values, int64_t n, size_t w, bool integer, int64_t max_bytes,
                          std::vector<uint32_t>* indices, std::vector<uint8_t>* dict) {
  if (w != 4 && w != 8) return false;
  const int64_t max_entries = std::min<int64_t>(max_bytes / static_cast<int64_t>(w), n / 2 + 16);
  if (max_entries <= 0) return false;
  if (integer) {
    bool tried = false;
    const bool ok = w == 4 ? SmallRangeDictionary<int32_t>(values, n, max_entries, indices, dict, &tried)
                           : SmallRangeDictionary<int64_t>(values, n, max_entries, indices, dict, &tried);
    if (ok || tried) return ok;
  }
  // Key and index side by side: one cache miss per probe. The table starts small (it stays in
  // cache for few distinct values) and doubles at half load.
  struct Slot {
    uint64_t key;
    uint32_t index;  // dictionary index + 1; 0 = empty
  };
  size_t cap = 1024;
  std::vector<Slot> slots(cap, Slot{0, 0});
  std::vector<uint64_t> keys;
  int shift = 64 - __builtin_ctzll(cap);
  auto grow = [&] {
    cap <<= 1;
    shift = 64 - __builtin_ctzll(cap);
    slots.assign(cap, Slot{0, 0});
    for (size_t k = 0; k < keys.size(); ++k) {
      size_t h = static_cast<size_t>((keys[k] * 0x9E3779B97F4A7C15ull) >> shift);
      while (slots[h].index != 0) h = (h + 1) & (cap - 1);
      slots[h] = Slot{keys[k], static_cast<uint32_t>(k + 1)};
    }
  };
  indices->resize(static_cast<size_t>(n));
  uint32_t* idx = indices->data();
  constexpr int64_t kProbe = 1 << 16;  // mostly distinct after this many values: give up
  for (int64_t i = 0; i < n; ++i) {
    if (i == kProbe && static_cast<int64_t>(keys.size()) * 10 > kProbe * 9) {
      indices->clear();
      return false;
    }
    uint64_t k = 0;
    std::memcpy(&k, values + i * w, w);
    size_t h = static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> shift);
    for (;;) {
      Slot& s = slots[h];
      if (s.index == 0) {
        if (static_cast<int64_t>(keys.size()) >= max_entries) {
          indices->clear();
          return false;
        }
        keys.push_back(k);
        s.key = k;
        s.index = static_cast<uint32_t>(keys.size());
        idx[i] = s.index - 1;
        if (keys.size() * 2 > cap) grow();
        break;
      }
      if (s.key == k) {
        idx[i] = s.index - 1;
        break;
      }
      h = (h + 1) & (cap - 1);
    }
  }
  if (!DictionaryPays(static_cast<int64_t>(keys.size()), n, w)) {
    indices->clear();
    return false;
  }
  dict->resize(keys.size() * w);
  for (size_t k = 0; k < keys.size(); ++k) std::memcpy(dict->data() + k * w, &keys[k], w);
  return true;
}

// ---------------------------------------------------------------- pages

base::Result<Codec> ToCodec(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kUncompressed: return Codec::kNone;
    case CompressionCodec::kSnappy: return Codec::kSnappy;
    case CompressionCodec::kGzip: return Codec::kGzip;
    case CompressionCodec::kBrotli: return Codec::kBrotli;
    case CompressionCodec::kLz4: return Codec::kLz4Hadoop;
    case CompressionCodec::kZstd: return Codec::kZstd;
    case CompressionCodec::kLz4Raw: return Codec::kLz4Raw;
    default: return Status::Unsupported(std::string("writing codec ") + CodecName(c));
  }
}

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PutLevels(const int16_t* levels, int64_t n, int16_t max_level, std::vector<uint8_t>* out) {
  const size_t at = out->size();
  PutU32(out, 0);
  EncodeRleBitPacked(levels, n, BitWidthFor(static_cast<uint32_t>(max_level)), out);
  const uint32_t len = static_cast<uint32_t>(out->size() - at - 4);
  std::memcpy(out->data() + at, &len, 4);
}

}  // namespace

// ---------------------------------------------------------------- writer

base::Result<std::vector<SchemaElement>> ToParquetSchema(const col::Schema& schema) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  out.push_back(root);
  for (const auto& f : schema.fields()) TIDE_RETURN_IF_ERROR(AddField(*f, false, &out));
  return out;
}

ParquetWriter::~ParquetWriter() = default;

base::Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(const std::string& path,
                                                                 std::shared_ptr<const col::Schema> schema,
                                                                 WriterOptions options) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "creating parquet file " + path);
  std::unique_ptr<ParquetWriter> w(new ParquetWriter());
  w->sink_ = std::make_unique<FileSink>(fd, path);
  w->name_ = path;
  w->schema_ = std::move(schema);
  w->options_ = std::move(options);
  TIDE_RETURN_IF_ERROR(w->Init());
  return w;
}

base::Result<std::unique_ptr<ParquetWriter>> ParquetWriter::OpenBuffer(std::vector<uint8_t>* out,
                                                                       std::shared_ptr<const col::Schema> schema,
                                                                       WriterOptions options) {
  std::unique_ptr<ParquetWriter> w(new ParquetWriter());
  w->sink_ = std::make_unique<BufferSink>(out);
  w->name_ = "<memory>";
  w->schema_ = std::move(schema);
  w->options_ = std::move(options);
  TIDE_RETURN_IF_ERROR(w->Init());
  return w;
}

Status ParquetWriter::Init() {
  TIDE_RETURN_IF_ERROR(ToCodec(options_.codec).status());
  if (options_.integer_encoding != Encoding::kPlain && options_.integer_encoding != Encoding::kDeltaBinaryPacked) {
    return Status::InvalidArgument(std::string("integer_encoding ") + EncodingName(options_.integer_encoding) +
                                   " (PLAIN or DELTA_BINARY_PACKED)");
  }
  if (options_.byte_array_encoding != Encoding::kPlain && options_.byte_array_encoding != Encoding::kDeltaLengthByteArray &&
      options_.byte_array_encoding != Encoding::kDeltaByteArray) {
    return Status::InvalidArgument(std::string("byte_array_encoding ") + EncodingName(options_.byte_array_encoding) +
                                   " (PLAIN, DELTA_LENGTH_BYTE_ARRAY or DELTA_BYTE_ARRAY)");
  }
  TIDE_ASSIGN_OR_RETURN(metadata_.schema, ToParquetSchema(*schema_));
  TIDE_ASSIGN_OR_RETURN(parquet_schema_, ConvertSchema(metadata_.schema, {}));
  // Names of list elements / map entries may change ("item" → "element"); nothing else may.
  if (parquet_schema_.schema->ToString() != schema_->ToString()) {
    return Status::Internal("parquet schema round trip changed " + schema_->ToString() + " into " +
                            parquet_schema_.schema->ToString());
  }
  metadata_.version = 2;
  metadata_.created_by = options_.created_by;
  metadata_.key_value_metadata = options_.key_value_metadata;
  for (const auto& [k, v] : schema_->metadata()) metadata_.key_value_metadata.push_back({k, v});
  metadata_.column_orders.assign(parquet_schema_.leaves.size(), ColumnOrder::kTypeDefined);
  return Put({'P', 'A', 'R', '1'});
}

Status ParquetWriter::Put(const std::vector<uint8_t>& bytes) {
  Status st = sink_->Write(bytes.data(), bytes.size());
  if (!st.ok()) {
    error_ = st;
    return st;
  }
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

Status ParquetWriter::WriteBatch(const col::RecordBatch& batch) {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("parquet writer " + name_ + " is closed");
  if (batch.schema()->ToString() != schema_->ToString() || batch.num_columns() != schema_->num_fields()) {
    return Status::InvalidArgument("batch schema " + batch.schema()->ToString() + " differs from the file's " +
                                   schema_->ToString());
  }
  const int64_t step = std::max<int64_t>(1, options_.max_row_group_rows);
  for (int64_t off = 0; off < batch.num_rows(); off += step) {
    Status st = WriteRowGroup(batch, off, std::min(step, batch.num_rows() - off));
    if (!st.ok()) {
      error_ = st;
      return st;
    }
  }
  return Status::OK();
}

Status ParquetWriter::WriteRowGroup(const col::RecordBatch& batch, int64_t row_offset, int64_t rows) {
  const auto& leaves = parquet_schema_.leaves;
  std::vector<LeafOut> outs(leaves.size());
  Shredder shredder(leaves, &outs);
  for (size_t f = 0; f < parquet_schema_.fields.size(); ++f) {
    const SchemaNode& node = parquet_schema_.fields[f];
    const col::ArrayData& a = *batch.column(static_cast<int>(f));
    if (node.kind == SchemaNode::Kind::kLeaf) {
      Status st = ShredFlat(node, leaves[node.leaf], a, row_offset, rows, &outs[node.leaf]);
      if (!st.ok()) return st.WithContext("writing " + name_);
      continue;
    }
    for (int64_t i = row_offset; i < row_offset + rows; ++i) {
      Status st = shredder.Emit(node, a, i, 0);
      if (!st.ok()) return st.WithContext("writing " + name_);
    }
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
      LeafOut& o = outs[l];
      o.values = o.fixed.data();
      int64_t nulls = 0;
      for (int16_t d : o.def) nulls += d < leaves[l].max_def;
      o.null_count = nulls;
    }
  }
  TIDE_ASSIGN_OR_RETURN(Codec codec, ToCodec(options_.codec));
  std::vector<std::vector<std::string>> paths;
  {
    size_t pos = 0;
    std::vector<std::string> prefix;
    LeafPaths(metadata_.schema, &pos, &prefix, &paths, true);
  }
  RowGroup rg;
  rg.num_rows = rows;
  rg.file_offset = offset_;
  rg.ordinal = static_cast<int16_t>(std::min<size_t>(metadata_.row_groups.size(), INT16_MAX));
  int64_t rg_compressed = 0, rg_uncompressed = 0;
  std::vector<uint8_t> body, compressed, header, levels;

  for (size_t l = 0; l < leaves.size(); ++l) {
    const LeafInfo& leaf = leaves[l];
    LeafOut& o = outs[l];
    ColumnMetaData md;
    md.type = *leaf.element.type;
    md.path_in_schema = paths[l];
    md.codec = options_.codec;
    md.num_values = o.levels;
    const int64_t chunk_start = offset_;
    int64_t chunk_uncompressed = 0;

    auto write_page = [&](PageHeader h, const std::vector<uint8_t>& raw) -> Status {
      const std::vector<uint8_t>* payload = &raw;
      if (codec != Codec::kNone) {
        compressed.clear();
        TIDE_RETURN_IF_ERROR(Compress(codec, raw, &compressed, options_.compression_level));
        payload = &compressed;
      }
      if (raw.size() > INT32_MAX || payload->size() > INT32_MAX) return Status::Unsupported("page over 2 GiB");
      h.uncompressed_page_size = static_cast<int32_t>(raw.size());
      h.compressed_page_size = static_cast<int32_t>(payload->size());
      if (options_.page_crc) {
        h.crc = static_cast<int32_t>(crc32(0L, payload->data(), static_cast<uInt>(payload->size())));
      }
      header.clear();
      EncodePageHeader(h, &header);
      chunk_uncompressed += static_cast<int64_t>(header.size() + raw.size());
      TIDE_RETURN_IF_ERROR(Put(header));
      return Put(*payload);
    };

    // Dictionary for strings, binaries and 4/8-byte numbers with few, small distinct values.
    std::unordered_map<std::string_view, uint32_t> dict;
    std::vector<uint32_t> indices;
    bool use_dict = false;
    size_t dict_count = 0;
    const PhysicalType pt = *leaf.element.type;
    if (options_.dictionary && leaf.conversion == LeafConversion::kByteArray && !o.binary.empty()) {
      int64_t dict_bytes = 0;
      use_dict = true;
      indices.reserve(o.binary.size());
      for (const auto& v : o.binary) {
        auto [it, inserted] = dict.emplace(v, static_cast<uint32_t>(dict.size()));
        if (inserted) {
          dict_bytes += 4 + static_cast<int64_t>(v.size());
          if (dict_bytes > options_.max_dictionary_bytes || dict.size() * 2 > o.binary.size() + 16) {
            use_dict = false;
            break;
          }
        }
        indices.push_back(it->second);
      }
      dict_count = dict.size();
    }
    std::vector<uint8_t> fixed_dict;  // PLAIN dictionary values of a numeric column
    if (options_.dictionary && o.num_values > 0 &&
        (pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64 || pt == PhysicalType::kFloat ||
         pt == PhysicalType::kDouble)) {
      use_dict = BuildFixedDictionary(o.values, o.num_values, FixedWidth(leaf),
                                      pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64,
                                      options_.max_dictionary_bytes, &indices, &fixed_dict);
      dict_count = use_dict ? fixed_dict.size() / FixedWidth(leaf) : 0;
    }
    std::vector<Encoding> encodings = {Encoding::kRle};
    std::vector<std::string_view> dict_values;
    if (use_dict) {
      body.clear();
      if (leaf.conversion == LeafConversion::kByteArray) {
        std::vector<std::string_view>& values = dict_values;
        values.resize(dict.size());
        for (const auto& [v, idx] : dict) values[idx] = v;
        for (const auto& v : values) {
          PutU32(&body, static_cast<uint32_t>(v.size()));
          body.insert(body.end(), v.begin(), v.end());
        }
      } else {
        body.swap(fixed_dict);
      }
      md.dictionary_page_offset = offset_;
      PageHeader h;
      h.type = PageType::kDictionaryPage;
      h.dictionary_page_header = DictionaryPageHeader{static_cast<int32_t>(dict_count), Encoding::kPlain, false};
      TIDE_RETURN_IF_ERROR(write_page(h, body));
      encodings.push_back(Encoding::kPlain);
      encodings.push_back(Encoding::kRleDictionary);
    }
    // The encoding of values that are not dictionary-encoded.
    Encoding value_enc = Encoding::kPlain;
    if (leaf.conversion == LeafConversion::kByteArray) {
      value_enc = options_.byte_array_encoding;
    } else if (*leaf.element.type == PhysicalType::kInt32 || *leaf.element.type == PhysicalType::kInt64) {
      value_enc = options_.integer_encoding;
    }
    if (!use_dict || value_enc != Encoding::kPlain) {
      if (std::find(encodings.begin(), encodings.end(), value_enc) == encodings.end()) encodings.push_back(value_enc);
    }
    md.data_page_offset = offset_;
    const bool v2 = options_.data_page_v2;
    std::vector<int64_t> ints;  // DELTA_BINARY_PACKED input, aligned

    // Data pages: cut at max_page_rows levels or target_page_bytes of values, at row starts.
    const size_t fixed_w = leaf.conversion == LeafConversion::kByteArray ? 0 : FixedWidth(leaf);
    int64_t lv = 0, val = 0;
    bool any_page = false;
    while (lv < o.levels || !any_page) {
      any_page = true;
      const int64_t l0 = lv, v0 = val;
      int64_t bytes = 0;
      while (lv < o.levels) {
        if (lv > l0 && (leaf.max_rep == 0 || o.rep[lv] == 0) &&
            (lv - l0 >= options_.max_page_rows || bytes >= options_.target_page_bytes)) {
          break;
        }
        if (leaf.max_def == 0 || o.def[lv] == leaf.max_def) {
          bytes += leaf.conversion == LeafConversion::kByteArray ? 4 + static_cast<int64_t>(o.binary[val].size())
                                                                 : static_cast<int64_t>(fixed_w);
          ++val;
        }
        ++lv;
      }
      body.clear();
      levels.clear();
      size_t rep_len = 0, def_len = 0;
      if (v2) {  // v2: levels without length prefixes, outside the compressed part
        if (leaf.max_rep > 0) {
          EncodeRleBitPacked(o.rep.data() + l0, lv - l0, BitWidthFor(static_cast<uint32_t>(leaf.max_rep)), &levels);
          rep_len = levels.size();
        }
        if (leaf.max_def > 0) {
          EncodeRleBitPacked(o.def.data() + l0, lv - l0, BitWidthFor(static_cast<uint32_t>(leaf.max_def)), &levels);
          def_len = levels.size() - rep_len;
        }
      } else {
        if (leaf.max_rep > 0) PutLevels(o.rep.data() + l0, lv - l0, leaf.max_rep, &body);
        if (leaf.max_def > 0) PutLevels(o.def.data() + l0, lv - l0, leaf.max_def, &body);
      }
      Encoding enc = Encoding::kPlain;
      if (use_dict) {
        enc = Encoding::kRleDictionary;
        const int bw = BitWidthFor(static_cast<uint32_t>(dict_count - 1));
        body.push_back(static_cast<uint8_t>(bw));
        EncodeRleBitPacked(indices.data() + v0, val - v0, bw, &body);
      } else if (leaf.conversion == LeafConversion::kByteArray) {
        enc = value_enc;
        if (enc == Encoding::kDeltaLengthByteArray) {
          EncodeDeltaLengthByteArray(o.binary.data() + v0, val - v0, &body);
        } else if (enc == Encoding::kDeltaByteArray) {
          EncodeDeltaByteArray(o.binary.data() + v0, val - v0, &body);
        } else {
          for (int64_t k = v0; k < val; ++k) {
            PutU32(&body, static_cast<uint32_t>(o.binary[k].size()));
            body.insert(body.end(), o.binary[k].begin(), o.binary[k].end());
          }
        }
      } else if (leaf.conversion == LeafConversion::kBoolean) {
        const size_t at = body.size();
        body.resize(at + static_cast<size_t>((val - v0 + 7) / 8), 0);
        for (int64_t k = v0; k < val; ++k) {
          if (o.values[k]) body[at + ((k - v0) >> 3)] |= static_cast<uint8_t>(1u << ((k - v0) & 7));
        }
      } else if (value_enc == Encoding::kDeltaBinaryPacked) {
        enc = value_enc;
        const int64_t cnt = val - v0;
        if (fixed_w == 4) {
          std::vector<int32_t> v(static_cast<size_t>(cnt));
          if (cnt) std::memcpy(v.data(), o.values + v0 * 4, static_cast<size_t>(cnt) * 4);
          EncodeDeltaBinaryPacked(v.data(), cnt, &body);
        } else {
          ints.resize(static_cast<size_t>(cnt));
          if (cnt) std::memcpy(ints.data(), o.values + v0 * 8, static_cast<size_t>(cnt) * 8);
          EncodeDeltaBinaryPacked(ints.data(), cnt, &body);
        }
      } else {
        body.insert(body.end(), o.values + v0 * fixed_w, o.values + val * fixed_w);
      }
      PageHeader h;
      if (!v2) {
        h.type = PageType::kDataPage;
        h.data_page_header = DataPageHeader{static_cast<int32_t>(lv - l0), enc, Encoding::kRle, Encoding::kRle};
        TIDE_RETURN_IF_ERROR(write_page(h, body));
        continue;
      }
      int64_t page_rows = lv - l0, page_nulls = 0;
      if (leaf.max_rep > 0) page_rows = std::count(o.rep.begin() + l0, o.rep.begin() + lv, int16_t{0});
      if (leaf.max_def > 0) page_nulls = (lv - l0) - std::count(o.def.begin() + l0, o.def.begin() + lv, leaf.max_def);
      const std::vector<uint8_t>* payload = &body;
      if (codec != Codec::kNone) {
        compressed.clear();
        TIDE_RETURN_IF_ERROR(Compress(codec, body, &compressed, options_.compression_level));
        payload = &compressed;
      }
      if (levels.size() + body.size() > INT32_MAX || levels.size() + payload->size() > INT32_MAX) {
        return Status::Unsupported("page over 2 GiB");
      }
      h.type = PageType::kDataPageV2;
      DataPageHeaderV2 d;
      d.num_values = static_cast<int32_t>(lv - l0);
      d.num_nulls = static_cast<int32_t>(page_nulls);
      d.num_rows = static_cast<int32_t>(page_rows);
      d.encoding = enc;
      d.definition_levels_byte_length = static_cast<int32_t>(def_len);
      d.repetition_levels_byte_length = static_cast<int32_t>(rep_len);
      d.is_compressed = codec != Codec::kNone;
      h.data_page_header_v2 = d;
      h.uncompressed_page_size = static_cast<int32_t>(levels.size() + body.size());
      h.compressed_page_size = static_cast<int32_t>(levels.size() + payload->size());
      if (options_.page_crc) {
        uLong crc = crc32(0L, levels.data(), static_cast<uInt>(levels.size()));
        crc = crc32(crc, payload->data(), static_cast<uInt>(payload->size()));
        h.crc = static_cast<int32_t>(crc);
      }
      header.clear();
      EncodePageHeader(h, &header);
      chunk_uncompressed += static_cast<int64_t>(header.size() + levels.size() + body.size());
      TIDE_RETURN_IF_ERROR(Put(header));
      TIDE_RETURN_IF_ERROR(Put(levels));
      TIDE_RETURN_IF_ERROR(Put(*payload));
    }
    md.encodings = encodings;
    md.total_compressed_size = offset_ - chunk_start;
    md.total_uncompressed_size = chunk_uncompressed;
    if (options_.statistics) md.statistics = ComputeStatistics(leaf, o, use_dict ? &dict_values : nullptr);
    if (options_.size_statistics) md.size_statistics = ComputeSizeStatistics(leaf, o);
    ColumnChunk cc;
    cc.file_offset = chunk_start;
    cc.meta_data = std::move(md);
    rg_compressed += cc.meta_data->total_compressed_size;
    rg_uncompressed += chunk_uncompressed;
    rg.columns.push_back(std::move(cc));
    o = LeafOut();  // free this leaf's buffers before the next
  }
  rg.total_byte_size = rg_uncompressed;
  rg.total_compressed_size = rg_compressed;
  metadata_.num_rows += rows;
  metadata_.row_groups.push_back(std::move(rg));
  return Status::OK();
}

Status ParquetWriter::Close() {
  if (closed_) return error_;
  closed_ = true;
  if (!error_.ok()) return error_;
  std::vector<uint8_t> footer = EncodeFileMetaData(metadata_);
  const uint32_t len = static_cast<uint32_t>(footer.size());
  PutU32(&footer, len);
  footer.insert(footer.end(), {'P', 'A', 'R', '1'});
  TIDE_RETURN_IF_ERROR(Put(footer));
  Status st = sink_->Close();
  if (!st.ok()) error_ = st;
  return st;
}

}  // namespace tide::format::parquet

namespace tide::format::parquet {

Status RewriteParquetFile(const std::string& in, const std::string& out, const WriterOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(in));
  WriterOptions o = options;
  for (const auto& kv : reader->metadata().key_value_metadata) {
    if (kv.key != "ARROW:schema") o.key_value_metadata.push_back(kv);  // describes the old layout
  }
  auto schema = std::make_shared<col::Schema>(reader->schema().fields());
  TIDE_ASSIGN_OR_RETURN(auto writer, ParquetWriter::Open(out, schema, o));
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g));
    col::RecordBatch b(schema, batch->columns(), batch->num_rows());
    TIDE_RETURN_IF_ERROR(writer->WriteBatch(b));
  }
  return writer->Close();
}

}  // namespace tide::format::parquet
