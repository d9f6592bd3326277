#include "kafka/client/client.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <algorithm>
#include <cstring>
#include <functional>
#include <tuple>

namespace tide::kafka::client {

using base::Result;
using base::Status;

namespace {

Status ErrorStatus(rd_kafka_resp_err_t err, const std::string& what) {
  std::string msg = what + ": " + rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return Status::NotFound(msg);
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return Status::AlreadyExists(msg);
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
      return Status::InvalidArgument(msg);
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return Status::TimedOut(msg);
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      return Status::Unavailable(msg);
    default:
      return Status::IoError(msg);
  }
}

// An admin result's per-item error string, or the error name when the broker sent none.
Status ItemStatus(rd_kafka_resp_err_t err, const char* errstr, const std::string& what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  Status s = ErrorStatus(err, what);
  if (errstr != nullptr && *errstr != '\0') return Status(s.code(), what + ": " + errstr);
  return s;
}

// Builds a handle, applying the common options. rd_kafka_new takes ownership of conf.
Result<rd_kafka_t*> NewHandle(rd_kafka_type_t type, const ClientOptions& options,
                              const std::map<std::string, std::string>& defaults,
                              const std::function<void(rd_kafka_conf_t*)>& customize = nullptr) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      return Status::InvalidArgument("client property " + k + "=" + v + ": " + errstr);
    }
    return Status::OK();
  };
  std::map<std::string, std::string> all = defaults;
  all["bootstrap.servers"] = options.bootstrap_servers;
  all["client.id"] = "tide-cli";
  // Errors are reported per operation; the default stderr logger would duplicate them.
  all["log_level"] = "0";
  for (const auto& [k, v] : options.properties) all[k] = v;
  for (const auto& [k, v] : all) {
    Status s = set(k, v);
    if (!s.ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
  }
  if (customize) customize(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("cannot create Kafka client: ") + errstr);
  }
  return rk;
}

// Waits for the result event of one admin request on `queue`.
Result<rd_kafka_event_t*> WaitAdminResult(rd_kafka_queue_t* queue, int timeout_ms, const std::string& what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeout_ms + 1000);
  if (ev == nullptr) return Status::TimedOut(what + ": no answer from " + "the broker within " + std::to_string(timeout_ms) + " ms");
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Status s = ItemStatus(rd_kafka_event_error(ev), rd_kafka_event_error_string(ev), what);
    rd_kafka_event_destroy(ev);
    return s;
  }
  return ev;
}

// The first failed topic of a CreateTopics/DeleteTopics/CreatePartitions result.
Status TopicResultsStatus(const rd_kafka_topic_result_t** results, size_t n, const std::string& what) {
  for (size_t i = 0; i < n; ++i) {
    Status s = ItemStatus(rd_kafka_topic_result_error(results[i]), rd_kafka_topic_result_error_string(results[i]), what);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

// ---- AdminClient ----

struct AdminClient::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  ClientOptions options;
  ~Impl() {
    if (queue) rd_kafka_queue_destroy(queue);
    if (rk) rd_kafka_destroy(rk);
  }
  rd_kafka_AdminOptions_t* NewOptions(rd_kafka_admin_op_t op) {
    rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(o, options.timeout_ms, errstr, sizeof errstr);
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
        op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
      rd_kafka_AdminOptions_set_operation_timeout(o, options.timeout_ms, errstr, sizeof errstr);
    }
    return o;
  }
};

Result<std::unique_ptr<AdminClient>> AdminClient::Connect(const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  TIDE_ASSIGN_OR_RETURN(impl->rk, NewHandle(RD_KAFKA_PRODUCER, options, {}));
  impl->queue = rd_kafka_queue_new(impl->rk);
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(impl)));
}

AdminClient::AdminClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdminClient::~AdminClient() = default;

