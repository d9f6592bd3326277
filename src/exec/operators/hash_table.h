// An open-addressing hash table from encoded keys (row_codec.h) to dense ids 0, 1, 2, ...
// Slots hold a 32-bit hash tag and the id, so most probes touch one cache line; key bytes
// live in one arena. Used by aggregation (group ids), DISTINCT and set operations.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace tide::exec::internal {

uint64_t HashKeyBytes(const void* data, size_t n);

class KeyTable {
 public:
  KeyTable() { Rehash(1024); }

  // Hints the CPU to load the slot `hash` probes first (batch probes prefetch ahead).
  void Prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  // The id of `key`, inserting it (with the next id) when absent; *inserted tells which.
  uint32_t FindOrInsert(std::string_view key, uint64_t hash, bool* inserted = nullptr) {
    if ((count_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    size_t i = hash & mask_;
    while (true) {
      const uint64_t s = slots_[i];
      if (s == 0) break;
      if (static_cast<uint32_t>(s >> 32) == tag) {
        const uint32_t id = static_cast<uint32_t>(s) - 1;
        if (KeyEquals(id, key)) {
          if (inserted) *inserted = false;
          return id;
        }
      }
      i = (i + 1) & mask_;
    }
    const uint32_t id = static_cast<uint32_t>(count_++);
    slots_[i] = (static_cast<uint64_t>(tag) << 32) | (id + 1);
    hashes_.push_back(hash);
    data_.insert(data_.end(), key.begin(), key.end());
    offsets_.push_back(data_.size());
    if (id == 0) {
      fixed_len_ = static_cast<int64_t>(key.size());
    } else if (fixed_len_ != static_cast<int64_t>(key.size())) {
      fixed_len_ = -1;
    }
    if (inserted) *inserted = true;
    return id;
  }

  // The id of `key`, or -1.
  int64_t Find(std::string_view key, uint64_t hash) const {
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    size_t i = hash & mask_;
    while (true) {
      const uint64_t s = slots_[i];
      if (s == 0) return -1;
      if (static_cast<uint32_t>(s >> 32) == tag) {
        const uint32_t id = static_cast<uint32_t>(s) - 1;
        if (KeyEquals(id, key)) return id;
      }
      i = (i + 1) & mask_;
    }
  }

  size_t size() const { return count_; }
  std::string_view key(uint32_t id) const {
    return {reinterpret_cast<const char*>(data_.data() + offsets_[id]), offsets_[id + 1] - offsets_[id]};
  }
  uint64_t hash(uint32_t id) const { return hashes_[id]; }
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(slots_.capacity() * 8 + hashes_.capacity() * 8 + offsets_.capacity() * 8 +
                                data_.capacity());
  }
  void Clear() {
    count_ = 0;
    fixed_len_ = -1;
    hashes_.clear();
    data_.clear();
    offsets_.assign(1, 0);
    Rehash(1024);
  }

 private:
  bool KeyEquals(uint32_t id, std::string_view key) const {
    const uint8_t* stored;
    if (fixed_len_ >= 0) {
      // Every key has one length (fixed-width group/join keys): no offsets lookup.
      if (static_cast<int64_t>(key.size()) != fixed_len_) return false;
      stored = data_.data() + static_cast<uint64_t>(id) * key.size();
    } else {
      const uint64_t b = offsets_[id], e = offsets_[id + 1];
      if (e - b != key.size()) return false;
      stored = data_.data() + b;
    }
    return BytesEqual(stored, reinterpret_cast<const uint8_t*>(key.data()), key.size());
  }
  static bool BytesEqual(const uint8_t* a, const uint8_t* b, size_t n) {
    if (n >= 8 && n <= 16) {
      uint64_t a0, a1, b0, b1;
      std::memcpy(&a0, a, 8);
      std::memcpy(&b0, b, 8);
      std::memcpy(&a1, a + n - 8, 8);
      std::memcpy(&b1, b + n - 8, 8);
      return a0 == b0 && a1 == b1;
    }
    return n == 0 || std::memcmp(a, b, n) == 0;
  }
  void Rehash(size_t n) {
    slots_.assign(n, 0);
    mask_ = n - 1;
    for (size_t id = 0; id < count_; ++id) {
      const uint64_t h = hashes_[id];
      size_t i = h & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = (static_cast<uint64_t>(static_cast<uint32_t>(h >> 32)) << 32) | (id + 1);
    }
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> data_;
  std::vector<uint64_t> offsets_{0};
  int64_t fixed_len_ = -1;  // the length of every key, or -1
};

}  // namespace tide::exec::internal
