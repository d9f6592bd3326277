// Pattern matching: LIKE / ILIKE (a precompiled matcher with prefix, suffix, contains and
// ordered-segments fast paths) and the regular-expression functions on RE2 (linear time, so
// a user's pattern cannot hang a query). Java regex syntax RE2 lacks (lookaround,
// backreferences, possessive quantifiers) is refused with an error naming the pattern.
#include <re2/re2.h>

#include <cstring>
#include <memory>
#include <string>

#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/functions/utf8.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;

// A compiled LIKE pattern.
class LikeMatcher {
 public:
  // escape: the escape character (default '\\').
  LikeMatcher(std::string_view pattern, char escape) {
    // Tokenize into literal runs, '%' and '_'.
    std::string lit;
    bool any_underscore = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == escape && i + 1 < pattern.size()) {
        lit.push_back(pattern[++i]);
        continue;
      }
      if (c == '%' || c == '_') {
        if (!lit.empty()) tokens_.push_back({Tok::kLit, lit});
        lit.clear();
        if (c == '_') any_underscore = true;
        if (c == '%' && !tokens_.empty() && tokens_.back().kind == Tok::kAny) continue;
        tokens_.push_back({c == '%' ? Tok::kAny : Tok::kOne, {}});
        continue;
      }
      lit.push_back(c);
    }
    if (!lit.empty()) tokens_.push_back({Tok::kLit, lit});
    simple_ = !any_underscore;
    contains_ = tokens_.size() == 3 && tokens_[0].kind == Tok::kAny && tokens_[1].kind == Tok::kLit && tokens_[2].kind == Tok::kAny;
  }

  bool Match(std::string_view s) const {
    if (contains_) {
      // '%literal%': memchr for the first byte, then compare the rest.
      return Find(s, 0, s.size(), tokens_[1].text) != std::string_view::npos;
    }
    if (simple_) return MatchSegments(s);
    return MatchGeneral(s, 0, 0);
  }

 private:
  // First position >= from of p in s[from, end), or npos.
  static size_t Find(std::string_view s, size_t from, size_t end, const std::string& p) {
    const size_t m = p.size();
    if (m == 0) return from;
    if (end < from + m) return std::string_view::npos;
    const char* base = s.data();
    const char* last = base + end - m + 1;
    for (const char* c = base + from; c < last; ++c) {
      c = static_cast<const char*>(std::memchr(c, p[0], static_cast<size_t>(last - c)));
      if (c == nullptr) return std::string_view::npos;
      if (std::memcmp(c + 1, p.data() + 1, m - 1) == 0) return static_cast<size_t>(c - base);
    }
    return std::string_view::npos;
  }

  enum class Tok { kLit, kAny, kOne };
  struct Token {
    Tok kind;
    std::string text;
  };

  // Only literals and '%': anchored first/last literal, the rest found in order.
  bool MatchSegments(std::string_view s) const {
    if (tokens_.empty()) return s.empty();
    size_t t = 0, pos = 0;
    const size_t nt = tokens_.size();
    const bool starts_any = tokens_[0].kind == Tok::kAny;
    const bool ends_any = tokens_[nt - 1].kind == Tok::kAny;
    if (!starts_any) {
      const std::string& p = tokens_[0].text;
      if (s.size() < p.size() || s.compare(0, p.size(), p) != 0) return false;
      pos = p.size();
      t = 1;
      if (nt == 1) return pos == s.size();
    }
    size_t last_lit = ends_any ? nt : nt - 1;  // index of an anchored suffix literal
    size_t end = s.size();
    if (!ends_any) {
      const std::string& p = tokens_[nt - 1].text;
      if (end - pos < p.size() || s.compare(end - p.size(), p.size(), p) != 0) return false;
      end -= p.size();
    }
    for (; t < last_lit; ++t) {
      if (tokens_[t].kind != Tok::kLit) continue;
      const std::string& p = tokens_[t].text;
      size_t q = Find(s, pos, end, p);
      if (q == std::string_view::npos) return false;
      pos = q + p.size();
    }
    return pos <= end;
  }

  bool MatchGeneral(std::string_view s, size_t si, size_t ti) const {
    while (ti < tokens_.size()) {
      const Token& t = tokens_[ti];
      if (t.kind == Tok::kLit) {
        if (s.size() - si < t.text.size() || s.compare(si, t.text.size(), t.text) != 0) return false;
        si += t.text.size();
        ++ti;
      } else if (t.kind == Tok::kOne) {
        if (si >= s.size()) return false;
        si += Utf8SeqLen(static_cast<unsigned char>(s[si]));
        ++ti;
      } else {
        if (ti + 1 == tokens_.size()) return true;
        for (size_t k = si; k <= s.size(); k += (k < s.size() ? Utf8SeqLen(static_cast<unsigned char>(s[k])) : 1)) {
          if (MatchGeneral(s, k, ti + 1)) return true;
        }
        return false;
      }
    }
    return si == s.size();
  }

  std::vector<Token> tokens_;
  bool simple_ = true;
  bool contains_ = false;
};

