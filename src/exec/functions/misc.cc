// Hashes and encodings (md5, sha1, sha2, crc32, hash, xxhash64, hex, unhex, base64,
// unbase64), typeof, and the per-query ids and randoms (uuid, rand, randn,
// monotonically_increasing_id, spark_partition_id, input_file_name, current_database).
#include <zlib.h>

#include <atomic>
#include <cmath>
#include <random>

#include "columnar/json.h"
#include "exec/functions/digest.h"
#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;

KernelFunction DigestKernel(std::string (*f)(std::string_view)) {
  return [f](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
      *out = HexLower(f(StrAt(a[0], i)));
      return true;
    });
  };
}

base::Result<ArrayPtr> Sha2Kernel(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    int bits = ValAt<int32_t>(a[1], i);
    if (bits != 0 && bits != 224 && bits != 256 && bits != 384 && bits != 512) return false;  // Spark: null
    *out = HexLower(Sha2(StrAt(a[0], i), bits));
    return true;
  });
}

base::Result<ArrayPtr> Crc32(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    *out = static_cast<int64_t>(::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
    return true;
  });
}

// Spark's hash of one value (Murmur3 with the running seed); nulls leave the seed unchanged.
int32_t HashValue(const ArrayData& a, int64_t i, int32_t seed) {
  if (a.IsNull(i)) return seed;
  switch (a.type->id()) {
    case TypeId::kBoolean: return Murmur3Int(a.BoolValue(i) ? 1 : 0, seed);
    case TypeId::kInt8: return Murmur3Int(a.Value<int8_t>(i), seed);
    case TypeId::kInt16: return Murmur3Int(a.Value<int16_t>(i), seed);
    case TypeId::kInt32:
    case TypeId::kDate32: return Murmur3Int(a.Value<int32_t>(i), seed);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return Murmur3Long(a.Value<int64_t>(i), seed);
    case TypeId::kFloat32: {
      float f = a.Value<float>(i);
      if (f == 0) f = 0;  // -0.0 hashes as 0.0
      int32_t bits;
      if (std::isnan(f)) {
        bits = 0x7fc00000;
      } else {
        std::memcpy(&bits, &f, 4);
      }
      return Murmur3Int(bits, seed);
    }
    case TypeId::kFloat64: {
      double d = a.Value<double>(i);
      if (d == 0) d = 0;
      int64_t bits;
      if (std::isnan(d)) {
        bits = 0x7ff8000000000000LL;
      } else {
        std::memcpy(&bits, &d, 8);
      }
      return Murmur3Long(bits, seed);
    }
    case TypeId::kDecimal128: {
      __int128 v = a.Value<__int128>(i);
      if (a.type->precision() <= 18) return Murmur3Long(static_cast<int64_t>(v), seed);
      // Java BigInteger.toByteArray: minimal big-endian two's complement.
      std::string bytes;
      for (int k = 15; k >= 0; --k) bytes.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
      size_t start = 0;
      while (start + 1 < bytes.size() &&
             ((bytes[start] == 0 && !(bytes[start + 1] & 0x80)) || (bytes[start] == '\xff' && (bytes[start + 1] & 0x80)))) {
        ++start;
      }
      return Murmur3Bytes(std::string_view(bytes).substr(start), seed);
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: return Murmur3Bytes(a.BytesValue(i), seed);
    case TypeId::kList: {
      const ArrayData& e = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) seed = HashValue(e, k, seed);
      return seed;
    }
    case TypeId::kMap: {
      const ArrayData& entries = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        seed = HashValue(*entries.children[0], entries.offset + k, seed);
        seed = HashValue(*entries.children[1], entries.offset + k, seed);
      }
      return seed;
    }
    case TypeId::kStruct:
      for (const auto& c : a.children) seed = HashValue(*c, a.offset + i, seed);
      return seed;
    default:
      return seed;
  }
}

