// rdkafka_client: librdkafka (a Kafka client we did not write) driven by the integration tests
// for what kcat cannot do: idempotent and transactional producers, read_committed consumers and
// a transactional consume-transform-produce loop.
//
// Usage: rdkafka_client MODE BOOTSTRAP ARGS... [key=value...]
//   produce-idempotent        BOOTSTRAP TOPIC COUNT
//   produce-transactional     BOOTSTRAP TOPIC TXN_ID COUNT_PER_TXN N_TXNS ABORT_EVERY
//   txn-hold                  BOOTSTRAP TOPIC TXN_ID COUNT   (leaves the transaction open until
//                                                            "commit" or "abort" is read on stdin)
//   consume                   BOOTSTRAP TOPIC read_committed|read_uncommitted [GROUP]
//   consume-transform-produce BOOTSTRAP IN_TOPIC OUT_TOPIC GROUP TXN_ID
// Trailing key=value arguments are librdkafka properties, except client.* which tune this
// program: client.timeout.ms (overall deadline, default 40000), client.batch.size and
// client.abort.batch (consume-transform-produce: records per transaction and which batch,
// counted from 1, is aborted; default 25 and 2).
//
// Output (stdout) is one result per line, "word field field...", e.g. "acked 1000",
// "msg PARTITION OFFSET KEY VALUE", "eof PARTITION OFFSET". Errors go to stderr, and the exit
// status is non-zero when the mode did not fully succeed.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::map<std::string, std::string> props;   // librdkafka properties from the command line
  std::map<std::string, std::string> client;  // client.* settings for this program
  int64_t Int(const std::string& key, int64_t def) const {
    auto it = client.find(key);
    return it == client.end() ? def : std::stoll(it->second);
  }
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::fflush(stdout);
  std::exit(1);
}

void Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    Die("config " + key + "=" + value + ": " + err);
  }
}

void ApplyProps(rd_kafka_conf_t* conf, const Options& opts) {
  for (const auto& [k, v] : opts.props) Set(conf, k, v);
}

// Fails on an rd_kafka_error_t, naming the call; frees it.
void CheckError(rd_kafka_error_t* error, const char* what) {
  if (error == nullptr) return;
  std::string msg = std::string(what) + ": " + rd_kafka_error_name(error) + ": " + rd_kafka_error_string(error);
  if (rd_kafka_error_is_fatal(error)) msg += " (fatal)";
  if (rd_kafka_error_txn_requires_abort(error)) msg += " (abortable)";
  if (rd_kafka_error_is_retriable(error)) msg += " (retriable)";
  rd_kafka_error_destroy(error);
  Die(msg);
}

// Sums every "name":NUMBER in a librdkafka statistics JSON document (the per-broker counters
// such as txretries and req_timeouts appear once per broker).
int64_t SumJsonField(const char* json, const char* name) {
  std::string needle = std::string("\"") + name + "\":";
  int64_t sum = 0;
  for (const char* p = std::strstr(json, needle.c_str()); p != nullptr; p = std::strstr(p + 1, needle.c_str())) {
    sum += std::strtoll(p + needle.size(), nullptr, 10);
  }
  return sum;
}

// ---- producers ----

struct ProducerState {
  std::atomic<int64_t> acked{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> txretries{0};
  std::atomic<int64_t> req_timeouts{0};
  std::atomic<int64_t> disconnects{0};
  bool print_errors = true;
};

void DeliveryReport(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* st = static_cast<ProducerState*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    st->acked++;
  } else {
    st->failed++;
    if (st->print_errors) {
      std::printf("delivery-error %d %s %.*s\n", m->partition, rd_kafka_err2name(m->err),
                  static_cast<int>(m->len), static_cast<const char*>(m->payload));
    }
  }
}

