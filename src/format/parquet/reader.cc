#include "format/parquet/reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "columnar/json.h"
#include "format/parquet/column_reader.h"

namespace tide::format::parquet {

namespace {

using base::Status;
namespace col = tide::columnar;

struct Mapping {
  void* addr = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (addr && addr != MAP_FAILED) munmap(addr, size);
  }
};

}  // namespace

ParquetReader::~ParquetReader() = default;

base::Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "opening parquet file " + path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::FromErrno(e, "stat of parquet file " + path);
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<size_t>(st.st_size);
  if (mapping->size > 0) {
    mapping->addr = mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping->addr == MAP_FAILED) {
      const int e = errno;
      ::close(fd);
      mapping->addr = nullptr;
      return Status::FromErrno(e, "mapping parquet file " + path);
    }
  }
  ::close(fd);
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->name_ = path;
  r->file_ = std::span<const uint8_t>(static_cast<const uint8_t*>(mapping->addr), mapping->size);
  r->owner_ = mapping;
  TIDE_RETURN_IF_ERROR(r->Init());
  return r;
}

base::Result<std::unique_ptr<ParquetReader>> ParquetReader::OpenBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                                                       std::string name) {
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->name_ = std::move(name);
  r->file_ = std::span<const uint8_t>(bytes->data(), bytes->size());
  r->owner_ = std::move(bytes);
  TIDE_RETURN_IF_ERROR(r->Init());
  return r;
}

