// Rendering of result values and the three output formats of `tide sql` (see sql_format.h).
#include "cli/sql_format.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/strings.h"
#include "columnar/json.h"

namespace tide::cli {
namespace {

namespace col = tide::columnar;
using base::Status;
using col::TypeId;

// ---------------------------------------------------------------- time zones

// The transitions of an IANA zone from its TZif file (RFC 8536): version 2+ 64-bit data.
struct ZoneData {
  std::vector<int64_t> transitions;  // UTC seconds, ascending
  std::vector<int32_t> offsets;      // offset in force from transitions[i]
  int32_t initial = 0;               // before the first transition
};

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
int64_t Be64(const unsigned char* p) { return static_cast<int64_t>((uint64_t{Be32(p)} << 32) | Be32(p + 4)); }

base::Result<ZoneData> LoadZone(const std::string& name) {
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) {
      return Status::InvalidArgument("unknown time zone '" + name + "'");
    }
  }
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') {
    return Status::InvalidArgument("unknown time zone '" + name + "'");
  }
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return Status::InvalidArgument("unknown time zone '" + name + "' (not in the system's tz database)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  auto bad = [&] { return Status::InvalidArgument("time zone '" + name + "': malformed tz database file"); };
  auto block = [&](size_t at, int time_size, ZoneData* out, size_t* end) -> Status {
    if (at + 44 > n || std::memcmp(p + at, "TZif", 4) != 0) return bad();
    const uint32_t isut = Be32(p + at + 20), isstd = Be32(p + at + 24), leap = Be32(p + at + 28);
    const uint32_t timecnt = Be32(p + at + 32), typecnt = Be32(p + at + 36), charcnt = Be32(p + at + 40);
    size_t pos = at + 44;
    const size_t need = size_t{timecnt} * time_size + timecnt + size_t{typecnt} * 6 + charcnt +
                        size_t{leap} * (time_size + 4) + isstd + isut;
    if (typecnt == 0 || pos + need > n) return bad();
    if (out) {
      const unsigned char* times = p + pos;
      const unsigned char* idx = times + size_t{timecnt} * time_size;
      const unsigned char* types = idx + timecnt;
      auto type_offset = [&](uint32_t t) { return static_cast<int32_t>(Be32(types + 6 * t)); };
      out->initial = type_offset(0);
      for (uint32_t t = 0; t < typecnt; ++t) {
        if (types[6 * t + 4] == 0) {  // the first standard-time type
          out->initial = type_offset(t);
          break;
        }
      }
      for (uint32_t i = 0; i < timecnt; ++i) {
        if (idx[i] >= typecnt) return bad();
        out->transitions.push_back(time_size == 8 ? Be64(times + 8 * i) : static_cast<int32_t>(Be32(times + 4 * i)));
        out->offsets.push_back(type_offset(idx[i]));
      }
    }
    *end = pos + need;
    return Status::OK();
  };
  size_t end = 0;
  const bool v2 = n > 4 && p[4] >= '2';
  ZoneData zone;
  if (v2) {
    TIDE_RETURN_IF_ERROR(block(0, 4, nullptr, &end));
    TIDE_RETURN_IF_ERROR(block(end, 8, &zone, &end));
  } else {
    TIDE_RETURN_IF_ERROR(block(0, 4, &zone, &end));
  }
  return zone;
}

// "+02:00", "-0530", "+3", with an optional "UTC"/"GMT" prefix; nullopt when not an offset.
std::optional<int64_t> ParseOffset(std::string_view s) {
  if (s.size() >= 3 && (base::AsciiLower(std::string(s.substr(0, 3))) == "utc" ||
                        base::AsciiLower(std::string(s.substr(0, 3))) == "gmt")) {
    s.remove_prefix(3);
    if (s.empty()) return 0;
  }
  if (s == "Z" || s == "z") return 0;
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0;
  std::string digits;
  for (char c : s) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits.push_back(c);
  }
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  if (digits.size() <= 2) {
    h = std::stoi(digits);
  } else {
    h = std::stoi(digits.substr(0, digits.size() - 2));
    m = std::stoi(digits.substr(digits.size() - 2));
  }
  if (h > 18 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

// ---------------------------------------------------------------- values

void AppendDouble(double v, bool is_float, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  // Java's Double.toString (what Spark prints): plain notation for 1e-3 <= |v| < 1e7, else
  // d.dddE±n; always at least one fraction digit.
  char buf[64];
  const double a = std::fabs(v);
  const bool plain = v == 0 || (a >= 1e-3 && a < 1e7);
  std::to_chars_result r;
  if (is_float) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                      plain ? std::chars_format::fixed : std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v, plain ? std::chars_format::fixed : std::chars_format::scientific);
  }
  std::string s(buf, r.ptr);
  if (plain) {
    if (s.find('.') == std::string::npos) s += ".0";
    *out += s;
    return;
  }
  // "1.5e+10" → "1.5E10", "1e-05" → "1.0E-5".
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  std::string exp = s.substr(e + 1);
  if (mant.find('.') == std::string::npos) mant += ".0";
  bool neg = !exp.empty() && exp[0] == '-';
  size_t k = (exp[0] == '+' || exp[0] == '-') ? 1 : 0;
  while (k + 1 < exp.size() && exp[k] == '0') ++k;
  *out += mant + "E" + (neg ? "-" : "") + exp.substr(k);
}