int StatsCallback(rd_kafka_t*, char* json, size_t, void* opaque) {
  auto* st = static_cast<ProducerState*>(opaque);
  int64_t retries = SumJsonField(json, "txretries");
  int64_t timeouts = SumJsonField(json, "req_timeouts");
  int64_t disconnects = SumJsonField(json, "disconnects");
  if (retries > st->txretries) st->txretries = retries;
  if (disconnects > st->disconnects) st->disconnects = disconnects;
  if (timeouts > st->req_timeouts) st->req_timeouts = timeouts;
  return 0;  // librdkafka frees json
}

void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void*) {
  std::fprintf(stderr, "librdkafka error: %s: %s\n", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof buf);
    std::printf("fatal %s %s\n", rd_kafka_err2name(orig), buf);
  }
}

rd_kafka_t* NewProducer(const std::string& bootstrap, ProducerState* st, const Options& opts,
                        const std::map<std::string, std::string>& base) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", bootstrap);
  Set(conf, "statistics.interval.ms", "200");
  for (const auto& [k, v] : base) Set(conf, k, v);
  ApplyProps(conf, opts);
  rd_kafka_conf_set_opaque(conf, st);
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryReport);
  rd_kafka_conf_set_stats_cb(conf, StatsCallback);
  rd_kafka_conf_set_error_cb(conf, ErrorCallback);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) Die(std::string("rd_kafka_new(producer): ") + err);
  return rk;
}

// Produces one message, waiting (serving callbacks) while the local queue is full.
void Produce(rd_kafka_t* rk, const std::string& topic, int32_t partition, const std::string& key,
             const std::string& value) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) Die(std::string("produce: ") + rd_kafka_err2str(err));
    rd_kafka_poll(rk, 50);
  }
}

void PrintProducerStats(rd_kafka_t* rk, ProducerState* st) {
  rd_kafka_poll(rk, 300);  // one more statistics callback
  std::printf("retries %lld\nrequest-timeouts %lld\ndisconnects %lld\n", static_cast<long long>(st->txretries.load()),
              static_cast<long long>(st->req_timeouts.load()), static_cast<long long>(st->disconnects.load()));
}

int ProduceIdempotent(const std::string& bootstrap, const std::string& topic, int64_t count, const Options& opts) {
  ProducerState st;
  rd_kafka_t* rk = NewProducer(bootstrap, &st, opts, {{"enable.idempotence", "true"}, {"acks", "all"}});
  const int64_t keys = opts.Int("client.keys", 16);
  for (int64_t i = 0; i < count; ++i) {
    // Keys spread the sequence over partitions; the value is the sequence number.
    Produce(rk, topic, RD_KAFKA_PARTITION_UA, "k" + std::to_string(i % keys), std::to_string(i));
    rd_kafka_poll(rk, 0);
  }
  int64_t deadline_ms = opts.Int("client.timeout.ms", 40000);
  rd_kafka_resp_err_t flush = rd_kafka_flush(rk, static_cast<int>(deadline_ms));
  PrintProducerStats(rk, &st);
  char fatal[512];
  rd_kafka_resp_err_t fatal_err = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
  std::printf("acked %lld\nfailed %lld\n", static_cast<long long>(st.acked.load()),
              static_cast<long long>(st.failed.load()));
  std::fflush(stdout);
  rd_kafka_destroy(rk);
  if (flush != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("flush: ") + rd_kafka_err2str(flush));
  if (fatal_err != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("fatal error: ") + fatal);
  if (st.acked != count) Die("acknowledged " + std::to_string(st.acked.load()) + " of " + std::to_string(count));
  return 0;
}

