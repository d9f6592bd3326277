// Parquet file metadata as plain structs, and the decoder that reads them from the Thrift
// compact protocol (parquet-format's src/main/thrift/parquet.thrift).
//
// The decoder treats its input as hostile: every length is checked against the bytes that
// remain, nesting is limited (kMaxThriftDepth), list sizes are bounded by the remaining bytes
// (each element takes at least one byte), and unknown fields are skipped. Fields this reader
// does not use (page indexes, bloom filter headers, geospatial statistics) are skipped.
// Errors are Corruption("thrift: ...") with the byte position; callers add the file name.
//
// Thread-safety: plain values; decoding functions are reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace tide::format::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

enum class TimeUnitKind : int32_t { kMillis = 1, kMicros = 2, kNanos = 3 };

// The LogicalType union; kind says which member is set (kNone when absent).
struct LogicalType {
  enum Kind : int32_t {
    kNone = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,  // always-null column
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,
    kGeometry = 17,
    kGeography = 18,
    kOther = 99,  // a member this reader does not know
  };
  Kind kind = kNone;
  int32_t decimal_scale = 0, decimal_precision = 0;
  bool is_adjusted_to_utc = false;  // TIME, TIMESTAMP
  TimeUnitKind unit = TimeUnitKind::kMillis;
  int8_t bit_width = 0;  // INTEGER
  bool is_signed = true;
};

// One node of the flattened schema tree (depth-first). The encoder writes logical_type only
// when its kind is set.
struct SchemaElement {
  std::optional<PhysicalType> type;
  int32_t type_length = 0;
  std::optional<Repetition> repetition;
  std::string name;
  int32_t num_children = 0;
  std::optional<ConvertedType> converted_type;
  int32_t scale = 0, precision = 0;
  std::optional<int32_t> field_id;
  LogicalType logical_type;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct Statistics {
  std::optional<std::string> max, min;  // deprecated: signed/byte-wise order of old writers
  std::optional<int64_t> null_count, distinct_count;
  std::optional<std::string> max_value, min_value;  // ordered by the column order
  std::optional<bool> is_max_value_exact, is_min_value_exact;
};

// Sizes readers use to plan memory before decoding (parquet-format SizeStatistics).
struct SizeStatistics {
  std::optional<int64_t> unencoded_byte_array_data_bytes;  // BYTE_ARRAY: value bytes, no length prefixes
  std::vector<int64_t> repetition_level_histogram;         // count of each level 0..max (empty: absent)
  std::vector<int64_t> definition_level_histogram;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::vector<KeyValue> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;
  std::optional<SizeStatistics> size_statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset, column_index_offset;
  std::optional<int32_t> offset_index_length, column_index_length;
  bool has_crypto_metadata = false;
  bool has_encrypted_column_metadata = false;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::vector<SortingColumn> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

// ColumnOrder union: 1 = TYPE_ORDER (min_value/max_value follow the logical type's order),
// 2 = IEEE754_TOTAL_ORDER; anything else is kUnknown and makes min_value/max_value unusable.
enum class ColumnOrder : int32_t { kUnknown = 0, kTypeDefined = 1, kIeee754TotalOrder = 2 };

struct FileMetaData {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  std::vector<ColumnOrder> column_orders;
  bool has_encryption_algorithm = false;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  bool is_sorted = false;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

constexpr int kMaxThriftDepth = 64;

// Decodes FileMetaData from the footer bytes (the whole buffer must be the struct).
base::Result<FileMetaData> DecodeFileMetaData(std::span<const uint8_t> bytes);
// Decodes one PageHeader from the start of `bytes`; *consumed gets its encoded length.
base::Result<PageHeader> DecodePageHeader(std::span<const uint8_t> bytes, size_t* consumed);

// Encoders (Thrift compact protocol) for the writer. Only fields that are set are written.
std::vector<uint8_t> EncodeFileMetaData(const FileMetaData& m);
void EncodePageHeader(const PageHeader& h, std::vector<uint8_t>* out);

// Names for printing ("INT32", "SNAPPY", "RLE_DICTIONARY", ...).
const char* PhysicalTypeName(PhysicalType t);
const char* EncodingName(Encoding e);
const char* CodecName(CompressionCodec c);
const char* ConvertedTypeName(ConvertedType c);
const char* PageTypeName(PageType t);

}  // namespace tide::format::parquet