std::optional<std::string> ConstantString(const sql::BoundExpr& e) {
  if (!e.IsLiteral() || e.literal->IsNull(0) || !e.literal->type->IsBinaryLike()) return std::nullopt;
  return std::string(e.literal->BytesValue(0));
}

// like / ilike (str, pattern [, escape]).
class LikeKernel final : public ScalarKernel {
 public:
  LikeKernel(bool ci, const sql::BoundExpr& call) : ci_(ci) {
    if (call.args.size() > 2) {
      auto e = ConstantString(*call.args[2]);
      if (e && e->size() == 1) escape_ = (*e)[0];
    }
    if (auto p = ConstantString(*call.args[1])) {
      constant_ = std::make_unique<LikeMatcher>(Fold(*p), escape_);
    }
  }

  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    int64_t nulls = 0;
    BufferPtr validity = NullIntersection({a[0], a[1]}, n, &nulls);
    std::vector<uint8_t> out(bits::BytesFor(n), 0);
    TIDE_RETURN_IF_ERROR(Run(ctx, a, n, validity ? validity->data() : nullptr, out.data(), nullptr));
    return MakeArray(columnar::Boolean(), n, validity, nulls, Buffer::FromVector(std::move(out)));
  }

  base::Status Select(KernelContext& ctx, const Args& a, int64_t n, std::vector<int32_t>* sel) override {
    int64_t nulls = 0;
    BufferPtr validity = NullIntersection({a[0], a[1]}, n, &nulls);
    if (nulls == n) return base::Status::OK();
    return Run(ctx, a, n, validity ? validity->data() : nullptr, nullptr, sel);
  }

 private:
  std::string Fold(std::string_view s) const {
    if (!ci_) return std::string(s);
    std::string out;
    Utf8MapCase(s, false, &out);
    return out;
  }

  base::Status Run(KernelContext& ctx, const Args& a, int64_t n, const uint8_t* valid, uint8_t* bits_out,
                   std::vector<int32_t>* sel) {
    const ArrayData& s = a[0].data();
    std::unique_ptr<LikeMatcher> dynamic;
    std::string last_pattern;
    std::string folded;
    for (int64_t i = 0; i < n; ++i) {
      if (valid != nullptr && !bits::Get(valid, i)) continue;
      const LikeMatcher* m = constant_.get();
      if (m == nullptr) {
        std::string p(StrAt(a[1], i));
        if (!dynamic || p != last_pattern) {
          dynamic = std::make_unique<LikeMatcher>(Fold(p), escape_);
          last_pattern = p;
        }
        m = dynamic.get();
      }
      std::string_view v;
      if (!a[0].scalar && s.type->IsBinaryLike()) {
        const int32_t* off = s.buffers[1]->as<int32_t>() + s.offset;
        const char* data = s.buffers.size() > 2 && s.buffers[2] ? s.buffers[2]->as<char>() : "";
        v = std::string_view(data + off[i], static_cast<size_t>(off[i + 1] - off[i]));
      } else {
        v = s.BytesValue(a[0].Row(i));
      }
      if (ci_) {
        folded.clear();
        Utf8MapCase(v, false, &folded);
        v = folded;
      }
      bool r = m->Match(v);
      if (bits_out) {
        if (r) bits::Set(bits_out, i);
      } else if (r) {
        sel->push_back(static_cast<int32_t>(i));
      }
    }
    return base::Status::OK();
  }

  bool ci_;
  char escape_ = '\\';
  std::unique_ptr<LikeMatcher> constant_;
};

