// Consumer group and transaction APIs: decoded here, answered by the coordinators.
#include "kafka/group/group_coordinator.h"
#include "kafka/protocol/add_offsets_to_txn.h"
#include "kafka/protocol/add_partitions_to_txn.h"
#include "kafka/protocol/delete_groups.h"
#include "kafka/protocol/describe_groups.h"
#include "kafka/protocol/end_txn.h"
#include "kafka/protocol/heartbeat.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/protocol/join_group.h"
#include "kafka/protocol/leave_group.h"
#include "kafka/protocol/list_groups.h"
#include "kafka/protocol/offset_commit.h"
#include "kafka/protocol/offset_delete.h"
#include "kafka/protocol/offset_fetch.h"
#include "kafka/protocol/sync_group.h"
#include "kafka/protocol/txn_offset_commit.h"
#include "kafka/server/broker_internal.h"
#include "kafka/txn/transaction_coordinator.h"
#include "log/record_batch.h"

namespace tide::kafka {

using base::Status;

ErrorCode Broker::CheckTransactional(const std::string& transactional_id, const std::string& topic, int32_t partition,
                                     std::span<const uint8_t> records) const {
  if (txns_ == nullptr) return ErrorCode::kCoordinatorNotAvailable;
  auto batch = log::BatchView::Parse(records);
  if (!batch.ok()) return ErrorCode::kCorruptMessage;
  if (!batch->is_transactional()) return ErrorCode::kInvalidRecord;
  return txns_->CheckTransactionalProduce(transactional_id, batch->producer_id(), batch->producer_epoch(), topic,
                                          partition);
}

Status Broker::HandleTransactionalInitProducerId(Context ctx, const InitProducerIdRequest& req) {
  auto shared = std::make_shared<Context>(std::move(ctx));
  txns_->InitProducerId(req, shared->header.api_version,
                        [this, shared](InitProducerIdResponse resp) { Reply(*shared, resp); });
  return Status::OK();
}

void Broker::GroupConnectionClosed(uint64_t connection_id) {
  if (groups_) groups_->ConnectionClosed(connection_id);
}

Status Broker::HandleGroupApi(Context ctx, Reader& r) {
  const int16_t v = ctx.header.api_version;
  switch (ctx.header.api_key) {
    case ApiKey::kJoinGroup: {
      JoinGroupRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      auto shared = std::make_shared<Context>(std::move(ctx));
      groups_->JoinGroup(shared->connection, shared->header.client_id, req, v,
                         [this, shared](JoinGroupResponse resp) { Reply(*shared, resp); });
      return Status::OK();
    }
    case ApiKey::kSyncGroup: {
      SyncGroupRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      auto shared = std::make_shared<Context>(std::move(ctx));
      groups_->SyncGroup(req, v, [this, shared](SyncGroupResponse resp) { Reply(*shared, resp); });
      return Status::OK();
    }
    case ApiKey::kHeartbeat: {
      HeartbeatRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->Heartbeat(req, v));
      return Status::OK();
    }
    case ApiKey::kLeaveGroup: {
      LeaveGroupRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->LeaveGroup(req, v));
      return Status::OK();
    }
    case ApiKey::kOffsetCommit: {
      OffsetCommitRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->OffsetCommit(req, v));
      return Status::OK();
    }
    case ApiKey::kOffsetFetch: {
      OffsetFetchRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->OffsetFetch(req, v));
      return Status::OK();
    }
    case ApiKey::kListGroups: {
      ListGroupsRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->ListGroups(req, v));
      return Status::OK();
    }
    case ApiKey::kDescribeGroups: {
      DescribeGroupsRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->DescribeGroups(req, v));
      return Status::OK();
    }
    case ApiKey::kDeleteGroups: {
      DeleteGroupsRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->DeleteGroups(req, v));
      return Status::OK();
    }
    case ApiKey::kOffsetDelete: {
      OffsetDeleteRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, groups_->OffsetDelete(req, v));
      return Status::OK();
    }
    default:
      return Status::Internal("not a group API");
  }
}

Status Broker::HandleTransactionApi(Context ctx, Reader& r) {
  const int16_t v = ctx.header.api_version;
  switch (ctx.header.api_key) {
    case ApiKey::kAddPartitionsToTxn: {
      AddPartitionsToTxnRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, txns_->AddPartitionsToTxn(req, v));
      return Status::OK();
    }
    case ApiKey::kAddOffsetsToTxn: {
      AddOffsetsToTxnRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      Reply(ctx, txns_->AddOffsetsToTxn(req, v));
      return Status::OK();
    }
    case ApiKey::kEndTxn: {
      EndTxnRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      auto shared = std::make_shared<Context>(std::move(ctx));
      txns_->EndTxn(req, v, [this, shared](EndTxnResponse resp) { Reply(*shared, resp); });
      return Status::OK();
    }
    case ApiKey::kTxnOffsetCommit: {
      TxnOffsetCommitRequest req;
      TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
      ErrorCode check =
          txns_->CheckTxnOffsetCommit(req.transactional_id, req.producer_id, req.producer_epoch, req.group_id);
      if (check == ErrorCode::kNone) {
        Reply(ctx, groups_->TxnOffsetCommit(req, v));
        return Status::OK();
      }
      TxnOffsetCommitResponse resp;
      for (const auto& t : req.topics) {
        TxnOffsetCommitResponse::TxnOffsetCommitResponseTopic topic;
        topic.name = t.name;
        for (const auto& p : t.partitions) topic.partitions.push_back({p.partition_index, check});
        resp.topics.push_back(std::move(topic));
      }
      Reply(ctx, resp);
      return Status::OK();
    }
    default:
      return Status::Internal("not a transaction API");
  }
}

}  // namespace tide::kafka