void AppendTimestamp(int64_t value, col::TimeUnit unit, bool utc, const FormatOptions& o, std::string* out) {
  const int64_t per_second = unit == col::TimeUnit::kNano ? 1000000000LL : 1000000LL;
  if (utc) {
    int64_t secs = value / per_second - ((value % per_second) < 0 ? 1 : 0);
    int64_t offset = o.time_zone.OffsetSeconds(secs);
    // Saturate instead of overflowing at the ends of the range.
    __int128 shifted = static_cast<__int128>(value) + static_cast<__int128>(offset) * per_second;
    if (shifted > INT64_MAX) shifted = INT64_MAX;
    if (shifted < INT64_MIN) shifted = INT64_MIN;
    value = static_cast<int64_t>(shifted);
  }
  std::string s = col::FormatTimestamp(value, unit, /*utc_adjusted=*/false);  // YYYY-MM-DDTHH:MM:SS.ffffff
  size_t t = s.find('T');
  if (t != std::string::npos) s[t] = ' ';
  size_t dot = s.rfind('.');
  if (dot != std::string::npos && dot > t) {
    size_t end = s.size();
    while (end > dot + 1 && s[end - 1] == '0') --end;
    if (end == dot + 1) end = dot;
    s.resize(end);
  }
  *out += s;
}

void AppendValue(const col::ArrayData& a, int64_t i, const FormatOptions& o, bool nested, std::string* out) {
  if (!a.IsValid(i)) {
    *out += nested ? "null" : "NULL";
    return;
  }
  const col::DataType& t = *a.type;
  switch (t.id()) {
    case TypeId::kFloat32: AppendDouble(a.Value<float>(i), true, out); return;
    case TypeId::kFloat64: AppendDouble(a.Value<double>(i), false, out); return;
    case TypeId::kDecimal128: *out += col::FormatDecimal128(a.Value<__int128>(i), t.scale()); return;
    case TypeId::kString: *out += a.BytesValue(i); return;
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string_view b = a.BytesValue(i);
      out->push_back('[');
      for (size_t k = 0; k < b.size(); ++k) {
        if (k) out->push_back(' ');
        out->push_back(kHex[static_cast<unsigned char>(b[k]) >> 4]);
        out->push_back(kHex[static_cast<unsigned char>(b[k]) & 15]);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kDate32: *out += col::FormatDate32(a.Value<int32_t>(i)); return;
    case TypeId::kTimestamp: AppendTimestamp(a.Value<int64_t>(i), t.unit(), t.utc_adjusted(), o, out); return;
    case TypeId::kTime64: {
      std::string j;
      col::AppendValueJson(a, i, &j);
      *out += j.substr(1, j.size() - 2);
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (c) *out += ", ";
        AppendValue(*a.children[c], a.offset + i, o, true, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kList: {
      out->push_back('[');
      const col::ArrayData& child = *a.children[0];
      for (int32_t j = a.ListBegin(i), e = a.ListEnd(i); j < e; ++j) {
        if (j != a.ListBegin(i)) *out += ", ";
        AppendValue(child, j, o, true, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      const col::ArrayData& entries = *a.children[0];
      for (int32_t j = a.ListBegin(i), e = a.ListEnd(i); j < e; ++j) {
        if (j != a.ListBegin(i)) *out += ", ";
        AppendValue(*entries.children[0], entries.offset + j, o, true, out);
        *out += " -> ";
        AppendValue(*entries.children[1], entries.offset + j, o, true, out);
      }
      out->push_back('}');
      return;
    }
    default: {
      // Booleans and integers: the JSON rendering is Spark's.
      col::AppendValueJson(a, i, out);
      return;
    }
  }
}

bool IsNumeric(const col::DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
    case TypeId::kFloat32: case TypeId::kFloat64: case TypeId::kDecimal128:
      return true;
    default:
      return false;
  }
}

// Display width in terminal columns: code points (continuation bytes do not count).
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

// The longest prefix of s with at most `width` columns, cut at a code point boundary.
std::string_view PrefixOfWidth(std::string_view s, size_t width) {
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (w == width) return s.substr(0, i);
      ++w;
    }
  }
  return s;
}

// One line per row: control characters shown as escapes.
std::string EscapeControls(std::string s) {
  bool any = false;
  for (unsigned char c : s) any |= c < 0x20 || c == 0x7f;
  if (!any) return s;
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

void AppendCsvField(std::string_view v, std::string* out) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    *out += v;
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string Pad(std::string_view s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  if (w >= width) return std::string(s);
  std::string pad(width - w, ' ');
  return right ? pad + std::string(s) : std::string(s) + pad;
}

std::string Center(std::string_view s, size_t width) {
  size_t w = DisplayWidth(s);
  if (w >= width) return std::string(s);
  size_t left = (width - w) / 2;
  return std::string(left, ' ') + std::string(s) + std::string(width - w - left, ' ');
}

std::string Fit(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width) return s;
  if (width == 0) return "";
  return std::string(PrefixOfWidth(s, width - 1)) + "…";
}

}  // namespace

base::Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string n = base::AsciiLower(std::string(name));
  if (n == "table") return OutputFormat::kTable;
  if (n == "csv") return OutputFormat::kCsv;
  if (n == "json") return OutputFormat::kJson;
  return Status::InvalidArgument("unknown output format '" + std::string(name) + "' (expected table, csv or json)");
}