// RE2 for a Java-syntax pattern; InvalidArgument naming the pattern when RE2 refuses it.
base::Result<std::shared_ptr<RE2>> CompileRegex(KernelContext* ctx, const std::string& pattern) {
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_dot_nl(false);
  auto re = std::make_shared<RE2>(pattern, opt);
  if (!re->ok()) {
    std::string msg = "invalid regular expression '" + pattern + "': " + re->error();
    if (ctx != nullptr) return ctx->Error(msg);
    return base::Status::InvalidArgument(msg);
  }
  return re;
}

// Per call site: the constant pattern compiled once, or the last row's pattern cached.
class RegexCache {
 public:
  explicit RegexCache(const sql::BoundExpr& call, int arg) : arg_(arg) {
    if (auto p = ConstantString(*call.args[arg])) constant_ = *p;
  }
  base::Result<const RE2*> Get(KernelContext& ctx, const Args& a, int64_t i) {
    std::string p = constant_ ? *constant_ : std::string(StrAt(a[arg_], i));
    if (!re_ || p != pattern_) {
      TIDE_ASSIGN_OR_RETURN(re_, CompileRegex(&ctx, p));
      pattern_ = p;
    }
    return re_.get();
  }

 private:
  int arg_;
  std::optional<std::string> constant_;
  std::string pattern_;
  std::shared_ptr<RE2> re_;
};

class RlikeKernel final : public ScalarKernel {
 public:
  explicit RlikeKernel(const sql::BoundExpr& call) : cache_(call, 1) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    return MapRowsBool(ctx, a, n, [&](int64_t i, bool* out, base::Status* err) {
      auto re = cache_.Get(ctx, a, i);
      if (!re.ok()) {
        *err = re.status();
        return false;
      }
      *out = RE2::PartialMatch(StrAt(a[0], i), **re);
      return true;
    });
  }

 private:
  RegexCache cache_;
};

// Group `idx` of every match (all = false: the first only).
base::Status Extract(KernelContext& ctx, const RE2& re, std::string_view s, int idx, bool all,
                     std::vector<std::string_view>* out, bool* matched) {
  const int groups = re.NumberOfCapturingGroups();
  if (idx < 0 || idx > groups) {
    return ctx.Error("regex group index " + std::to_string(idx) + " is out of range (the pattern has " + std::to_string(groups) +
                     " groups)");
  }
  std::vector<re2::StringPiece> m(groups + 1);
  size_t pos = 0;
  *matched = false;
  while (pos <= s.size()) {
    if (!re.Match(s, pos, s.size(), RE2::UNANCHORED, m.data(), groups + 1)) break;
    *matched = true;
    out->push_back(m[idx].data() == nullptr ? std::string_view() : std::string_view(m[idx].data(), m[idx].size()));
    if (!all) break;
    size_t end = m[0].data() - s.data() + m[0].size();
    pos = m[0].size() == 0 ? end + 1 : end;
  }
  return base::Status::OK();
}

