// String kernels: case, length, substr, concat, trim, pad, replace, search, split_part,
// initcap, reverse, repeat, left/right, starts/ends/contains, ascii/chr, translate,
// levenshtein, format_string. Character positions count UTF-8 code points, as Spark.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "exec/cast.h"
#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/functions/utf8.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;

TypePtr CallType(KernelContext& ctx) { return ctx.call->type; }

base::Result<ArrayPtr> CaseMap(KernelContext& ctx, const Args& a, int64_t n, bool upper) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    Utf8MapCase(StrAt(a[0], i), upper, out);
    return true;
  });
}

bool IsBinary(KernelContext& ctx, int arg) { return ctx.call->args[arg]->type->id() == TypeId::kBinary; }

base::Result<ArrayPtr> Length(KernelContext& ctx, const Args& a, int64_t n, int kind) {
  const bool bytes = IsBinary(ctx, 0) || kind > 0;
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    int64_t len = bytes ? static_cast<int64_t>(s.size()) : Utf8Length(s);
    *out = static_cast<int32_t>(kind == 2 ? len * 8 : len);
    return true;
  });
}

// Spark's substring: 1-based pos; pos 0 acts as 1; negative counts from the end; a window
// starting before the string is clipped (substr('abc', -5, 3) = 'a').
std::string_view Substr(std::string_view s, int64_t pos, int64_t len, bool bytes) {
  const int64_t total = bytes ? static_cast<int64_t>(s.size()) : Utf8Length(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? total + pos : 0);
  int64_t end = len == INT64_MAX ? INT64_MAX : start + len;
  if (len < 0) return {};
  if (start < 0) start = 0;
  if (end > total) end = total;
  if (start >= end) return {};
  if (bytes) return s.substr(start, end - start);
  size_t b = Utf8Offset(s, start);
  size_t e = Utf8Offset(s, end);
  return s.substr(b, e - b);
}

base::Result<ArrayPtr> SubstrKernel(KernelContext& ctx, const Args& a, int64_t n) {
  const bool bytes = IsBinary(ctx, 0);
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    int64_t len = a.size() > 2 ? ValAt<int32_t>(a[2], i) : INT64_MAX;
    std::string_view r = Substr(StrAt(a[0], i), ValAt<int32_t>(a[1], i), len, bytes);
    out->assign(r);
    return true;
  });
}

base::Result<ArrayPtr> Concat(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    for (const auto& x : a) out->append(StrAt(x, i));
    return true;
  });
}

base::Result<ArrayPtr> ConcatWs(KernelContext& ctx, const Args& a, int64_t n) {
  columnar::BinaryBuilder b(columnar::Utf8());
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    if (a[0].IsNull(i)) {
      b.AppendNull();
      continue;
    }
    std::string_view sep = StrAt(a[0], i);
    out.clear();
    bool first = true;
    auto add = [&](std::string_view v) {
      if (!first) out.append(sep);
      out.append(v);
      first = false;
    };
    for (size_t k = 1; k < a.size(); ++k) {
      if (a[k].IsNull(i)) continue;  // nulls are skipped
      const ArrayData& d = a[k].data();
      const int64_t r = a[k].Row(i);
      if (d.type->id() == TypeId::kList) {
        const ArrayData& e = *d.children[0];
        for (int32_t j = d.ListBegin(r); j < d.ListEnd(r); ++j) {
          if (!e.IsNull(j)) add(e.BytesValue(j));
        }
      } else {
        add(d.BytesValue(r));
      }
    }
    b.Append(out);
  }
  return b.Finish();
}

// trim family. Without a trim string: spaces only (Spark trims ' ').
std::string_view TrimChars(std::string_view s, std::string_view chars, bool left, bool right) {
  auto in = [&](char c) { return chars.find(c) != std::string_view::npos; };
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && in(s[b])) ++b;
  }
  if (right) {
    while (e > b && in(s[e - 1])) --e;
  }
  return s.substr(b, e - b);
}

