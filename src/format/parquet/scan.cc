// Scan(): row-group pruning by statistics, batches, and row filtering by one predicate.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "format/parquet/reader.h"

namespace tide::format::parquet {

namespace {

using base::Status;
namespace col = tide::columnar;

// ---------------------------------------------------------------- row predicate

// Set bits of a byte, by table: without -mpopcnt, __builtin_popcount is a libgcc call.
constexpr auto kBitsSet = [] {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<uint8_t>((i & 1) + ((i >> 1) & 1) + ((i >> 2) & 1) + ((i >> 3) & 1) +
                                                            ((i >> 4) & 1) + ((i >> 5) & 1) + ((i >> 6) & 1) + ((i >> 7) & 1));
  return t;
}();

bool Compare(int c, CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return c == 0;
    case CompareOp::kNe: return c != 0;
    case CompareOp::kLt: return c < 0;
    case CompareOp::kLe: return c <= 0;
    case CompareOp::kGt: return c > 0;
    case CompareOp::kGe: return c >= 0;
  }
  return false;
}

template <typename T>
int Cmp3(T a, T b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// NaN above every number and equal to itself (Spark's and DuckDB's order).
int CmpDouble(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : na ? 1 : -1;
  return Cmp3(a, b);
}

// The predicate compiled for one column type.
class RowMatcher {
 public:
  static base::Result<RowMatcher> Make(const ParquetReader& reader, const Predicate& p, int* field) {
    const std::string where = "parquet file " + reader.name() + ": predicate on " + p.column;
    const int f = reader.schema().FieldIndex(p.column);
    if (f < 0) return Status::NotFound("parquet file " + reader.name() + " has no column " + p.column);
    *field = f;
    const col::DataType& t = *reader.schema().field(f)->type();
    RowMatcher m;
    m.op_ = p.op;
    m.type_ = t.id();
    auto mismatch = [&] {
      return Status::InvalidArgument(where + ": the literal does not fit the column's type " + t.ToString());
    };
    switch (t.id()) {
      case col::TypeId::kInt8: case col::TypeId::kInt16: case col::TypeId::kInt32: case col::TypeId::kInt64:
      case col::TypeId::kUInt8: case col::TypeId::kUInt16: case col::TypeId::kUInt32: case col::TypeId::kUInt64:
      case col::TypeId::kDate32: case col::TypeId::kTime64: case col::TypeId::kTimestamp:
        if (const int64_t* x = std::get_if<int64_t>(&p.value)) {
          m.kind_ = kInt;
          m.i_ = *x;
        } else if (const double* d = std::get_if<double>(&p.value)) {
          m.kind_ = kIntAsDouble;
          m.d_ = *d;
        } else {
          return mismatch();
        }
        return m;
      case col::TypeId::kDecimal128:
        if (const int64_t* x = std::get_if<int64_t>(&p.value)) {
          if (t.scale() > 18) return mismatch();  // 10^scale * 2^63 could overflow 128 bits
          __int128 v = *x;
          for (int k = 0; k < t.scale(); ++k) v *= 10;
          m.kind_ = kInt;
          m.i_ = v;
          return m;
        }
        return mismatch();
      case col::TypeId::kFloat32:
      case col::TypeId::kFloat64:
        if (const int64_t* x = std::get_if<int64_t>(&p.value)) {
          m.d_ = static_cast<double>(*x);
        } else if (const double* d = std::get_if<double>(&p.value)) {
          m.d_ = *d;
        } else {
          return mismatch();
        }
        m.kind_ = kDouble;
        return m;
      case col::TypeId::kString:
      case col::TypeId::kBinary:
      case col::TypeId::kFixedSizeBinary:
        if (const std::string* s = std::get_if<std::string>(&p.value)) {
          m.kind_ = kBytes;
          m.s_ = *s;
          return m;
        }
        return mismatch();
      case col::TypeId::kBoolean:
        if (const bool* b = std::get_if<bool>(&p.value)) {
          m.kind_ = kBool;
          m.b_ = *b;
          return m;
        }
        return mismatch();
      default:
        return Status::InvalidArgument(where + ": rows can be filtered only on a primitive column, not " + t.ToString());
    }
  }

  // Sets bit i of *sel (sized for a.length) when row i matches; returns the number of matches.
  int64_t Evaluate(const col::ArrayData& a, std::vector<uint8_t>* sel) const {
    sel->assign(col::bits::BytesFor(a.length), 0);
    uint8_t* out = sel->data();
    const uint8_t* valid = a.null_count == 0 || a.buffers.empty() || !a.buffers[0] ? nullptr : a.buffers[0]->data();
    int64_t n = 0;
    auto run = [&](auto&& match) {
      // Eight rows per output byte; validity byte-aligned with the output when the slice starts
      // on a byte boundary (the common case: a whole row group or batch).
      int64_t i = 0;
      if (!valid || (a.offset & 7) == 0) {
        const uint8_t* vb = valid ? valid + (a.offset >> 3) : nullptr;
        for (; i + 8 <= a.length; i += 8) {
          uint8_t byte = 0;
          for (int k = 0; k < 8; ++k) byte |= static_cast<uint8_t>(match(i + k)) << k;
          if (vb) byte &= vb[i >> 3];
          out[i >> 3] = byte;
          n += kBitsSet[byte];
        }
      }
      for (; i < a.length; ++i) {
        if (valid && !col::bits::Get(valid, a.offset + i)) continue;
        if (match(i)) {
          col::bits::Set(out, i);
          ++n;
        }
      }
    };
    switch (kind_) {
      case kInt:
        switch (type_) {
          case col::TypeId::kInt8: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<int8_t>(i), i_), op_); }); break;
          case col::TypeId::kInt16: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<int16_t>(i), i_), op_); }); break;
          case col::TypeId::kInt32:
          case col::TypeId::kDate32: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<int32_t>(i), i_), op_); }); break;
          case col::TypeId::kUInt8: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<uint8_t>(i), i_), op_); }); break;
          case col::TypeId::kUInt16: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<uint16_t>(i), i_), op_); }); break;
          case col::TypeId::kUInt32: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<uint32_t>(i), i_), op_); }); break;
          case col::TypeId::kUInt64: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<uint64_t>(i), i_), op_); }); break;
          case col::TypeId::kDecimal128: run([&](int64_t i) { return Compare(Cmp3<__int128>(a.Value<__int128>(i), i_), op_); }); break;
          default: {  // Int64, Time64, Timestamp: the hot case; the operator is hoisted out of the loop
            const int64_t lit = static_cast<int64_t>(i_);
            const uint8_t* base = a.buffers[1]->data() + a.offset * 8;
            auto v = [&](int64_t i) {
              int64_t x;
              std::memcpy(&x, base + i * 8, 8);
              return x;
            };
            switch (op_) {
              case CompareOp::kEq: run([&](int64_t i) { return v(i) == lit; }); break;
              case CompareOp::kNe: run([&](int64_t i) { return v(i) != lit; }); break;
              case CompareOp::kLt: run([&](int64_t i) { return v(i) < lit; }); break;
              case CompareOp::kLe: run([&](int64_t i) { return v(i) <= lit; }); break;
              case CompareOp::kGt: run([&](int64_t i) { return v(i) > lit; }); break;
              case CompareOp::kGe: run([&](int64_t i) { return v(i) >= lit; }); break;
            }
          }
        }
        break;
      case kIntAsDouble:
        run([&](int64_t i) {
          double v;
          switch (type_) {
            case col::TypeId::kInt8: v = a.Value<int8_t>(i); break;
            case col::TypeId::kInt16: v = a.Value<int16_t>(i); break;
            case col::TypeId::kInt32: case col::TypeId::kDate32: v = a.Value<int32_t>(i); break;
            case col::TypeId::kUInt8: v = a.Value<uint8_t>(i); break;
            case col::TypeId::kUInt16: v = a.Value<uint16_t>(i); break;
            case col::TypeId::kUInt32: v = a.Value<uint32_t>(i); break;
            case col::TypeId::kUInt64: v = static_cast<double>(a.Value<uint64_t>(i)); break;
            default: v = static_cast<double>(a.Value<int64_t>(i));
          }
          return Compare(CmpDouble(v, d_), op_);
        });
        break;
      case kDouble:
        if (type_ == col::TypeId::kFloat32) {
          run([&](int64_t i) { return Compare(CmpDouble(a.Value<float>(i), d_), op_); });
        } else {
          run([&](int64_t i) { return Compare(CmpDouble(a.Value<double>(i), d_), op_); });
        }
        break;
      case kBytes: {
        const std::string_view lit(s_);
        run([&](int64_t i) {
          const std::string_view v = a.BytesValue(i);
          const int c = v.compare(lit);  // byte-wise: std::char_traits<char>::compare is memcmp
          return Compare(c < 0 ? -1 : c > 0 ? 1 : 0, op_);
        });
        break;
      }
      case kBool:
        run([&](int64_t i) { return Compare(Cmp3<int>(a.BoolValue(i), b_), op_); });
        break;
    }
    return n;
  }

 private:
  enum Kind { kInt, kIntAsDouble, kDouble, kBytes, kBool };
  Kind kind_ = kInt;
  CompareOp op_ = CompareOp::kEq;
  col::TypeId type_ = col::TypeId::kInt64;
  __int128 i_ = 0;
  double d_ = 0;
  std::string s_;
  bool b_ = false;
};