Status AdminClient::CreateTopic(const std::string& name, int partitions,
                                const std::map<std::string, std::string>& configs) {
  char errstr[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, -1, errstr, sizeof errstr);
  if (topic == nullptr) return Status::InvalidArgument("topic " + name + ": " + errstr);
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(topic, k.c_str(), v.c_str());
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_CreateTopics(impl_->rk, &topic, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(topic);
  std::string what = "create topic " + name;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  Status s = TopicResultsStatus(results, n, what);
  rd_kafka_event_destroy(ev);
  return s;
}

Status AdminClient::DeleteTopic(const std::string& name) {
  rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_DeleteTopics(impl_->rk, &topic, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy(topic);
  std::string what = "delete topic " + name;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
  Status s = TopicResultsStatus(results, n, what);
  rd_kafka_event_destroy(ev);
  return s;
}

Status AdminClient::CreatePartitions(const std::string& name, int total_partitions) {
  char errstr[512];
  rd_kafka_NewPartitions_t* np = rd_kafka_NewPartitions_new(name.c_str(), total_partitions, errstr, sizeof errstr);
  if (np == nullptr) return Status::InvalidArgument("topic " + name + ": " + errstr);
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
  rd_kafka_CreatePartitions(impl_->rk, &np, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewPartitions_destroy(np);
  std::string what = "add partitions to " + name;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &n);
  Status s = TopicResultsStatus(results, n, what);
  rd_kafka_event_destroy(ev);
  return s;
}

Result<TopicInfo> AdminClient::DescribeTopic(const std::string& name) {
  TIDE_ASSIGN_OR_RETURN(std::vector<TopicInfo> all, ListTopics());
  TopicInfo info;
  bool found = false;
  for (auto& t : all) {
    if (t.name == name) {
      info = std::move(t);
      found = true;
    }
  }
  if (!found) return Status::NotFound("topic '" + name + "' does not exist");
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str());
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_DescribeConfigs(impl_->rk, &res, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_ConfigResource_destroy(res);
  std::string what = "describe configs of " + name;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_ConfigResource_t** rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
  Status s;
  for (size_t i = 0; i < n && s.ok(); ++i) {
    s = ItemStatus(rd_kafka_ConfigResource_error(rs[i]), rd_kafka_ConfigResource_error_string(rs[i]), what);
    size_t ne = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(rs[i], &ne);
    for (size_t j = 0; j < ne; ++j) {
      const char* v = rd_kafka_ConfigEntry_value(entries[j]);
      std::string key = rd_kafka_ConfigEntry_name(entries[j]);
      info.configs[key] = v ? v : "";
      if (!rd_kafka_ConfigEntry_is_default(entries[j]) && !rd_kafka_ConfigEntry_is_read_only(entries[j])) {
        info.overrides[key] = v ? v : "";
      }
    }
  }
  rd_kafka_event_destroy(ev);
  if (!s.ok()) return s;
  return info;
}

Status AdminClient::AlterTopicConfigs(const std::string& name,
                                      const std::map<std::string, std::optional<std::string>>& changes) {
  // librdkafka 2.0 has only the non-incremental AlterConfigs, which replaces the whole set:
  // read the current non-default values, apply the changes, write the result.
  TIDE_ASSIGN_OR_RETURN(TopicInfo current, DescribeTopic(name));
  std::map<std::string, std::string> wanted = current.overrides;
  for (const auto& [k, v] : changes) {
    if (v) {
      wanted[k] = *v;
    } else {
      wanted.erase(k);
    }
  }
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str());
  for (const auto& [k, v] : wanted) rd_kafka_ConfigResource_set_config(res, k.c_str(), v.c_str());
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
  rd_kafka_AlterConfigs(impl_->rk, &res, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_ConfigResource_destroy(res);
  std::string what = "alter configs of " + name;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_ConfigResource_t** rs = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
  Status s;
  for (size_t i = 0; i < n && s.ok(); ++i) {
    s = ItemStatus(rd_kafka_ConfigResource_error(rs[i]), rd_kafka_ConfigResource_error_string(rs[i]), what);
  }
  rd_kafka_event_destroy(ev);
  return s;
}

Result<std::vector<TopicInfo>> AdminClient::ListTopics() {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(impl_->rk, 1, nullptr, &md, impl_->options.timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ErrorStatus(err, "cannot read cluster metadata from " + impl_->options.bootstrap_servers);
  }
  std::vector<TopicInfo> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    TopicInfo info;
    info.name = t.topic;
    if (t.err) info.error = rd_kafka_err2str(t.err);
    for (int p = 0; p < t.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& mp = t.partitions[p];
      PartitionInfo pi;
      pi.id = mp.id;
      pi.leader = mp.leader;
      pi.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
      pi.isrs.assign(mp.isrs, mp.isrs + mp.isr_cnt);
      if (mp.err) pi.error = rd_kafka_err2str(mp.err);
      info.partitions.push_back(std::move(pi));
    }
    std::sort(info.partitions.begin(), info.partitions.end(), [](auto& a, auto& b) { return a.id < b.id; });
    out.push_back(std::move(info));
  }
  rd_kafka_metadata_destroy(md);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

Result<std::pair<int64_t, int64_t>> AdminClient::Watermarks(const std::string& topic, int32_t partition) {
  int64_t low = -1, high = -1;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(impl_->rk, topic.c_str(), partition, &low, &high, impl_->options.timeout_ms);
  if (err) return ErrorStatus(err, "watermarks of " + topic + "-" + std::to_string(partition));
  return std::make_pair(low, high);
}

namespace {

std::vector<TopicPartitionOffset> FromList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartitionOffset> out;
  if (list == nullptr) return out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  }
  return out;
}

// The first per-partition error of a partition list, as a Status.
Status ListStatus(const rd_kafka_topic_partition_list_t* list, const std::string& what) {
  if (list == nullptr) return Status::OK();
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err) {
      return ErrorStatus(list->elems[i].err, what + " (" + list->elems[i].topic + "-" +
                                                 std::to_string(list->elems[i].partition) + ")");
    }
  }
  return Status::OK();
}

