// Thrift compact protocol encoding of the metadata structs (the inverse of metadata.cc).
#include <string>
#include <vector>

#include "format/parquet/metadata.h"

namespace tide::format::parquet {

namespace {

enum : uint8_t { kBoolTrue = 1, kBoolFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6, kBinary = 8, kList = 9, kStruct = 12 };

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) {}

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<uint8_t>(v));
  }
  void Zigzag(int64_t v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }

  void Field(int16_t id, uint8_t type) {
    const int16_t delta = static_cast<int16_t>(id - last_);
    if (delta > 0 && delta <= 15) {
      out_->push_back(static_cast<uint8_t>((delta << 4) | type));
    } else {
      out_->push_back(type);
      Zigzag(id);
    }
    last_ = id;
  }
  void I32(int16_t id, int32_t v) {
    Field(id, kI32);
    Zigzag(v);
  }
  void I64(int16_t id, int64_t v) {
    Field(id, kI64);
    Zigzag(v);
  }
  void I16(int16_t id, int16_t v) {
    Field(id, kI16);
    Zigzag(v);
  }
  void Bool(int16_t id, bool v) { Field(id, v ? kBoolTrue : kBoolFalse); }
  void Byte(int16_t id, int8_t v) {
    Field(id, kByte);
    out_->push_back(static_cast<uint8_t>(v));
  }
  void RawBinary(const std::string& s) {
    Varint(s.size());
    out_->insert(out_->end(), s.begin(), s.end());
  }
  void Binary(int16_t id, const std::string& s) {
    Field(id, kBinary);
    RawBinary(s);
  }
  void ListHeader(int16_t id, uint8_t elem, size_t n) {
    Field(id, kList);
    if (n < 15) {
      out_->push_back(static_cast<uint8_t>((n << 4) | elem));
    } else {
      out_->push_back(static_cast<uint8_t>(0xF0 | elem));
      Varint(n);
    }
  }
  // Struct nesting: the field id delta restarts inside each struct.
  void BeginStruct(int16_t id) {
    Field(id, kStruct);
    stack_.push_back(last_);
    last_ = 0;
  }
  void BeginStructElement() {
    stack_.push_back(last_);
    last_ = 0;
  }
  void EndStruct() {
    out_->push_back(0);
    last_ = stack_.back();
    stack_.pop_back();
  }

 private:
  std::vector<uint8_t>* out_;
  int16_t last_ = 0;
  std::vector<int16_t> stack_;
};

