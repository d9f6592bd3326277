#include "format/parquet/metadata.h"

#include <cstring>
#include <string>

namespace tide::format::parquet {

namespace {

using base::Status;

// Compact protocol wire types.
enum : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// A bounded reader over the compact protocol. Every method returns an error instead of reading
// past the end; `depth_` bounds recursion through nested structs and containers.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : p_(b.data()), end_(b.data() + b.size()), begin_(b.data()) {}

  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  Status Error(const std::string& what) const {
    return Status::Corruption("thrift: " + what + " at byte " + std::to_string(position()));
  }

  Status Byte(uint8_t* out) {
    if (p_ >= end_) return Error("unexpected end of data");
    *out = *p_++;
    return Status::OK();
  }

  Status Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      TIDE_RETURN_IF_ERROR(Byte(&b));
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *out = v;
        return Status::OK();
      }
    }
    return Error("varint longer than 10 bytes");
  }

  Status I64(int64_t* out) {
    uint64_t u;
    TIDE_RETURN_IF_ERROR(Varint(&u));
    *out = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return Status::OK();
  }

  Status I32(int32_t* out) {
    int64_t v = 0;
    TIDE_RETURN_IF_ERROR(I64(&v));
    if (v < INT32_MIN || v > INT32_MAX) return Error("i32 out of range");
    *out = static_cast<int32_t>(v);
    return Status::OK();
  }

  Status Binary(std::string* out) {
    uint64_t len;
    TIDE_RETURN_IF_ERROR(Varint(&len));
    if (len > remaining()) return Error("string length " + std::to_string(len) + " past the end");
    out->assign(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    return Status::OK();
  }

  // Field header: returns type kStop at the end of a struct. *id is updated (delta encoding).
  Status FieldHeader(uint8_t* type, int16_t* id) {
    uint8_t b = 0;
    TIDE_RETURN_IF_ERROR(Byte(&b));
    *type = b & 0x0F;
    if (*type == kStop) return Status::OK();
    const uint8_t delta = b >> 4;
    if (delta == 0) {
      int32_t v = 0;
      TIDE_RETURN_IF_ERROR(I32(&v));
      if (v < INT16_MIN || v > INT16_MAX) return Error("field id out of range");
      *id = static_cast<int16_t>(v);
    } else {
      *id = static_cast<int16_t>(*id + delta);
    }
    return Status::OK();
  }

  Status ListHeader(uint8_t* elem_type, uint32_t* size) {
    uint8_t b = 0;
    TIDE_RETURN_IF_ERROR(Byte(&b));
    *elem_type = b & 0x0F;
    uint64_t n = b >> 4;
    if (n == 15) TIDE_RETURN_IF_ERROR(Varint(&n));
    // Every element takes at least one byte (a bool element one byte too), except that
    // empty structs still need their stop byte: so n <= remaining is a sound bound.
    if (n > remaining()) return Error("list of " + std::to_string(n) + " elements past the end");
    *size = static_cast<uint32_t>(n);
    return Status::OK();
  }

  // Reads a boolean field value (encoded in the field type) or a bool list element.
  static bool BoolFromType(uint8_t type) { return type == kBoolTrue; }

  Status Skip(uint8_t type, int depth) {
    if (depth > kMaxThriftDepth) return Error("nesting deeper than " + std::to_string(kMaxThriftDepth));
    switch (type) {
      case kBoolTrue:
      case kBoolFalse: return Status::OK();
      case kByte: {
        uint8_t b = 0;
        return Byte(&b);
      }
      case kI16:
      case kI32:
      case kI64: {
        uint64_t v;
        return Varint(&v);
      }
      case kDouble:
        if (remaining() < 8) return Error("unexpected end of data");
        p_ += 8;
        return Status::OK();
      case kBinary: {
        uint64_t len;
        TIDE_RETURN_IF_ERROR(Varint(&len));
        if (len > remaining()) return Error("binary past the end");
        p_ += len;
        return Status::OK();
      }
      case kList:
      case kSet: {
        uint8_t et;
        uint32_t n;
        TIDE_RETURN_IF_ERROR(ListHeader(&et, &n));
        for (uint32_t i = 0; i < n; ++i) {
          if (et == kBoolTrue || et == kBoolFalse) {
            uint8_t b = 0;
            TIDE_RETURN_IF_ERROR(Byte(&b));
          } else {
            TIDE_RETURN_IF_ERROR(Skip(et, depth + 1));
          }
        }
        return Status::OK();
      }
      case kMap: {
        uint64_t n;
        TIDE_RETURN_IF_ERROR(Varint(&n));
        if (n == 0) return Status::OK();
        if (n > remaining()) return Error("map past the end");
        uint8_t kv;
        TIDE_RETURN_IF_ERROR(Byte(&kv));
        for (uint64_t i = 0; i < n; ++i) {
          for (uint8_t t : {static_cast<uint8_t>(kv >> 4), static_cast<uint8_t>(kv & 0x0F)}) {
            if (t == kBoolTrue || t == kBoolFalse) {
              uint8_t b = 0;
              TIDE_RETURN_IF_ERROR(Byte(&b));
            } else {
              TIDE_RETURN_IF_ERROR(Skip(t, depth + 1));
            }
          }
        }
        return Status::OK();
      }
      case kStruct: {
        int16_t id = 0;
        while (true) {
          uint8_t t;
          TIDE_RETURN_IF_ERROR(FieldHeader(&t, &id));
          if (t == kStop) return Status::OK();
          TIDE_RETURN_IF_ERROR(Skip(t, depth + 1));
        }
      }
      default: return Error("unknown wire type " + std::to_string(type));
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
};

// A field whose wire type differs from the schema's is skipped, as Thrift-generated readers do
// (some old writers used field ids differently); the value keeps its default.
Status ReadI32(Reader& r, uint8_t t, const char* f, int32_t* out) {
  if (t != kI32) return r.Skip(t, 1);
  return r.I32(out);
}
Status ReadI64(Reader& r, uint8_t t, const char* f, int64_t* out) {
  if (t != kI64) return r.Skip(t, 1);
  return r.I64(out);
}
Status ReadI16(Reader& r, uint8_t t, const char* f, int16_t* out) {
  if (t != kI16) return r.Skip(t, 1);
  int32_t v = 0;
  TIDE_RETURN_IF_ERROR(r.I32(&v));
  if (v < INT16_MIN || v > INT16_MAX) return r.Error("i16 out of range");
  *out = static_cast<int16_t>(v);
  return Status::OK();
}
Status ReadBool(Reader& r, uint8_t t, const char* f, bool* out) {
  if (t != kBoolTrue && t != kBoolFalse) return r.Skip(t, 1);
  *out = t == kBoolTrue;
  return Status::OK();
}
Status ReadString(Reader& r, uint8_t t, const char* f, std::string* out) {
  if (t != kBinary) return r.Skip(t, 1);
  return r.Binary(out);
}
template <typename E>
Status ReadEnum(Reader& r, uint8_t t, const char* f, E* out) {
  int32_t v = 0;
  TIDE_RETURN_IF_ERROR(ReadI32(r, t, f, &v));
  *out = static_cast<E>(v);
  return Status::OK();
}

// Calls fn(id, type) for each field of a struct; fn must consume the value (or Skip it).
template <typename Fn>
Status ReadStruct(Reader& r, int depth, Fn&& fn) {
  if (depth > kMaxThriftDepth) return r.Error("nesting deeper than " + std::to_string(kMaxThriftDepth));
  int16_t id = 0;
  while (true) {
    uint8_t t;
    TIDE_RETURN_IF_ERROR(r.FieldHeader(&t, &id));
    if (t == kStop) return Status::OK();
    TIDE_RETURN_IF_ERROR(fn(id, t));
  }
}

// Reads a list field whose elements are read by elem(index).
template <typename Fn>
Status ReadList(Reader& r, uint8_t t, const char* f, uint8_t want_elem, Fn&& elem) {
  if (t != kList) return r.Skip(t, 1);
  uint8_t et;
  uint32_t n;
  TIDE_RETURN_IF_ERROR(r.ListHeader(&et, &n));
  if (n > 0 && et != want_elem) {
    for (uint32_t i = 0; i < n; ++i) {
      if (et == kBoolTrue || et == kBoolFalse) {
        uint8_t b = 0;
        TIDE_RETURN_IF_ERROR(r.Byte(&b));
      } else {
        TIDE_RETURN_IF_ERROR(r.Skip(et, 2));
      }
    }
    return Status::OK();
  }
  for (uint32_t i = 0; i < n; ++i) TIDE_RETURN_IF_ERROR(elem());
  return Status::OK();
}

Status DecodeKeyValue(Reader& r, int depth, KeyValue* kv) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    switch (id) {
      case 1: return ReadString(r, t, "KeyValue.key", &kv->key);
      case 2: {
        std::string v;
        TIDE_RETURN_IF_ERROR(ReadString(r, t, "KeyValue.value", &v));
        kv->value = std::move(v);
        return Status::OK();
      }
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeKeyValues(Reader& r, uint8_t t, int depth, std::vector<KeyValue>* out) {
  return ReadList(r, t, "key_value_metadata", kStruct, [&]() {
    out->emplace_back();
    return DecodeKeyValue(r, depth + 1, &out->back());
  });
}

Status DecodeStatistics(Reader& r, int depth, Statistics* s) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    // Initialized: a field sent with an unexpected wire type is skipped, not read.
    std::string v;
    int64_t i = 0;
    bool b = false;
    switch (id) {
      case 1: TIDE_RETURN_IF_ERROR(ReadString(r, t, "Statistics.max", &v)); s->max = std::move(v); return Status::OK();
      case 2: TIDE_RETURN_IF_ERROR(ReadString(r, t, "Statistics.min", &v)); s->min = std::move(v); return Status::OK();
      case 3: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "Statistics.null_count", &i)); s->null_count = i; return Status::OK();
      case 4: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "Statistics.distinct_count", &i)); s->distinct_count = i; return Status::OK();
      case 5: TIDE_RETURN_IF_ERROR(ReadString(r, t, "Statistics.max_value", &v)); s->max_value = std::move(v); return Status::OK();
      case 6: TIDE_RETURN_IF_ERROR(ReadString(r, t, "Statistics.min_value", &v)); s->min_value = std::move(v); return Status::OK();
      case 7: TIDE_RETURN_IF_ERROR(ReadBool(r, t, "Statistics.is_max_value_exact", &b)); s->is_max_value_exact = b; return Status::OK();
      case 8: TIDE_RETURN_IF_ERROR(ReadBool(r, t, "Statistics.is_min_value_exact", &b)); s->is_min_value_exact = b; return Status::OK();
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeTimeUnit(Reader& r, int depth, TimeUnitKind* unit) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    if (id >= 1 && id <= 3) *unit = static_cast<TimeUnitKind>(id);
    return r.Skip(t, depth + 1);
  });
}

