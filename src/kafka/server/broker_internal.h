// Internal to the broker's handler files: shared helpers and template definitions.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/wire.h"
#include "kafka/server/broker.h"

namespace tide::kafka {

// The Kafka error closest to a storage-layer Status.
ErrorCode ErrorForStatus(const base::Status& s);

template <class Response>
void Broker::Reply(const Context& ctx, const Response& response) {
  std::vector<uint8_t> out;
  out.reserve(256);
  Writer w(out);
  ResponseHeader header{ctx.header.correlation_id};
  header.Encode(w, ResponseHeaderVersion(ctx.header.api_key, ctx.header.api_version));
  response.Encode(w, ctx.header.api_version);
  std::string api(ApiKeyName(ctx.header.api_key));
  request_seconds_->WithLabels({api}).Observe(static_cast<double>(base::MonotonicNanos() - ctx.start_ns) / 1e9);
  ctx.respond(std::move(out));
}

inline void Broker::ReplyFetch(const Context& ctx, const FetchResponse& response) {
  std::vector<uint8_t> out;
  out.reserve(256);
  Writer w(out);
  Writer::FileSink files;
  w.set_file_sink(&files);
  ResponseHeader header{ctx.header.correlation_id};
  header.Encode(w, ResponseHeaderVersion(ctx.header.api_key, ctx.header.api_version));
  response.Encode(w, ctx.header.api_version);
  request_seconds_->WithLabels({std::string(ApiKeyName(ctx.header.api_key))})
      .Observe(static_cast<double>(base::MonotonicNanos() - ctx.start_ns) / 1e9);
  ctx.respond(ResponseFrame(std::move(out), std::move(files)));
}

template <class Request>
base::Status Broker::DecodeBody(Reader& r, const Context& ctx, Request* request) {
  base::Status s = request->Decode(r, ctx.header.api_version);
  if (!s.ok()) {
    return s.WithContext(std::string(ApiKeyName(ctx.header.api_key)) + " v" + std::to_string(ctx.header.api_version) +
                         " request (correlation id " + std::to_string(ctx.header.correlation_id) + ")");
  }
  return base::Status::OK();
}

}  // namespace tide::kafka