int64_t XxHashValue(const ArrayData& a, int64_t i, int64_t seed) {
  if (a.IsNull(i)) return seed;
  switch (a.type->id()) {
    case TypeId::kBoolean: return XxHash64Int(a.BoolValue(i) ? 1 : 0, seed);
    case TypeId::kInt8: return XxHash64Int(a.Value<int8_t>(i), seed);
    case TypeId::kInt16: return XxHash64Int(a.Value<int16_t>(i), seed);
    case TypeId::kInt32:
    case TypeId::kDate32: return XxHash64Int(a.Value<int32_t>(i), seed);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return XxHash64Long(a.Value<int64_t>(i), seed);
    case TypeId::kFloat64: {
      double d = a.Value<double>(i);
      if (d == 0) d = 0;
      int64_t bits;
      std::memcpy(&bits, &d, 8);
      return XxHash64Long(bits, seed);
    }
    case TypeId::kDecimal128:
      return XxHash64Long(static_cast<int64_t>(a.Value<__int128>(i)), seed);
    case TypeId::kString:
    case TypeId::kBinary: return XxHash64Bytes(a.BytesValue(i), seed);
    case TypeId::kList: {
      const ArrayData& e = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) seed = XxHashValue(e, k, seed);
      return seed;
    }
    case TypeId::kStruct:
      for (const auto& c : a.children) seed = XxHashValue(*c, a.offset + i, seed);
      return seed;
    default: {
      std::string s;
      columnar::AppendValueJson(a, i, &s);
      return XxHash64Bytes(s, seed);
    }
  }
}

base::Result<ArrayPtr> Hash(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    int32_t h = 42;
    for (const auto& x : a) h = HashValue(x.data(), x.Row(i), h);
    *out = h;
    return true;
  }, false);
}

base::Result<ArrayPtr> XxHash64(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
    int64_t h = 42;
    for (const auto& x : a) h = XxHashValue(x.data(), x.Row(i), h);
    *out = h;
    return true;
  }, false);
}

base::Result<ArrayPtr> Hex(KernelContext& ctx, const Args& a, int64_t n) {
  static const char* d = "0123456789ABCDEF";
  const bool integral = a[0].data().type->id() == TypeId::kInt64;
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    if (integral) {
      uint64_t v = static_cast<uint64_t>(ValAt<int64_t>(a[0], i));
      if (v == 0) {
        *out = "0";
        return true;
      }
      while (v) {
        out->insert(out->begin(), d[v & 15]);
        v >>= 4;
      }
      return true;
    }
    for (unsigned char c : StrAt(a[0], i)) {
      out->push_back(d[c >> 4]);
      out->push_back(d[c & 15]);
    }
    return true;
  });
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

base::Result<ArrayPtr> Unhex(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, columnar::Binary(), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view s = StrAt(a[0], i);
    size_t p = 0;
    if (s.size() % 2 == 1) {
      int v = HexDigit(s[0]);
      if (v < 0) return false;
      out->push_back(static_cast<char>(v));
      p = 1;
    }
    for (; p < s.size(); p += 2) {
      int hi = HexDigit(s[p]), lo = HexDigit(s[p + 1]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
    }
    return true;
  });
}

base::Result<ArrayPtr> Base64(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    *out = columnar::Base64Encode(StrAt(a[0], i));
    return true;
  });
}

base::Result<ArrayPtr> Unbase64(KernelContext& ctx, const Args& a, int64_t n) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  return MapRowsString(ctx, a, n, columnar::Binary(), [&](int64_t i, std::string* out, base::Status* err) {
    uint32_t buf = 0;
    int bits = 0;
    for (char c : StrAt(a[0], i)) {
      if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
      int v = value(c);
      if (v < 0) {
        if (ctx.ansi) *err = ctx.Error("invalid base64 input");
        return false;
      }
      buf = (buf << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out->push_back(static_cast<char>((buf >> bits) & 0xFF));
      }
    }
    return true;
  });
}

// Spark's simpleString type names: int, bigint, decimal(10,2), array<int>, struct<a:int>.
std::string SparkTypeName(const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "void";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "tinyint";
    case TypeId::kInt16: return "smallint";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal128: return "decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate32: return "date";
    case TypeId::kTimestamp: return t.utc_adjusted() ? "timestamp" : "timestamp_ntz";
    case TypeId::kList: return "array<" + SparkTypeName(*t.children()[0]->type()) + ">";
    case TypeId::kMap: return "map<" + SparkTypeName(*t.map_key()->type()) + "," + SparkTypeName(*t.map_value()->type()) + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t k = 0; k < t.children().size(); ++k) {
        if (k > 0) s += ",";
        s += t.children()[k]->name() + ":" + SparkTypeName(*t.children()[k]->type());
      }
      return s + ">";
    }
    default: {
      std::string s = t.ToString();
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }
  }
}