Status DecodeLogicalType(Reader& r, int depth, LogicalType* lt) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    if (t != kStruct) return r.Skip(t, depth + 1);
    switch (id) {
      case 5:
        lt->kind = LogicalType::kDecimal;
        return ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          if (fid == 1) return ReadI32(r, ft, "DecimalType.scale", &lt->decimal_scale);
          if (fid == 2) return ReadI32(r, ft, "DecimalType.precision", &lt->decimal_precision);
          return r.Skip(ft, depth + 2);
        });
      case 7:
      case 8:
        lt->kind = id == 7 ? LogicalType::kTime : LogicalType::kTimestamp;
        return ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          if (fid == 1) return ReadBool(r, ft, "isAdjustedToUTC", &lt->is_adjusted_to_utc);
          if (fid == 2) {
            if (ft != kStruct) return r.Skip(ft, depth + 2);
            return DecodeTimeUnit(r, depth + 2, &lt->unit);
          }
          return r.Skip(ft, depth + 2);
        });
      case 10:
        lt->kind = LogicalType::kInteger;
        return ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          if (fid == 1) {
            if (ft != kByte) return r.Skip(ft, depth + 2);
            uint8_t b = 0;
            TIDE_RETURN_IF_ERROR(r.Byte(&b));
            lt->bit_width = static_cast<int8_t>(b);
            return Status::OK();
          }
          if (fid == 2) return ReadBool(r, ft, "IntType.isSigned", &lt->is_signed);
          return r.Skip(ft, depth + 2);
        });
      case 1: case 2: case 3: case 4: case 6: case 11: case 12: case 13: case 14: case 15: case 16: case 17:
      case 18:
        lt->kind = static_cast<LogicalType::Kind>(id);
        return r.Skip(t, depth + 1);
      default:
        lt->kind = LogicalType::kOther;
        return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeSchemaElement(Reader& r, int depth, SchemaElement* e) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.type", &v)); e->type = static_cast<PhysicalType>(v); return Status::OK();
      case 2: return ReadI32(r, t, "SchemaElement.type_length", &e->type_length);
      case 3: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.repetition_type", &v)); e->repetition = static_cast<Repetition>(v); return Status::OK();
      case 4: return ReadString(r, t, "SchemaElement.name", &e->name);
      case 5: return ReadI32(r, t, "SchemaElement.num_children", &e->num_children);
      case 6: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.converted_type", &v)); e->converted_type = static_cast<ConvertedType>(v); return Status::OK();
      case 7: return ReadI32(r, t, "SchemaElement.scale", &e->scale);
      case 8: return ReadI32(r, t, "SchemaElement.precision", &e->precision);
      case 9: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.field_id", &v)); e->field_id = v; return Status::OK();
      case 10: if (t != kStruct) return r.Skip(t, depth + 1); return DecodeLogicalType(r, depth + 1, &e->logical_type);
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeColumnMetaData(Reader& r, int depth, ColumnMetaData* m) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    int64_t i = 0;
    int32_t v = 0;
    switch (id) {
      case 1: return ReadEnum(r, t, "ColumnMetaData.type", &m->type);
      case 2:
        return ReadList(r, t, "ColumnMetaData.encodings", kI32, [&]() {
          TIDE_RETURN_IF_ERROR(r.I32(&v));
          m->encodings.push_back(static_cast<Encoding>(v));
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, "ColumnMetaData.path_in_schema", kBinary, [&]() {
          m->path_in_schema.emplace_back();
          return r.Binary(&m->path_in_schema.back());
        });
      case 4: return ReadEnum(r, t, "ColumnMetaData.codec", &m->codec);
      case 5: return ReadI64(r, t, "ColumnMetaData.num_values", &m->num_values);
      case 6: return ReadI64(r, t, "ColumnMetaData.total_uncompressed_size", &m->total_uncompressed_size);
      case 7: return ReadI64(r, t, "ColumnMetaData.total_compressed_size", &m->total_compressed_size);
      case 8: return DecodeKeyValues(r, t, depth + 1, &m->key_value_metadata);
      case 9: return ReadI64(r, t, "ColumnMetaData.data_page_offset", &m->data_page_offset);
      case 10: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "ColumnMetaData.index_page_offset", &i)); m->index_page_offset = i; return Status::OK();
      case 11: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "ColumnMetaData.dictionary_page_offset", &i)); m->dictionary_page_offset = i; return Status::OK();
      case 12:
        if (t != kStruct) return r.Skip(t, depth + 1);
        m->statistics.emplace();
        return DecodeStatistics(r, depth + 1, &*m->statistics);
      case 13:
        return ReadList(r, t, "ColumnMetaData.encoding_stats", kStruct, [&]() {
          m->encoding_stats.emplace_back();
          PageEncodingStats& s = m->encoding_stats.back();
          return ReadStruct(r, depth + 2, [&](int16_t fid, uint8_t ft) -> Status {
            if (fid == 1) return ReadEnum(r, ft, "PageEncodingStats.page_type", &s.page_type);
            if (fid == 2) return ReadEnum(r, ft, "PageEncodingStats.encoding", &s.encoding);
            if (fid == 3) return ReadI32(r, ft, "PageEncodingStats.count", &s.count);
            return r.Skip(ft, depth + 3);
          });
        });
      case 14: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "ColumnMetaData.bloom_filter_offset", &i)); m->bloom_filter_offset = i; return Status::OK();
      case 15: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "ColumnMetaData.bloom_filter_length", &v)); m->bloom_filter_length = v; return Status::OK();
      case 16: {
        if (t != kStruct) return r.Skip(t, depth + 1);
        m->size_statistics.emplace();
        SizeStatistics& z = *m->size_statistics;
        return ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          int64_t x = 0;
          auto hist = [&](std::vector<int64_t>* h, const char* what) {
            return ReadList(r, ft, what, kI64, [&]() {
              TIDE_RETURN_IF_ERROR(r.I64(&x));
              h->push_back(x);
              return Status::OK();
            });
          };
          switch (fid) {
            case 1:
              TIDE_RETURN_IF_ERROR(ReadI64(r, ft, "SizeStatistics.unencoded_byte_array_data_bytes", &x));
              z.unencoded_byte_array_data_bytes = x;
              return Status::OK();
            case 2: return hist(&z.repetition_level_histogram, "SizeStatistics.repetition_level_histogram");
            case 3: return hist(&z.definition_level_histogram, "SizeStatistics.definition_level_histogram");
            default: return r.Skip(ft, depth + 2);
          }
        });
      }
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeColumnChunk(Reader& r, int depth, ColumnChunk* c) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    int64_t i = 0;
    int32_t v = 0;
    std::string s;
    switch (id) {
      case 1: TIDE_RETURN_IF_ERROR(ReadString(r, t, "ColumnChunk.file_path", &s)); c->file_path = std::move(s); return Status::OK();
      case 2: return ReadI64(r, t, "ColumnChunk.file_offset", &c->file_offset);
      case 3:
        if (t != kStruct) return r.Skip(t, depth + 1);
        c->meta_data.emplace();
        return DecodeColumnMetaData(r, depth + 1, &*c->meta_data);
      case 4: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "offset_index_offset", &i)); c->offset_index_offset = i; return Status::OK();
      case 5: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "offset_index_length", &v)); c->offset_index_length = v; return Status::OK();
      case 6: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "column_index_offset", &i)); c->column_index_offset = i; return Status::OK();
      case 7: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "column_index_length", &v)); c->column_index_length = v; return Status::OK();
      case 8: c->has_crypto_metadata = true; return r.Skip(t, depth + 1);
      case 9: c->has_encrypted_column_metadata = true; return r.Skip(t, depth + 1);
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeRowGroup(Reader& r, int depth, RowGroup* g) {
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    int64_t i = 0;
    int16_t s = 0;
    switch (id) {
      case 1:
        return ReadList(r, t, "RowGroup.columns", kStruct, [&]() {
          g->columns.emplace_back();
          return DecodeColumnChunk(r, depth + 2, &g->columns.back());
        });
      case 2: return ReadI64(r, t, "RowGroup.total_byte_size", &g->total_byte_size);
      case 3: return ReadI64(r, t, "RowGroup.num_rows", &g->num_rows);
      case 4:
        return ReadList(r, t, "RowGroup.sorting_columns", kStruct, [&]() {
          g->sorting_columns.emplace_back();
          SortingColumn& c = g->sorting_columns.back();
          return ReadStruct(r, depth + 2, [&](int16_t fid, uint8_t ft) -> Status {
            if (fid == 1) return ReadI32(r, ft, "SortingColumn.column_idx", &c.column_idx);
            if (fid == 2) return ReadBool(r, ft, "SortingColumn.descending", &c.descending);
            if (fid == 3) return ReadBool(r, ft, "SortingColumn.nulls_first", &c.nulls_first);
            return r.Skip(ft, depth + 3);
          });
        });
      case 5: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "RowGroup.file_offset", &i)); g->file_offset = i; return Status::OK();
      case 6: TIDE_RETURN_IF_ERROR(ReadI64(r, t, "RowGroup.total_compressed_size", &i)); g->total_compressed_size = i; return Status::OK();
      case 7: TIDE_RETURN_IF_ERROR(ReadI16(r, t, "RowGroup.ordinal", &s)); g->ordinal = s; return Status::OK();
      default: return r.Skip(t, depth + 1);
    }
  });
}