int ProduceTransactional(const std::string& bootstrap, const std::string& topic, const std::string& txn_id,
                         int64_t per_txn, int64_t n_txns, int64_t abort_every, const Options& opts) {
  ProducerState st;
  st.print_errors = false;  // aborted messages may be purged; counted below
  rd_kafka_t* rk = NewProducer(bootstrap, &st, opts, {{"transactional.id", txn_id}, {"acks", "all"}});
  const int timeout = static_cast<int>(opts.Int("client.timeout.ms", 40000));
  CheckError(rd_kafka_init_transactions(rk, timeout), "init_transactions");
  std::printf("initialized\n");
  const int64_t keys = opts.Int("client.keys", 16);
  int64_t committed = 0, aborted = 0;
  for (int64_t t = 0; t < n_txns; ++t) {
    const bool abort = abort_every > 0 && (t + 1) % abort_every == 0;
    CheckError(rd_kafka_begin_transaction(rk), "begin_transaction");
    for (int64_t i = 0; i < per_txn; ++i) {
      // value: t<txn>-<seq>-<commit|abort>
      std::string value = "t" + std::to_string(t) + "-" + std::to_string(i) + (abort ? "-abort" : "-commit");
      Produce(rk, topic, RD_KAFKA_PARTITION_UA, "k" + std::to_string(i % keys), value);
      rd_kafka_poll(rk, 0);
    }
    if (abort) {
      // Make sure the aborted records really reach the log, so readers must filter them.
      rd_kafka_resp_err_t err = rd_kafka_flush(rk, timeout);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("flush before abort: ") + rd_kafka_err2str(err));
      CheckError(rd_kafka_abort_transaction(rk, timeout), "abort_transaction");
      std::printf("txn %lld aborted %lld\n", static_cast<long long>(t), static_cast<long long>(per_txn));
      aborted++;
    } else {
      CheckError(rd_kafka_commit_transaction(rk, timeout), "commit_transaction");
      std::printf("txn %lld committed %lld\n", static_cast<long long>(t), static_cast<long long>(per_txn));
      committed++;
    }
    std::fflush(stdout);
  }
  std::printf("committed-txns %lld\naborted-txns %lld\nacked %lld\n", static_cast<long long>(committed),
              static_cast<long long>(aborted), static_cast<long long>(st.acked.load()));
  std::fflush(stdout);
  rd_kafka_destroy(rk);
  return 0;
}

// Opens a transaction, writes COUNT records, flushes them to the broker and waits for a command
// on stdin: "commit" or "abort". Lets a test look at readers while the transaction is open.
int TxnHold(const std::string& bootstrap, const std::string& topic, const std::string& txn_id, int64_t count,
            const Options& opts) {
  ProducerState st;
  rd_kafka_t* rk = NewProducer(bootstrap, &st, opts, {{"transactional.id", txn_id}, {"acks", "all"}});
  const int timeout = static_cast<int>(opts.Int("client.timeout.ms", 40000));
  CheckError(rd_kafka_init_transactions(rk, timeout), "init_transactions");
  CheckError(rd_kafka_begin_transaction(rk), "begin_transaction");
  for (int64_t i = 0; i < count; ++i) {
    Produce(rk, topic, RD_KAFKA_PARTITION_UA, "held", "held-" + std::to_string(i));
  }
  rd_kafka_resp_err_t err = rd_kafka_flush(rk, timeout);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("flush: ") + rd_kafka_err2str(err));
  if (st.acked != count) Die("open transaction: acknowledged " + std::to_string(st.acked.load()) + " of " +
                             std::to_string(count));
  std::printf("open %lld\n", static_cast<long long>(count));
  std::fflush(stdout);
  std::string command;
  if (!std::getline(std::cin, command)) command = "abort";
  if (command == "commit") {
    CheckError(rd_kafka_commit_transaction(rk, timeout), "commit_transaction");
    std::printf("committed\n");
  } else {
    CheckError(rd_kafka_abort_transaction(rk, timeout), "abort_transaction");
    std::printf("aborted\n");
  }
  std::fflush(stdout);
  rd_kafka_destroy(rk);
  return 0;
}

// ---- consumers ----