KernelFunction TrimKernel(bool left, bool right) {
  return [left, right](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
      std::string_view chars = a.size() > 1 ? StrAt(a[1], i) : std::string_view(" ");
      out->assign(TrimChars(StrAt(a[0], i), chars, left, right));
      return true;
    });
  };
}

KernelFunction PadKernel(bool left) {
  return [left](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status* err) {
      std::string_view s = StrAt(a[0], i);
      int64_t len = ValAt<int32_t>(a[1], i);
      std::string_view pad = a.size() > 2 ? StrAt(a[2], i) : std::string_view(" ");
      if (len <= 0) return true;
      if (len > (1 << 28)) {
        *err = ctx.Error("padded length " + std::to_string(len) + " is too large");
        return false;
      }
      int64_t have = Utf8Length(s);
      if (have >= len) {
        out->assign(s.substr(0, Utf8Offset(s, len)));
        return true;
      }
      std::string fill;
      if (!pad.empty()) {
        int64_t need = len - have;
        int64_t pad_chars = Utf8Length(pad);
        while (need >= pad_chars) {
          fill.append(pad);
          need -= pad_chars;
        }
        fill.append(pad.substr(0, Utf8Offset(pad, need)));
      }
      if (left) {
        out->append(fill);
        out->append(s);
      } else {
        out->append(s);
        out->append(fill);
      }
      return true;
    });
  };
}

base::Result<ArrayPtr> Replace(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i), from = StrAt(a[1], i);
    std::string_view to = a.size() > 2 ? StrAt(a[2], i) : std::string_view();
    if (from.empty()) {
      out->assign(s);
      return true;
    }
    size_t p = 0;
    while (true) {
      size_t q = s.find(from, p);
      if (q == std::string_view::npos) break;
      out->append(s.substr(p, q - p));
      out->append(to);
      p = q + from.size();
    }
    out->append(s.substr(p));
    return true;
  });
}

// 1-based character position of needle in s at or after character `from` (1-based); 0 if none.
int32_t CharPosition(std::string_view s, std::string_view needle, int64_t from) {
  if (from < 1) return 0;
  size_t start = Utf8Offset(s, from - 1);
  if (from - 1 > Utf8Length(s)) return 0;
  size_t q = s.find(needle, start);
  if (q == std::string_view::npos) return 0;
  return static_cast<int32_t>(Utf8Length(s.substr(0, q)) + 1);
}

base::Result<ArrayPtr> Instr(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    *out = CharPosition(StrAt(a[0], i), StrAt(a[1], i), 1);
    return true;
  });
}

// locate(substr, str [, pos]).
base::Result<ArrayPtr> Locate(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    int64_t pos = a.size() > 2 ? ValAt<int32_t>(a[2], i) : 1;
    *out = CharPosition(StrAt(a[1], i), StrAt(a[0], i), pos);
    return true;
  });
}

// split_part(str, delim, n): 1-based; negative counts from the end; out of range -> ''.
base::Result<ArrayPtr> SplitPart(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status* err) {
    std::string_view s = StrAt(a[0], i), d = StrAt(a[1], i);
    int64_t k = ValAt<int32_t>(a[2], i);
    if (k == 0) {
      *err = ctx.Error("split_part index 0 is invalid (parts are numbered from 1)");
      return false;
    }
    std::vector<std::string_view> parts;
    if (d.empty()) {
      parts.push_back(s);
    } else {
      size_t p = 0;
      while (true) {
        size_t q = s.find(d, p);
        if (q == std::string_view::npos) break;
        parts.push_back(s.substr(p, q - p));
        p = q + d.size();
      }
      parts.push_back(s.substr(p));
    }
    int64_t idx = k > 0 ? k - 1 : static_cast<int64_t>(parts.size()) + k;
    if (idx >= 0 && idx < static_cast<int64_t>(parts.size())) out->assign(parts[idx]);
    return true;
  });
}