class RegexpExtractKernel final : public ScalarKernel {
 public:
  RegexpExtractKernel(const sql::BoundExpr& call, bool all) : cache_(call, 1), all_(all) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    if (!all_) {
      return MapRowsString(ctx, a, n, ctx.call->type, [&](int64_t i, std::string* out, base::Status* err) {
        auto re = cache_.Get(ctx, a, i);
        if (!re.ok()) {
          *err = re.status();
          return false;
        }
        std::vector<std::string_view> parts;
        bool matched = false;
        int idx = a.size() > 2 ? ValAt<int32_t>(a[2], i) : 1;
        *err = Extract(ctx, **re, StrAt(a[0], i), idx, false, &parts, &matched);
        if (matched) out->assign(parts[0]);
        return err->ok();
      });
    }
    auto builder = columnar::MakeBuilder(ctx.call->type);
    auto* list = static_cast<columnar::ListBuilder*>(builder.get());
    auto* values = static_cast<columnar::BinaryBuilder*>(list->value_builder());
    for (int64_t i = 0; i < n; ++i) {
      if (!AllValid(a, i)) {
        list->AppendNull();
        continue;
      }
      TIDE_ASSIGN_OR_RETURN(const RE2* re, cache_.Get(ctx, a, i));
      std::vector<std::string_view> parts;
      bool matched = false;
      int idx = a.size() > 2 ? ValAt<int32_t>(a[2], i) : 1;
      TIDE_RETURN_IF_ERROR(Extract(ctx, *re, StrAt(a[0], i), idx, true, &parts, &matched));
      list->Append();
      for (auto p : parts) values->Append(p);
    }
    return list->Finish();
  }

 private:
  RegexCache cache_;
  bool all_;
};

// Java replacement syntax ($1, \$) to RE2's (\1, $).
std::string JavaReplacement(std::string_view r) {
  std::string out;
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == '\\' && i + 1 < r.size()) {
      char d = r[++i];
      if (d == '\\') out += "\\\\";
      else out.push_back(d);
    } else if (c == '$' && i + 1 < r.size() && r[i + 1] >= '0' && r[i + 1] <= '9') {
      out.push_back('\\');
      out.push_back(r[++i]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class RegexpReplaceKernel final : public ScalarKernel {
 public:
  explicit RegexpReplaceKernel(const sql::BoundExpr& call) : cache_(call, 1) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    return MapRowsString(ctx, a, n, ctx.call->type, [&](int64_t i, std::string* out, base::Status* err) {
      auto re = cache_.Get(ctx, a, i);
      if (!re.ok()) {
        *err = re.status();
        return false;
      }
      std::string_view s = StrAt(a[0], i);
      int64_t pos = a.size() > 3 ? ValAt<int32_t>(a[3], i) : 1;
      if (pos < 1) {
        *err = ctx.Error("regexp_replace position must be positive, got " + std::to_string(pos));
        return false;
      }
      size_t start = Utf8Offset(s, pos - 1);
      std::string tail(s.substr(start));
      RE2::GlobalReplace(&tail, **re, JavaReplacement(StrAt(a[2], i)));
      out->assign(s.substr(0, start));
      out->append(tail);
      return true;
    });
  }

 private:
  RegexCache cache_;
};

class RegexpCountKernel final : public ScalarKernel {
 public:
  RegexpCountKernel(const sql::BoundExpr& call, bool substr) : cache_(call, 1), substr_(substr) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    if (substr_) {
      return MapRowsString(ctx, a, n, ctx.call->type, [&](int64_t i, std::string* out, base::Status* err) {
        auto re = cache_.Get(ctx, a, i);
        if (!re.ok()) {
          *err = re.status();
          return false;
        }
        std::vector<std::string_view> parts;
        bool matched = false;
        *err = Extract(ctx, **re, StrAt(a[0], i), 0, false, &parts, &matched);
        if (matched) out->assign(parts[0]);
        return matched;
      });
    }
    return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status* err) {
      auto re = cache_.Get(ctx, a, i);
      if (!re.ok()) {
        *err = re.status();
        return false;
      }
      std::vector<std::string_view> parts;
      bool matched = false;
      *err = Extract(ctx, **re, StrAt(a[0], i), 0, true, &parts, &matched);
      *out = static_cast<int32_t>(parts.size());
      return true;
    });
  }

 private:
  RegexCache cache_;
  bool substr_;
};

// regexp_instr(s, regex [, group]): 1-based character position of the first match, 0 if none.
class RegexpInstrKernel final : public ScalarKernel {
 public:
  explicit RegexpInstrKernel(const sql::BoundExpr& call) : cache_(call, 1) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status* err) {
      auto re = cache_.Get(ctx, a, i);
      if (!re.ok()) {
        *err = re.status();
        return false;
      }
      std::string_view s = StrAt(a[0], i);
      re2::StringPiece m;
      *out = 0;
      if ((*re)->Match(s, 0, s.size(), RE2::UNANCHORED, &m, 1)) {
        size_t chars = 0;
        for (size_t p = 0; p < static_cast<size_t>(m.data() - s.data()); p += Utf8SeqLen(static_cast<unsigned char>(s[p]))) ++chars;
        *out = static_cast<int32_t>(chars + 1);
      }
      return true;
    });
  }

 private:
  RegexCache cache_;
};

