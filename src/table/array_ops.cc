#include "table/array_ops.h"

namespace tide::table::arrayops {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;
using T = col::TypeId;

bool IsInt(T id) { return id == T::kInt8 || id == T::kInt16 || id == T::kInt32 || id == T::kInt64; }
int IntRank(T id) {
  switch (id) {
    case T::kInt8: return 1;
    case T::kInt16: return 2;
    case T::kInt32: return 3;
    case T::kInt64: return 4;
    default: return 0;
  }
}

int64_t IntAt(const col::ArrayData& a, int64_t i) {
  switch (a.type->id()) {
    case T::kInt8: return a.Value<int8_t>(i);
    case T::kInt16: return a.Value<int16_t>(i);
    case T::kInt32: return a.Value<int32_t>(i);
    case T::kInt64: return a.Value<int64_t>(i);
    default: return 0;
  }
}

__int128 Pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace

void AppendValue(col::ArrayBuilder* b, const col::ArrayData& a, int64_t i) {
  if (a.IsNull(i)) {
    b->AppendNull();
    return;
  }
  switch (a.type->id()) {
    case T::kNull: b->AppendNull(); return;
    case T::kBoolean: static_cast<col::BooleanBuilder*>(b)->Append(a.BoolValue(i)); return;
    case T::kInt8: static_cast<col::Int8Builder*>(b)->Append(a.Value<int8_t>(i)); return;
    case T::kInt16: static_cast<col::Int16Builder*>(b)->Append(a.Value<int16_t>(i)); return;
    case T::kInt32:
    case T::kDate32: static_cast<col::Int32Builder*>(b)->Append(a.Value<int32_t>(i)); return;
    case T::kInt64:
    case T::kTime64:
    case T::kTimestamp: static_cast<col::Int64Builder*>(b)->Append(a.Value<int64_t>(i)); return;
    case T::kUInt8: static_cast<col::UInt8Builder*>(b)->Append(a.Value<uint8_t>(i)); return;
    case T::kUInt16: static_cast<col::UInt16Builder*>(b)->Append(a.Value<uint16_t>(i)); return;
    case T::kUInt32: static_cast<col::UInt32Builder*>(b)->Append(a.Value<uint32_t>(i)); return;
    case T::kUInt64: static_cast<col::UInt64Builder*>(b)->Append(a.Value<uint64_t>(i)); return;
    case T::kFloat32: static_cast<col::Float32Builder*>(b)->Append(a.Value<float>(i)); return;
    case T::kFloat64: static_cast<col::Float64Builder*>(b)->Append(a.Value<double>(i)); return;
    case T::kDecimal128: static_cast<col::Decimal128Builder*>(b)->Append(a.Value<__int128>(i)); return;
    case T::kString:
    case T::kBinary: static_cast<col::BinaryBuilder*>(b)->Append(a.BytesValue(i)); return;
    case T::kFixedSizeBinary: static_cast<col::FixedSizeBinaryBuilder*>(b)->Append(a.BytesValue(i)); return;
    case T::kList: {
      auto* lb = static_cast<col::ListBuilder*>(b);
      lb->Append();
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) AppendValue(lb->value_builder(), *a.children[0], k);
      return;
    }
    case T::kMap: {
      auto* mb = static_cast<col::MapBuilder*>(b);
      mb->Append();
      const auto& entries = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        mb->AppendEntry();
        AppendValue(mb->key_builder(), *entries.children[0], entries.offset + k);
        AppendValue(mb->item_builder(), *entries.children[1], entries.offset + k);
      }
      return;
    }
    case T::kStruct: {
      auto* sb = static_cast<col::StructBuilder*>(b);
      sb->Append();
      for (int c = 0; c < sb->num_children(); ++c) AppendValue(sb->child(c), *a.children[c], a.offset + i);
      return;
    }
  }
}

col::ArrayPtr TakeRows(const col::ArrayData& src, const std::vector<int64_t>& rows) {
  auto b = col::MakeBuilder(src.type);
  for (int64_t r : rows) AppendValue(b.get(), src, r);
  return b->Finish();
}

bool CanWiden(const col::DataType& from, const col::DataType& to) {
  T f = from.id(), t = to.id();
  // STRING and BINARY share a layout; writers differ in whether they annotate UTF8.
  if (from.IsBinaryLike() && to.IsBinaryLike()) return true;
  if (f == t) {
    if (f == T::kDecimal128) {
      return to.scale() >= from.scale() && (to.precision() - to.scale()) >= (from.precision() - from.scale());
    }
    return !from.IsNested();
  }
  if (IsInt(f) && IsInt(t)) return true;  // narrowing is checked per value (legacy files without INT(8|16) annotations)
  if (IsInt(f) && t == T::kFloat64) return IntRank(f) <= 3;
  if (f == T::kFloat32 && t == T::kFloat64) return true;
  if (f == T::kDate32 && t == T::kTimestamp && !to.utc_adjusted()) return true;
  if (IsInt(f) && t == T::kDecimal128) return true;  // each value is checked against the precision
  if (f == T::kNull) return true;
  return false;
}

