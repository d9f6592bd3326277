#include "kafka/server/network.h"

#include "base/endian.h"
#include "base/logging.h"

namespace tide::kafka {

using base::Status;

struct KafkaListener::Connection {
  std::shared_ptr<io::TcpConnection> tcp;
  ConnectionInfo info;
  uint64_t next_sequence = 0;     // given to the next request read
  uint64_t next_to_send = 0;      // the response that must go out next
  int64_t last_produce = -1;      // sequence of the latest Produce handed to the handler
  size_t in_flight_bytes = 0;     // frame bytes of requests handed over and not yet answered
  std::map<uint64_t, size_t> frame_bytes;  // sequence -> frame size, for those requests
  // Completed responses waiting for an earlier one (nullopt: no response for that request).
  std::map<uint64_t, std::optional<ResponseFrame>> ready;
  bool dropped = false;
  bool parsing = false;  // inside OnData: a synchronous response must not re-enter it
};

KafkaListener::KafkaListener(io::EventLoop* loop, RequestHandler* handler, base::MetricsRegistry* metrics,
                             Options options)
    : loop_(loop), handler_(handler), options_(options) {
  connections_gauge_ = &metrics->AddGauge("tide_kafka_connections", "Open Kafka protocol connections").Get();
  accepted_total_ = &metrics->AddCounter("tide_kafka_connections_accepted_total", "Kafka connections accepted").Get();
  bytes_in_ = &metrics->AddCounter("tide_kafka_request_bytes_total", "Bytes of Kafka requests received").Get();
  bytes_out_ = &metrics->AddCounter("tide_kafka_response_bytes_total", "Bytes of Kafka responses sent").Get();
  dropped_total_ = &metrics->AddCounter("tide_kafka_connections_dropped_total",
                                        "Kafka connections closed by the broker for malformed or oversized requests")
                        .Get();
}

KafkaListener::~KafkaListener() { Close(); }

Status KafkaListener::Listen(const std::string& host_port) {
  TIDE_ASSIGN_OR_RETURN(listener_, io::TcpListener::Listen(loop_, host_port, [this](int fd, std::string peer) {
                          OnAccept(fd, std::move(peer));
                        }));
  return Status::OK();
}

void KafkaListener::Close() {
  if (listener_) listener_->Close();
  auto conns = std::move(connections_);
  connections_.clear();
  for (auto& [id, c] : conns) {
    c->dropped = true;
    c->tcp->Close();
  }
  connections_gauge_->Set(0);
}

void KafkaListener::OnAccept(int fd, std::string peer) {
  auto conn = std::make_shared<Connection>();
  std::weak_ptr<Connection> weak = conn;
  auto tcp = io::TcpConnection::Adopt(
      loop_, fd, peer,
      [this, weak](io::TcpConnection&) {
        if (auto c = weak.lock()) OnData(*c);
      },
      [this, weak](io::TcpConnection& t) {
        auto c = weak.lock();
        if (!c) return;
        c->dropped = true;
        handler_->ConnectionClosed(c->info.id);
        connections_.erase(c->info.id);
        connections_gauge_->Set(static_cast<double>(connections_.size()));
      });
  if (!tcp.ok()) {
    base::LogWarn("kafka", "cannot accept connection", {{"client", peer}, {"error", tcp.status().message()}});
    return;
  }
  conn->tcp = *tcp;
  conn->info.id = conn->tcp->id();
  conn->info.peer = peer;
  connections_[conn->info.id] = conn;
  accepted_total_->Increment();
  connections_gauge_->Set(static_cast<double>(connections_.size()));
}

void KafkaListener::Drop(Connection& c, const std::string& reason) {
  base::LogWarn("kafka", "closing connection", {{"client", c.info.peer}, {"reason", reason}});
  dropped_total_->Increment();
  c.dropped = true;
  c.tcp->Close();
}

void KafkaListener::OnData(Connection& c) {
  auto it = connections_.find(c.info.id);
  if (it == connections_.end()) return;
  std::shared_ptr<Connection> keep = it->second;  // survives a Drop below
  c.parsing = true;
  std::span<const uint8_t> in = c.tcp->input();
  size_t pos = 0;
  size_t partial = 0;    // the size of a frame that is not complete yet
  bool blocked = false;  // stopped for requests in flight: read no more until they complete
  while (!c.dropped && in.size() - pos >= 4) {
    if (c.next_sequence - c.next_to_send >= options_.max_in_flight_per_connection ||
        (c.in_flight_bytes > 0 && c.in_flight_bytes >= options_.max_in_flight_bytes_per_connection)) {
      blocked = true;
      break;
    }
    int32_t size = static_cast<int32_t>(base::LoadBigEndian32(in.data() + pos));
    if (size < 0) {
      Drop(c, "negative request size " + std::to_string(size));
      return;
    }
    if (size > options_.max_request_bytes) {
      Drop(c, "request of " + std::to_string(size) + " bytes exceeds socket.request.max.bytes (" +
                  std::to_string(options_.max_request_bytes) + ")");
      return;
    }
    if (in.size() - pos - 4 < static_cast<size_t>(size)) {
      partial = 4 + static_cast<size_t>(size);
      break;
    }
    RequestFrame frame{in.subspan(pos + 4, static_cast<size_t>(size)), c.tcp.get()};
    // Produce requests pipeline; anything else waits until the earlier ones are answered.
    bool produce = size >= 2 && base::LoadBigEndian16(frame.bytes.data()) == 0;  // api key 0
    if (!produce && c.last_produce >= static_cast<int64_t>(c.next_to_send)) {
      blocked = true;
      break;
    }
    pos += 4 + static_cast<size_t>(size);
    bytes_in_->Increment(4.0 + size);
    uint64_t sequence = c.next_sequence++;
    if (produce) c.last_produce = static_cast<int64_t>(sequence);
    c.in_flight_bytes += static_cast<size_t>(size);
    c.frame_bytes[sequence] = static_cast<size_t>(size);
    std::weak_ptr<Connection> weak = keep;
    Status s = handler_->Handle(c.info, frame, [this, weak, sequence](std::optional<ResponseFrame> response) {
      if (auto conn = weak.lock()) Deliver(*conn, sequence, std::move(response));
    });
    if (!s.ok()) {
      Drop(c, s.message());
      return;
    }
  }
  c.parsing = false;
  if (c.dropped) return;
  c.tcp->Consume(pos);
  // Deliver() runs this again when a response completes, which unblocks it.
  c.tcp->PauseInput(blocked);
  // Read the rest of a large frame into one piece that ends where the frame does.
  if (partial > 0) c.tcp->ExpectInput(partial);
}

void KafkaListener::Deliver(Connection& c, uint64_t sequence, std::optional<ResponseFrame> response) {
  if (c.dropped) return;
  if (auto it = c.frame_bytes.find(sequence); it != c.frame_bytes.end()) {
    c.in_flight_bytes -= it->second;
    c.frame_bytes.erase(it);
  }
  c.ready[sequence] = std::move(response);
  while (!c.ready.empty() && c.ready.begin()->first == c.next_to_send) {
    auto node = c.ready.extract(c.ready.begin());
    if (node.mapped()) {
      ResponseFrame& body = *node.mapped();
      size_t total = body.size();
      uint8_t size[4];
      base::StoreBigEndian32(size, static_cast<uint32_t>(total));
      bytes_out_->Increment(4.0 + static_cast<double>(total));
      // Queued without a copy if the socket is full; file regions go out with sendfile.
      c.tcp->SendWithFiles(size, 4, std::move(body.bytes), std::move(body.files));
    }
    c.next_to_send++;
    if (c.dropped || c.tcp->closed()) return;
  }
  // Requests left unread (too many in flight, or waiting for earlier produces) may go now.
  if (!c.parsing && !c.tcp->input().empty()) OnData(c);
}

}  // namespace tide::kafka