// split(str, regex [, limit]) with Java's String.split(regex, limit) semantics (limit <= 0:
// no limit, trailing empty strings kept as Spark does).
class SplitKernel final : public ScalarKernel {
 public:
  explicit SplitKernel(const sql::BoundExpr& call) : cache_(call, 1) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    auto builder = columnar::MakeBuilder(ctx.call->type);
    auto* list = static_cast<columnar::ListBuilder*>(builder.get());
    auto* values = static_cast<columnar::BinaryBuilder*>(list->value_builder());
    for (int64_t i = 0; i < n; ++i) {
      if (!AllValid(a, i)) {
        list->AppendNull();
        continue;
      }
      TIDE_ASSIGN_OR_RETURN(const RE2* re, cache_.Get(ctx, a, i));
      std::string_view s = StrAt(a[0], i);
      int64_t limit = a.size() > 2 ? ValAt<int32_t>(a[2], i) : -1;
      list->Append();
      if (s.empty()) {
        values->Append("");
        continue;
      }
      size_t pos = 0, piece = 0;
      int64_t count = 0;
      re2::StringPiece m;
      while (limit <= 0 || count + 1 < limit) {
        if (pos > s.size() || !re->Match(s, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
        size_t mb = m.data() - s.data();
        size_t me = mb + m.size();
        if (m.size() == 0) {
          // Empty match: split between characters (never before the first one).
          if (mb >= s.size()) break;
          size_t step = Utf8SeqLen(static_cast<unsigned char>(s[mb]));
          if (mb == 0) {
            pos = step;
            if (piece == 0 && mb == 0) {
              values->Append(s.substr(0, step));
              piece = step;
              ++count;
            }
            continue;
          }
          values->Append(s.substr(piece, mb - piece));
          piece = mb;
          pos = mb + step;
          ++count;
          continue;
        }
        values->Append(s.substr(piece, mb - piece));
        ++count;
        piece = me;
        pos = me;
      }
      values->Append(s.substr(std::min(piece, s.size())));
    }
    return list->Finish();
  }

 private:
  RegexCache cache_;
};

base::Status CheckConstantRegex(const sql::BoundExpr& call, int arg) {
  if (static_cast<int>(call.args.size()) <= arg) return base::Status::OK();
  auto p = ConstantString(*call.args[arg]);
  if (!p) return base::Status::OK();
  KernelContext ctx{nullptr, &call, true};
  return CompileRegex(&ctx, *p).status();
}

template <typename K, typename... Extra>
KernelFactory RegexFactory(Extra... extra) {
  return [=](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    TIDE_RETURN_IF_ERROR(CheckConstantRegex(call, 1));
    return std::unique_ptr<ScalarKernel>(std::make_unique<K>(call, extra...));
  };
}

}  // namespace

void RegisterPatternKernels(KernelRegistry* r) {
  r->Add("like", [](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::unique_ptr<ScalarKernel>(std::make_unique<LikeKernel>(false, call));
  });
  r->Add("ilike", [](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::unique_ptr<ScalarKernel>(std::make_unique<LikeKernel>(true, call));
  });
  r->Add("rlike", RegexFactory<RlikeKernel>());
  r->Add("regexp_extract", RegexFactory<RegexpExtractKernel>(false));
  r->Add("regexp_extract_all", RegexFactory<RegexpExtractKernel>(true));
  r->Add("regexp_replace", RegexFactory<RegexpReplaceKernel>());
  r->Add("regexp_count", RegexFactory<RegexpCountKernel>(false));
  r->Add("regexp_substr", RegexFactory<RegexpCountKernel>(true));
  r->Add("split", RegexFactory<SplitKernel>());
  r->Add("regexp_instr", RegexFactory<RegexpInstrKernel>());
}

}  // namespace tide::exec::fn