Status ErrorObjectStatus(const rd_kafka_error_t* error, const std::string& what) {
  if (error == nullptr) return Status::OK();
  return ItemStatus(rd_kafka_error_code(error), rd_kafka_error_string(error), what);
}

}  // namespace

Result<std::vector<TopicPartitionOffset>> AdminClient::OffsetsForTime(const std::string& topic, int64_t timestamp_ms) {
  TIDE_ASSIGN_OR_RETURN(TopicInfo info, DescribeTopic(topic));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(info.partitions.size()));
  for (const auto& p : info.partitions) rd_kafka_topic_partition_list_add(list, topic.c_str(), p.id)->offset = timestamp_ms;
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(impl_->rk, list, impl_->options.timeout_ms);
  Status s = err ? ErrorStatus(err, "offsets for time in " + topic) : ListStatus(list, "offsets for time");
  std::vector<TopicPartitionOffset> out = FromList(list);
  rd_kafka_topic_partition_list_destroy(list);
  if (!s.ok()) return s;
  // No record at or after the time: the partition's end, so a reset skips everything before.
  for (auto& o : out) {
    if (o.offset < 0) {
      TIDE_ASSIGN_OR_RETURN(auto marks, Watermarks(topic, o.partition));
      o.offset = marks.second;
    }
  }
  return out;
}

Result<std::vector<GroupListing>> AdminClient::ListGroups() {
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
  rd_kafka_ListConsumerGroups(impl_->rk, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, "list groups"));
  const rd_kafka_ListConsumerGroups_result_t* result = rd_kafka_event_ListConsumerGroups_result(ev);
  size_t n = 0;
  const rd_kafka_ConsumerGroupListing_t** groups = rd_kafka_ListConsumerGroups_result_valid(result, &n);
  std::vector<GroupListing> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back({rd_kafka_ConsumerGroupListing_group_id(groups[i]),
                   rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(groups[i])),
                   rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]) != 0});
  }
  size_t nerr = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &nerr);
  Status s = nerr > 0 ? ErrorObjectStatus(errors[0], "list groups") : Status::OK();
  rd_kafka_event_destroy(ev);
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.group_id < b.group_id; });
  return out;
}

Result<GroupDescription> AdminClient::DescribeGroup(const std::string& group) {
  const char* names[] = {group.c_str()};
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
  rd_kafka_DescribeConsumerGroups(impl_->rk, names, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  std::string what = "describe group " + group;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_ConsumerGroupDescription_t** groups =
      rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
  GroupDescription desc;
  Status s = n == 0 ? Status::NotFound("group '" + group + "' was not described") : Status::OK();
  if (n > 0) {
    const rd_kafka_ConsumerGroupDescription_t* g = groups[0];
    s = ErrorObjectStatus(rd_kafka_ConsumerGroupDescription_error(g), what);
    desc.group_id = rd_kafka_ConsumerGroupDescription_group_id(g);
    desc.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
    const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(g);
    desc.assignor = assignor ? assignor : "";
    for (size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(g); ++i) {
      const rd_kafka_MemberDescription_t* m = rd_kafka_ConsumerGroupDescription_member(g, i);
      GroupMember member;
      member.member_id = rd_kafka_MemberDescription_consumer_id(m);
      member.client_id = rd_kafka_MemberDescription_client_id(m);
      member.host = rd_kafka_MemberDescription_host(m);
      if (const char* inst = rd_kafka_MemberDescription_group_instance_id(m)) member.instance_id = inst;
      const rd_kafka_topic_partition_list_t* parts =
          rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(m));
      for (const auto& tp : FromList(parts)) member.assignment.emplace_back(tp.topic, tp.partition);
      desc.members.push_back(std::move(member));
    }
  }
  rd_kafka_event_destroy(ev);
  if (!s.ok()) return s;
  return desc;
}

