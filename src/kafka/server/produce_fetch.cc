// Produce, Fetch (with long polling), ListOffsets, OffsetForLeaderEpoch and InitProducerId.
#include <algorithm>
#include <climits>
#include <deque>
#include <memory>
#include <optional>

#include "base/logging.h"
#include "kafka/protocol/fetch.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/protocol/list_offsets.h"
#include "kafka/protocol/offset_for_leader_epoch.h"
#include "kafka/protocol/produce.h"
#include "kafka/server/broker_internal.h"
#include "log/log_manager.h"
#include "log/partition_log.h"

namespace tide::kafka {

using base::Status;

namespace {

ErrorCode ErrorForAppend(log::AppendError e, const Status& s) {
  switch (e) {
    case log::AppendError::kNone: return ErrorForStatus(s);
    case log::AppendError::kCorruptMessage: return ErrorCode::kCorruptMessage;
    case log::AppendError::kInvalidRecord: return ErrorCode::kInvalidRecord;
    case log::AppendError::kMessageTooLarge: return ErrorCode::kMessageTooLarge;
    case log::AppendError::kOutOfOrderSequence: return ErrorCode::kOutOfOrderSequenceNumber;
    case log::AppendError::kDuplicateSequence: return ErrorCode::kDuplicateSequenceNumber;
    case log::AppendError::kInvalidProducerEpoch: return ErrorCode::kInvalidProducerEpoch;
    case log::AppendError::kUnsupportedForMessageFormat: return ErrorCode::kUnsupportedForMessageFormat;
    case log::AppendError::kStorageError: return ErrorCode::kKafkaStorageError;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace

// ---- Produce ----

// One Produce request on its way through the append thread and back.
struct Broker::ProduceWork {
  struct Append {
    size_t topic = 0;      // indexes into resp.responses / partition_responses
    size_t partition = 0;
    std::shared_ptr<log::PartitionLog> log;
    std::span<const uint8_t> records;  // into the request frame
    log::ValidatedBatches batches;     // `records` checked on the network thread (views into it)
    std::optional<base::Result<log::AppendResult>> result;  // set early if the check failed
    log::AppendError error = log::AppendError::kNone;
  };
  Context ctx;
  int16_t acks = 0;
  ProduceResponse resp;
  std::vector<Append> appends;
  std::shared_ptr<const void> frame_owner;  // keeps `records` valid off the network thread
};

Status Broker::HandleProduce(Context ctx, Reader& r, const RequestFrame& frame) {
  ProduceRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  auto work = std::make_shared<ProduceWork>();
  work->acks = req.acks;
  ProduceResponse& resp = work->resp;
  const bool valid_acks = req.acks == 0 || req.acks == 1 || req.acks == -1;
  resp.responses.reserve(req.topic_data.size());
  for (const auto& topic : req.topic_data) {
    ProduceResponse::TopicProduceResponse topic_resp;
    topic_resp.name = topic.name;
    for (const auto& part : topic.partition_data) {
      ProduceResponse::PartitionProduceResponse p;
      p.index = part.index;
      auto log = logs_->GetPartition(topic.name, part.index);
      if (!valid_acks) {
        p.error_code = ErrorCode::kInvalidRequiredAcks;
        p.error_message = "acks must be -1, 0 or 1, got " + std::to_string(req.acks);
      } else if (!log) {
        p.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (part.records.is_null || part.records.bytes.empty()) {
        p.error_code = ErrorCode::kInvalidRecord;
        p.error_message = "produce request without records";
      } else if (req.transactional_id &&
                 (p.error_code = CheckTransactional(*req.transactional_id, topic.name, part.index,
                                                    part.records.bytes)) != ErrorCode::kNone) {
        p.error_message = "transactional produce refused for '" + *req.transactional_id + "'";
      } else {
        ProduceWork::Append a;
        a.topic = resp.responses.size();
        a.partition = topic_resp.partition_responses.size();
        a.log = std::move(log);
        a.records = part.records.bytes;
        // Checked here, on the network thread: the append thread is left with the write alone
        // (the CRC pass was a sixth of its time), so the two threads that a connection's
        // produce stream passes through carry more even loads.
        auto validated = a.log->Validate(a.records, &a.error);
        if (validated.ok()) {
          a.batches = std::move(*validated);
        } else {
          a.result = validated.status();
        }
        work->appends.push_back(std::move(a));
      }
      topic_resp.partition_responses.push_back(std::move(p));
    }
    resp.responses.push_back(std::move(topic_resp));
  }
  work->ctx = std::move(ctx);
  // Small requests are appended right here while nothing is queued on the append thread: no
  // thread hand-off (two wake-ups) for the latency-bound case, and order is kept because every
  // earlier append has finished. Large ones, or any while others are queued, go to the thread.
  size_t bytes = 0;
  for (const auto& a : work->appends) bytes += a.records.size();
  if (options_.append_loop != nullptr && !work->appends.empty() &&
      (appends_in_flight_ > 0 || bytes >= options_.inline_append_max_bytes)) {
    work->frame_owner = frame.Retain();
    if (work->frame_owner) {
      ++appends_in_flight_;
      options_.append_loop->Post([this, work] {
        RunAppends(*work);
        loop_->Post([this, work] {
          --appends_in_flight_;
          FinishProduce(*work);
        });
      });
      return Status::OK();
    }
  }
  RunAppends(*work);
  FinishProduce(*work);
  return Status::OK();
}

void Broker::RunAppends(ProduceWork& work) {
  for (auto& a : work.appends) {
    if (!a.result) a.result = a.log->Append(a.batches, log::AppendOptions{}, &a.error);
  }
  // The records are stored: give the request's memory back now, not after the reply.
  work.frame_owner.reset();
}

void Broker::FinishProduce(ProduceWork& work) {
  bool appended = false;
  for (auto& a : work.appends) {
    const std::string& topic = work.resp.responses[a.topic].name;
    ProduceResponse::PartitionProduceResponse& p = work.resp.responses[a.topic].partition_responses[a.partition];
    const base::Result<log::AppendResult>& result = *a.result;
    if (result.ok()) {
      p.base_offset = result->base_offset;
      p.log_append_time_ms = result->log_append_time;
      p.log_start_offset = result->log_start_offset;
      if (!result->duplicate) {
        produced_records_->WithLabels({topic}).Increment(result->record_count);
        produced_bytes_->WithLabels({topic}).Increment(static_cast<double>(a.records.size()));
        appended = true;
      } else {
        produce_duplicates_->WithLabels({topic}).Increment();
      }
    } else {
      p.error_code = ErrorForAppend(a.error, result.status());
      p.error_message = result.status().message();
      p.base_offset = -1;
    }
  }
  for (const auto& topic : work.resp.responses) {
    for (const auto& p : topic.partition_responses) {
      if (p.error_code == ErrorCode::kNone) continue;
      produce_errors_->WithLabels({std::string(ErrorCodeName(p.error_code))}).Increment();
      if (p.error_code == ErrorCode::kCorruptMessage || p.error_code == ErrorCode::kKafkaStorageError) {
        base::LogWarn("kafka", "produce refused",
                      {{"client", work.ctx.connection.peer},
                       {"topic", topic.name},
                       {"partition", p.index},
                       {"error", std::string(ErrorCodeName(p.error_code))},
                       {"reason", p.error_message.value_or("")}});
      }
    }
  }
  if (work.acks == 0) {
    work.ctx.respond(std::nullopt);  // acks=0: the client expects no answer
  } else {
    Reply(work.ctx, work.resp);
  }
  if (appended) OnLogAppended();
}

// ---- Fetch ----

FetchResponse Broker::ReadFetch(const FetchRequest& req, int16_t version, FetchedRecords* records, size_t* bytes) {
  FetchResponse resp;
  const bool read_committed = req.isolation_level == 1;
  size_t remaining = version >= 3 ? static_cast<size_t>(std::max(0, req.max_bytes)) : SIZE_MAX;
  *bytes = 0;
  for (const auto& topic : req.topics) {
    FetchResponse::FetchableTopicResponse topic_resp;
    topic_resp.topic = topic.topic;
    for (const auto& part : topic.partitions) {
      FetchResponse::PartitionData pd;
      pd.partition_index = part.partition;
      pd.records = Records::Of({});
      auto log = logs_->GetPartition(topic.topic, part.partition);
      if (!log) {
        pd.error_code = ErrorCode::kUnknownTopicOrPartition;
        pd.high_watermark = -1;
        topic_resp.partitions.push_back(std::move(pd));
        continue;
      }
      pd.high_watermark = log->high_watermark();
      pd.last_stable_offset = log->last_stable_offset();
      pd.log_start_offset = log->log_start_offset();
      if (read_committed) pd.aborted_transactions.emplace();
      if (part.fetch_offset < pd.log_start_offset || part.fetch_offset > pd.high_watermark) {
        pd.error_code = ErrorCode::kOffsetOutOfRange;
        topic_resp.partitions.push_back(std::move(pd));
        continue;
      }
      int64_t max_offset = read_committed ? pd.last_stable_offset : pd.high_watermark;
      size_t limit = std::min(remaining, static_cast<size_t>(std::max(0, part.partition_max_bytes)));
      // Like Kafka: the first partition with data returns at least one whole batch even when
      // it exceeds the limits, so a consumer can always make progress.
      auto read = log->ReadRegion(part.fetch_offset, limit, max_offset, *bytes == 0);
      if (!read.ok()) {
        pd.error_code = ErrorForStatus(read.status());
        topic_resp.partitions.push_back(std::move(pd));
        continue;
      }
      size_t n = read->records.length;
      if (n > 0 && n < kZeroCopyFetchMinBytes) {
        std::vector<uint8_t>& copy = records->copies.emplace_back(n);
        if (!io::ReadFileRegion(read->records, copy.data())) {
          pd.error_code = ErrorCode::kKafkaStorageError;
          topic_resp.partitions.push_back(std::move(pd));
          continue;
        }
        pd.records = Records::Of(copy);
      } else if (n > 0) {
        records->regions.push_back(std::move(read->records));
        pd.records.file = &records->regions.back();
      }
      if (n > 0) {
        if (read_committed) {
          for (const auto& txn : log->AbortedTransactions(part.fetch_offset, max_offset)) {
            pd.aborted_transactions->push_back({txn.producer_id, txn.first_offset});
          }
        }
        remaining -= std::min(remaining, n);
        *bytes += n;
        fetched_bytes_->WithLabels({topic.topic}).Increment(static_cast<double>(n));
      }
      topic_resp.partitions.push_back(std::move(pd));
    }
    resp.responses.push_back(std::move(topic_resp));
  }
  return resp;
}

Status Broker::HandleFetch(Context ctx, Reader& r) {
  FetchRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  FetchedRecords records;
  size_t bytes = 0;
  FetchResponse resp = ReadFetch(req, ctx.header.api_version, &records, &bytes);
  bool has_error = false;
  for (const auto& t : resp.responses) {
    for (const auto& p : t.partitions) has_error |= p.error_code != ErrorCode::kNone;
  }
  if (req.max_wait_ms <= 0 || bytes >= static_cast<size_t>(std::max(1, req.min_bytes)) || has_error ||
      req.topics.empty()) {
    ReplyFetch(ctx, resp);
    return Status::OK();
  }
  // Park until enough data arrives or max_wait_ms passes.
  PruneAbandonedFetches();
  pending_fetches_.push_back(PendingFetch{std::move(ctx), std::move(req), 0, false});
  auto it = std::prev(pending_fetches_.end());
  int32_t wait = std::min(it->request.max_wait_ms, options_.fetch_max_wait_cap_ms);
  it->timer = loop_->RunAfter(wait, [this, it] { FinishFetch(it); });
  return Status::OK();
}

void Broker::FinishFetch(std::list<PendingFetch>::iterator it) {
  loop_->CancelTimer(it->timer);
  FetchedRecords records;
  size_t bytes = 0;
  FetchResponse resp = ReadFetch(it->request, it->ctx.header.api_version, &records, &bytes);
  Context ctx = std::move(it->ctx);
  pending_fetches_.erase(it);
  ReplyFetch(ctx, resp);
}

void Broker::OnLogAppended() {
  PruneAbandonedFetches();
  for (auto it = pending_fetches_.begin(); it != pending_fetches_.end();) {
    auto next = std::next(it);
    if (it->abandoned) {
      it = next;
      continue;
    }
    const FetchRequest& req = it->request;
    bool read_committed = req.isolation_level == 1;
    bool has_new_data = false;
    for (const auto& t : req.topics) {
      for (const auto& p : t.partitions) {
        auto log = logs_->GetPartition(t.topic, p.partition);
        if (!log) continue;
        int64_t end = read_committed ? log->last_stable_offset() : log->high_watermark();
        if (end > p.fetch_offset) has_new_data = true;
      }
    }
    if (has_new_data) {
      if (req.min_bytes <= 1) {
        FinishFetch(it);
      } else {
        FetchedRecords records;
        size_t bytes = 0;
        ReadFetch(req, it->ctx.header.api_version, &records, &bytes);
        if (bytes >= static_cast<size_t>(req.min_bytes)) FinishFetch(it);
      }
    }
    it = next;
  }
}

void Broker::CompletePendingFetches() {
  PruneAbandonedFetches();
  while (!pending_fetches_.empty()) {
    auto it = pending_fetches_.begin();
    if (it->abandoned) {
      pending_fetches_.erase(it);
    } else {
      FinishFetch(it);
    }
  }
}

void Broker::ConnectionClosed(uint64_t connection_id) {
  for (auto& pending : pending_fetches_) {
    if (pending.ctx.connection.id == connection_id && !pending.abandoned) {
      loop_->CancelTimer(pending.timer);
      pending.abandoned = true;
    }
  }
  GroupConnectionClosed(connection_id);
}

void Broker::PruneAbandonedFetches() {
  pending_fetches_.remove_if([](const PendingFetch& p) { return p.abandoned; });
}

// ---- ListOffsets ----

Status Broker::HandleListOffsets(Context ctx, Reader& r) {
  ListOffsetsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  ListOffsetsResponse resp;
  for (const auto& topic : req.topics) {
    ListOffsetsResponse::ListOffsetsTopicResponse topic_resp;
    topic_resp.name = topic.name;
    for (const auto& part : topic.partitions) {
      ListOffsetsResponse::ListOffsetsPartitionResponse p;
      p.partition_index = part.partition_index;
      auto log = logs_->GetPartition(topic.name, part.partition_index);
      if (!log) {
        p.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (part.timestamp == ListOffsetsRequest::kLatestTimestamp) {
        p.offset = req.isolation_level == 1 ? log->last_stable_offset() : log->high_watermark();
      } else if (part.timestamp == ListOffsetsRequest::kEarliestTimestamp) {
        p.offset = log->log_start_offset();
      } else {
        auto found = log->OffsetForTimestamp(part.timestamp);
        if (!found.ok()) {
          p.error_code = ErrorForStatus(found.status());
        } else {
          p.offset = found->offset;
          p.timestamp = found->timestamp;
        }
      }
      if (p.error_code == ErrorCode::kNone) p.leader_epoch = 0;
      if (ctx.header.api_version == 0 && p.error_code == ErrorCode::kNone) p.old_style_offsets = {p.offset};
      topic_resp.partitions.push_back(std::move(p));
    }
    resp.topics.push_back(std::move(topic_resp));
  }
  Reply(ctx, resp);
  return Status::OK();
}

// ---- OffsetForLeaderEpoch: Tide's partitions have one leader epoch, 0 ----

Status Broker::HandleOffsetForLeaderEpoch(Context ctx, Reader& r) {
  OffsetForLeaderEpochRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  OffsetForLeaderEpochResponse resp;
  for (const auto& topic : req.topics) {
    OffsetForLeaderEpochResponse::OffsetForLeaderTopicResult topic_resp;
    topic_resp.topic = topic.topic;
    for (const auto& part : topic.partitions) {
      OffsetForLeaderEpochResponse::EpochEndOffset e;
      e.partition = part.partition;
      auto log = logs_->GetPartition(topic.topic, part.partition);
      if (!log) {
        e.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (part.current_leader_epoch > 0) {
        e.error_code = ErrorCode::kUnknownLeaderEpoch;  // the client knows a newer epoch than exists
      } else if (part.leader_epoch < 0 || part.leader_epoch > 0) {
        e.leader_epoch = -1;
        e.end_offset = -1;
      } else {
        e.leader_epoch = 0;
        e.end_offset = log->log_end_offset();
      }
      topic_resp.partitions.push_back(e);
    }
    resp.topics.push_back(std::move(topic_resp));
  }
  Reply(ctx, resp);
  return Status::OK();
}

// ---- InitProducerId ----

Status Broker::HandleInitProducerId(Context ctx, Reader& r) {
  InitProducerIdRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  if (req.transactional_id) return HandleTransactionalInitProducerId(std::move(ctx), req);
  InitProducerIdResponse resp;
  auto id = producer_ids_->Next();
  if (!id.ok()) {
    base::LogError("kafka", "cannot allocate a producer id", {{"error", id.status().message()}});
    resp.error_code = ErrorCode::kKafkaStorageError;
  } else {
    resp.producer_id = *id;
    resp.producer_epoch = 0;
  }
  Reply(ctx, resp);
  return Status::OK();
}

}  // namespace tide::kafka