// ---------------------------------------------------------------- take

// The rows idx (logical indexes, ascending) of `a`, in Arrow layout.
col::ArrayPtr Take(const col::ArrayData& a, const std::vector<int64_t>& idx) {
  const int64_t n = static_cast<int64_t>(idx.size());
  auto out = std::make_shared<col::ArrayData>();
  out->type = a.type;
  out->length = n;
  if (a.type->id() == col::TypeId::kNull) {
    return col::MakeNullArray(a.type, n);
  }
  // Validity.
  const bool has_validity = !a.buffers.empty() && a.buffers[0] && a.null_count > 0;
  if (has_validity) {
    std::vector<uint8_t> bits(col::bits::BytesFor(n), 0);
    int64_t nulls = 0;
    for (int64_t k = 0; k < n; ++k) {
      if (a.IsValid(idx[k])) {
        col::bits::Set(bits.data(), k);
      } else {
        ++nulls;
      }
    }
    out->null_count = nulls;
    out->buffers.push_back(nulls ? col::Buffer::FromVector(std::move(bits)) : nullptr);
  } else {
    out->buffers.push_back(nullptr);
  }
  const col::DataType& t = *a.type;
  switch (t.id()) {
    case col::TypeId::kBoolean: {
      std::vector<uint8_t> bits(col::bits::BytesFor(n), 0);
      for (int64_t k = 0; k < n; ++k) {
        if (a.BoolValue(idx[k])) col::bits::Set(bits.data(), k);
      }
      out->buffers.push_back(col::Buffer::FromVector(std::move(bits)));
      return out;
    }
    case col::TypeId::kString:
    case col::TypeId::kBinary: {
      std::vector<uint8_t> offs((n + 1) * 4);
      std::vector<uint8_t> data;
      int32_t at = 0;
      std::memcpy(offs.data(), &at, 4);
      for (int64_t k = 0; k < n; ++k) {
        const std::string_view v = a.BytesValue(idx[k]);
        data.insert(data.end(), v.begin(), v.end());
        at += static_cast<int32_t>(v.size());  // a subset of a valid array: fits int32
        std::memcpy(offs.data() + (k + 1) * 4, &at, 4);
      }
      out->buffers.push_back(col::Buffer::FromVector(std::move(offs)));
      out->buffers.push_back(col::Buffer::FromVector(std::move(data)));
      return out;
    }
    case col::TypeId::kStruct: {
      std::vector<int64_t> child_idx(idx.size());
      for (int64_t k = 0; k < n; ++k) child_idx[k] = a.offset + idx[k];
      for (const auto& c : a.children) out->children.push_back(Take(*c, child_idx));
      return out;
    }
    case col::TypeId::kList:
    case col::TypeId::kMap: {
      std::vector<uint8_t> offs((n + 1) * 4);
      std::vector<int64_t> child_idx;
      int32_t at = 0;
      std::memcpy(offs.data(), &at, 4);
      for (int64_t k = 0; k < n; ++k) {
        const int32_t b = a.ListBegin(idx[k]), e = a.ListEnd(idx[k]);
        for (int32_t j = b; j < e; ++j) child_idx.push_back(j);
        at += e - b;
        std::memcpy(offs.data() + (k + 1) * 4, &at, 4);
      }
      out->buffers.push_back(col::Buffer::FromVector(std::move(offs)));
      out->children.push_back(Take(*a.children[0], child_idx));
      return out;
    }
    default: {  // fixed width, including fixed-size binary
      const size_t w = t.id() == col::TypeId::kFixedSizeBinary ? static_cast<size_t>(t.byte_width())
                                                                : static_cast<size_t>(t.FixedWidth());
      std::vector<uint8_t> vals(n * w);
      const uint8_t* src = a.buffers[1]->data();
      for (int64_t k = 0; k < n; ++k) std::memcpy(vals.data() + k * w, src + (a.offset + idx[k]) * w, w);
      out->buffers.push_back(col::Buffer::FromVector(std::move(vals)));
      return out;
    }
  }
}

}  // namespace