Status DecodeFileMetaDataStruct(Reader& r, FileMetaData* m) {
  const int depth = 0;
  return ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    std::string s;
    switch (id) {
      case 1: return ReadI32(r, t, "FileMetaData.version", &m->version);
      case 2:
        return ReadList(r, t, "FileMetaData.schema", kStruct, [&]() {
          m->schema.emplace_back();
          return DecodeSchemaElement(r, depth + 2, &m->schema.back());
        });
      case 3: return ReadI64(r, t, "FileMetaData.num_rows", &m->num_rows);
      case 4:
        return ReadList(r, t, "FileMetaData.row_groups", kStruct, [&]() {
          m->row_groups.emplace_back();
          return DecodeRowGroup(r, depth + 2, &m->row_groups.back());
        });
      case 5: return DecodeKeyValues(r, t, depth + 1, &m->key_value_metadata);
      case 6: TIDE_RETURN_IF_ERROR(ReadString(r, t, "FileMetaData.created_by", &s)); m->created_by = std::move(s); return Status::OK();
      case 7:
        return ReadList(r, t, "FileMetaData.column_orders", kStruct, [&]() {
          ColumnOrder order = ColumnOrder::kUnknown;
          TIDE_RETURN_IF_ERROR(ReadStruct(r, depth + 2, [&](int16_t fid, uint8_t ft) -> Status {
            if (fid == 1) order = ColumnOrder::kTypeDefined;
            if (fid == 2) order = ColumnOrder::kIeee754TotalOrder;
            return r.Skip(ft, depth + 3);
          }));
          m->column_orders.push_back(order);
          return Status::OK();
        });
      case 8: m->has_encryption_algorithm = true; return r.Skip(t, depth + 1);
      default: return r.Skip(t, depth + 1);
    }
  });
}

}  // namespace

