// Broker: answers Kafka protocol requests on top of Tide's log (DESIGN.md, kafka layer).
//
// One handler per API key, as Redpanda's kafka layer does; request and response types come
// from src/kafka/protocol, which handles every version, so handlers see one shape per API.
// Tide runs as a single-node cluster: this broker is the leader of every partition, the
// group coordinator and the transaction coordinator.
//
// Unknown API keys and versions: ApiVersions of any version is answered (KIP-511: an
// UNSUPPORTED_VERSION error listing what the broker supports, in the v0 layout every client
// reads). Any other API or version outside SupportedApis() cannot be parsed, so — like Kafka —
// the connection is closed with a log line naming the client, the API and the version.
//
// Threading: every method runs on the network EventLoop's thread (`loop`). Produce appends —
// CRC checks, sequence checks and the write to the segment, most of a produce's cost — run
// instead on BrokerOptions::append_loop when one is given (the server's `tide-log` thread), so
// that the network thread reads and decodes the next requests meanwhile:
//   tide-net: decode, per-partition checks, transactional check ─▶ post to append_loop
//   tide-log: PartitionLog::Append for each partition, in order ─▶ post back to tide-net
//   tide-net: fill in the response, metrics, reply, wake parked fetches (OnLogAppended)
// A request with less than 64 KiB of records (inline_append_max_bytes) is appended inline
// instead when no append is queued (no hand-off for small, latency-bound produces; order is
// kept since every earlier append has completed). The request's bytes are retained (RequestFrame::Retain), not copied.
// One append thread runs the appends of all connections in the order the network thread read
// them, so appends to a partition keep request order; idempotent sequence checks, epochs and
// flush.messages (fsync before the answer) are all decided inside Append, so they behave as
// with inline appends.
// Transaction markers are still written on the network thread; PartitionLog serializes them
// with appends, and a transactional client ends a transaction only after its produces were
// acknowledged (as Kafka requires), so no acknowledged batch can follow its marker.
// Requests other than Produce wait for their connection's earlier produces (KafkaListener).
// The append loop must be stopped (its queue drained) while `loop` still runs, before the
// Broker is destroyed: completions are posted back to `loop` and refer to the Broker.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "io/event_loop.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/fetch.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/server/network.h"
#include "kafka/server/producer_ids.h"

namespace tide::log {
class LogManager;
}

namespace tide::kafka {

class GroupCoordinator;
class TransactionCoordinator;

// A partition's fetched records shorter than this are copied into the Fetch response rather
// than sent from the file with sendfile.
inline constexpr size_t kZeroCopyFetchMinBytes = 16 * 1024;

struct BrokerOptions {
  int32_t node_id = 0;
  // The address clients are told to connect to (Metadata, FindCoordinator).
  std::string advertised_host = "127.0.0.1";
  int32_t advertised_port = 9092;
  std::string cluster_id;
  bool auto_create_topics = true;  // auto.create.topics.enable
  int32_t default_partitions = 1;  // num.partitions
  int32_t fetch_max_wait_cap_ms = 30000;
  // Where produce appends run (see the threading note above); null: inline on the network loop.
  io::EventLoop* append_loop = nullptr;
  // Requests with fewer record bytes are appended inline while no append is queued (tests set
  // 0 to send every append through append_loop).
  size_t inline_append_max_bytes = 64 * 1024;
};

class Broker : public RequestHandler {
 public:
  Broker(io::EventLoop* loop, log::LogManager* logs, GroupCoordinator* groups, TransactionCoordinator* txns,
         ProducerIdManager* producer_ids, base::MetricsRegistry* metrics, BrokerOptions options);
  ~Broker() override;

  base::Status Handle(const ConnectionInfo& connection, const RequestFrame& frame, Responder responder) override;
  void ConnectionClosed(uint64_t connection_id) override;
  // Answers every parked long-poll fetch now (with what is available) before shutdown.
  void CompletePendingFetches();
  // The address Metadata and FindCoordinator give clients (known once the listener is bound).
  void SetAdvertisedAddress(const std::string& host, int32_t port) {
    options_.advertised_host = host;
    options_.advertised_port = port;
  }
  // Re-checks parked fetches; the transaction coordinator calls it after writing markers.
  void OnLogAppended();

  // Per-request state shared by the handlers.
  struct Context {
    ConnectionInfo connection;
    RequestHeader header;
    Responder respond;
    int64_t start_ns = 0;
  };

