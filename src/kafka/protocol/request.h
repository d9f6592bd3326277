// Top-level request/response dispatch: the entry points the broker's connection code calls.
//
// Framing: on the wire every request and response is preceded by a 4-byte big-endian size. The
// CONNECTION owns that prefix: it reads the size, collects exactly that many bytes and passes
// them (without the prefix) to DecodeRequest; for responses it reserves 4 bytes, calls
// EncodeResponse to append header + body, and patches the size in (or uses EncodeResponseFrame,
// which does all three).
//
//   auto req = DecodeRequest(frame);              // frame = bytes after the size prefix
//   if (!req.ok()) -> malformed header or body: close the connection (as Kafka does)
//   switch (req->disposition):
//     kDecoded            -> std::get<ProduceRequest>(req->body), ... ; answer with the matching
//                            *Response at req->header.api_version
//     kUnsupportedVersion -> answer with the API's error response (UNSUPPORTED_VERSION); for
//                            ApiVersions that is MakeUnsupportedApiVersionsResponse() at v0
//     kUnknownApiKey      -> Kafka closes the connection
//
// Lifetime: a decoded request may point into `frame` (Records in Produce), so keep the frame
// alive while the request is in use.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/add_offsets_to_txn.h"
#include "kafka/protocol/add_partitions_to_txn.h"
#include "kafka/protocol/alter_configs.h"
#include "kafka/protocol/api_versions.h"
#include "kafka/protocol/create_partitions.h"
#include "kafka/protocol/create_topics.h"
#include "kafka/protocol/delete_groups.h"
#include "kafka/protocol/delete_records.h"
#include "kafka/protocol/delete_topics.h"
#include "kafka/protocol/describe_cluster.h"
#include "kafka/protocol/describe_configs.h"
#include "kafka/protocol/describe_groups.h"
#include "kafka/protocol/end_txn.h"
#include "kafka/protocol/fetch.h"
#include "kafka/protocol/find_coordinator.h"
#include "kafka/protocol/heartbeat.h"
#include "kafka/protocol/incremental_alter_configs.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/protocol/join_group.h"
#include "kafka/protocol/leave_group.h"
#include "kafka/protocol/list_groups.h"
#include "kafka/protocol/list_offsets.h"
#include "kafka/protocol/metadata.h"
#include "kafka/protocol/offset_commit.h"
#include "kafka/protocol/offset_delete.h"
#include "kafka/protocol/offset_fetch.h"
#include "kafka/protocol/offset_for_leader_epoch.h"
#include "kafka/protocol/produce.h"
#include "kafka/protocol/sasl_authenticate.h"
#include "kafka/protocol/sasl_handshake.h"
#include "kafka/protocol/sync_group.h"
#include "kafka/protocol/txn_offset_commit.h"

namespace tide::kafka {

// One alternative per supported API; std::monostate when no body was decoded.
using RequestBody = std::variant<std::monostate,
                                 ProduceRequest,
                                 FetchRequest,
                                 ListOffsetsRequest,
                                 MetadataRequest,
                                 OffsetCommitRequest,
                                 OffsetFetchRequest,
                                 FindCoordinatorRequest,
                                 JoinGroupRequest,
                                 HeartbeatRequest,
                                 LeaveGroupRequest,
                                 SyncGroupRequest,
                                 DescribeGroupsRequest,
                                 ListGroupsRequest,
                                 SaslHandshakeRequest,
                                 ApiVersionsRequest,
                                 CreateTopicsRequest,
                                 DeleteTopicsRequest,
                                 DeleteRecordsRequest,
                                 InitProducerIdRequest,
                                 OffsetForLeaderEpochRequest,
                                 AddPartitionsToTxnRequest,
                                 AddOffsetsToTxnRequest,
                                 EndTxnRequest,
                                 TxnOffsetCommitRequest,
                                 DescribeConfigsRequest,
                                 AlterConfigsRequest,
                                 SaslAuthenticateRequest,
                                 CreatePartitionsRequest,
                                 DeleteGroupsRequest,
                                 IncrementalAlterConfigsRequest,
                                 OffsetDeleteRequest,
                                 DescribeClusterRequest>;
using ResponseBody = std::variant<std::monostate,
                                  ProduceResponse,
                                  FetchResponse,
                                  ListOffsetsResponse,
                                  MetadataResponse,
                                  OffsetCommitResponse,
                                  OffsetFetchResponse,
                                  FindCoordinatorResponse,
                                  JoinGroupResponse,
                                  HeartbeatResponse,
                                  LeaveGroupResponse,
                                  SyncGroupResponse,
                                  DescribeGroupsResponse,
                                  ListGroupsResponse,
                                  SaslHandshakeResponse,
                                  ApiVersionsResponse,
                                  CreateTopicsResponse,
                                  DeleteTopicsResponse,
                                  DeleteRecordsResponse,
                                  InitProducerIdResponse,
                                  OffsetForLeaderEpochResponse,
                                  AddPartitionsToTxnResponse,
                                  AddOffsetsToTxnResponse,
                                  EndTxnResponse,
                                  TxnOffsetCommitResponse,
                                  DescribeConfigsResponse,
                                  AlterConfigsResponse,
                                  SaslAuthenticateResponse,
                                  CreatePartitionsResponse,
                                  DeleteGroupsResponse,
                                  IncrementalAlterConfigsResponse,
                                  OffsetDeleteResponse,
                                  DescribeClusterResponse>;

// The API key of a body's type; static_cast<ApiKey>(-1) for std::monostate.
ApiKey RequestBodyApiKey(const RequestBody& body);
ApiKey ResponseBodyApiKey(const ResponseBody& body);

enum class RequestDisposition {
  kDecoded,             // header and body decoded; body holds the request
  kUnsupportedVersion,  // known API, version outside SupportedApis(): body is monostate
  kUnknownApiKey,       // an API key Tide does not implement: body is monostate
};

struct Request {
  RequestHeader header;
  int16_t header_version = 1;
  RequestDisposition disposition = RequestDisposition::kDecoded;
  RequestBody body;
  // Bytes after the body (Kafka ignores them; so does Tide).
  size_t trailing_bytes = 0;
};

// Decodes one request frame (the bytes after the 4-byte size prefix). Errors (Corruption) mean
// the header or the body is malformed. For unsupported versions and unknown keys only the
// header is decoded; if even the client_id of such a header is unreadable, the fixed fields
// (api_key, api_version, correlation_id) are still returned so an error response can be sent.
base::Result<Request> DecodeRequest(std::span<const uint8_t> frame);

// Appends the response header (version ResponseHeaderVersion(key, version)) and the body encoded
// at `version`. No size prefix. The body must not be std::monostate.
void EncodeResponse(const ResponseHeader& header, const ResponseBody& body, int16_t version,
                    std::vector<uint8_t>& out);
// The same with the 4-byte size prefix in front: a complete frame ready for the socket.
std::vector<uint8_t> EncodeResponseFrame(const ResponseHeader& header, const ResponseBody& body, int16_t version);

// The client direction (tests, a future Tide client): request header (version
// RequestHeaderVersion(header.api_key, header.api_version)) + body at header.api_version,
// without size prefix; and the decoding of a response frame to a request of (key, version).
void EncodeRequest(const RequestHeader& header, const RequestBody& body, std::vector<uint8_t>& out);
struct Response {
  ResponseHeader header;
  ResponseBody body;
};
base::Result<Response> DecodeResponse(ApiKey key, int16_t version, std::span<const uint8_t> frame);

}  // namespace tide::kafka
