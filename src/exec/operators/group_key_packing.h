// Packed group keys: the grouping key of a row, when its columns are fixed-width integers,
// dates, times, timestamps, booleans, decimals of at most 18 digits or short strings, packed
// into one 128-bit word that is hashed and compared as an integer; and a small open-addressing
// map from packed keys to group ids.
//
// The aggregation uses the map as a cache in front of its KeyTable of encoded keys
// (row_codec.h), which stays the authoritative store (partitioning, merging, spilling and
// output decode the encoded keys as before): a row whose packed key is in the map takes its
// group id from there without being encoded; any other row (a miss, or a row that does not
// pack) goes the general way and its packed key is then remembered.
//
// Layout: each column contributes a field, the fields concatenated from the high bits down.
// A column's field is its value bits followed by a valid bit (1 valid; a null is the all-zero
// field), the valid bit left out for columns whose expression is not nullable. Value bits:
// BOOLEAN 1, 8/16/32/64-bit types their width (two's complement bits), DECIMAL(p <= 18) 64
// (the unscaled value, which must fit int64), STRING/BINARY 4 length bits plus 8 bits per byte
// of a capacity of 1..15 bytes chosen so that every column fits. Packing is injective for the
// rows it accepts, so equal packed keys mean equal group keys (nulls equal). Rejected rows
// (a string longer than its capacity, a decimal outside int64, a null in a column declared not
// nullable) are flagged, never guessed.
//
// Thread-safety: a packer is immutable after Make; a map is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "columnar/array.h"
#include "columnar/type.h"

namespace tide::exec::internal {

using PackedKey = unsigned __int128;

// The hash of a packed key (any bits of it may be used for slot and partition choices).
inline uint64_t HashPackedKey(PackedKey k) {
  uint64_t lo = static_cast<uint64_t>(k), hi = static_cast<uint64_t>(k >> 64);
  uint64_t h = (lo ^ (hi * 0x9E3779B97F4A7C15ULL ^ (hi >> 29))) * 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 31;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

class GroupKeyPacker {
 public:
  struct Column {
    columnar::TypeId id;
    bool nullable = true;
    int value_bits = 0;     // bits of the value (strings: 4 length bits + 8 * capacity)
    int string_cap = 0;     // STRING/BINARY: the longest string that packs
  };

  // A packer for keys of these types (nullable[i]: whether column i may hold nulls), or
  // nullptr when some type does not pack or the fields need more than 128 bits.
  static std::unique_ptr<GroupKeyPacker> Make(const std::vector<columnar::TypePtr>& types,
                                              const std::vector<bool>& nullable);

  // Packs rows [begin, begin + n) of `columns` (types as given to Make, each of length >=
  // begin + n) into keys[0, n); ok[i] is 0 for a row that does not pack (keys[i] is then
  // meaningless). Returns the number of rows that packed. Callers pack a large batch in
  // chunks of about a thousand rows so the keys stay in the L1 cache until they are used.
  int64_t Pack(const std::vector<const columnar::ArrayData*>& columns, int64_t begin, int64_t n,
               std::vector<PackedKey>* keys, std::vector<uint8_t>* ok) const;

  const std::vector<Column>& columns() const { return columns_; }

 private:
  std::vector<Column> columns_;
};

// Packed key -> group id, open addressing with linear probing (load factor <= 1/2).
class PackedGroupMap {
 public:
  static constexpr uint32_t kAbsent = 0xFFFFFFFFu;
  PackedGroupMap() { Rehash(64); }

  uint32_t Find(PackedKey key, uint64_t hash) const {
    size_t i = hash & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.id == kAbsent) return kAbsent;
      if (s.key == key) return s.id;
      i = (i + 1) & mask_;
    }
  }
  // Requires key absent.
  void Insert(PackedKey key, uint64_t hash, uint32_t id) {
    if ((count_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    size_t i = hash & mask_;
    while (slots_[i].id != kAbsent) i = (i + 1) & mask_;
    slots_[i] = Slot{key, hash, id};
    ++count_;
  }
  size_t size() const { return count_; }
  int64_t MemoryBytes() const { return static_cast<int64_t>(slots_.capacity() * sizeof(Slot)); }
  void Clear() {
    count_ = 0;
    std::vector<Slot>().swap(slots_);
    Rehash(64);
  }

 private:
  struct Slot {
    PackedKey key = 0;
    uint64_t hash = 0;
    uint32_t id = kAbsent;
  };
  void Rehash(size_t n) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (const Slot& s : old) {
      if (s.id == kAbsent) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].id != kAbsent) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace tide::exec::internal
