#include "table/stats.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "base/strings.h"
#include "columnar/json.h"

namespace tide::table {

namespace col = tide::columnar;
using base::Status;

namespace {

// Byte length of the first `n` code points of `s` (all of s when it has fewer).
size_t PrefixBytes(std::string_view s, int32_t n) {
  size_t i = 0;
  int32_t seen = 0;
  while (i < s.size()) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) {
      if (seen == n) return i;
      ++seen;
    }
    ++i;
  }
  return s.size();
}

// Well-formed UTF-8 (shortest form, no surrogates, <= U+10FFFF). Bounds built from anything else
// would change when escaped to JSON, so such columns get no string bounds.
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    int len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const uint8_t cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

constexpr std::string_view kMaxCodePoint = "\xF4\x8F\xBF\xBF";  // U+10FFFF

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

template <typename F>
void AppendShortest(F v, std::string* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

}  // namespace

std::string FormatStatsTimestamp(int64_t value, col::TimeUnit unit, bool utc) {
  const int64_t millis = FloorDiv(value, unit == col::TimeUnit::kNano ? 1000000 : 1000);
  const int64_t days = FloorDiv(millis, 86400000);
  int64_t rem = millis - days * 86400000;
  std::string out = col::FormatDate32(static_cast<int32_t>(days));
  char buf[32];
  const int h = static_cast<int>(rem / 3600000);
  rem %= 3600000;
  const int m = static_cast<int>(rem / 60000);
  rem %= 60000;
  const int s = static_cast<int>(rem / 1000);
  const int ms = static_cast<int>(rem % 1000);
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d.%03d", h, m, s, ms);
  out += buf;
  if (utc) out += 'Z';
  return out;
}

// ---------------------------------------------------------------- options

base::Result<std::vector<std::vector<std::string>>> ParseStatsColumns(const std::string& value) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> path;
  std::string part;
  bool quoted = false, had_quote = false;
  auto end_part = [&]() -> Status {
    std::string trimmed = part;
    if (!had_quote) {
      const size_t b = trimmed.find_first_not_of(" \t");
      const size_t e = trimmed.find_last_not_of(" \t");
      trimmed = b == std::string::npos ? "" : trimmed.substr(b, e - b + 1);
    }
    if (trimmed.empty()) {
      return Status::InvalidArgument("delta.dataSkippingStatsColumns: empty column name in '" + value + "'");
    }
    path.push_back(trimmed);
    part.clear();
    had_quote = false;
    return Status::OK();
  };
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted) {
      if (c == '`') {
        if (i + 1 < value.size() && value[i + 1] == '`') {
          part += '`';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        part += c;
      }
    } else if (c == '`') {
      // Whitespace before a quoted name is insignificant.
      if (part.find_first_not_of(" \t") == std::string::npos) part.clear();
      quoted = true;
      had_quote = true;
    } else if (c == '.') {
      TIDE_RETURN_IF_ERROR(end_part());
    } else if (c == ',') {
      TIDE_RETURN_IF_ERROR(end_part());
      out.push_back(std::move(path));
      path.clear();
    } else if (had_quote) {
      if (c != ' ' && c != '\t') {
        return Status::InvalidArgument("delta.dataSkippingStatsColumns: unexpected '" + std::string(1, c) +
                                       "' after a quoted name in '" + value + "'");
      }
    } else {
      part += c;
    }
  }
  if (quoted) return Status::InvalidArgument("delta.dataSkippingStatsColumns: unterminated ` in '" + value + "'");
  if (value.find_first_not_of(" \t") == std::string::npos) return out;  // empty list
  TIDE_RETURN_IF_ERROR(end_part());
  out.push_back(std::move(path));
  return out;
}

base::Result<StatsOptions> StatsOptionsFromConfiguration(const std::map<std::string, std::string>& configuration) {
  StatsOptions options;
  if (auto it = configuration.find("delta.dataSkippingNumIndexedCols"); it != configuration.end()) {
    int64_t n = 0;
    const std::string& v = it->second;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < -1 || n > INT32_MAX) {
      return Status::InvalidArgument("delta.dataSkippingNumIndexedCols: expected an integer >= -1, got '" + v + "'");
    }
    options.num_indexed_cols = static_cast<int32_t>(n);
  }
  if (auto it = configuration.find("delta.dataSkippingStatsColumns"); it != configuration.end()) {
    TIDE_ASSIGN_OR_RETURN(auto cols, ParseStatsColumns(it->second));
    options.stats_columns = std::move(cols);
  }
  return options;
}

// ---------------------------------------------------------------- collector