// substring_index(str, delim, count): before the count-th delimiter (from the end if negative).
base::Result<ArrayPtr> SubstringIndex(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i), d = StrAt(a[1], i);
    int64_t k = ValAt<int32_t>(a[2], i);
    if (d.empty() || k == 0) return true;
    if (k > 0) {
      size_t p = 0;
      for (int64_t c = 0; c < k; ++c) {
        size_t q = s.find(d, p);
        if (q == std::string_view::npos) {
          out->assign(s);
          return true;
        }
        if (c == k - 1) {
          out->assign(s.substr(0, q));
          return true;
        }
        p = q + d.size();
      }
    } else {
      size_t p = s.size();
      for (int64_t c = 0; c < -k; ++c) {
        if (p < d.size()) {
          out->assign(s);
          return true;
        }
        size_t q = s.rfind(d, p - d.size());
        if (q == std::string_view::npos) {
          out->assign(s);
          return true;
        }
        if (c == -k - 1) {
          out->assign(s.substr(q + d.size()));
          return true;
        }
        p = q;
      }
    }
    return true;
  });
}

base::Result<ArrayPtr> Initcap(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    bool start = true;
    for (size_t p = 0; p < s.size();) {
      uint32_t cp = Utf8Next(s, &p);
      Utf8Append(start ? ToUpperCp(cp) : ToLowerCp(cp), out);
      start = cp == ' ';
    }
    return true;
  });
}

base::Result<ArrayPtr> ReverseString(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    std::vector<std::string_view> chars;
    for (size_t p = 0; p < s.size();) {
      size_t q = p;
      Utf8Next(s, &q);
      chars.push_back(s.substr(p, q - p));
      p = q;
    }
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out->append(*it);
    return true;
  });
}

base::Result<ArrayPtr> Repeat(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status* err) {
    std::string_view s = StrAt(a[0], i);
    int64_t k = ValAt<int32_t>(a[1], i);
    if (k <= 0) return true;
    if (static_cast<double>(s.size()) * k > (1 << 28)) {
      *err = ctx.Error("repeat result is too large");
      return false;
    }
    for (int64_t c = 0; c < k; ++c) out->append(s);
    return true;
  });
}

base::Result<ArrayPtr> Space(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status* err) {
    int64_t k = ValAt<int32_t>(a[0], i);
    if (k > (1 << 28)) {
      *err = ctx.Error("space result is too large");
      return false;
    }
    if (k > 0) out->assign(static_cast<size_t>(k), ' ');
    return true;
  });
}

KernelFunction LeftRight(bool left) {
  return [left](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
      std::string_view s = StrAt(a[0], i);
      int64_t k = ValAt<int32_t>(a[1], i);
      if (k <= 0) return true;
      int64_t len = Utf8Length(s);
      if (k >= len) {
        out->assign(s);
      } else if (left) {
        out->assign(s.substr(0, Utf8Offset(s, k)));
      } else {
        out->assign(s.substr(Utf8Offset(s, len - k)));
      }
      return true;
    });
  };
}

enum class Match { kStarts, kEnds, kContains };

KernelFunction MatchKernel(Match m) {
  return [m](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsBool(ctx, a, n, [&](int64_t i, bool* out, base::Status*) {
      std::string_view s = StrAt(a[0], i), p = StrAt(a[1], i);
      switch (m) {
        case Match::kStarts: *out = s.size() >= p.size() && s.compare(0, p.size(), p) == 0; break;
        case Match::kEnds: *out = s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0; break;
        case Match::kContains: *out = s.find(p) != std::string_view::npos; break;
      }
      return true;
    });
  };
}

base::Result<ArrayPtr> Ascii(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    size_t p = 0;
    *out = s.empty() ? 0 : static_cast<int32_t>(Utf8Next(s, &p));
    return true;
  });
}

// chr(n): the character n mod 256 (Spark); negative -> ''.
base::Result<ArrayPtr> Chr(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    int64_t v = ValAt<int64_t>(a[0], i);
    if (v < 0) return true;
    Utf8Append(static_cast<uint32_t>(v % 256), out);
    return true;
  });
}

