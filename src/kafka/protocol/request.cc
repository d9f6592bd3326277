#include "kafka/protocol/request.h"

#include <string>
#include <utility>

#include "base/endian.h"

namespace tide::kafka {

namespace {

constexpr ApiKey kNoApiKey = static_cast<ApiKey>(-1);

// Decodes alternative I+1 of V (index 0 is std::monostate) when its kApiKey is `key`.
template <class V, size_t... I>
bool DecodeAlternative(ApiKey key, int16_t version, Reader& r, V& out, base::Status& st,
                       std::index_sequence<I...>) {
  auto one = [&](auto tag) {
    using T = std::variant_alternative_t<decltype(tag)::value + 1, V>;
    if (T::kApiKey != key) return false;
    T msg;
    st = msg.Decode(r, version);
    if (st.ok()) out = std::move(msg);
    return true;
  };
  return (one(std::integral_constant<size_t, I>{}) || ...);
}

template <class V>
base::Status DecodeBody(ApiKey key, int16_t version, Reader& r, V& out) {
  base::Status st;
  if (!DecodeAlternative(key, version, r, out, st, std::make_index_sequence<std::variant_size_v<V> - 1>{})) {
    return base::Status::Unsupported("no codec for API key " + std::to_string(static_cast<int>(key)));
  }
  return st;
}

template <class V>
ApiKey BodyApiKey(const V& body) {
  return std::visit(
      [](const auto& b) -> ApiKey {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return kNoApiKey;
        } else {
          return T::kApiKey;
        }
      },
      body);
}

template <class V>
void EncodeBody(const V& body, int16_t version, Writer& w) {
  std::visit(
      [&](const auto& b) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(b)>, std::monostate>) b.Encode(w, version);
      },
      body);
}

std::string Describe(const RequestHeader& h) {
  return std::string(ApiKeyName(h.api_key)) + " v" + std::to_string(h.api_version) + " request (correlation id " +
         std::to_string(h.correlation_id) + ")";
}

}  // namespace

ApiKey RequestBodyApiKey(const RequestBody& body) { return BodyApiKey(body); }
ApiKey ResponseBodyApiKey(const ResponseBody& body) { return BodyApiKey(body); }

base::Result<Request> DecodeRequest(std::span<const uint8_t> frame) {
  // api_key, api_version and correlation_id come first in every header version.
  if (frame.size() < 8) {
    return base::Status::Corruption("request header: frame of " + std::to_string(frame.size()) +
                                    " bytes is shorter than the 8-byte fixed header");
  }
  Request req;
  auto key = static_cast<ApiKey>(static_cast<int16_t>(base::LoadBigEndian16(frame.data())));
  auto version = static_cast<int16_t>(base::LoadBigEndian16(frame.data() + 2));
  const bool implemented = FindSupportedApi(key) != nullptr;
  if (!implemented) {
    req.disposition = RequestDisposition::kUnknownApiKey;
  } else if (!IsSupportedVersion(key, version)) {
    req.disposition = RequestDisposition::kUnsupportedVersion;
  }
  req.header_version = RequestHeaderVersion(key, version);

  Reader r(frame);
  base::Status st = req.header.Decode(r, req.header_version);
  if (!st.ok()) {
    if (req.disposition == RequestDisposition::kDecoded) return st;
    // Enough to answer with an error; the rest of a header we cannot interpret is not needed.
    req.header = RequestHeader{};
    req.header.api_key = key;
    req.header.api_version = version;
    req.header.correlation_id = static_cast<int32_t>(base::LoadBigEndian32(frame.data() + 4));
    return req;
  }
  if (req.disposition != RequestDisposition::kDecoded) return req;

  st = DecodeBody(key, version, r, req.body);
  if (!st.ok()) return st.WithContext(Describe(req.header));
  req.trailing_bytes = r.remaining();
  return req;
}

void EncodeResponse(const ResponseHeader& header, const ResponseBody& body, int16_t version,
                    std::vector<uint8_t>& out) {
  Writer w(out);
  header.Encode(w, ResponseHeaderVersion(ResponseBodyApiKey(body), version));
  EncodeBody(body, version, w);
}

std::vector<uint8_t> EncodeResponseFrame(const ResponseHeader& header, const ResponseBody& body, int16_t version) {
  std::vector<uint8_t> out;
  Writer w(out);
  size_t pos = w.ReserveInt32();
  EncodeResponse(header, body, version, out);
  w.PatchInt32(pos, static_cast<int32_t>(out.size() - pos - 4));
  return out;
}

void EncodeRequest(const RequestHeader& header, const RequestBody& body, std::vector<uint8_t>& out) {
  Writer w(out);
  header.Encode(w, RequestHeaderVersion(header.api_key, header.api_version));
  EncodeBody(body, header.api_version, w);
}

base::Result<Response> DecodeResponse(ApiKey key, int16_t version, std::span<const uint8_t> frame) {
  Response resp;
  Reader r(frame);
  TIDE_RETURN_IF_ERROR(resp.header.Decode(r, ResponseHeaderVersion(key, version)));
  base::Status st = DecodeBody(key, version, r, resp.body);
  if (!st.ok()) {
    return st.WithContext(std::string(ApiKeyName(key)) + " v" + std::to_string(version) + " response");
  }
  return resp;
}

}  // namespace tide::kafka
