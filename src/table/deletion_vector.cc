// Deletion vector descriptors, DV files and the RoaringBitmapArray decoder (see
// deletion_vector.h). The Roaring decoder is our own, written from the portable format spec
// (github.com/RoaringBitmap/RoaringFormatSpec).
#include "table/deletion_vector.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>

#include <algorithm>
#include <cstring>

#include "table/log_store.h"

namespace tide::table {
namespace {

using base::Result;
using base::Status;

constexpr char kZ85Alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
constexpr uint32_t kPortableMagic = 1681511377;
constexpr uint32_t kNativeMagic = 1681511376;
constexpr uint16_t kSerialCookieNoRun = 12346;
constexpr uint16_t kSerialCookie = 12347;
constexpr int kNoOffsetThreshold = 4;

class Reader {
 public:
  Reader(std::string_view b, std::string where) : b_(b), where_(std::move(where)) {}
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  Status Need(size_t n, std::string_view what) const {
    if (remaining() < n) {
      return Status::Corruption(where_ + ": truncated " + std::string(what) + " at byte " + std::to_string(pos_));
    }
    return Status::OK();
  }
  uint16_t U16() { uint16_t v = Le(2); return v; }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  const uint8_t* Bytes(size_t n) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(b_.data()) + pos_;
    pos_ += n;
    return p;
  }
  Status Error(std::string_view what) const {
    return Status::Corruption(where_ + ": " + std::string(what) + " (at byte " + std::to_string(pos_) + ")");
  }