Status ParquetReader::Init() {
  const std::string where = "parquet file " + name_;
  const size_t n = file_.size();
  auto encrypted = [&]() {
    return Status::Unsupported("file " + name_ + " is encrypted (Parquet modular encryption is not supported)");
  };
  if (n >= 4 && std::memcmp(file_.data() + n - 4, "PARE", 4) == 0) return encrypted();
  if (n >= 4 && std::memcmp(file_.data(), "PARE", 4) == 0) return encrypted();
  if (n < 12) return Status::Corruption(where + ": " + std::to_string(n) + " bytes is too small for a Parquet file");
  if (std::memcmp(file_.data(), "PAR1", 4) != 0 || std::memcmp(file_.data() + n - 4, "PAR1", 4) != 0) {
    return Status::Corruption(where + ": not a Parquet file (magic PAR1 missing)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, file_.data() + n - 8, 4);
  if (footer_len > n - 12) {
    return Status::Corruption(where + ": footer length " + std::to_string(footer_len) + " exceeds the file size " +
                              std::to_string(n));
  }
  data_end_ = n - 8 - footer_len;
  auto md = DecodeFileMetaData(file_.subspan(data_end_, footer_len));
  if (!md.ok()) return md.status().WithContext(where + ": footer");
  metadata_ = std::move(*md);
  if (metadata_.has_encryption_algorithm) return encrypted();
  auto schema = ConvertSchema(metadata_.schema, metadata_.key_value_metadata);
  if (!schema.ok()) return schema.status().WithContext(where + ": schema");
  schema_ = std::move(*schema);
  for (size_t i = 0; i < metadata_.row_groups.size(); ++i) {
    const RowGroup& rg = metadata_.row_groups[i];
    if (rg.columns.size() != schema_.leaves.size()) {
      return Status::Corruption(where + ": row group " + std::to_string(i) + " has " + std::to_string(rg.columns.size()) +
                                " column chunks, the schema " + std::to_string(schema_.leaves.size()) + " columns");
    }
    if (rg.num_rows < 0) return Status::Corruption(where + ": row group " + std::to_string(i) + " has negative num_rows");
  }
  return Status::OK();
}

base::Result<std::shared_ptr<col::RecordBatch>> ParquetReader::ReadRowGroup(int i, const std::vector<int>& column_indices) const {
  return ReadRows(i, 0, -1, column_indices);
}

base::Result<std::shared_ptr<col::RecordBatch>> ParquetReader::ReadRowGroupRows(int i, int64_t first_row, int64_t num_rows,
                                                                               const std::vector<int>& column_indices) const {
  if (first_row < 0 || num_rows < 0) {
    return Status::InvalidArgument("parquet file " + name_ + ": negative row range (" + std::to_string(first_row) + ", " +
                                   std::to_string(num_rows) + ")");
  }
  return ReadRows(i, first_row, num_rows, column_indices);
}

Status ParquetReader::ReadRowGroupBatches(int i, int64_t batch_rows, const std::vector<int>& column_indices,
                                          const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch) const {
  if (i < 0 || i >= num_row_groups()) return ReadRows(i, 0, -1, column_indices).status();
  const RowGroup& rg = metadata_.row_groups[i];
  const int64_t rows = rg.num_rows;
  if (batch_rows <= 0 || batch_rows >= rows) {
    TIDE_ASSIGN_OR_RETURN(auto b, ReadRows(i, 0, -1, column_indices));
    return on_batch(std::move(b));
  }
  const std::string where = "parquet file " + name_;
  std::vector<int> cols = column_indices;
  if (cols.empty()) {
    for (int c = 0; c < static_cast<int>(schema_.fields.size()); ++c) cols.push_back(c);
  }
  // One reader per leaf, kept across batches: each page is decoded once.
  ChunkContext ctx{file_, data_end_, name_, i};
  std::vector<std::unique_ptr<LeafChunkReader>> readers(schema_.leaves.size());
  std::vector<col::FieldPtr> fields;
  for (int c : cols) {
    if (c < 0 || c >= static_cast<int>(schema_.fields.size())) {
      return Status::InvalidArgument(where + ": column index " + std::to_string(c) + " out of range");
    }
    const SchemaNode& node = schema_.fields[c];
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
      if (!readers[l]) readers[l] = std::make_unique<LeafChunkReader>(ctx, rg.columns[l], schema_.leaves[l]);
    }
    fields.push_back(node.field);
  }
  auto schema = std::make_shared<col::Schema>(std::move(fields), schema_.schema->metadata());
  std::vector<LeafChunk> chunks(schema_.leaves.size());
  for (int64_t at = 0; at < rows; at += batch_rows) {
    const int64_t len = std::min(batch_rows, rows - at);
    const RowRange range{at, at + len};
    std::vector<col::ArrayPtr> arrays;
    std::vector<col::ArrayPtr> by_field(schema_.fields.size());
    for (int c : cols) {
      if (!by_field[c]) {
        const SchemaNode& node = schema_.fields[c];
        for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
          chunks[l] = LeafChunk();
          Status st = readers[l]->Read(range, &chunks[l]);
          if (!st.ok()) {
            return st.WithContext(where + ": column " + schema_.leaves[l].path + ": row group " + std::to_string(i) +
                                  ": rows " + std::to_string(at) + ".." + std::to_string(at + len));
          }
        }
        auto array = AssembleField(node, schema_.leaves, chunks, len);
        if (!array.ok()) return array.status().WithContext(where + ": row group " + std::to_string(i));
        for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) chunks[l] = LeafChunk();
        by_field[c] = std::move(*array);
      }
      arrays.push_back(by_field[c]);
    }
    TIDE_RETURN_IF_ERROR(on_batch(std::make_shared<col::RecordBatch>(schema, std::move(arrays), len)));
  }
  return Status::OK();
}

