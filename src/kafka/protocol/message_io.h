// Internal helpers for the per-API .cc files; not part of the protocol's public interface.
//
// Each message's layout is written once, as a template over the IO type:
//
//   template <class IO, class M>
//   void ProduceRequestFields(IO& io, M& m, int16_t v) {   // M = T (decode) or const T (encode)
//     if (v >= 3) io.NullableString("transactional_id", m.transactional_id);
//     ...
//   }
//   TIDE_KAFKA_MESSAGE_CODEC(ProduceRequest, ProduceRequestFields)
//
// and the macro defines T::Decode (Reader) and T::Encode (Writer) from it, so the two directions
// cannot drift apart. The macro sets the IO's flexible mode from IsFlexible(T::kApiKey, version).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

#define TIDE_KAFKA_CODEC_WITH_FLEX_(Type, Fields, flex_expr)                                    \
  ::tide::base::Status Type::Decode(Reader& r, int16_t version) {                              \
    *this = Type{};                                                                            \
    bool saved = r.flexible();                                                                 \
    r.set_flexible(flex_expr);                                                                 \
    Fields(r, *this, version);                                                                 \
    r.set_flexible(saved);                                                                     \
    if (!r.ok()) return r.status().WithContext(std::string(#Type " v") + std::to_string(version)); \
    return ::tide::base::Status::OK();                                                         \
  }                                                                                            \
  void Type::Encode(Writer& w, int16_t version) const {                                        \
    bool saved = w.flexible();                                                                 \
    w.set_flexible(flex_expr);                                                                 \
    Fields(w, *this, version);                                                                 \
    w.set_flexible(saved);                                                                     \
  }

// Decode/Encode for a request or response body of API Type::kApiKey.
#define TIDE_KAFKA_MESSAGE_CODEC(Type, Fields) \
  TIDE_KAFKA_CODEC_WITH_FLEX_(Type, Fields, ::tide::kafka::IsFlexible(Type::kApiKey, version))

// Decode/Encode for a payload that is never flexible (the consumer protocol's embedded bytes).
#define TIDE_KAFKA_NONFLEXIBLE_CODEC(Type, Fields) TIDE_KAFKA_CODEC_WITH_FLEX_(Type, Fields, false)

namespace tide::kafka::internal {

// A string that is nullable only from some version on: before that the wire form is a plain
// string and a null value is written as "".
inline void MaybeNullableString(Reader& r, const char* f, std::optional<std::string>& v, bool nullable) {
  if (nullable) {
    r.NullableString(f, v);
  } else {
    std::string s;
    r.String(f, s);
    v = std::move(s);
  }
}
inline void MaybeNullableString(Writer& w, const char* f, const std::optional<std::string>& v, bool nullable) {
  if (nullable) {
    w.NullableString(f, v);
  } else {
    w.String(f, v ? *v : std::string());
  }
}

// An array that is nullable only from some version on: before that null is written as empty.
template <class T, class F>
void MaybeNullableArray(Reader& r, const char* f, std::optional<std::vector<T>>& v, bool nullable, F&& fn) {
  if (nullable) {
    r.NullableArray(f, v, fn);
  } else {
    v.emplace();
    r.Array(f, *v, fn);
  }
}
template <class T, class F>
void MaybeNullableArray(Writer& w, const char* f, const std::optional<std::vector<T>>& v, bool nullable, F&& fn) {
  if (nullable) {
    w.NullableArray(f, v, fn);
  } else {
    w.Array(f, v ? *v : std::vector<T>{}, fn);
  }
}

template <class IO, class V>
void Int32Array(IO& io, const char* f, V& v) {
  io.Array(f, v, [&](auto& x) { io.Int32(f, x); });
}
template <class IO, class V>
void Int64Array(IO& io, const char* f, V& v) {
  io.Array(f, v, [&](auto& x) { io.Int64(f, x); });
}
template <class IO, class V>
void StringArray(IO& io, const char* f, V& v) {
  io.Array(f, v, [&](auto& x) { io.String(f, x); });
}

}  // namespace tide::kafka::internal