base::Result<FileMetaData> DecodeFileMetaData(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  FileMetaData m;
  TIDE_RETURN_IF_ERROR(DecodeFileMetaDataStruct(r, &m));
  return m;
}

base::Result<PageHeader> DecodePageHeader(std::span<const uint8_t> bytes, size_t* consumed) {
  Reader r(bytes);
  PageHeader h;
  const int depth = 0;
  Status st = ReadStruct(r, depth, [&](int16_t id, uint8_t t) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1: return ReadEnum(r, t, "PageHeader.type", &h.type);
      case 2: return ReadI32(r, t, "PageHeader.uncompressed_page_size", &h.uncompressed_page_size);
      case 3: return ReadI32(r, t, "PageHeader.compressed_page_size", &h.compressed_page_size);
      case 4: TIDE_RETURN_IF_ERROR(ReadI32(r, t, "PageHeader.crc", &v)); h.crc = v; return Status::OK();
      case 5: {
        if (t != kStruct) return r.Skip(t, depth + 1);
        DataPageHeader d;
        TIDE_RETURN_IF_ERROR(ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          switch (fid) {
            case 1: return ReadI32(r, ft, "DataPageHeader.num_values", &d.num_values);
            case 2: return ReadEnum(r, ft, "DataPageHeader.encoding", &d.encoding);
            case 3: return ReadEnum(r, ft, "DataPageHeader.definition_level_encoding", &d.definition_level_encoding);
            case 4: return ReadEnum(r, ft, "DataPageHeader.repetition_level_encoding", &d.repetition_level_encoding);
            default: return r.Skip(ft, depth + 2);
          }
        }));
        h.data_page_header = d;
        return Status::OK();
      }
      case 7: {
        if (t != kStruct) return r.Skip(t, depth + 1);
        DictionaryPageHeader d;
        TIDE_RETURN_IF_ERROR(ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          switch (fid) {
            case 1: return ReadI32(r, ft, "DictionaryPageHeader.num_values", &d.num_values);
            case 2: return ReadEnum(r, ft, "DictionaryPageHeader.encoding", &d.encoding);
            case 3: return ReadBool(r, ft, "DictionaryPageHeader.is_sorted", &d.is_sorted);
            default: return r.Skip(ft, depth + 2);
          }
        }));
        h.dictionary_page_header = d;
        return Status::OK();
      }
      case 8: {
        if (t != kStruct) return r.Skip(t, depth + 1);
        DataPageHeaderV2 d;
        TIDE_RETURN_IF_ERROR(ReadStruct(r, depth + 1, [&](int16_t fid, uint8_t ft) -> Status {
          switch (fid) {
            case 1: return ReadI32(r, ft, "DataPageHeaderV2.num_values", &d.num_values);
            case 2: return ReadI32(r, ft, "DataPageHeaderV2.num_nulls", &d.num_nulls);
            case 3: return ReadI32(r, ft, "DataPageHeaderV2.num_rows", &d.num_rows);
            case 4: return ReadEnum(r, ft, "DataPageHeaderV2.encoding", &d.encoding);
            case 5: return ReadI32(r, ft, "DataPageHeaderV2.definition_levels_byte_length", &d.definition_levels_byte_length);
            case 6: return ReadI32(r, ft, "DataPageHeaderV2.repetition_levels_byte_length", &d.repetition_levels_byte_length);
            case 7: return ReadBool(r, ft, "DataPageHeaderV2.is_compressed", &d.is_compressed);
            default: return r.Skip(ft, depth + 2);
          }
        }));
        h.data_page_header_v2 = d;
        return Status::OK();
      }
      default: return r.Skip(t, depth + 1);
    }
  });
  if (!st.ok()) return st;
  *consumed = r.position();
  return h;
}