Result<std::vector<TopicPartitionOffset>> AdminClient::GroupOffsets(const std::string& group) {
  rd_kafka_ListConsumerGroupOffsets_t* req = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
  rd_kafka_ListConsumerGroupOffsets(impl_->rk, &req, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_ListConsumerGroupOffsets_destroy(req);
  std::string what = "committed offsets of group " + group;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
  std::vector<TopicPartitionOffset> out;
  Status s;
  for (size_t i = 0; i < n && s.ok(); ++i) {
    s = ErrorObjectStatus(rd_kafka_group_result_error(results[i]), what);
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(results[i]);
    if (s.ok()) s = ListStatus(parts, what);
    for (const auto& tp : FromList(parts)) {
      if (tp.offset >= 0) out.push_back(tp);
    }
  }
  rd_kafka_event_destroy(ev);
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition); });
  return out;
}

Status AdminClient::AlterGroupOffsets(const std::string& group, const std::vector<TopicPartitionOffset>& offsets) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& o : offsets) rd_kafka_topic_partition_list_add(list, o.topic.c_str(), o.partition)->offset = o.offset;
  rd_kafka_AlterConsumerGroupOffsets_t* req = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list);
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_AdminOptions_t* opts = impl_->NewOptions(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
  rd_kafka_AlterConsumerGroupOffsets(impl_->rk, &req, 1, opts, impl_->queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_AlterConsumerGroupOffsets_destroy(req);
  std::string what = "reset offsets of group " + group;
  TIDE_ASSIGN_OR_RETURN(rd_kafka_event_t * ev, WaitAdminResult(impl_->queue, impl_->options.timeout_ms, what));
  size_t n = 0;
  const rd_kafka_group_result_t** results =
      rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &n);
  Status s;
  for (size_t i = 0; i < n && s.ok(); ++i) {
    s = ErrorObjectStatus(rd_kafka_group_result_error(results[i]), what);
    if (s.ok()) s = ListStatus(rd_kafka_group_result_partitions(results[i]), what);
  }
  rd_kafka_event_destroy(ev);
  return s;
}

// ---- Producer ----

struct Producer::Impl {
  rd_kafka_t* rk = nullptr;
  ClientOptions options;
  std::atomic<int64_t> delivered{0};
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string first_error_where;
  ~Impl() {
    if (rk) rd_kafka_destroy(rk);
  }
};

Result<std::unique_ptr<Producer>> Producer::Connect(const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  // Delivery reports count acknowledged records and keep the first failure.
  auto on_delivery = [](rd_kafka_conf_t* conf, void* opaque) {
    rd_kafka_conf_set_opaque(conf, opaque);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* self_ptr) {
      auto* self = static_cast<Impl*>(self_ptr);
      if (m->err) {
        if (self->first_error == RD_KAFKA_RESP_ERR_NO_ERROR) {
          self->first_error = m->err;
          self->first_error_where = rd_kafka_topic_name(m->rkt);
        }
      } else {
        self->delivered++;
      }
    });
  };
  TIDE_ASSIGN_OR_RETURN(impl->rk, NewHandle(RD_KAFKA_PRODUCER, options, {{"linger.ms", "5"}},
                                            [&](rd_kafka_conf_t* conf) { on_delivery(conf, impl.get()); }));
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Producer::~Producer() = default;

Status Producer::Send(const std::string& topic, int32_t partition, const std::optional<std::string>& key,
                      const std::optional<std::string>& value, const std::vector<Header>& headers) {
  rd_kafka_headers_t* hdrs = nullptr;
  if (!headers.empty()) {
    hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& h : headers) {
      rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value ? h.value->data() : nullptr,
                          h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    }
  }
  // librdkafka's V_ macros cast their arguments without parentheses: pass plain variables.
  void* key_ptr = key ? const_cast<char*>(key->data()) : nullptr;
  size_t key_len = key ? key->size() : 0;
  void* value_ptr = value ? const_cast<char*>(value->data()) : nullptr;
  size_t value_len = value ? value->size() : 0;
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition < 0 ? RD_KAFKA_PARTITION_UA : partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key_ptr, key_len), RD_KAFKA_V_VALUE(value_ptr, value_len),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(impl_->rk, 100);  // wait for deliveries to free queue space
      continue;
    }
    if (err) {
      if (hdrs) rd_kafka_headers_destroy(hdrs);
      return ErrorStatus(err, "produce to " + topic);
    }
    break;
  }
  rd_kafka_poll(impl_->rk, 0);
  if (impl_->first_error) return ErrorStatus(impl_->first_error, "produce to " + impl_->first_error_where);
  return Status::OK();
}