// num_rows < 0: the whole row group.
base::Result<std::shared_ptr<col::RecordBatch>> ParquetReader::ReadRows(int i, int64_t first_row, int64_t num_rows,
                                                                        const std::vector<int>& column_indices) const {
  const std::string where = "parquet file " + name_;
  if (i < 0 || i >= num_row_groups()) {
    return Status::OutOfRange(where + ": row group " + std::to_string(i) + " does not exist (file has " +
                              std::to_string(num_row_groups()) + ")");
  }
  std::vector<int> cols = column_indices;
  if (cols.empty()) {
    for (int c = 0; c < static_cast<int>(schema_.fields.size()); ++c) cols.push_back(c);
  }
  const RowGroup& rg = metadata_.row_groups[i];
  RowRange range;
  int64_t rows = rg.num_rows;
  if (num_rows >= 0 && (first_row > 0 || num_rows < rg.num_rows)) {
    range.begin = std::min(first_row, rg.num_rows);
    range.end = range.begin + std::min(num_rows, rg.num_rows - range.begin);
    rows = range.end - range.begin;
  }
  ChunkContext ctx{file_, data_end_, name_, i};
  std::vector<LeafChunk> chunks(schema_.leaves.size());
  std::vector<col::FieldPtr> fields;
  std::vector<col::ArrayPtr> arrays;
  for (int c : cols) {
    if (c < 0 || c >= static_cast<int>(schema_.fields.size())) {
      return Status::InvalidArgument(where + ": column index " + std::to_string(c) + " out of range");
    }
    const SchemaNode& node = schema_.fields[c];
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
      chunks[l] = LeafChunk();
      Status st = ReadLeafChunk(ctx, rg.columns[l], schema_.leaves[l], range, &chunks[l]);
      if (!st.ok()) {
        return st.WithContext(where + ": column " + schema_.leaves[l].path + ": row group " + std::to_string(i));
      }
    }
    auto array = AssembleField(node, schema_.leaves, chunks, rows);
    if (!array.ok()) return array.status().WithContext(where + ": row group " + std::to_string(i));
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) chunks[l] = LeafChunk();
    fields.push_back(node.field);
    arrays.push_back(std::move(*array));
  }
  auto schema = std::make_shared<col::Schema>(std::move(fields), schema_.schema->metadata());
  return std::make_shared<col::RecordBatch>(std::move(schema), std::move(arrays), rows);
}

// ---------------------------------------------------------------- statistics