 private:
  uint64_t Le(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  std::string_view b_;
  size_t pos_ = 0;
  std::string where_;
};

// One standard portable 32-bit Roaring bitmap; appends high<<32|low to out (ascending).
Status ReadRoaring32(Reader& r, uint64_t high, std::vector<uint64_t>& out, size_t max_values) {
  TIDE_RETURN_IF_ERROR(r.Need(4, "roaring cookie"));
  uint32_t cookie = r.U32();
  uint32_t n = 0;
  bool has_runs = false;
  std::vector<uint8_t> run_flags;
  if ((cookie & 0xFFFF) == kSerialCookie) {
    has_runs = true;
    n = (cookie >> 16) + 1;
    size_t flag_bytes = (n + 7) / 8;
    TIDE_RETURN_IF_ERROR(r.Need(flag_bytes, "run container flags"));
    const uint8_t* f = r.Bytes(flag_bytes);
    run_flags.assign(f, f + flag_bytes);
  } else if (cookie == kSerialCookieNoRun) {
    TIDE_RETURN_IF_ERROR(r.Need(4, "container count"));
    n = r.U32();
  } else {
    return r.Error("unknown roaring cookie " + std::to_string(cookie));
  }
  if (n > 65536) return r.Error("too many containers (" + std::to_string(n) + ")");
  TIDE_RETURN_IF_ERROR(r.Need(static_cast<size_t>(n) * 4, "container headers"));
  std::vector<uint16_t> keys(n);
  std::vector<uint32_t> cards(n);
  for (uint32_t i = 0; i < n; ++i) {
    keys[i] = r.U16();
    cards[i] = static_cast<uint32_t>(r.U16()) + 1;
    if (i > 0 && keys[i] <= keys[i - 1]) return r.Error("container keys not ascending");
  }
  if (!has_runs || n >= kNoOffsetThreshold) {
    TIDE_RETURN_IF_ERROR(r.Need(static_cast<size_t>(n) * 4, "container offsets"));
    r.Bytes(static_cast<size_t>(n) * 4);  // offsets: containers follow in order, so not needed
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t base = (high << 32) | (static_cast<uint64_t>(keys[i]) << 16);
    bool is_run = has_runs && (run_flags[i / 8] >> (i % 8)) & 1;
    size_t before = out.size();
    if (out.size() + cards[i] > max_values && !is_run) return r.Error("more rows than the descriptor's cardinality");
    if (is_run) {
      TIDE_RETURN_IF_ERROR(r.Need(2, "run count"));
      uint16_t runs = r.U16();
      TIDE_RETURN_IF_ERROR(r.Need(static_cast<size_t>(runs) * 4, "runs"));
      int64_t last_end = -1;
      for (uint16_t k = 0; k < runs; ++k) {
        uint32_t start = r.U16();
        uint32_t len = static_cast<uint32_t>(r.U16()) + 1;
        if (static_cast<int64_t>(start) <= last_end || start + len > 65536) return r.Error("malformed run container");
        if (out.size() + len > max_values) return r.Error("more rows than the descriptor's cardinality");
        for (uint32_t v = 0; v < len; ++v) out.push_back(base + start + v);
        last_end = start + len - 1;
      }
    } else if (cards[i] <= 4096) {
      TIDE_RETURN_IF_ERROR(r.Need(static_cast<size_t>(cards[i]) * 2, "array container"));
      int32_t last = -1;
      for (uint32_t k = 0; k < cards[i]; ++k) {
        uint16_t v = r.U16();
        if (static_cast<int32_t>(v) <= last) return r.Error("array container values not ascending");
        last = v;
        out.push_back(base + v);
      }
    } else {
      TIDE_RETURN_IF_ERROR(r.Need(8192, "bitmap container"));
      const uint8_t* words = r.Bytes(8192);
      for (uint32_t w = 0; w < 1024; ++w) {
        uint64_t word = 0;
        for (int b = 0; b < 8; ++b) word |= static_cast<uint64_t>(words[w * 8 + b]) << (8 * b);
        while (word) {
          int bit = __builtin_ctzll(word);
          out.push_back(base + w * 64 + bit);
          word &= word - 1;
        }
      }
      if (out.size() - before != cards[i]) return r.Error("bitmap container cardinality mismatch");
    }
    (void)before;
  }
  return Status::OK();
}

Result<std::vector<uint64_t>> Deserialize(std::string_view bytes, const std::string& where, size_t max_values) {
  Reader r(bytes, where);
  TIDE_RETURN_IF_ERROR(r.Need(4, "magic number"));
  uint32_t magic = r.U32();
  std::vector<uint64_t> out;
  if (magic == kPortableMagic) {
    TIDE_RETURN_IF_ERROR(r.Need(8, "bitmap count"));
    uint64_t count = r.U64();
    if (count > r.remaining()) return r.Error("bitmap count " + std::to_string(count) + " exceeds the data");
    int64_t last_key = -1;
    for (uint64_t i = 0; i < count; ++i) {
      TIDE_RETURN_IF_ERROR(r.Need(4, "bitmap key"));
      uint32_t key = r.U32();
      if (static_cast<int64_t>(key) <= last_key) return r.Error("bitmap keys not ascending");
      last_key = key;
      TIDE_RETURN_IF_ERROR(ReadRoaring32(r, key, out, max_values));
    }
  } else if (magic == kNativeMagic) {
    TIDE_RETURN_IF_ERROR(r.Need(4, "bitmap count"));
    uint32_t count = r.U32();
    if (count > r.remaining()) return r.Error("bitmap count exceeds the data");
    for (uint32_t i = 0; i < count; ++i) {
      TIDE_RETURN_IF_ERROR(r.Need(4, "bitmap size"));
      uint32_t size = r.U32();
      TIDE_RETURN_IF_ERROR(r.Need(size, "bitmap"));
      size_t start = r.pos();
      TIDE_RETURN_IF_ERROR(ReadRoaring32(r, i, out, max_values));
      if (r.pos() - start != size) return r.Error("bitmap size mismatch");
    }
  } else {
    return r.Error("unexpected RoaringBitmapArray magic number " + std::to_string(magic));
  }
  if (r.remaining() != 0) return r.Error(std::to_string(r.remaining()) + " trailing bytes");
  return out;
}

void PutLe(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBe32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t GetBe32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

std::string UuidText(const std::string& b) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[static_cast<uint8_t>(b[i]) >> 4]);
    s.push_back(kHex[static_cast<uint8_t>(b[i]) & 15]);
  }
  return s;
}

}  // namespace

Result<std::string> Z85Decode(std::string_view text) {
  static int8_t table[256];
  static bool init = [] {
    std::memset(table, -1, sizeof table);
    for (int i = 0; i < 85; ++i) table[static_cast<uint8_t>(kZ85Alphabet[i])] = static_cast<int8_t>(i);
    return true;
  }();
  (void)init;
  if (text.size() % 5 != 0) return Status::Corruption("Z85: length " + std::to_string(text.size()) + " is not a multiple of 5");
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t v = 0;
    for (size_t k = 0; k < 5; ++k) {
      int8_t d = table[static_cast<uint8_t>(text[i + k])];
      if (d < 0) return Status::Corruption("Z85: invalid character at offset " + std::to_string(i + k));
      v = v * 85 + static_cast<uint64_t>(d);
    }
    if (v > 0xFFFFFFFFULL) return Status::Corruption("Z85: group at offset " + std::to_string(i) + " overflows");
    for (int b = 3; b >= 0; --b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  }
  return out;
}