std::string_view OutputFormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: return "table";
    case OutputFormat::kCsv: return "csv";
    case OutputFormat::kJson: return "json";
  }
  return "table";
}

base::Result<TimeZone> TimeZone::Make(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  if (auto off = ParseOffset(name)) {
    tz.fixed_offset_ = *off;
    return tz;
  }
  TIDE_ASSIGN_OR_RETURN(ZoneData zone, LoadZone(std::string(name)));
  tz.fixed_ = false;
  auto shared = std::make_shared<ZoneData>(std::move(zone));
  tz.zone_ = shared;
  return tz;
}

int64_t TimeZone::OffsetSeconds(int64_t utc_seconds) const {
  if (fixed_ || !zone_) return fixed_offset_;
  const auto* z = static_cast<const ZoneData*>(zone_.get());
  auto it = std::upper_bound(z->transitions.begin(), z->transitions.end(), utc_seconds);
  if (it == z->transitions.begin()) return z->initial;
  return z->offsets[(it - z->transitions.begin()) - 1];
}

std::string FormatSqlValue(const col::ArrayData& array, int64_t row, const FormatOptions& options) {
  std::string out;
  AppendValue(array, row, options, false, &out);
  return out;
}

std::string SqlTypeName(const col::DataType& type) { return base::AsciiLower(type.ToString()); }

ResultPrinter::ResultPrinter(OutputFormat format, FormatOptions options, std::ostream* out)
    : format_(format), options_(std::move(options)), out_(out) {}

ResultPrinter::~ResultPrinter() = default;