namespace {

// A statistics bound or literal in a comparable domain.
struct Val {
  enum Kind { kNone, kInt, kDouble, kBytes, kBool } kind = kNone;
  __int128 i = 0;
  double d = 0;
  std::string b;
};

int Cmp(const Val& a, const Val& b) {
  switch (a.kind) {
    case Val::kInt: return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case Val::kDouble: return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    case Val::kBool: return static_cast<int>(a.i) - static_cast<int>(b.i);
    case Val::kBytes: {
      const size_t n = std::min(a.b.size(), b.b.size());
      const int c = n ? std::memcmp(a.b.data(), b.b.data(), n) : 0;
      if (c != 0) return c < 0 ? -1 : 1;
      return a.b.size() < b.b.size() ? -1 : a.b.size() > b.b.size() ? 1 : 0;
    }
    default: return 0;
  }
}

bool IsUnsigned(const col::DataType& t) {
  switch (t.id()) {
    case col::TypeId::kUInt8:
    case col::TypeId::kUInt16:
    case col::TypeId::kUInt32:
    case col::TypeId::kUInt64: return true;
    default: return false;
  }
}

// Decodes a plain-encoded statistics value of `leaf` into the comparison domain.
Val DecodeStat(const LeafInfo& leaf, const std::string& s) {
  Val v;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const bool uns = IsUnsigned(*leaf.type);
  switch (*leaf.element.type) {
    case PhysicalType::kBoolean:
      if (s.size() < 1) return v;
      v.kind = Val::kBool;
      v.i = p[0] & 1;
      return v;
    case PhysicalType::kInt32: {
      if (s.size() != 4) return v;
      int32_t x;
      std::memcpy(&x, p, 4);
      v.kind = Val::kInt;
      v.i = uns ? static_cast<__int128>(static_cast<uint32_t>(x)) : x;
      if (leaf.conversion == LeafConversion::kMillisToMicros32) v.i *= 1000;
      return v;
    }
    case PhysicalType::kInt64: {
      if (s.size() != 8) return v;
      int64_t x;
      std::memcpy(&x, p, 8);
      v.kind = Val::kInt;
      v.i = uns ? static_cast<__int128>(static_cast<uint64_t>(x)) : x;
      if (leaf.conversion == LeafConversion::kMillisToMicros64) v.i *= 1000;
      return v;
    }
    case PhysicalType::kFloat: {
      if (s.size() != 4) return v;
      float f;
      std::memcpy(&f, p, 4);
      v.kind = Val::kDouble;
      v.d = f;
      if (std::isnan(v.d)) v.kind = Val::kNone;
      return v;
    }
    case PhysicalType::kDouble: {
      if (s.size() != 8) return v;
      std::memcpy(&v.d, p, 8);
      v.kind = std::isnan(v.d) ? Val::kNone : Val::kDouble;
      return v;
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (leaf.type->id() == col::TypeId::kDecimal128) {
        if (s.empty() || s.size() > 16) return v;
        unsigned __int128 u = (p[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
        for (size_t k = 0; k < s.size(); ++k) u = (u << 8) | p[k];
        v.kind = Val::kInt;
        v.i = static_cast<__int128>(u);
        return v;
      }
      if (leaf.conversion == LeafConversion::kFloat16ToFloat32) return v;
      v.kind = Val::kBytes;
      v.b = s;
      return v;
    default: return v;
  }
}

// The literal in the column's domain, or kNone when the types do not fit.
Val LiteralFor(const LeafInfo& leaf, const Literal& lit) {
  Val v;
  const col::DataType& t = *leaf.type;
  const bool integer_col = *leaf.element.type == PhysicalType::kInt32 || *leaf.element.type == PhysicalType::kInt64;
  if (const int64_t* x = std::get_if<int64_t>(&lit)) {
    if (t.id() == col::TypeId::kFloat32 || t.id() == col::TypeId::kFloat64) {
      v.kind = Val::kDouble;
      v.d = static_cast<double>(*x);
    } else if (t.id() == col::TypeId::kDecimal128) {
      __int128 s = *x;
      for (int k = 0; k < t.scale(); ++k) s *= 10;  // |x| < 2^63, scale <= 38: may overflow only past 10^38
      if (t.scale() > 18) return v;
      v.kind = Val::kInt;
      v.i = s;
    } else if (integer_col) {
      v.kind = Val::kInt;
      v.i = *x;
    }
  } else if (const double* d = std::get_if<double>(&lit)) {
    if (std::isnan(*d)) return v;
    if (t.id() == col::TypeId::kFloat32 || t.id() == col::TypeId::kFloat64) {
      v.kind = Val::kDouble;
      v.d = *d;
    }
  } else if (const std::string* s = std::get_if<std::string>(&lit)) {
    if (t.id() == col::TypeId::kString || t.id() == col::TypeId::kBinary) {
      v.kind = Val::kBytes;
      v.b = *s;
    }
  } else if (const bool* b = std::get_if<bool>(&lit)) {
    if (t.id() == col::TypeId::kBoolean) {
      v.kind = Val::kBool;
      v.i = *b;
    }
  }
  return v;
}

// Whether the deprecated min/max fields are trustworthy for this column: they were written
// with signed comparison, which is only right for signed numeric types and booleans.
bool DeprecatedStatsUsable(const LeafInfo& leaf) {
  switch (*leaf.element.type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: return true;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: return !IsUnsigned(*leaf.type);
    default: return false;
  }
}

}  // namespace

bool RowGroupCannotMatch(const ParquetReader& reader, int rg, const Predicate& pred) {
  if (rg < 0 || rg >= reader.num_row_groups()) return false;
  const ParquetSchema& ps = reader.parquet_schema();
  const int f = reader.schema().FieldIndex(pred.column);
  if (f < 0) return false;
  const SchemaNode& node = ps.fields[f];
  if (node.kind != SchemaNode::Kind::kLeaf) return false;
  const LeafInfo& leaf = ps.leaves[node.leaf];
  const RowGroup& group = reader.metadata().row_groups[rg];
  const ColumnChunk& chunk = group.columns[node.leaf];
  if (!chunk.meta_data || !chunk.meta_data->statistics) return false;
  const Statistics& st = *chunk.meta_data->statistics;
  // A column with only nulls matches no comparison.
  if (st.null_count && *st.null_count == group.num_rows && group.num_rows > 0) return true;
  const std::string *min = nullptr, *max = nullptr;
  const auto& orders = reader.metadata().column_orders;
  const bool type_order = static_cast<size_t>(node.leaf) < orders.size() && orders[node.leaf] == ColumnOrder::kTypeDefined;
  if (type_order && st.min_value && st.max_value) {
    min = &*st.min_value;
    max = &*st.max_value;
  } else if (st.min && st.max && DeprecatedStatsUsable(leaf)) {
    min = &*st.min;
    max = &*st.max;
  }
  if (!min) return false;
  const Val lo = DecodeStat(leaf, *min), hi = DecodeStat(leaf, *max);
  const Val lit = LiteralFor(leaf, pred.value);
  if (lo.kind == Val::kNone || hi.kind == Val::kNone || lit.kind == Val::kNone || lo.kind != lit.kind ||
      hi.kind != lit.kind) {
    return false;
  }
  // Floating point: bounds exclude NaN, and NaN satisfies > / >= / != under the NaN-is-largest
  // order Spark and DuckDB use; only =, <, <= can be decided from the bounds.
  if (lit.kind == Val::kDouble && (pred.op == CompareOp::kGt || pred.op == CompareOp::kGe || pred.op == CompareOp::kNe)) {
    return false;
  }
  switch (pred.op) {
    case CompareOp::kEq: return Cmp(lit, lo) < 0 || Cmp(lit, hi) > 0;
    case CompareOp::kNe: return Cmp(lo, hi) == 0 && Cmp(lo, lit) == 0 && lit.kind != Val::kDouble;
    case CompareOp::kLt: return Cmp(lo, lit) >= 0;
    case CompareOp::kLe: return Cmp(lo, lit) > 0;
    case CompareOp::kGt: return Cmp(hi, lit) <= 0;
    case CompareOp::kGe: return Cmp(hi, lit) < 0;
  }
  return false;
}

// ---------------------------------------------------------------- CLI helpers

std::string DescribeSchema(const ParquetReader& reader) {
  std::string out;
  for (const auto& f : reader.schema().fields()) out += f->ToString() + "\n";
  out += "\n";
  out += ParquetSchemaToText(reader.metadata().schema);
  return out;
}

namespace {

void Num(int64_t v, std::string* out) { *out += std::to_string(v); }

std::string StatJson(const LeafInfo& leaf, const std::string& s) {
  std::string out;
  const col::DataType& t = *leaf.type;
  const Val v = DecodeStat(leaf, s);
  if (t.id() == col::TypeId::kString) {
    col::AppendJsonString(s, &out);
    return out;
  }
  if (v.kind == Val::kInt) {
    if (t.id() == col::TypeId::kDecimal128) {
      col::AppendJsonString(col::FormatDecimal128(v.i, t.scale()), &out);
    } else if (t.id() == col::TypeId::kDate32) {
      col::AppendJsonString(col::FormatDate32(static_cast<int32_t>(v.i)), &out);
    } else if (t.id() == col::TypeId::kTimestamp) {
      col::AppendJsonString(col::FormatTimestamp(static_cast<int64_t>(v.i), t.unit(), t.utc_adjusted()), &out);
    } else {
      out += IsUnsigned(t) ? std::to_string(static_cast<uint64_t>(v.i)) : std::to_string(static_cast<int64_t>(v.i));
    }
    return out;
  }
  if (v.kind == Val::kDouble) {
    if (std::isinf(v.d)) return v.d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.d);
    return std::string(buf, r.ptr);
  }
  if (v.kind == Val::kBool) return v.i ? "true" : "false";
  if (*leaf.element.type == PhysicalType::kFloat || *leaf.element.type == PhysicalType::kDouble) return "\"NaN\"";
  col::AppendJsonString(col::Base64Encode(s), &out);
  return out;
}

}  // namespace

std::string DescribeMetadata(const ParquetReader& reader) {
  const FileMetaData& m = reader.metadata();
  const ParquetSchema& ps = reader.parquet_schema();
  std::string o = "{\"file\":";
  col::AppendJsonString(reader.name(), &o);
  o += ",\"version\":";
  Num(m.version, &o);
  o += ",\"created_by\":";
  if (m.created_by) {
    col::AppendJsonString(*m.created_by, &o);
  } else {
    o += "null";
  }
  o += ",\"num_rows\":";
  Num(m.num_rows, &o);
  o += ",\"schema\":";
  col::AppendJsonString(reader.schema().ToString(), &o);
  o += ",\"key_value_metadata\":{";
  for (size_t i = 0; i < m.key_value_metadata.size(); ++i) {
    if (i) o += ",";
    col::AppendJsonString(m.key_value_metadata[i].key, &o);
    o += ":";
    if (m.key_value_metadata[i].value) {
      col::AppendJsonString(*m.key_value_metadata[i].value, &o);
    } else {
      o += "null";
    }
  }
  o += "},\"row_groups\":[";
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroup& rg = m.row_groups[g];
    if (g) o += ",";
    o += "{\"index\":" + std::to_string(g) + ",\"num_rows\":" + std::to_string(rg.num_rows) +
         ",\"total_byte_size\":" + std::to_string(rg.total_byte_size);
    if (rg.total_compressed_size) o += ",\"total_compressed_size\":" + std::to_string(*rg.total_compressed_size);
    o += ",\"columns\":[";
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& cc = rg.columns[c];
      if (c) o += ",";
      o += "{\"path\":";
      col::AppendJsonString(c < ps.leaves.size() ? ps.leaves[c].path : "?", &o);
      if (!cc.meta_data) {
        o += ",\"meta_data\":null}";
        continue;
      }
      const ColumnMetaData& md = *cc.meta_data;
      o += ",\"type\":\"" + std::string(PhysicalTypeName(md.type)) + "\",\"codec\":\"" + CodecName(md.codec) +
           "\",\"encodings\":[";
      for (size_t e = 0; e < md.encodings.size(); ++e) {
        if (e) o += ",";
        o += "\"" + std::string(EncodingName(md.encodings[e])) + "\"";
      }
      o += "],\"num_values\":" + std::to_string(md.num_values) +
           ",\"total_compressed_size\":" + std::to_string(md.total_compressed_size) +
           ",\"total_uncompressed_size\":" + std::to_string(md.total_uncompressed_size) +
           ",\"data_page_offset\":" + std::to_string(md.data_page_offset);
      if (md.dictionary_page_offset) o += ",\"dictionary_page_offset\":" + std::to_string(*md.dictionary_page_offset);
      if (md.statistics && c < ps.leaves.size()) {
        const Statistics& st = *md.statistics;
        const LeafInfo& leaf = ps.leaves[c];
        o += ",\"statistics\":{";
        bool first = true;
        auto field = [&](const char* name, const std::string& value) {
          if (!first) o += ",";
          first = false;
          o += "\"" + std::string(name) + "\":" + value;
        };
        if (st.null_count) field("null_count", std::to_string(*st.null_count));
        if (st.distinct_count) field("distinct_count", std::to_string(*st.distinct_count));
        if (st.min_value) field("min_value", StatJson(leaf, *st.min_value));
        if (st.max_value) field("max_value", StatJson(leaf, *st.max_value));
        if (st.min) field("min_deprecated", StatJson(leaf, *st.min));
        if (st.max) field("max_deprecated", StatJson(leaf, *st.max));
        o += "}";
      }
      if (md.size_statistics) {
        const SizeStatistics& z = *md.size_statistics;
        auto list = [](const std::vector<int64_t>& v) {
          std::string s = "[";
          for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
          return s + "]";
        };
        o += ",\"size_statistics\":{";
        bool first = true;
        auto field = [&](const char* name, const std::string& value) {
          if (!first) o += ",";
          first = false;
          o += "\"" + std::string(name) + "\":" + value;
        };
        if (z.unencoded_byte_array_data_bytes) {
          field("unencoded_byte_array_data_bytes", std::to_string(*z.unencoded_byte_array_data_bytes));
        }
        if (!z.repetition_level_histogram.empty()) field("repetition_level_histogram", list(z.repetition_level_histogram));
        if (!z.definition_level_histogram.empty()) field("definition_level_histogram", list(z.definition_level_histogram));
        o += "}";
      }
      o += "}";
    }
    o += "]}";
  }
  o += "]}\n";
  return o;
}

Status CatJsonLines(const ParquetReader& reader, std::ostream& out, int64_t limit) {
  int64_t left = limit;
  for (int rg = 0; rg < reader.num_row_groups() && left != 0; ++rg) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader.ReadRowGroup(rg));
    if (left >= 0 && batch->num_rows() > left) batch = batch->Slice(0, left);
    TIDE_RETURN_IF_ERROR(col::WriteJsonLines(*batch, out));
    if (left > 0) left -= batch->num_rows();
  }
  return Status::OK();
}

}  // namespace tide::format::parquet