std::string Z85Encode(std::string_view bytes) {
  std::string padded(bytes);
  while (padded.size() % 4) padded.push_back('\0');
  std::string out;
  for (size_t i = 0; i < padded.size(); i += 4) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | static_cast<uint8_t>(padded[i + k]);
    char group[5];
    for (int k = 4; k >= 0; --k) {
      group[k] = kZ85Alphabet[v % 85];
      v /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

Result<std::vector<uint64_t>> DeserializeRoaringBitmapArray(std::string_view bytes) {
  // A bitmap container holds at most 65536 values per 8 KiB, so this bound never refuses a
  // well-formed input while keeping allocation proportional to the input.
  return Deserialize(bytes, "RoaringBitmapArray", bytes.size() * 8 + 65536);
}

std::string SerializeRoaringBitmapArray(const std::vector<uint64_t>& rows) {
  std::string out;
  PutLe(out, kPortableMagic, 4);
  // Group by high 32 bits, then by 16-bit container key.
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> bitmaps;
  for (uint64_t v : rows) {
    uint32_t hi = static_cast<uint32_t>(v >> 32);
    if (bitmaps.empty() || bitmaps.back().first != hi) bitmaps.emplace_back(hi, std::vector<uint32_t>());
    bitmaps.back().second.push_back(static_cast<uint32_t>(v));
  }
  PutLe(out, bitmaps.size(), 8);
  for (const auto& [hi, lows] : bitmaps) {
    PutLe(out, hi, 4);
    std::vector<std::pair<uint16_t, std::vector<uint16_t>>> containers;
    for (uint32_t v : lows) {
      uint16_t key = static_cast<uint16_t>(v >> 16);
      if (containers.empty() || containers.back().first != key) containers.emplace_back(key, std::vector<uint16_t>());
      containers.back().second.push_back(static_cast<uint16_t>(v));
    }
    PutLe(out, kSerialCookieNoRun, 4);
    PutLe(out, containers.size(), 4);
    for (const auto& [key, values] : containers) {
      PutLe(out, key, 2);
      PutLe(out, values.size() - 1, 2);
    }
    // Offsets of each container from the start of this bitmap's cookie.
    uint32_t offset = 8 + static_cast<uint32_t>(containers.size()) * 8;
    for (const auto& [key, values] : containers) {
      PutLe(out, offset, 4);
      offset += values.size() <= 4096 ? static_cast<uint32_t>(values.size()) * 2 : 8192;
    }
    for (const auto& [key, values] : containers) {
      if (values.size() <= 4096) {
        for (uint16_t v : values) PutLe(out, v, 2);
      } else {
        std::vector<uint64_t> words(1024, 0);
        for (uint16_t v : values) words[v / 64] |= 1ULL << (v % 64);
        for (uint64_t w : words) PutLe(out, w, 8);
      }
    }
  }
  return out;
}

Result<std::string> DeletionVectorFilePath(const std::string& table_root, const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == "u") {
    const std::string& p = dv.path_or_inline_dv;
    if (p.size() < 20) return Status::Corruption("deletion vector: pathOrInlineDv '" + p + "' is shorter than a Z85 UUID");
    std::string prefix = p.substr(0, p.size() - 20);
    auto uuid = Z85Decode(std::string_view(p).substr(p.size() - 20));
    if (!uuid.ok()) return Status::Corruption("deletion vector '" + p + "': " + uuid.status().message());
    std::string name = "deletion_vector_" + UuidText(*uuid) + ".bin";
    std::string root = LogStore(table_root).table_root();
    return prefix.empty() ? root + "/" + name : root + "/" + prefix + "/" + name;
  }
  if (dv.storage_type == "p") {
    auto decoded = DecodeFilePath(dv.path_or_inline_dv);
    if (!decoded.ok()) return decoded.status();
    if (decoded->empty()) return Status::Corruption("deletion vector: empty path");
    if ((*decoded)[0] == '/') return *decoded;
    return LogStore(table_root).table_root() + "/" + *decoded;
  }
  if (dv.storage_type == "i") return Status::InvalidArgument("deletion vector is stored inline, not in a file");
  return Status::Corruption("deletion vector: unknown storageType '" + dv.storage_type + "'");
}

Result<std::vector<uint64_t>> LoadDeletionVector(const std::string& table_root, const DeletionVectorDescriptor& dv) {
  if (dv.cardinality == 0) return std::vector<uint64_t>();
  std::string where;
  std::string bitmap;
  if (dv.storage_type == "i") {
    where = "inline deletion vector";
    auto bytes = Z85Decode(dv.path_or_inline_dv);
    if (!bytes.ok()) return Status::Corruption(where + ": " + bytes.status().message());
    if (dv.size_in_bytes < 0 || static_cast<size_t>(dv.size_in_bytes) > bytes->size()) {
      return Status::Corruption(where + ": sizeInBytes " + std::to_string(dv.size_in_bytes) + " exceeds the " +
                                std::to_string(bytes->size()) + " decoded bytes");
    }
    bitmap = bytes->substr(0, static_cast<size_t>(dv.size_in_bytes));
  } else {
    TIDE_ASSIGN_OR_RETURN(std::string path, DeletionVectorFilePath(table_root, dv));
    int64_t offset = dv.offset.value_or(1);
    where = "deletion vector " + path + " at offset " + std::to_string(offset);
    // Spark packs the DVs of many data files into one file: read only this DV's bytes.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound("deletion vector file " + path + " does not exist");
      return Status::FromErrno(errno, "open " + path);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno(err, "stat " + path);
    }
    const int64_t file_size = st.st_size;
    auto read_at = [&](int64_t off, size_t n, std::string* out) -> Status {
      out->resize(n);
      size_t done = 0;
      while (done < n) {
        ssize_t r = ::pread(fd, out->data() + done, n - done, static_cast<off_t>(off + static_cast<int64_t>(done)));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r < 0 ? Status::FromErrno(errno, "read " + path) : Status::Corruption(where + ": truncated");
        done += static_cast<size_t>(r);
      }
      return Status::OK();
    };
    std::string version, header, trailer;
    Status st_read = [&]() -> Status {
      if (file_size < 1) return Status::Corruption(where + ": empty file");
      TIDE_RETURN_IF_ERROR(read_at(0, 1, &version));
      if (static_cast<uint8_t>(version[0]) != 1) return Status::Corruption(where + ": unknown DV file format version");
      if (offset < 1 || offset + 4 > file_size) return Status::Corruption(where + ": offset beyond the file");
      TIDE_RETURN_IF_ERROR(read_at(offset, 4, &header));
      uint32_t size = GetBe32(reinterpret_cast<const uint8_t*>(header.data()));
      if (size != static_cast<uint32_t>(dv.size_in_bytes)) {
        return Status::Corruption(where + ": stored size " + std::to_string(size) + " != descriptor sizeInBytes " +
                                  std::to_string(dv.size_in_bytes));
      }
      if (offset + 4 + static_cast<int64_t>(size) + 4 > file_size) return Status::Corruption(where + ": truncated");
      TIDE_RETURN_IF_ERROR(read_at(offset + 4, size, &bitmap));
      return read_at(offset + 4 + size, 4, &trailer);
    }();
    ::close(fd);
    TIDE_RETURN_IF_ERROR(st_read);
    uint32_t stored_crc = GetBe32(reinterpret_cast<const uint8_t*>(trailer.data()));
    uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bitmap.data()), static_cast<uInt>(bitmap.size())));
    if (crc != stored_crc) return Status::Corruption(where + ": CRC mismatch");
  }
  TIDE_ASSIGN_OR_RETURN(auto rows, Deserialize(bitmap, where, static_cast<size_t>(dv.cardinality)));
  if (static_cast<int64_t>(rows.size()) != dv.cardinality) {
    return Status::Corruption(where + ": holds " + std::to_string(rows.size()) + " rows, the descriptor says " +
                              std::to_string(dv.cardinality));
  }
  return rows;
}

std::string EncodeDeletionVectorFile(std::string_view bitmap_bytes) {
  std::string out;
  out.push_back(1);
  PutBe32(out, static_cast<uint32_t>(bitmap_bytes.size()));
  out.append(bitmap_bytes);
  PutBe32(out, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bitmap_bytes.data()),
                                           static_cast<uInt>(bitmap_bytes.size()))));
  return out;
}

}  // namespace tide::table
