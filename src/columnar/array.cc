#include "columnar/array.h"

#include <string>

namespace tide::columnar {

std::shared_ptr<Buffer> Buffer::FromVector(std::vector<uint8_t> bytes) {
  auto b = std::make_shared<Buffer>();
  b->owned_ = std::move(bytes);
  b->data_ = b->owned_.data();
  b->size_ = static_cast<int64_t>(b->owned_.size());
  return b;
}

std::shared_ptr<Buffer> Buffer::Wrap(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner) {
  auto b = std::make_shared<Buffer>();
  b->data_ = data;
  b->size_ = size;
  b->owner_ = std::move(owner);
  return b;
}

std::shared_ptr<Buffer> Buffer::Copy(const void* data, int64_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  return FromVector(std::vector<uint8_t>(p, p + size));
}

namespace bits {
int64_t CountSet(const uint8_t* bitmap, int64_t offset, int64_t length) {
  int64_t n = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && (i & 7); ++i) n += Get(bitmap, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t w;
    std::memcpy(&w, bitmap + (i >> 3), 8);
    n += __builtin_popcountll(w);
  }
  for (; i < end; ++i) n += Get(bitmap, i);
  return n;
}
}  // namespace bits

std::string_view ArrayData::BytesValue(int64_t i) const {
  if (type->id() == TypeId::kFixedSizeBinary) {
    const int64_t w = type->byte_width();
    return {reinterpret_cast<const char*>(buffers[1]->data() + (offset + i) * w), static_cast<size_t>(w)};
  }
  const int32_t* offs = buffers[1]->as<int32_t>();
  const int32_t b = offs[offset + i], e = offs[offset + i + 1];
  return {reinterpret_cast<const char*>(buffers[2]->data() + b), static_cast<size_t>(e - b)};
}

ArrayPtr ArrayData::Slice(int64_t off, int64_t len) const {
  auto out = std::make_shared<ArrayData>(*this);
  out->offset = offset + off;
  out->length = len;
  if (type->id() == TypeId::kNull) {
    out->null_count = len;
  } else if (null_count == 0 || buffers.empty() || !buffers[0]) {
    out->null_count = 0;
  } else {
    out->null_count = len - bits::CountSet(buffers[0]->data(), out->offset, len);
  }
  return out;
}

namespace {
base::Status Bad(const std::string& what) { return base::Status::InvalidArgument("invalid array: " + what); }

base::Status NeedBuffer(const ArrayData& a, size_t i, int64_t bytes) {
  if (a.buffers.size() <= i || !a.buffers[i]) return bytes == 0 ? base::Status::OK() : Bad("missing buffer");
  if (a.buffers[i]->size() < bytes) {
    return Bad(a.type->ToString() + " buffer " + std::to_string(i) + " has " + std::to_string(a.buffers[i]->size()) +
               " bytes, needs " + std::to_string(bytes));
  }
  return base::Status::OK();
}
}  // namespace

base::Status ArrayData::Validate() const {
  if (length < 0 || offset < 0 || null_count < 0 || null_count > length) return Bad("negative length/offset");
  const int64_t end = offset + length;
  const TypeId id = type->id();
  if (id == TypeId::kNull) return base::Status::OK();
  if (!buffers.empty() && buffers[0]) {
    TIDE_RETURN_IF_ERROR(NeedBuffer(*this, 0, bits::BytesFor(end)));
    if (length - bits::CountSet(buffers[0]->data(), offset, length) != null_count) return Bad("wrong null_count");
  } else if (null_count != 0) {
    return Bad("null_count without validity bitmap");
  }
  switch (id) {
    case TypeId::kBoolean: return NeedBuffer(*this, 1, bits::BytesFor(end));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kList:
    case TypeId::kMap: {
      if (length == 0 && (buffers.size() < 2 || !buffers[1])) return base::Status::OK();
      TIDE_RETURN_IF_ERROR(NeedBuffer(*this, 1, (end + 1) * 4));
      const int32_t* offs = buffers[1]->as<int32_t>();
      for (int64_t i = offset; i < end; ++i) {
        if (offs[i] < 0 || offs[i + 1] < offs[i]) return Bad("offsets decrease");
      }
      const int64_t last = offs[end];
      if (id == TypeId::kString || id == TypeId::kBinary) {
        return NeedBuffer(*this, 2, last);
      }
      if (children.size() != 1) return Bad("list needs one child");
      if (children[0]->length < last) return Bad("list offsets past child");
      return children[0]->Validate();
    }
    case TypeId::kStruct: {
      if (children.size() != type->children().size()) return Bad("struct child count");
      for (const auto& c : children) {
        if (c->length < end) return Bad("struct child too short");
        TIDE_RETURN_IF_ERROR(c->Validate());
      }
      return base::Status::OK();
    }
    default: return NeedBuffer(*this, 1, end * type->FixedWidth());
  }
}

ArrayPtr MakeNullArray(const TypePtr& type, int64_t length) {
  auto a = std::make_shared<ArrayData>();
  a->type = type;
  a->length = length;
  a->null_count = length;
  if (type->id() == TypeId::kNull) return a;
  a->buffers.push_back(Buffer::FromVector(std::vector<uint8_t>(bits::BytesFor(length), 0)));
  switch (type->id()) {
    case TypeId::kBoolean:
      a->buffers.push_back(Buffer::FromVector(std::vector<uint8_t>(bits::BytesFor(length), 0)));
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      a->buffers.push_back(Buffer::FromVector(std::vector<uint8_t>((length + 1) * 4, 0)));
      a->buffers.push_back(Buffer::FromVector({}));
      break;
    case TypeId::kList:
    case TypeId::kMap:
      a->buffers.push_back(Buffer::FromVector(std::vector<uint8_t>((length + 1) * 4, 0)));
      a->children.push_back(MakeNullArray(type->children()[0]->type(), 0));
      break;
    case TypeId::kStruct:
      for (const auto& f : type->children()) a->children.push_back(MakeNullArray(f->type(), length));
      break;
    default:
      a->buffers.push_back(Buffer::FromVector(std::vector<uint8_t>(length * type->FixedWidth(), 0)));
  }
  return a;
}

base::Result<std::shared_ptr<RecordBatch>> RecordBatch::Make(std::shared_ptr<const Schema> schema,
                                                             std::vector<ArrayPtr> columns, int64_t num_rows) {
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return base::Status::InvalidArgument("record batch has " + std::to_string(columns.size()) +
                                         " columns, schema has " + std::to_string(schema->num_fields()));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i]->length != num_rows) {
      return base::Status::InvalidArgument("column " + schema->field(i)->name() + " has " +
                                           std::to_string(columns[i]->length) + " rows, batch has " +
                                           std::to_string(num_rows));
    }
    if (!columns[i]->type->Equals(*schema->field(i)->type())) {
      return base::Status::InvalidArgument("column " + schema->field(i)->name() + " has type " +
                                           columns[i]->type->ToString() + ", schema says " +
                                           schema->field(i)->type()->ToString());
    }
  }
  return std::make_shared<RecordBatch>(std::move(schema), std::move(columns), num_rows);
}

std::shared_ptr<RecordBatch> RecordBatch::Slice(int64_t offset, int64_t length) const {
  std::vector<ArrayPtr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_) cols.push_back(c->Slice(offset, length));
  return std::make_shared<RecordBatch>(schema_, std::move(cols), length);
}

}  // namespace tide::columnar