base::Result<ArrayPtr> Translate(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i), from = StrAt(a[1], i), to = StrAt(a[2], i);
    std::vector<uint32_t> f, t;
    for (size_t p = 0; p < from.size();) f.push_back(Utf8Next(from, &p));
    for (size_t p = 0; p < to.size();) t.push_back(Utf8Next(to, &p));
    for (size_t p = 0; p < s.size();) {
      uint32_t cp = Utf8Next(s, &p);
      auto it = std::find(f.begin(), f.end(), cp);
      if (it == f.end()) {
        Utf8Append(cp, out);
      } else {
        size_t k = it - f.begin();
        if (k < t.size()) Utf8Append(t[k], out);  // characters past `to` are deleted
      }
    }
    return true;
  });
}

base::Result<ArrayPtr> Levenshtein(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    std::string_view x = StrAt(a[0], i), y = StrAt(a[1], i);
    std::vector<uint32_t> s, t;
    for (size_t p = 0; p < x.size();) s.push_back(Utf8Next(x, &p));
    for (size_t p = 0; p < y.size();) t.push_back(Utf8Next(y, &p));
    std::vector<int32_t> prev(t.size() + 1), cur(t.size() + 1);
    for (size_t j = 0; j <= t.size(); ++j) prev[j] = static_cast<int32_t>(j);
    for (size_t k = 1; k <= s.size(); ++k) {
      cur[0] = static_cast<int32_t>(k);
      for (size_t j = 1; j <= t.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[k - 1] == t[j - 1] ? 0 : 1)});
      }
      prev.swap(cur);
    }
    *out = prev[t.size()];
    return true;
  });
}

// format_string(fmt, args...): %s %d %i %f %e %g %x %o %c %b %% with flags, width and
// precision (Java Formatter's common subset; %s renders any value as CAST to STRING).
base::Result<ArrayPtr> FormatString(KernelContext& ctx, const Args& a, int64_t n) {
  const TimeZone& tz = SessionTimeZone(ctx.query);
  columnar::BinaryBuilder b(columnar::Utf8());
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    if (a[0].IsNull(i)) {
      b.AppendNull();
      continue;
    }
    std::string_view f = StrAt(a[0], i);
    out.clear();
    size_t next_arg = 1;
    for (size_t p = 0; p < f.size(); ++p) {
      if (f[p] != '%') {
        out.push_back(f[p]);
        continue;
      }
      size_t q = p + 1;
      std::string spec = "%";
      // Explicit index "n$".
      size_t dollar = f.find('$', q);
      size_t arg_index = 0;
      if (dollar != std::string_view::npos && dollar > q &&
          std::all_of(f.begin() + q, f.begin() + dollar, [](char c) { return c >= '0' && c <= '9'; })) {
        arg_index = std::stoul(std::string(f.substr(q, dollar - q)));
        q = dollar + 1;
      }
      while (q < f.size() && std::string_view("-+ 0,#(").find(f[q]) != std::string_view::npos) {
        if (f[q] != ',' && f[q] != '(') spec.push_back(f[q]);
        ++q;
      }
      while (q < f.size() && ((f[q] >= '0' && f[q] <= '9') || f[q] == '.')) spec.push_back(f[q++]);
      if (q >= f.size()) return ctx.Error("format string ends inside a specifier: '" + std::string(f) + "'");
      char conv = f[q];
      p = q;
      if (conv == '%') {
        out.push_back('%');
        continue;
      }
      if (conv == 'n') {
        out.push_back('\n');
        continue;
      }
      size_t k = arg_index > 0 ? arg_index : next_arg++;
      if (k >= a.size()) return ctx.Error("format string '" + std::string(f) + "' has more specifiers than arguments");
      const KernelArg& v = a[k];
      char buf[512];
      if (v.IsNull(i)) {
        std::string s = spec + "s";
        std::snprintf(buf, sizeof(buf), s.c_str(), "null");
        out.append(buf);
        continue;
      }
      const ArrayData& d = v.data();
      const int64_t r = v.Row(i);
      std::string text;
      AppendValueText(d, r, tz, &text);
      switch (conv) {
        case 'd': case 'i': case 'x': case 'X': case 'o': {
          std::string s = spec + "ll" + (conv == 'i' ? 'd' : conv);
          long long iv = 0;
          try {
            iv = std::stoll(text);
          } catch (...) {
            return ctx.Error("format specifier %" + std::string(1, conv) + " needs an integer, got '" + text + "'");
          }
          std::snprintf(buf, sizeof(buf), s.c_str(), iv);
          break;
        }
        case 'f': case 'e': case 'E': case 'g': case 'G': {
          std::string s = spec + conv;
          double dv = 0;
          try {
            dv = std::stod(text);
          } catch (...) {
            return ctx.Error("format specifier %" + std::string(1, conv) + " needs a number, got '" + text + "'");
          }
          std::snprintf(buf, sizeof(buf), s.c_str(), dv);
          break;
        }
        case 'c': {
          std::string s = spec + "s";
          std::snprintf(buf, sizeof(buf), s.c_str(), text.substr(0, Utf8Offset(text, 1)).c_str());
          break;
        }
        case 'b': case 'B': {
          std::string s = spec + "s";
          std::snprintf(buf, sizeof(buf), s.c_str(), d.type->id() == TypeId::kBoolean ? text.c_str() : "true");
          break;
        }
        case 's': case 'S': {
          if (conv == 'S') Utf8MapCase(std::string(text), true, &text);
          std::string s = spec + "s";
          if (text.size() > 400) {
            buf[0] = 0;
            out.append(text);
          } else {
            std::snprintf(buf, sizeof(buf), s.c_str(), text.c_str());
          }
          break;
        }
        default:
          return ctx.Error("unsupported format specifier %" + std::string(1, conv));
      }
      out.append(buf);
    }
    b.Append(out);
  }
  return b.Finish();
}