Status ResultPrinter::Begin(const std::shared_ptr<const col::Schema>& schema) {
  schema_ = schema;
  rows_.clear();
  row_count_ = 0;
  if (format_ == OutputFormat::kCsv && schema_ && schema_->num_fields() > 0) {
    std::string line;
    for (int c = 0; c < schema_->num_fields(); ++c) {
      if (c) line.push_back(',');
      AppendCsvField(schema_->field(c)->name(), &line);
    }
    line.push_back('\n');
    out_->write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  return Status::OK();
}

Status ResultPrinter::Add(const col::RecordBatch& batch) {
  row_count_ += batch.num_rows();
  const int ncols = batch.num_columns();
  switch (format_) {
    case OutputFormat::kJson: {
      TIDE_RETURN_IF_ERROR(col::WriteJsonLines(batch, *out_));
      break;
    }
    case OutputFormat::kCsv: {
      std::string text;
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        for (int c = 0; c < ncols; ++c) {
          if (c) text.push_back(',');
          const auto& a = *batch.column(c);
          if (a.IsValid(r)) AppendCsvField(FormatSqlValue(a, r, options_), &text);
        }
        text.push_back('\n');
      }
      out_->write(text.data(), static_cast<std::streamsize>(text.size()));
      break;
    }
    case OutputFormat::kTable: {
      int64_t keep = batch.num_rows();
      if (options_.max_table_rows > 0) {
        keep = std::min<int64_t>(keep, std::max<int64_t>(0, options_.max_table_rows - static_cast<int64_t>(rows_.size())));
      }
      for (int64_t r = 0; r < keep; ++r) {
        std::vector<std::string> cells(ncols);
        for (int c = 0; c < ncols; ++c) {
          const auto& a = *batch.column(c);
          cells[c] = EscapeControls(FormatSqlValue(a, r, options_));
        }
        rows_.push_back(std::move(cells));
      }
      break;
    }
  }
  if (!*out_) return Status::IoError("cannot write the result (output stream failed)");
  return Status::OK();
}

Status ResultPrinter::Finish() {
  if (format_ == OutputFormat::kTable && schema_ && schema_->num_fields() > 0) {
    const int ncols = schema_->num_fields();
    std::vector<std::string> names, types;
    std::vector<size_t> width(ncols);
    std::vector<bool> numeric(ncols);
    for (int c = 0; c < ncols; ++c) {
      names.push_back(EscapeControls(schema_->field(c)->name()));
      types.push_back(SqlTypeName(*schema_->field(c)->type()));
      numeric[c] = IsNumeric(*schema_->field(c)->type());
      width[c] = std::max(DisplayWidth(names[c]), DisplayWidth(types[c]));
    }
    for (const auto& row : rows_) {
      for (int c = 0; c < ncols; ++c) width[c] = std::max(width[c], DisplayWidth(row[c]));
    }
    // Box: "│ " + cell + " " per column + "│": 3 columns of frame per cell plus one.
    if (options_.max_width > 0) {
      auto total = [&] {
        size_t t = 1;
        for (size_t w : width) t += w + 3;
        return t;
      };
      constexpr size_t kMinWidth = 5;
      while (total() > static_cast<size_t>(options_.max_width)) {
        auto widest = std::max_element(width.begin(), width.end());
        if (*widest <= kMinWidth) break;
        size_t excess = total() - options_.max_width;
        // Shrink the widest column toward the second widest (or by the excess), one step.
        size_t second = 0;
        for (auto it = width.begin(); it != width.end(); ++it) {
          if (it != widest) second = std::max(second, *it);
        }
        size_t target = std::max({kMinWidth, second, *widest > excess ? *widest - excess : kMinWidth});
        if (target >= *widest) target = *widest - 1;
        *widest = std::max(kMinWidth, target);
      }
    }
    auto rule = [&](const char* left, const char* mid, const char* right) {
      std::string s = left;
      for (int c = 0; c < ncols; ++c) {
        if (c) s += mid;
        s += Repeat("─", width[c] + 2);
      }
      s += right;
      s += "\n";
      return s;
    };
    std::string text = rule("┌", "┬", "┐");
    for (const auto* header : {&names, &types}) {
      text += "│";
      for (int c = 0; c < ncols; ++c) {
        text.push_back(' ');
        text += Center(Fit((*header)[c], width[c]), width[c]);
        text += " │";
      }
      text += "\n";
    }
    text += rule("├", "┼", "┤");
    for (size_t r = 0; r < rows_.size(); ++r) {
      text += "│";
      for (int c = 0; c < ncols; ++c) {
        text.push_back(' ');
        text += Pad(Fit(rows_[r][c], width[c]), width[c], numeric[c]);
        text += " │";
      }
      text += "\n";
      if (text.size() > (1 << 20)) {
        out_->write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
      }
    }
    text += rule("└", "┴", "┘");
    text += row_count_ == 1 ? "1 row" : std::to_string(row_count_) + " rows";
    if (static_cast<int64_t>(rows_.size()) < row_count_) {
      text += " (" + std::to_string(rows_.size()) + " shown; --format csv or json prints all)";
    }
    text += "\n";
    out_->write(text.data(), static_cast<std::streamsize>(text.size()));
    rows_.clear();
  }
  out_->flush();
  if (!*out_) return Status::IoError("cannot write the result (output stream failed)");
  return Status::OK();
}

}  // namespace tide::cli