void EncodeStatistics(Writer& w, int16_t id, const Statistics& s) {
  w.BeginStruct(id);
  if (s.max) w.Binary(1, *s.max);
  if (s.min) w.Binary(2, *s.min);
  if (s.null_count) w.I64(3, *s.null_count);
  if (s.distinct_count) w.I64(4, *s.distinct_count);
  if (s.max_value) w.Binary(5, *s.max_value);
  if (s.min_value) w.Binary(6, *s.min_value);
  if (s.is_max_value_exact) w.Bool(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.Bool(8, *s.is_min_value_exact);
  w.EndStruct();
}

void EncodeKeyValues(Writer& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.ListHeader(id, kStruct, kvs.size());
  for (const auto& kv : kvs) {
    w.BeginStructElement();
    w.Binary(1, kv.key);
    if (kv.value) w.Binary(2, *kv.value);
    w.EndStruct();
  }
}

void EncodeTimeUnit(Writer& w, TimeUnitKind unit) {
  w.BeginStruct(2);
  w.BeginStruct(static_cast<int16_t>(unit));  // empty MilliSeconds / MicroSeconds / NanoSeconds
  w.EndStruct();
  w.EndStruct();
}

void EncodeLogicalType(Writer& w, const LogicalType& lt) {
  w.BeginStruct(10);
  w.BeginStruct(static_cast<int16_t>(lt.kind));
  switch (lt.kind) {
    case LogicalType::kDecimal:
      w.I32(1, lt.decimal_scale);
      w.I32(2, lt.decimal_precision);
      break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      w.Bool(1, lt.is_adjusted_to_utc);
      EncodeTimeUnit(w, lt.unit);
      break;
    case LogicalType::kInteger:
      w.Byte(1, lt.bit_width);
      w.Bool(2, lt.is_signed);
      break;
    default: break;
  }
  w.EndStruct();
  w.EndStruct();
}

void EncodeSchemaElement(Writer& w, const SchemaElement& e) {
  w.BeginStructElement();
  if (e.type) w.I32(1, static_cast<int32_t>(*e.type));
  if (e.type && *e.type == PhysicalType::kFixedLenByteArray) w.I32(2, e.type_length);
  if (e.repetition) w.I32(3, static_cast<int32_t>(*e.repetition));
  w.Binary(4, e.name);
  if (!e.type) w.I32(5, e.num_children);
  if (e.converted_type) w.I32(6, static_cast<int32_t>(*e.converted_type));
  if (e.converted_type == ConvertedType::kDecimal) {
    w.I32(7, e.scale);
    w.I32(8, e.precision);
  }
  if (e.field_id) w.I32(9, *e.field_id);
  if (e.logical_type.kind != LogicalType::kNone && e.logical_type.kind != LogicalType::kOther) {
    EncodeLogicalType(w, e.logical_type);
  }
  w.EndStruct();
}

void EncodeColumnMetaData(Writer& w, const ColumnMetaData& m) {
  w.BeginStruct(3);
  w.I32(1, static_cast<int32_t>(m.type));
  w.ListHeader(2, kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.Zigzag(static_cast<int32_t>(e));
  w.ListHeader(3, kBinary, m.path_in_schema.size());
  for (const auto& p : m.path_in_schema) w.RawBinary(p);
  w.I32(4, static_cast<int32_t>(m.codec));
  w.I64(5, m.num_values);
  w.I64(6, m.total_uncompressed_size);
  w.I64(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) EncodeKeyValues(w, 8, m.key_value_metadata);
  w.I64(9, m.data_page_offset);
  if (m.index_page_offset) w.I64(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.I64(11, *m.dictionary_page_offset);
  if (m.statistics) EncodeStatistics(w, 12, *m.statistics);
  if (m.size_statistics) {
    const SizeStatistics& z = *m.size_statistics;
    w.BeginStruct(16);
    if (z.unencoded_byte_array_data_bytes) w.I64(1, *z.unencoded_byte_array_data_bytes);
    if (!z.repetition_level_histogram.empty()) {
      w.ListHeader(2, kI64, z.repetition_level_histogram.size());
      for (int64_t x : z.repetition_level_histogram) w.Zigzag(x);
    }
    if (!z.definition_level_histogram.empty()) {
      w.ListHeader(3, kI64, z.definition_level_histogram.size());
      for (int64_t x : z.definition_level_histogram) w.Zigzag(x);
    }
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace

std::vector<uint8_t> EncodeFileMetaData(const FileMetaData& m) {
  std::vector<uint8_t> out;
  Writer w(&out);
  w.I32(1, m.version);
  w.ListHeader(2, kStruct, m.schema.size());
  for (const auto& e : m.schema) EncodeSchemaElement(w, e);
  w.I64(3, m.num_rows);
  w.ListHeader(4, kStruct, m.row_groups.size());
  for (const auto& rg : m.row_groups) {
    w.BeginStructElement();
    w.ListHeader(1, kStruct, rg.columns.size());
    for (const auto& c : rg.columns) {
      w.BeginStructElement();
      if (c.file_path) w.Binary(1, *c.file_path);
      w.I64(2, c.file_offset);
      if (c.meta_data) EncodeColumnMetaData(w, *c.meta_data);
      w.EndStruct();
    }
    w.I64(2, rg.total_byte_size);
    w.I64(3, rg.num_rows);
    if (rg.file_offset) w.I64(5, *rg.file_offset);
    if (rg.total_compressed_size) w.I64(6, *rg.total_compressed_size);
    if (rg.ordinal) w.I16(7, *rg.ordinal);
    w.EndStruct();
  }
  if (!m.key_value_metadata.empty()) EncodeKeyValues(w, 5, m.key_value_metadata);
  if (m.created_by) w.Binary(6, *m.created_by);
  if (!m.column_orders.empty()) {
    w.ListHeader(7, kStruct, m.column_orders.size());
    for (ColumnOrder o : m.column_orders) {
      w.BeginStructElement();
      w.BeginStruct(static_cast<int16_t>(o == ColumnOrder::kUnknown ? ColumnOrder::kTypeDefined : o));
      w.EndStruct();
      w.EndStruct();
    }
  }
  out.push_back(0);  // stop
  return out;
}

void EncodePageHeader(const PageHeader& h, std::vector<uint8_t>* out) {
  Writer w(out);
  w.I32(1, static_cast<int32_t>(h.type));
  w.I32(2, h.uncompressed_page_size);
  w.I32(3, h.compressed_page_size);
  if (h.crc) w.I32(4, *h.crc);
  if (h.data_page_header) {
    const auto& d = *h.data_page_header;
    w.BeginStruct(5);
    w.I32(1, d.num_values);
    w.I32(2, static_cast<int32_t>(d.encoding));
    w.I32(3, static_cast<int32_t>(d.definition_level_encoding));
    w.I32(4, static_cast<int32_t>(d.repetition_level_encoding));
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const auto& d = *h.dictionary_page_header;
    w.BeginStruct(7);
    w.I32(1, d.num_values);
    w.I32(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.Bool(3, true);
    w.EndStruct();
  }
  if (h.data_page_header_v2) {
    const auto& d = *h.data_page_header_v2;
    w.BeginStruct(8);
    w.I32(1, d.num_values);
    w.I32(2, d.num_nulls);
    w.I32(3, d.num_rows);
    w.I32(4, static_cast<int32_t>(d.encoding));
    w.I32(5, d.definition_levels_byte_length);
    w.I32(6, d.repetition_levels_byte_length);
    if (!d.is_compressed) w.Bool(7, false);
    w.EndStruct();
  }
  out->push_back(0);
}

}  // namespace tide::format::parquet