Status Scan(const ParquetReader& reader, const ScanOptions& options,
            const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch, ScanStats* stats) {
  std::vector<int> cols;
  for (const auto& name : options.columns) {
    const int i = reader.schema().FieldIndex(name);
    if (i < 0) return Status::NotFound("parquet file " + reader.name() + " has no column " + name);
    cols.push_back(i);
  }
  if (cols.empty()) {
    for (int i = 0; i < reader.schema().num_fields(); ++i) cols.push_back(i);
  }
  ScanStats local;
  ScanStats* s = stats ? stats : &local;
  *s = ScanStats();
  s->row_groups_total = reader.num_row_groups();
  auto deliver = [&](std::shared_ptr<col::RecordBatch> b) {
    s->rows_read += b->num_rows();
    return on_batch(std::move(b));
  };
  const bool filter = options.filter_rows && options.predicate;
  int pf = -1;
  std::optional<RowMatcher> matcher;
  if (filter) {
    TIDE_ASSIGN_OR_RETURN(auto m, RowMatcher::Make(reader, *options.predicate, &pf));
    matcher = std::move(m);
  }
  // Output columns other than the predicate column (read for the matching span only).
  std::vector<int> others;
  int pf_pos = -1;
  for (size_t k = 0; k < cols.size(); ++k) {
    if (cols[k] == pf) {
      pf_pos = static_cast<int>(k);
    } else {
      others.push_back(cols[k]);
    }
  }
  std::vector<col::FieldPtr> out_fields;
  for (int c : cols) out_fields.push_back(reader.schema().field(c));
  auto out_schema = std::make_shared<col::Schema>(out_fields, reader.schema().metadata());

  std::vector<uint8_t> sel;
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    if (options.predicate && RowGroupCannotMatch(reader, rg, *options.predicate)) {
      ++s->row_groups_skipped;
      continue;
    }
    if (!filter) {
      TIDE_RETURN_IF_ERROR(reader.ReadRowGroupBatches(rg, options.batch_rows, cols, deliver));
      continue;
    }
    const int64_t rows = reader.metadata().row_groups[rg].num_rows;
    const int64_t step = options.batch_rows > 0 ? options.batch_rows : std::max<int64_t>(rows, 1);
    for (int64_t at = 0; at < rows; at += step) {
      const int64_t len = std::min(step, rows - at);
      TIDE_ASSIGN_OR_RETURN(auto pb, reader.ReadRowGroupRows(rg, at, len, {pf}));
      const col::ArrayData& pcol = *pb->column(0);
      const int64_t matches = matcher->Evaluate(pcol, &sel);
      if (matches == 0) {
        ++s->batches_skipped;
        continue;
      }
      int64_t first = 0, last = len - 1;
      while (!col::bits::Get(sel.data(), first)) ++first;
      while (!col::bits::Get(sel.data(), last)) --last;
      const int64_t span = last - first + 1;
      // The other columns, only for the rows from the first to the last match.
      std::shared_ptr<col::RecordBatch> ob;
      if (!others.empty()) {
        TIDE_ASSIGN_OR_RETURN(ob, reader.ReadRowGroupRows(rg, at + first, span, others));
      }
      std::vector<col::ArrayPtr> arrays;
      size_t o = 0;
      for (size_t k = 0; k < cols.size(); ++k) {
        arrays.push_back(static_cast<int>(k) == pf_pos ? pcol.Slice(first, span) : ob->column(static_cast<int>(o++)));
      }
      if (matches < span) {
        std::vector<int64_t> idx;
        idx.reserve(matches);
        for (int64_t i = first; i <= last; ++i) {
          if (col::bits::Get(sel.data(), i)) idx.push_back(i - first);
        }
        for (auto& a : arrays) a = Take(*a, idx);
      }
      TIDE_RETURN_IF_ERROR(deliver(std::make_shared<col::RecordBatch>(out_schema, std::move(arrays), matches)));
    }
  }
  return Status::OK();
}

}  // namespace tide::format::parquet