base::Result<ArrayPtr> TypeOf(KernelContext& ctx, const Args& a, int64_t n) {
  std::string name = SparkTypeName(*ctx.call->args[0]->type);
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t, std::string* out, base::Status*) {
    *out = name;
    return true;
  }, false);
}

KernelFunction ConstantString(std::string v) {
  return [v](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t, std::string* out, base::Status*) {
      *out = v;
      return true;
    }, false);
  };
}

// Ids unique within the process: each kernel instance takes blocks of 2^33 from a global
// counter (Spark: partition id << 33 | row number within the partition).
std::atomic<int64_t> next_id_block{0};

class MonotonicIdKernel final : public ScalarKernel {
 public:
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t, int64_t* out, base::Status*) {
      if (next_ < 0 || (next_ & ((int64_t{1} << 33) - 1)) == 0) next_ = next_id_block.fetch_add(1) << 33;
      *out = next_++;
      return true;
    });
  }
  bool deterministic() const override { return false; }

 private:
  int64_t next_ = -1;
};

class RandomKernel final : public ScalarKernel {
 public:
  RandomKernel(bool gaussian, uint64_t seed) : gaussian_(gaussian), rng_(seed) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> g(0.0, 1.0);
    return MapRowsFixed<double>(ctx, {}, n, columnar::Float64(), [&](int64_t, double* out, base::Status*) {
      *out = gaussian_ ? g(rng_) : u(rng_);
      return true;
    });
  }
  bool deterministic() const override { return false; }

 private:
  bool gaussian_;
  std::mt19937_64 rng_;
};

KernelFactory RandomFactory(bool gaussian) {
  return [gaussian](const sql::BoundExpr& call, QueryContext* q) -> base::Result<std::unique_ptr<ScalarKernel>> {
    // rand(seed) is repeatable; rand() is seeded per query (its start time) and call site.
    uint64_t seed = static_cast<uint64_t>(q != nullptr ? q->start_time_micros() : 0) ^ reinterpret_cast<uintptr_t>(&call);
    if (!call.args.empty()) {
      const sql::BoundExpr* e = call.args[0].get();
      while (e->kind == sql::BoundExprKind::kCast) e = e->args[0].get();
      if (e->IsLiteral() && !e->literal->IsNull(0) && e->literal->type->id() == TypeId::kInt64) {
        seed = static_cast<uint64_t>(e->literal->Value<int64_t>(0));
      } else if (e->IsLiteral() && !e->literal->IsNull(0) && e->literal->type->id() == TypeId::kInt32) {
        seed = static_cast<uint64_t>(e->literal->Value<int32_t>(0));
      }
    }
    return std::unique_ptr<ScalarKernel>(std::make_unique<RandomKernel>(gaussian, seed));
  };
}

class UuidKernel final : public ScalarKernel {
 public:
  UuidKernel() : rng_(std::random_device{}()) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    return MapRowsString(ctx, {}, n, columnar::Utf8(), [&](int64_t, std::string* out, base::Status*) {
      uint64_t hi = rng_(), lo = rng_();
      hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // IETF variant
      char buf[40];
      std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                    static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                    static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
      *out = buf;
      return true;
    });
  }
  bool deterministic() const override { return false; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

void RegisterMiscKernels(KernelRegistry* r) {
  r->AddFn("md5", DigestKernel(Md5));
  r->AddFn("sha1", DigestKernel(Sha1));
  r->AddFn("sha2", Sha2Kernel);
  r->AddFn("crc32", Crc32);
  r->AddFn("hash", Hash);
  r->AddFn("xxhash64", XxHash64);
  r->AddFn("hex", Hex);
  r->AddFn("unhex", Unhex);
  r->AddFn("base64", Base64);
  r->AddFn("unbase64", Unbase64);
  r->AddFn("typeof", TypeOf);
  r->AddFn("current_database", ConstantString("default"));
  r->AddFn("input_file_name", ConstantString(""));
  r->AddFn("spark_partition_id", [](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [](int64_t, int32_t* out, base::Status*) {
      *out = 0;
      return true;
    });
  });
  r->Add("monotonically_increasing_id", [](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::unique_ptr<ScalarKernel>(std::make_unique<MonotonicIdKernel>());
  });
  r->Add("uuid", [](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::unique_ptr<ScalarKernel>(std::make_unique<UuidKernel>());
  });
  r->Add("rand", RandomFactory(false));
  r->Add("randn", RandomFactory(true));
}

}  // namespace tide::exec::fn