Status Producer::Flush() {
  rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk, impl_->options.timeout_ms);
  if (impl_->first_error) return ErrorStatus(impl_->first_error, "produce to " + impl_->first_error_where);
  if (err) return ErrorStatus(err, "flush to " + impl_->options.bootstrap_servers);
  return Status::OK();
}

int64_t Producer::delivered() const { return impl_->delivered.load(); }

// ---- Consumer ----

struct Consumer::Impl {
  rd_kafka_t* rk = nullptr;
  Options options;
  std::string topic;
  std::map<int32_t, bool> at_end;  // partition -> reached end (no-group mode)
  ~Impl() {
    if (rk) {
      if (!options.group.empty()) rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

Result<std::unique_ptr<Consumer>> Consumer::Subscribe(const Options& options, const std::string& topic) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->topic = topic;
  std::map<std::string, std::string> defaults = {
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", options.from_beginning ? "earliest" : "latest"},
  };
  // librdkafka's high-level consumer needs a group.id even for manual assignment; it commits
  // nothing unless asked.
  defaults["group.id"] = options.group.empty() ? "tide-cli-unused" : options.group;
  defaults["enable.auto.commit"] = options.group.empty() ? "false" : "true";
  TIDE_ASSIGN_OR_RETURN(impl->rk, NewHandle(RD_KAFKA_CONSUMER, options.client, defaults));
  rd_kafka_poll_set_consumer(impl->rk);

  if (!options.group.empty()) {
    rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(impl->rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (err) return ErrorStatus(err, "subscribe to " + topic);
  } else {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(impl->rk, topic.c_str(), nullptr);
    rd_kafka_resp_err_t err = rd_kafka_metadata(impl->rk, 0, rkt, &md, options.client.timeout_ms);
    rd_kafka_topic_destroy(rkt);
    if (err) return ErrorStatus(err, "cannot read metadata of topic " + topic);
    std::vector<int32_t> partitions;
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int i = 0; i < md->topics[0].partition_cnt; ++i) partitions.push_back(md->topics[0].partitions[i].id);
    }
    rd_kafka_resp_err_t topic_err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    rd_kafka_metadata_destroy(md);
    if (topic_err) return ErrorStatus(topic_err, "topic '" + topic + "'");
    if (options.partition >= 0) {
      if (std::find(partitions.begin(), partitions.end(), options.partition) == partitions.end()) {
        return Status::NotFound("topic '" + topic + "' has no partition " + std::to_string(options.partition) + " (it has " +
                                std::to_string(partitions.size()) + ")");
      }
      partitions = {options.partition};
    }
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
    for (int32_t p : partitions) {
      int64_t start = options.from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
      if (options.offset >= 0) start = options.offset;
      rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = start;
      impl->at_end[p] = false;
    }
    err = rd_kafka_assign(impl->rk, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    if (err) return ErrorStatus(err, "assign partitions of " + topic);
  }
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::~Consumer() = default;

Result<std::optional<Message>> Consumer::Poll(int timeout_ms) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->rk, timeout_ms);
  if (m == nullptr) return std::optional<Message>();
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    impl_->at_end[m->partition] = true;
    rd_kafka_message_destroy(m);
    return std::optional<Message>();
  }
  if (m->err) {
    Status s = ErrorStatus(m->err, "consume from " + impl_->topic);
    std::string detail = m->payload ? std::string(static_cast<const char*>(m->payload), m->len) : "";
    rd_kafka_message_destroy(m);
    if (!detail.empty()) s = Status(s.code(), s.message() + " (" + detail + ")");
    return s;
  }
  Message out;
  out.topic = rd_kafka_topic_name(m->rkt);
  out.partition = m->partition;
  out.offset = m->offset;
  rd_kafka_timestamp_type_t tstype;
  out.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
  if (m->key) out.key = std::string(static_cast<const char*>(m->key), m->key_len);
  if (m->payload) out.value = std::string(static_cast<const char*>(m->payload), m->len);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      Header h;
      h.key = name;
      if (val) h.value = std::string(static_cast<const char*>(val), size);
      out.headers.push_back(std::move(h));
    }
  }
  impl_->at_end[m->partition] = false;
  rd_kafka_message_destroy(m);
  return std::optional<Message>(std::move(out));
}

bool Consumer::AtEnd() const {
  if (impl_->at_end.empty()) return false;
  for (const auto& [p, end] : impl_->at_end) {
    if (!end) return false;
  }
  return true;
}

Status Consumer::Commit() {
  rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, nullptr, 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) return ErrorStatus(err, "commit offsets");
  return Status::OK();
}

}  // namespace tide::kafka::client