rd_kafka_t* NewConsumer(const std::string& bootstrap, const std::string& group, const std::string& isolation,
                        const Options& opts) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", bootstrap);
  Set(conf, "group.id", group);
  Set(conf, "isolation.level", isolation);
  Set(conf, "enable.partition.eof", "true");
  Set(conf, "enable.auto.commit", "false");
  Set(conf, "auto.offset.reset", "earliest");
  ApplyProps(conf, opts);
  rd_kafka_conf_set_error_cb(conf, ErrorCallback);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) Die(std::string("rd_kafka_new(consumer): ") + err);
  rd_kafka_poll_set_consumer(rk);
  return rk;
}

int32_t PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  for (;;) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md, 5000);
    int32_t n = 0;
    std::string why = rd_kafka_err2str(err);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) n = md->topics[0].partition_cnt;
      if (md->topic_cnt == 1) why = rd_kafka_err2str(md->topics[0].err);
      rd_kafka_metadata_destroy(md);
    }
    if (n > 0) {
      rd_kafka_topic_destroy(t);
      return n;
    }
    if (Clock::now() > deadline) Die("metadata for " + topic + ": " + why);
    rd_kafka_poll(rk, 100);
  }
}

bool IsEof(const rd_kafka_message_t* m) { return m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF; }

std::string Text(const void* p, size_t n) { return p == nullptr ? std::string("-") : std::string(static_cast<const char*>(p), n); }

// Reads every partition of TOPIC from the beginning until each reports end of partition (the
// high watermark, or the last stable offset under read_committed). Uses assign(), not a group
// subscription, so no rebalance is involved.
int Consume(const std::string& bootstrap, const std::string& topic, const std::string& isolation,
            const std::string& group, const Options& opts) {
  rd_kafka_t* rk = NewConsumer(bootstrap, group, isolation, opts);
  const int timeout = static_cast<int>(opts.Int("client.timeout.ms", 40000));
  int32_t partitions = PartitionCount(rk, topic, timeout);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err) Die(std::string("assign: ") + rd_kafka_err2str(err));
  std::set<int32_t> at_eof;
  int64_t count = 0;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout);
  while (static_cast<int32_t>(at_eof.size()) < partitions) {
    if (Clock::now() > deadline) Die("timed out reading " + topic + " to its end");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m == nullptr) continue;
    if (IsEof(m)) {
      at_eof.insert(m->partition);
      std::printf("eof %d %lld\n", m->partition, static_cast<long long>(m->offset));
    } else if (m->err) {
      std::string msg = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      Die("consume: " + msg);
    } else {
      at_eof.erase(m->partition);
      count++;
      std::printf("msg %d %lld %s %s\n", m->partition, static_cast<long long>(m->offset),
                  Text(m->key, m->key_len).c_str(), Text(m->payload, m->len).c_str());
    }
    rd_kafka_message_destroy(m);
  }
  std::printf("count %lld\n", static_cast<long long>(count));
  std::fflush(stdout);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}