struct StatsCollector::Node {
  enum class Acc { kNone, kInt, kUInt, kFloat, kDecimal, kString, kDate, kTimestamp };
  std::string name;         // physical
  std::string logical;      // logical (for selection)
  col::TypePtr type;
  bool is_struct = false;
  bool selected = false;    // leaves: statistics are kept
  std::vector<std::unique_ptr<Node>> children;

  Acc acc = Acc::kNone;
  int64_t null_count = 0;
  bool has_value = false;
  bool has_nan = false;
  bool bad_string = false;
  int64_t imin = 0, imax = 0;
  uint64_t umin = 0, umax = 0;
  double dmin = 0, dmax = 0;
  __int128 decmin = 0, decmax = 0;
  std::string smin, smax;
  bool smax_truncated = false;
  bool smax_unbounded = false;
};

namespace {

using Node = StatsCollector::Node;

std::unique_ptr<Node> BuildNode(const col::Field& logical, const col::Field& physical) {
  auto n = std::make_unique<Node>();
  n->name = physical.name();
  n->logical = logical.name();
  n->type = physical.type();
  const col::DataType& t = *physical.type();
  if (t.id() == col::TypeId::kStruct) {
    n->is_struct = true;
    const auto& lc = logical.type()->children();
    const auto& pc = t.children();
    for (size_t i = 0; i < pc.size() && i < lc.size(); ++i) n->children.push_back(BuildNode(*lc[i], *pc[i]));
    return n;
  }
  switch (t.id()) {
    case col::TypeId::kInt8:
    case col::TypeId::kInt16:
    case col::TypeId::kInt32:
    case col::TypeId::kInt64: n->acc = Node::Acc::kInt; break;
    case col::TypeId::kUInt8:
    case col::TypeId::kUInt16:
    case col::TypeId::kUInt32:
    case col::TypeId::kUInt64: n->acc = Node::Acc::kUInt; break;
    case col::TypeId::kFloat32:
    case col::TypeId::kFloat64: n->acc = Node::Acc::kFloat; break;
    case col::TypeId::kDecimal128: n->acc = Node::Acc::kDecimal; break;
    case col::TypeId::kString: n->acc = Node::Acc::kString; break;
    case col::TypeId::kDate32: n->acc = Node::Acc::kDate; break;
    case col::TypeId::kTimestamp: n->acc = Node::Acc::kTimestamp; break;
    default: n->acc = Node::Acc::kNone; break;  // boolean, binary, time, list, map: nullCount only
  }
  return n;
}

void SelectAll(Node* n) {
  if (n->is_struct) {
    for (auto& c : n->children) SelectAll(c.get());
  } else {
    n->selected = true;
  }
}

void SelectFirst(Node* n, int64_t* budget) {
  if (n->is_struct) {
    for (auto& c : n->children) SelectFirst(c.get(), budget);
  } else if (*budget != 0) {
    n->selected = true;
    if (*budget > 0) --*budget;
  }
}

void SelectPath(std::vector<std::unique_ptr<Node>>& nodes, const std::vector<std::string>& path, size_t depth) {
  if (depth >= path.size()) return;
  const std::string want = base::AsciiLower(path[depth]);
  for (auto& n : nodes) {
    if (base::AsciiLower(n->logical) != want) continue;
    if (depth + 1 == path.size()) {
      SelectAll(n.get());
    } else if (n->is_struct) {
      SelectPath(n->children, path, depth + 1);
    }
    return;
  }
}

template <typename T>
void FoldInt(Node* n, const col::ArrayData& a, int64_t start, int64_t len, const uint8_t* valid) {
  for (int64_t i = 0; i < len; ++i) {
    if (!valid[i]) continue;
    const T v = a.Value<T>(start + i);
    if constexpr (std::is_signed_v<T>) {
      const int64_t x = v;
      if (!n->has_value || x < n->imin) n->imin = x;
      if (!n->has_value || x > n->imax) n->imax = x;
    } else {
      const uint64_t x = v;
      if (!n->has_value || x < n->umin) n->umin = x;
      if (!n->has_value || x > n->umax) n->umax = x;
    }
    n->has_value = true;
  }
}

template <typename T>
void FoldFloat(Node* n, const col::ArrayData& a, int64_t start, int64_t len, const uint8_t* valid) {
  for (int64_t i = 0; i < len; ++i) {
    if (!valid[i]) continue;
    const double x = static_cast<double>(a.Value<T>(start + i));
    if (std::isnan(x)) {
      n->has_nan = true;
      continue;
    }
    if (!n->has_value || x < n->dmin) n->dmin = x;
    if (!n->has_value || x > n->dmax) n->dmax = x;
    n->has_value = true;
  }
}

void FoldString(Node* n, const col::ArrayData& a, int64_t start, int64_t len, const uint8_t* valid, int32_t prefix) {
  for (int64_t i = 0; i < len; ++i) {
    if (!valid[i]) continue;
    const std::string_view v = a.BytesValue(start + i);
    const size_t pb = PrefixBytes(v, prefix);
    const std::string_view p = v.substr(0, pb);
    const bool longer = pb < v.size();
    if (!ValidUtf8(p)) n->bad_string = true;
    if (!n->has_value || p < std::string_view(n->smin)) n->smin.assign(p);
    if (!n->has_value || p > std::string_view(n->smax)) {
      n->smax.assign(p);
      n->smax_truncated = longer;
      n->smax_unbounded = longer && v.substr(pb, kMaxCodePoint.size()) == kMaxCodePoint;
    } else if (p == std::string_view(n->smax) && longer) {
      n->smax_truncated = true;
      if (v.substr(pb, kMaxCodePoint.size()) == kMaxCodePoint) n->smax_unbounded = true;
    }
    n->has_value = true;
  }
}

// Folds slots [start, start + len) of `a` (array coordinates) into n; parent_valid[i] says
// whether every enclosing struct is non-null at row i (nullptr: all are).
void Fold(Node* n, const col::ArrayData& a, int64_t start, int64_t len, const uint8_t* parent_valid, int32_t prefix) {
  std::vector<uint8_t> valid(static_cast<size_t>(len));
  bool any_selected = !n->is_struct ? n->selected : false;
  if (n->is_struct) {
    for (const auto& c : n->children) any_selected = any_selected || c->selected || c->is_struct;
  }
  if (!any_selected) return;
  int64_t nulls = 0;
  for (int64_t i = 0; i < len; ++i) {
    const bool v = (parent_valid == nullptr || parent_valid[i]) && a.IsValid(start + i);
    valid[i] = v ? 1 : 0;
    if (!v) ++nulls;
  }
  if (n->is_struct) {
    for (size_t c = 0; c < n->children.size() && c < a.children.size(); ++c) {
      // Field c of row i is slot (a.offset + i) of the child.
      Fold(n->children[c].get(), *a.children[c], a.offset + start, len, valid.data(), prefix);
    }
    return;
  }
  n->null_count += nulls;
  const uint8_t* vp = valid.data();
  switch (a.type->id()) {
    case col::TypeId::kInt8: FoldInt<int8_t>(n, a, start, len, vp); break;
    case col::TypeId::kInt16: FoldInt<int16_t>(n, a, start, len, vp); break;
    case col::TypeId::kInt32: FoldInt<int32_t>(n, a, start, len, vp); break;
    case col::TypeId::kDate32: FoldInt<int32_t>(n, a, start, len, vp); break;
    case col::TypeId::kInt64: FoldInt<int64_t>(n, a, start, len, vp); break;
    case col::TypeId::kTimestamp: FoldInt<int64_t>(n, a, start, len, vp); break;
    case col::TypeId::kUInt8: FoldInt<uint8_t>(n, a, start, len, vp); break;
    case col::TypeId::kUInt16: FoldInt<uint16_t>(n, a, start, len, vp); break;
    case col::TypeId::kUInt32: FoldInt<uint32_t>(n, a, start, len, vp); break;
    case col::TypeId::kUInt64: FoldInt<uint64_t>(n, a, start, len, vp); break;
    case col::TypeId::kFloat32: FoldFloat<float>(n, a, start, len, vp); break;
    case col::TypeId::kFloat64: FoldFloat<double>(n, a, start, len, vp); break;
    case col::TypeId::kDecimal128:
      for (int64_t i = 0; i < len; ++i) {
        if (!vp[i]) continue;
        const __int128 x = a.Value<__int128>(start + i);
        if (!n->has_value || x < n->decmin) n->decmin = x;
        if (!n->has_value || x > n->decmax) n->decmax = x;
        n->has_value = true;
      }
      break;
    case col::TypeId::kString: FoldString(n, a, start, len, vp, prefix); break;
    default: break;
  }
}

// Appends `"name":` to out, with a comma when something precedes it inside the object.
void Key(const std::string& name, bool* first, std::string* out) {
  if (!*first) out->push_back(',');
  *first = false;
  col::AppendJsonString(name, out);
  out->push_back(':');
}

// Appends the bound of a leaf; false when it has none to write.
bool AppendBound(const Node& n, bool is_min, std::string* out) {
  if (!n.selected || !n.has_value) return false;
  const col::DataType& t = *n.type;
  switch (n.acc) {
    case Node::Acc::kInt: out->append(std::to_string(is_min ? n.imin : n.imax)); return true;
    case Node::Acc::kDate:
    case Node::Acc::kTimestamp:
      // Dates and timestamps fold through the integer fields (days / time units since the epoch).
      if (t.id() == col::TypeId::kDate32) {
        out->push_back('"');
        out->append(col::FormatDate32(static_cast<int32_t>(is_min ? n.imin : n.imax)));
        out->push_back('"');
      } else {
        out->push_back('"');
        out->append(FormatStatsTimestamp(is_min ? n.imin : n.imax, t.unit(), t.utc_adjusted()));
        out->push_back('"');
      }
      return true;
    case Node::Acc::kUInt: out->append(std::to_string(is_min ? n.umin : n.umax)); return true;
    case Node::Acc::kFloat: {
      if (n.has_nan) return false;
      const double v = is_min ? n.dmin : n.dmax;
      if (std::isinf(v)) return false;
      if (t.id() == col::TypeId::kFloat32) {
        AppendShortest(static_cast<float>(v), out);
      } else {
        AppendShortest(v, out);
      }
      return true;
    }
    case Node::Acc::kDecimal:
      out->append(col::FormatDecimal128(is_min ? n.decmin : n.decmax, t.scale()));
      return true;
    case Node::Acc::kString: {
      if (n.bad_string) return false;
      if (is_min) {
        col::AppendJsonString(n.smin, out);
        return true;
      }
      if (n.smax_unbounded) return false;
      if (n.smax_truncated) {
        col::AppendJsonString(n.smax + std::string(kMaxCodePoint), out);
      } else {
        col::AppendJsonString(n.smax, out);
      }
      return true;
    }
    case Node::Acc::kNone: return false;
  }
  return false;
}

// Writes the members of one object level; returns whether any member was written.
bool AppendBounds(const std::vector<std::unique_ptr<Node>>& nodes, bool is_min, std::string* out) {
  bool first = true;
  for (const auto& n : nodes) {
    if (n->is_struct) {
      std::string inner;
      if (!AppendBounds(n->children, is_min, &inner)) continue;
      Key(n->name, &first, out);
      out->push_back('{');
      out->append(inner);
      out->push_back('}');
    } else {
      std::string value;
      if (!AppendBound(*n, is_min, &value)) continue;
      Key(n->name, &first, out);
      out->append(value);
    }
  }
  return !first;
}

bool AppendNullCounts(const std::vector<std::unique_ptr<Node>>& nodes, std::string* out) {
  bool first = true;
  for (const auto& n : nodes) {
    if (n->is_struct) {
      std::string inner;
      if (!AppendNullCounts(n->children, &inner)) continue;
      Key(n->name, &first, out);
      out->push_back('{');
      out->append(inner);
      out->push_back('}');
    } else if (n->selected) {
      Key(n->name, &first, out);
      out->append(std::to_string(n->null_count));
    }
  }
  return !first;
}

}  // namespace