// overlay(s, replacement, pos [, len]): replaces len characters (default: the replacement's
// length) from 1-based pos.
base::Result<ArrayPtr> Overlay(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, CallType(ctx), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i), r = StrAt(a[1], i);
    int64_t pos = ValAt<int32_t>(a[2], i);
    int64_t len = a.size() > 3 ? ValAt<int32_t>(a[3], i) : Utf8Length(r);
    int64_t total = Utf8Length(s);
    int64_t start = std::max<int64_t>(pos - 1, 0);
    out->append(s.substr(0, Utf8Offset(s, std::min(start, total))));
    out->append(r);
    if (start + len < total) out->append(s.substr(Utf8Offset(s, start + std::max<int64_t>(len, 0))));
    return true;
  });
}

// elt(n, s1, s2, ...): the n-th string (1-based); out of range is an error under ANSI.
base::Result<ArrayPtr> Elt(KernelContext& ctx, const Args& a, int64_t n) {
  columnar::BinaryBuilder b(columnar::Utf8());
  for (int64_t i = 0; i < n; ++i) {
    if (a[0].IsNull(i)) {
      b.AppendNull();
      continue;
    }
    int64_t k = ValAt<int32_t>(a[0], i);
    if (k < 1 || k >= static_cast<int64_t>(a.size())) {
      if (ctx.ansi) return ctx.Error("elt index " + std::to_string(k) + " is out of range 1.." + std::to_string(a.size() - 1));
      b.AppendNull();
      continue;
    }
    if (a[k].IsNull(i)) {
      b.AppendNull();
    } else {
      b.Append(StrAt(a[k], i));
    }
  }
  return b.Finish();
}