const char* PhysicalTypeName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

const char* CodecName(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kUncompressed: return "UNCOMPRESSED";
    case CompressionCodec::kSnappy: return "SNAPPY";
    case CompressionCodec::kGzip: return "GZIP";
    case CompressionCodec::kLzo: return "LZO";
    case CompressionCodec::kBrotli: return "BROTLI";
    case CompressionCodec::kLz4: return "LZ4";
    case CompressionCodec::kZstd: return "ZSTD";
    case CompressionCodec::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

const char* ConvertedTypeName(ConvertedType c) {
  static const char* const kNames[] = {"UTF8",     "MAP",      "MAP_KEY_VALUE", "LIST",   "ENUM",   "DECIMAL",
                                       "DATE",     "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS",
                                       "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8",
                                       "INT_16",   "INT_32",   "INT_64",        "JSON",   "BSON",   "INTERVAL"};
  const int i = static_cast<int>(c);
  return i >= 0 && i < 22 ? kNames[i] : "UNKNOWN";
}

const char* PageTypeName(PageType t) {
  switch (t) {
    case PageType::kDataPage: return "DATA_PAGE";
    case PageType::kIndexPage: return "INDEX_PAGE";
    case PageType::kDictionaryPage: return "DICTIONARY_PAGE";
    case PageType::kDataPageV2: return "DATA_PAGE_V2";
  }
  return "UNKNOWN";
}

}  // namespace tide::format::parquet