// Reads IN_TOPIC in GROUP, writes "tx:<value>" to OUT_TOPIC and commits the consumed offsets
// with the output in one transaction per batch. Batch number client.abort.batch is written,
// offsets sent, then aborted; the consumer rewinds to the group's committed offsets and the
// same input is processed again in a later (committed) transaction.
int ConsumeTransformProduce(const std::string& bootstrap, const std::string& in_topic, const std::string& out_topic,
                            const std::string& group, const std::string& txn_id, const Options& opts) {
  const int timeout = static_cast<int>(opts.Int("client.timeout.ms", 40000));
  const int64_t batch_size = opts.Int("client.batch.size", 25);
  const int64_t abort_batch = opts.Int("client.abort.batch", 2);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout);

  Options consumer_opts;  // librdkafka properties apply to the producer only
  rd_kafka_t* consumer = NewConsumer(bootstrap, group, "read_committed", consumer_opts);
  ProducerState st;
  st.print_errors = false;
  rd_kafka_t* producer = NewProducer(bootstrap, &st, opts, {{"transactional.id", txn_id}, {"acks", "all"}});
  CheckError(rd_kafka_init_transactions(producer, timeout), "init_transactions");

  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, in_topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) Die(std::string("subscribe: ") + rd_kafka_err2str(err));

  std::set<int32_t> at_eof;
  int64_t batch_no = 0, committed_batches = 0, aborted_batches = 0, committed_records = 0;
  bool done = false;
  while (!done) {
    // Collect a batch: up to batch_size records, or fewer when every assigned partition is at its end.
    std::vector<rd_kafka_message_t*> batch;
    for (;;) {
      if (Clock::now() > deadline) Die("timed out in consume-transform-produce");
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 200);
      if (m != nullptr) {
        if (IsEof(m)) {
          at_eof.insert(m->partition);
          rd_kafka_message_destroy(m);
        } else if (m->err) {
          std::string msg = rd_kafka_message_errstr(m);
          rd_kafka_message_destroy(m);
          Die("consume: " + msg);
        } else {
          at_eof.erase(m->partition);
          batch.push_back(m);
          if (static_cast<int64_t>(batch.size()) >= batch_size) break;
          continue;
        }
      }
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      if (rd_kafka_assignment(consumer, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("assignment");
      bool all_eof = assigned->cnt > 0;
      for (int i = 0; i < assigned->cnt; ++i) all_eof &= at_eof.count(assigned->elems[i].partition) > 0;
      rd_kafka_topic_partition_list_destroy(assigned);
      if (all_eof) {
        done = batch.empty();
        break;
      }
    }
    if (batch.empty()) continue;
    batch_no++;
    const bool abort = batch_no == abort_batch;
    CheckError(rd_kafka_begin_transaction(producer), "begin_transaction");
    for (rd_kafka_message_t* m : batch) {
      std::string value = "tx:" + Text(m->payload, m->len);
      Produce(producer, out_topic, RD_KAFKA_PARTITION_UA, Text(m->key, m->key_len), value);
      rd_kafka_poll(producer, 0);
    }
    // The offsets to commit are the consumer's positions (next offset to read) after this batch.
    // Partitions this consumer has not read from yet have no position and are left out.
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    rd_kafka_assignment(consumer, &assigned);
    rd_kafka_position(consumer, assigned);
    rd_kafka_topic_partition_list_t* positions = rd_kafka_topic_partition_list_new(assigned->cnt);
    for (int i = 0; i < assigned->cnt; ++i) {
      if (assigned->elems[i].offset >= 0) {
        rd_kafka_topic_partition_list_add(positions, assigned->elems[i].topic, assigned->elems[i].partition)->offset =
            assigned->elems[i].offset;
      }
    }
    rd_kafka_topic_partition_list_destroy(assigned);
    rd_kafka_consumer_group_metadata_t* cgmd = rd_kafka_consumer_group_metadata(consumer);
    CheckError(rd_kafka_send_offsets_to_transaction(producer, positions, cgmd, timeout),
               "send_offsets_to_transaction");
    rd_kafka_consumer_group_metadata_destroy(cgmd);
    std::string offsets;
    for (int i = 0; i < positions->cnt; ++i) {
      offsets += " " + std::to_string(positions->elems[i].partition) + ":" + std::to_string(positions->elems[i].offset);
    }
    rd_kafka_topic_partition_list_destroy(positions);
    if (abort) {
      rd_kafka_resp_err_t ferr = rd_kafka_flush(producer, timeout);  // outputs reach the log, then get aborted
      if (ferr) Die(std::string("flush before abort: ") + rd_kafka_err2str(ferr));
      CheckError(rd_kafka_abort_transaction(producer, timeout), "abort_transaction");
      aborted_batches++;
      std::printf("batch %lld aborted %zu offsets%s\n", static_cast<long long>(batch_no), batch.size(),
                  offsets.c_str());
      // Rewind to what the group has committed: the aborted batch's offsets must not be there.
      rd_kafka_topic_partition_list_t* committed = nullptr;
      rd_kafka_assignment(consumer, &committed);
      err = rd_kafka_committed(consumer, committed, timeout);
      if (err) Die(std::string("committed: ") + rd_kafka_err2str(err));
      std::string rewind;
      for (int i = 0; i < committed->cnt; ++i) {
        auto& e = committed->elems[i];
        if (e.offset < 0) e.offset = RD_KAFKA_OFFSET_BEGINNING;
        rewind += " " + std::to_string(e.partition) + ":" + std::to_string(e.offset);
      }
      rd_kafka_error_t* serr = rd_kafka_seek_partitions(consumer, committed, timeout);
      rd_kafka_topic_partition_list_destroy(committed);
      CheckError(serr, "seek_partitions");
      std::printf("rewound%s\n", rewind.c_str());
      at_eof.clear();
    } else {
      CheckError(rd_kafka_commit_transaction(producer, timeout), "commit_transaction");
      committed_batches++;
      committed_records += static_cast<int64_t>(batch.size());
      std::printf("batch %lld committed %zu offsets%s\n", static_cast<long long>(batch_no), batch.size(),
                  offsets.c_str());
    }
    std::fflush(stdout);
    for (rd_kafka_message_t* m : batch) rd_kafka_message_destroy(m);
  }
  std::printf("committed-batches %lld\naborted-batches %lld\ncommitted-records %lld\n",
              static_cast<long long>(committed_batches), static_cast<long long>(aborted_batches),
              static_cast<long long>(committed_records));
  std::fflush(stdout);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  return 0;
}