// conv(num, from_base, to_base): as Spark (unsigned 64-bit arithmetic; a negative to_base
// renders signed; invalid digits end the number).
base::Result<ArrayPtr> Conv(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    int from = ValAt<int32_t>(a[1], i), to = ValAt<int32_t>(a[2], i);
    if (from < 2 || from > 36 || std::abs(to) < 2 || std::abs(to) > 36) return false;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    bool neg = !s.empty() && s[0] == '-';
    if (neg) s.remove_prefix(1);
    uint64_t v = 0;
    bool any = false;
    for (char c : s) {
      int d = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'z' ? c - 'a' + 10 : (c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99));
      if (d >= from) break;
      any = true;
      if (v > (UINT64_MAX - d) / from) {
        v = UINT64_MAX;
      } else {
        v = v * from + d;
      }
    }
    if (!any) return false;
    if (neg) v = ~v + 1;
    bool out_neg = false;
    if (to < 0 && static_cast<int64_t>(v) < 0) {
      out_neg = true;
      v = ~v + 1;
    }
    const int base = std::abs(to);
    std::string digits;
    do {
      int d = static_cast<int>(v % base);
      digits.push_back(static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10));
      v /= base;
    } while (v != 0);
    if (out_neg) digits.push_back('-');
    out->assign(digits.rbegin(), digits.rend());
    return true;
  });
}

// find_in_set(s, list): 1-based position of s in the comma-separated list; 0 when absent or
// when s contains a comma.
base::Result<ArrayPtr> FindInSet(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    std::string_view s = StrAt(a[0], i), list = StrAt(a[1], i);
    *out = 0;
    if (s.find(',') != std::string_view::npos) return true;
    int32_t k = 1;
    size_t p = 0;
    while (true) {
      size_t q = list.find(',', p);
      if (list.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p) == s) {
        *out = k;
        return true;
      }
      if (q == std::string_view::npos) return true;
      p = q + 1;
      ++k;
    }
  });
}

}  // namespace

void RegisterStringKernels(KernelRegistry* r) {
  r->AddFn("upper", [](KernelContext& c, const Args& a, int64_t n) { return CaseMap(c, a, n, true); });
  r->AddFn("lower", [](KernelContext& c, const Args& a, int64_t n) { return CaseMap(c, a, n, false); });
  r->AddFn("length", [](KernelContext& c, const Args& a, int64_t n) { return Length(c, a, n, 0); });
  r->AddFn("octet_length", [](KernelContext& c, const Args& a, int64_t n) { return Length(c, a, n, 1); });
  r->AddFn("bit_length", [](KernelContext& c, const Args& a, int64_t n) { return Length(c, a, n, 2); });
  r->AddFn("substr", SubstrKernel);
  r->AddFn("concat_ws", ConcatWs);
  r->AddFn("trim", TrimKernel(true, true));
  r->AddFn("btrim", TrimKernel(true, true));
  r->AddFn("ltrim", TrimKernel(true, false));
  r->AddFn("rtrim", TrimKernel(false, true));
  r->AddFn("lpad", PadKernel(true));
  r->AddFn("rpad", PadKernel(false));
  r->AddFn("replace", Replace);
  r->AddFn("instr", Instr);
  r->AddFn("locate", Locate);
  r->AddFn("split_part", SplitPart);
  r->AddFn("substring_index", SubstringIndex);
  r->AddFn("initcap", Initcap);
  r->AddFn("repeat", Repeat);
  r->AddFn("space", Space);
  r->AddFn("left", LeftRight(true));
  r->AddFn("right", LeftRight(false));
  r->AddFn("startswith", MatchKernel(Match::kStarts));
  r->AddFn("endswith", MatchKernel(Match::kEnds));
  r->AddFn("contains", MatchKernel(Match::kContains));
  r->AddFn("ascii", Ascii);
  r->AddFn("chr", Chr);
  r->AddFn("translate", Translate);
  r->AddFn("levenshtein", Levenshtein);
  r->AddFn("format_string", FormatString);
  r->AddFn("overlay", Overlay);
  r->AddFn("elt", Elt);
  r->AddFn("conv", Conv);
  r->AddFn("find_in_set", FindInSet);
  // concat and reverse also take arrays: collections.cc registers them and defers to these.
}

// Used by collections.cc for the string forms of concat / reverse.
base::Result<ArrayPtr> ConcatStrings(KernelContext& c, const Args& a, int64_t n) { return Concat(c, a, n); }
base::Result<ArrayPtr> ReverseStrings(KernelContext& c, const Args& a, int64_t n) { return ReverseString(c, a, n); }

}  // namespace tide::exec::fn