StatsCollector::~StatsCollector() = default;

base::Result<std::unique_ptr<StatsCollector>> StatsCollector::Make(const col::Schema& logical,
                                                                  const col::Schema& physical,
                                                                  const StatsOptions& options) {
  if (logical.num_fields() != physical.num_fields()) {
    return Status::Internal("stats: logical schema " + logical.ToString() + " and physical schema " +
                            physical.ToString() + " differ in shape");
  }
  std::unique_ptr<StatsCollector> c(new StatsCollector());
  c->prefix_ = options.string_prefix_length;
  for (int i = 0; i < physical.num_fields(); ++i) c->roots_.push_back(BuildNode(*logical.field(i), *physical.field(i)));
  if (options.stats_columns) {
    for (const auto& path : *options.stats_columns) SelectPath(c->roots_, path, 0);
  } else {
    int64_t budget = options.num_indexed_cols;  // -1: unlimited
    for (auto& r : c->roots_) SelectFirst(r.get(), &budget);
  }
  return c;
}

void StatsCollector::Update(const col::RecordBatch& batch) {
  num_records_ += batch.num_rows();
  for (size_t i = 0; i < roots_.size() && i < static_cast<size_t>(batch.num_columns()); ++i) {
    Fold(roots_[i].get(), *batch.column(static_cast<int>(i)), 0, batch.num_rows(), nullptr, prefix_);
  }
}

std::string StatsCollector::ToJson() const {
  std::string out = "{\"numRecords\":" + std::to_string(num_records_);
  out += ",\"minValues\":{";
  AppendBounds(roots_, true, &out);
  out += "},\"maxValues\":{";
  AppendBounds(roots_, false, &out);
  out += "},\"nullCount\":{";
  AppendNullCounts(roots_, &out);
  out += "}}";
  return out;
}

}  // namespace tide::table