int64_t ToInt(const std::string& s, const char* what) {
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') Die(std::string(what) + ": not a number: " + s);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (eq == std::string::npos) {
      pos.push_back(a);
    } else if (a.rfind("client.", 0) == 0) {
      opts.client[a.substr(0, eq)] = a.substr(eq + 1);
    } else {
      opts.props[a.substr(0, eq)] = a.substr(eq + 1);
    }
  }
  auto need = [&](size_t n, const char* usage) {
    if (pos.size() < n) Die(std::string("usage: rdkafka_client ") + usage);
  };
  need(1, "MODE BOOTSTRAP ARGS... [key=value...]");
  const std::string& mode = pos[0];
  if (mode == "produce-idempotent") {
    need(4, "produce-idempotent BOOTSTRAP TOPIC COUNT [props...]");
    return ProduceIdempotent(pos[1], pos[2], ToInt(pos[3], "COUNT"), opts);
  }
  if (mode == "produce-transactional") {
    need(7, "produce-transactional BOOTSTRAP TOPIC TXN_ID COUNT_PER_TXN N_TXNS ABORT_EVERY [props...]");
    return ProduceTransactional(pos[1], pos[2], pos[3], ToInt(pos[4], "COUNT_PER_TXN"), ToInt(pos[5], "N_TXNS"),
                                ToInt(pos[6], "ABORT_EVERY"), opts);
  }
  if (mode == "txn-hold") {
    need(5, "txn-hold BOOTSTRAP TOPIC TXN_ID COUNT [props...]");
    return TxnHold(pos[1], pos[2], pos[3], ToInt(pos[4], "COUNT"), opts);
  }
  if (mode == "consume") {
    need(4, "consume BOOTSTRAP TOPIC read_committed|read_uncommitted [GROUP] [props...]");
    if (pos[3] != "read_committed" && pos[3] != "read_uncommitted") Die("isolation: " + pos[3]);
    std::string group = pos.size() > 4 ? pos[4] : "rdkafka-client-" + std::to_string(getpid());
    return Consume(pos[1], pos[2], pos[3], group, opts);
  }
  if (mode == "consume-transform-produce") {
    need(6, "consume-transform-produce BOOTSTRAP IN_TOPIC OUT_TOPIC GROUP TXN_ID [props...]");
    return ConsumeTransformProduce(pos[1], pos[2], pos[3], pos[4], pos[5], opts);
  }
  Die("unknown mode " + mode);
}