 private:
  // A Fetch parked until min_bytes are available or max_wait_ms passes (long polling).
  struct PendingFetch {
    Context ctx;
    FetchRequest request;
    io::EventLoop::TimerId timer = 0;
    // Its connection closed. Marked rather than erased because a connection can close while
    // OnLogAppended walks the list (a reply's send fails); PruneAbandonedFetches erases later.
    bool abandoned = false;
  };
  void PruneAbandonedFetches();
  template <class Response>
  void Reply(const Context& ctx, const Response& response);
  template <class Request>
  base::Status DecodeBody(Reader& r, const Context& ctx, Request* request);

  base::Status HandleApiVersions(Context ctx, Reader& r);
  base::Status HandleMetadata(Context ctx, Reader& r);
  struct ProduceWork;
  base::Status HandleProduce(Context ctx, Reader& r, const RequestFrame& frame);
  static void RunAppends(ProduceWork& work);
  void FinishProduce(ProduceWork& work);
  base::Status HandleFetch(Context ctx, Reader& r);
  base::Status HandleListOffsets(Context ctx, Reader& r);
  base::Status HandleOffsetForLeaderEpoch(Context ctx, Reader& r);
  base::Status HandleCreateTopics(Context ctx, Reader& r);
  base::Status HandleDeleteTopics(Context ctx, Reader& r);
  base::Status HandleCreatePartitions(Context ctx, Reader& r);
  base::Status HandleDescribeConfigs(Context ctx, Reader& r);
  base::Status HandleAlterConfigs(Context ctx, Reader& r);
  base::Status HandleIncrementalAlterConfigs(Context ctx, Reader& r);
  base::Status HandleDeleteRecords(Context ctx, Reader& r);
  base::Status HandleDescribeCluster(Context ctx, Reader& r);
  base::Status HandleFindCoordinator(Context ctx, Reader& r);
  base::Status HandleInitProducerId(Context ctx, Reader& r);
  base::Status HandleSaslHandshake(Context ctx, Reader& r);
  base::Status HandleSaslAuthenticate(Context ctx, Reader& r);
  base::Status HandleGroupApi(Context ctx, Reader& r);
  base::Status HandleTransactionalInitProducerId(Context ctx, const InitProducerIdRequest& req);
  base::Status HandleTransactionApi(Context ctx, Reader& r);

  // What a Fetch response's Records point at; must outlive the response's encoding.
  struct FetchedRecords {
    std::deque<io::FileRegion> regions;        // deques: elements stay put while more are added
    std::deque<std::vector<uint8_t>> copies;
  };
  // Builds the Fetch response from what is readable now; `bytes` gets the total record bytes.
  // A partition's records of kZeroCopyFetchMinBytes or more are not read: its Records names the
  // region of the segment file, which goes out with sendfile. Smaller ones are read into
  // `copies` (a small, latency-bound fetch stays one write, one packet).
  FetchResponse ReadFetch(const FetchRequest& req, int16_t version, FetchedRecords* records, size_t* bytes);
  // Reply for a Fetch: the file regions of its records are sent from the files, not copied.
  void ReplyFetch(const Context& ctx, const FetchResponse& response);
  void FinishFetch(std::list<PendingFetch>::iterator it);
  ErrorCode CheckTransactional(const std::string& transactional_id, const std::string& topic, int32_t partition,
                               std::span<const uint8_t> records) const;
  void GroupConnectionClosed(uint64_t connection_id);
  int32_t PartitionCount(const std::string& topic) const;  // 0 when the topic does not exist
  base::Status ValidateNewTopic(const std::string& name, int32_t partitions,
                                const std::map<std::string, std::string>& configs) const;
  base::Status AlterConfigs(const std::string& topic, const std::map<std::string, std::string>& set,
                            const std::vector<std::string>& remove, bool validate_only);
  bool EnsureTopic(const std::string& topic, bool allow_create, int16_t* error);

  io::EventLoop* loop_;
  log::LogManager* logs_;
  GroupCoordinator* groups_;
  TransactionCoordinator* txns_;
  ProducerIdManager* producer_ids_;
  BrokerOptions options_;
  std::list<PendingFetch> pending_fetches_;
  // Produce requests posted to the append loop whose completion has not run yet.
  size_t appends_in_flight_ = 0;

  base::Family<base::Counter>* requests_total_;
  base::Family<base::Histogram>* request_seconds_;
  base::Family<base::Counter>* produced_records_;
  base::Family<base::Counter>* produced_bytes_;
  base::Family<base::Counter>* fetched_bytes_;
  base::Family<base::Counter>* produce_errors_;
  base::Family<base::Counter>* produce_duplicates_;
};

}  // namespace tide::kafka