Result<col::ArrayPtr> WidenPrimitive(const col::ArrayPtr& src_ptr, const col::TypePtr& to, const std::string& column) {
  const col::ArrayData& src = *src_ptr;
  T f = src.type->id(), t = to->id();
  // Same layout: reuse the buffers under the table type.
  bool same_layout = (f == t && f != T::kDecimal128 && !(f == T::kTimestamp && src.type->unit() != to->unit())) ||
                     (src.type->IsBinaryLike() && to->IsBinaryLike()) ||
                     (f == T::kDecimal128 && t == T::kDecimal128 && src.type->scale() == to->scale());
  if (same_layout) {
    auto out = std::make_shared<col::ArrayData>(src);
    out->type = to;
    return col::ArrayPtr(out);
  }
  if (f == T::kNull) return col::MakeNullArray(to, src.length);
  auto b = col::MakeBuilder(to);
  int64_t n = src.length;
  auto overflow = [&](int64_t i) {
    return Status::Corruption("column '" + column + "': value at row " + std::to_string(i) + " does not fit " + to->ToString());
  };
  for (int64_t i = 0; i < n; ++i) {
    if (src.IsNull(i)) {
      b->AppendNull();
      continue;
    }
    if (IsInt(f) && IsInt(t)) {
      int64_t v = IntAt(src, i);
      switch (t) {
        case T::kInt8:
          if (v < INT8_MIN || v > INT8_MAX) return overflow(i);
          static_cast<col::Int8Builder*>(b.get())->Append(static_cast<int8_t>(v));
          break;
        case T::kInt16:
          if (v < INT16_MIN || v > INT16_MAX) return overflow(i);
          static_cast<col::Int16Builder*>(b.get())->Append(static_cast<int16_t>(v));
          break;
        case T::kInt32:
          if (v < INT32_MIN || v > INT32_MAX) return overflow(i);
          static_cast<col::Int32Builder*>(b.get())->Append(static_cast<int32_t>(v));
          break;
        default: static_cast<col::Int64Builder*>(b.get())->Append(v); break;
      }
    } else if (IsInt(f) && t == T::kFloat64) {
      static_cast<col::Float64Builder*>(b.get())->Append(static_cast<double>(IntAt(src, i)));
    } else if (f == T::kFloat32 && t == T::kFloat64) {
      static_cast<col::Float64Builder*>(b.get())->Append(static_cast<double>(src.Value<float>(i)));
    } else if (f == T::kDate32 && t == T::kTimestamp) {
      int64_t micros = static_cast<int64_t>(src.Value<int32_t>(i)) * 86400LL * 1000000LL;
      if (to->unit() == col::TimeUnit::kNano) micros *= 1000;
      static_cast<col::Int64Builder*>(b.get())->Append(micros);
    } else if (f == T::kTimestamp && t == T::kTimestamp) {
      int64_t v = src.Value<int64_t>(i);
      if (src.type->unit() == col::TimeUnit::kNano && to->unit() == col::TimeUnit::kMicro) {
        v = v >= 0 ? v / 1000 : -((-v + 999) / 1000);
      } else if (src.type->unit() == col::TimeUnit::kMicro && to->unit() == col::TimeUnit::kNano) {
        v *= 1000;
      }
      static_cast<col::Int64Builder*>(b.get())->Append(v);
    } else if (t == T::kDecimal128 && (IsInt(f) || f == T::kDecimal128)) {
      __int128 v = IsInt(f) ? static_cast<__int128>(IntAt(src, i)) : src.Value<__int128>(i);
      int from_scale = IsInt(f) ? 0 : src.type->scale();
      if (to->scale() < from_scale) return overflow(i);
      v *= Pow10(to->scale() - from_scale);
      __int128 limit = Pow10(to->precision());
      if (v >= limit || v <= -limit) return overflow(i);
      static_cast<col::Decimal128Builder*>(b.get())->Append(v);
    } else {
      return Status::Corruption("column '" + column + "' has type " + src.type->ToString() +
                                " in the data file, which does not convert to the table type " + to->ToString());
    }
  }
  return b->Finish();
}

}  // namespace tide::table::arrayops
