#include "server/server.h"

#include <future>

#include <condition_variable>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "base/logging.h"
#include "base/thread_pool.h"
#include "io/event_loop.h"
#include "io/http_server.h"
#include "io/tcp.h"
#include "kafka/group/group_coordinator.h"
#include "kafka/server/broker.h"
#include "kafka/server/network.h"
#include "kafka/server/producer_ids.h"
#include "kafka/txn/transaction_coordinator.h"
#include "log/log_manager.h"
#include "server/data_dir_lock.h"
#include "server/sql_endpoint.h"

namespace tide::server {

using base::ConfigKey;
using base::ConfigType;
using base::Result;
using base::Status;

std::vector<ConfigKey> ServerConfigSchema() {
  return {
      {"data_dir", ConfigType::kString, "./tide-data", "Directory holding the log, tables, checkpoints and metadata"},
      {"kafka.listen", ConfigType::kString, "127.0.0.1:9092", "Kafka protocol listener, HOST:PORT (port 0 picks one)"},
      {"http.listen", ConfigType::kString, "127.0.0.1:8080", "HTTP listener for /metrics, /healthz and the API"},
      {"log.level", ConfigType::kString, "info", "Server log level: debug, info, warn, error"},
      {"log.format", ConfigType::kString, "auto", "Server log format: json, text, or auto (text on a terminal)"},
      {"kafka.node.id", ConfigType::kInt, "0", "Broker id reported to clients"},
      {"kafka.advertised.listener", ConfigType::kString, "",
       "HOST:PORT clients are told to connect to (default: the bound Kafka listener)"},
      {"kafka.auto.create.topics.enable", ConfigType::kBool, "true", "Create unknown topics named in Metadata requests"},
      {"kafka.num.partitions", ConfigType::kInt, "1", "Partitions of auto-created topics and of CreateTopics with -1"},
      {"kafka.socket.request.max.bytes", ConfigType::kInt, "104857600", "Largest request accepted; larger closes the connection"},
      {"kafka.group.initial.rebalance.delay.ms", ConfigType::kInt, "3000",
       "How long a new consumer group waits for more members before its first rebalance"},
      {"kafka.group.min.session.timeout.ms", ConfigType::kInt, "6000", "Smallest session timeout a consumer may ask for"},
      {"kafka.group.max.session.timeout.ms", ConfigType::kInt, "1800000", "Largest session timeout a consumer may ask for"},
      {"kafka.offsets.retention.minutes", ConfigType::kInt, "10080", "How long committed offsets of empty groups are kept"},
      {"kafka.transaction.max.timeout.ms", ConfigType::kInt, "900000", "Largest transaction timeout a producer may ask for"},
      {"kafka.transaction.abort.check.interval.ms", ConfigType::kInt, "10000",
       "How often transactions past their timeout are looked for and aborted"},
      {"kafka.log.retention.check.interval.ms", ConfigType::kInt, "300000",
       "How often retention (and compaction) runs over all partitions"},
      // Broker-wide topic defaults, Kafka's names; empty means Kafka's default.
      {"kafka.log.segment.bytes", ConfigType::kString, "", "Segment size before rolling (default 1073741824)"},
      {"kafka.log.roll.ms", ConfigType::kString, "", "Segment age before rolling (default 7 days)"},
      {"kafka.log.retention.ms", ConfigType::kString, "", "Delete segments older than this; -1 keeps forever (default 7 days)"},
      {"kafka.log.retention.bytes", ConfigType::kString, "", "Delete old segments past this size per partition (default -1)"},
      {"kafka.log.cleanup.policy", ConfigType::kString, "", "delete, compact or compact,delete (default delete)"},
      {"kafka.log.flush.interval.messages", ConfigType::kString, "",
       "fsync after this many messages; 1 makes every acknowledged batch durable (default: never, rely on the page cache)"},
      {"kafka.log.flush.interval.ms", ConfigType::kString, "", "fsync at least this often (default: never)"},
      {"kafka.message.max.bytes", ConfigType::kString, "", "Largest record batch accepted (default 1048588)"},
      {"kafka.log.message.timestamp.type", ConfigType::kString, "", "CreateTime or LogAppendTime (default CreateTime)"},
      {"kafka.log.cleaner.delete.retention.ms", ConfigType::kString, "", "How long compaction keeps tombstones (default 1 day)"},
  };
}

struct Server::Impl {
  std::string data_dir;
  std::unique_ptr<DataDirLock> lock;
  base::MetricsRegistry metrics;
  std::unique_ptr<log::LogManager> logs;
  std::unique_ptr<kafka::ProducerIdManager> producer_ids;
  io::EventLoopThread network{"tide-net"};
  // Runs produce appends off the network thread (kafka/server/broker.h, "Threading").
  io::EventLoopThread appender{"tide-log"};
  // Created and destroyed on the network loop's thread.
  std::unique_ptr<kafka::GroupCoordinator> groups;
  std::unique_ptr<kafka::TransactionCoordinator> txns;
  std::unique_ptr<kafka::Broker> broker;
  std::unique_ptr<kafka::KafkaListener> kafka;
  std::unique_ptr<io::HttpServer> http;
  // Runs POST /api/v1/sql statements off the network loop (sql_endpoint.h).
  std::unique_ptr<base::ThreadPool> sql_pool;
  std::string kafka_address;
  std::string http_address;

  // Background maintenance: retention, compaction and time-based flushes, off the network loop.
  std::thread maintenance;
  std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;
  bool stopping = false;
  bool stopped = false;
};

namespace {

// Runs `fn` on the loop's thread and waits for its Status.
Status RunOnLoop(io::EventLoop* loop, std::function<Status()> fn) {
  std::promise<Status> done;
  loop->Post([&] { done.set_value(fn()); });
  return done.get_future().get();
}

void RegisterHttpRoutes(Server::Impl* impl) {
  auto& requests = impl->metrics.AddCounter("tide_http_requests_total", "HTTP requests served, by path and status",
                                            {"path", "status"});
  auto counted = [&requests](std::string path, io::HttpHandler handler) {
    return [&requests, path, handler](const io::HttpRequest& req) {
      io::HttpResponse resp = handler(req);
      requests.WithLabels({path, std::to_string(resp.status)}).Increment();
      return resp;
    };
  };
  impl->http->Route("GET", "/metrics", counted("/metrics", [impl](const io::HttpRequest&) {
                      io::HttpResponse r = io::HttpResponse::Text(200, impl->metrics.RenderPrometheus());
                      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                      return r;
                    }));
  impl->http->Route("GET", "/healthz", counted("/healthz", [](const io::HttpRequest&) {
                      return io::HttpResponse::Json(200, "{\"status\":\"ok\"}\n");
                    }));
  // A client that disconnects before its answer (killed curl, Ctrl-C in `tide sql --server`, a
  // client library's timeout) cancels its statement: a queued one is skipped, a running one's
  // session is cancelled, so the SQL thread is free again at once instead of finishing work
  // for no one. Such requests count as status 499 (nginx's "client closed request").
  auto& disconnects = impl->metrics.AddCounter(
      "tide_sql_client_disconnects_total",
      "POST /api/v1/sql requests whose client went away before the answer, by what their statement was doing then "
      "(queued: skipped, running: cancelled, finished: answer dropped)",
      {"stage"});
  impl->http->RouteDeferred("POST", "/api/v1/sql", [impl, &requests, &disconnects](
                                                       const io::HttpRequest& req, io::HttpResponder respond,
                                                       std::shared_ptr<io::HttpCancellation> http_cancel) {
    SqlEndpointOptions options;
    options.data_dir = impl->data_dir;
    // Shared by the loop thread (which cancels it) and the SQL thread (which runs the statement).
    auto cancel = std::make_shared<SqlCancellation>();
    io::EventLoop* loop = impl->network.loop();
    // Runs on the loop thread: the connection closed there before the answer was handed over.
    http_cancel->OnCancel([loop, cancel, &disconnects, peer = req.peer] {
      SqlCancellation::Stage stage = CancelSqlUntilStopped(loop, cancel);
      disconnects.WithLabels({SqlCancellation::StageName(stage)}).Increment();
      const char* action = stage == SqlCancellation::Stage::kQueued    ? "statement skipped"
                           : stage == SqlCancellation::Stage::kRunning ? "statement cancelled"
                                                                       : "answer dropped";
      base::LogInfo("sql", "client went away before its answer",
                    {{"peer", peer}, {"stage", SqlCancellation::StageName(stage)}, {"action", action}});
    });
    auto counted_respond = [&requests, respond, http_cancel](io::HttpResponse resp) {
      const int status = resp.status;
      respond(std::move(resp));
      // Exact after respond(): it was a no-op exactly when the request had been cancelled.
      requests.WithLabels({"/api/v1/sql", http_cancel->cancelled() ? "499" : std::to_string(status)}).Increment();
    };
    bool queued = impl->sql_pool->Post(
        [options, req, counted_respond, cancel] { counted_respond(ExecuteSqlRequest(options, req, cancel.get())); });
    if (!queued) counted_respond(io::HttpResponse::Json(503, "{\"error\":\"the server is stopping\",\"code\":\"Unavailable\"}\n"));
  });
}

}  // namespace

namespace {

// The cluster id clients see (Metadata, DescribeCluster): made once per data directory, in
// Kafka's form (22 URL-safe base64 characters of a random UUID), kept in meta/cluster_id.
Result<std::string> LoadOrCreateClusterId(const std::string& meta_dir) {
  std::string path = meta_dir + "/cluster_id";
  std::ifstream in(path);
  if (in) {
    std::string id;
    std::getline(in, id);
    if (id.size() == 22) return id;
    return Status::Corruption(path + ": expected a 22-character cluster id, got '" + id + "'");
  }
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 22; ++i) id.push_back(kAlphabet[rd() % 64]);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << id << "\n";
    if (!out) return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno(errno, "cannot rename " + tmp);
  return id;
}

// The broker-wide topic defaults from the kafka.log.* keys that were set.
Result<log::BrokerLogDefaults> BrokerLogDefaults(const base::Config& config) {
  static const std::pair<const char*, const char*> kKeys[] = {
      {"kafka.log.segment.bytes", "log.segment.bytes"},
      {"kafka.log.roll.ms", "log.roll.ms"},
      {"kafka.log.retention.ms", "log.retention.ms"},
      {"kafka.log.retention.bytes", "log.retention.bytes"},
      {"kafka.log.cleanup.policy", "log.cleanup.policy"},
      {"kafka.log.flush.interval.messages", "log.flush.interval.messages"},
      {"kafka.log.flush.interval.ms", "log.flush.interval.ms"},
      {"kafka.message.max.bytes", "message.max.bytes"},
      {"kafka.log.message.timestamp.type", "log.message.timestamp.type"},
      {"kafka.log.cleaner.delete.retention.ms", "log.cleaner.delete.retention.ms"},
  };
  std::map<std::string, std::string> props;
  for (const auto& [key, property] : kKeys) {
    if (!config.GetString(key).empty()) props[property] = config.GetString(key);
  }
  auto defaults = log::BrokerDefaultsFromProperties(props);
  if (!defaults.ok()) return defaults.status().WithContext("invalid kafka.log.* setting");
  return defaults;
}

void MaintenanceLoop(Server::Impl* impl, int64_t retention_interval_ms) {
  int64_t next_retention = base::WallMillis() + retention_interval_ms;
  std::unique_lock<std::mutex> lock(impl->maintenance_mu);
  while (!impl->stopping) {
    // flush.ms is checked at least every second; retention and compaction every interval.
    int64_t until_retention = std::max<int64_t>(0, next_retention - base::WallMillis());
    impl->maintenance_cv.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(1000, until_retention)));
    if (impl->stopping) break;
    lock.unlock();
    int64_t now = base::WallMillis();
    if (Status s = impl->logs->FlushDue(now); !s.ok()) {
      base::LogError("log", "periodic flush failed", {{"error", s.message()}});
    }
    if (now >= next_retention) {
      next_retention = now + retention_interval_ms;
      auto deleted = impl->logs->RunRetention(now);
      if (!deleted.ok()) base::LogError("log", "retention failed", {{"error", deleted.status().message()}});
      if (deleted.ok() && *deleted > 0) base::LogInfo("log", "retention deleted segments", {{"segments", *deleted}});
      auto removed = impl->logs->RunCompaction(now);
      if (!removed.ok()) base::LogError("log", "compaction failed", {{"error", removed.status().message()}});
      if (removed.ok() && *removed > 0) base::LogInfo("log", "compaction removed records", {{"records", *removed}});
    }
    lock.lock();
  }
}

// Starts the Kafka side on the network loop's thread.
Status StartKafka(Server::Impl* impl, const base::Config& config, const std::string& cluster_id) {
  io::EventLoop* loop = impl->network.loop();
  const std::string meta = impl->data_dir + "/meta";

  kafka::GroupCoordinatorOptions group_options;
  group_options.state_dir = meta + "/groups";
  group_options.node_id = static_cast<int32_t>(config.GetInt("kafka.node.id"));
  group_options.group_initial_rebalance_delay_ms =
      static_cast<int32_t>(config.GetInt("kafka.group.initial.rebalance.delay.ms"));
  group_options.group_min_session_timeout_ms = static_cast<int32_t>(config.GetInt("kafka.group.min.session.timeout.ms"));
  group_options.group_max_session_timeout_ms = static_cast<int32_t>(config.GetInt("kafka.group.max.session.timeout.ms"));
  group_options.offsets_retention_ms = config.GetInt("kafka.offsets.retention.minutes") * 60 * 1000;
  log::LogManager* logs = impl->logs.get();
  group_options.partition_exists = [logs](const std::string& topic, int32_t partition) {
    return logs->GetPartition(topic, partition) != nullptr;
  };
  TIDE_RETURN_IF_ERROR(CreateDirectories(group_options.state_dir));
  impl->groups = std::make_unique<kafka::GroupCoordinator>(loop, &impl->metrics, group_options);
  TIDE_RETURN_IF_ERROR(impl->groups->Open().WithContext("consumer group state"));

  kafka::TransactionCoordinatorOptions txn_options;
  txn_options.state_dir = meta + "/transactions";
  txn_options.transaction_max_timeout_ms = static_cast<int32_t>(config.GetInt("kafka.transaction.max.timeout.ms"));
  txn_options.abort_check_interval_ms =
      static_cast<int32_t>(config.GetInt("kafka.transaction.abort.check.interval.ms"));
  txn_options.partition = [logs](const std::string& topic, int32_t partition) {
    return logs->GetPartition(topic, partition);
  };
  kafka::GroupCoordinator* groups = impl->groups.get();
  txn_options.complete_group_offsets = [groups](int64_t producer_id, bool commit) {
    groups->CompleteTransaction(producer_id, commit);
  };
  txn_options.markers_written = [impl] {
    if (impl->broker) impl->broker->OnLogAppended();
  };
  TIDE_RETURN_IF_ERROR(CreateDirectories(txn_options.state_dir));
  impl->txns = std::make_unique<kafka::TransactionCoordinator>(loop, impl->producer_ids.get(), &impl->metrics, txn_options);
  TIDE_RETURN_IF_ERROR(impl->txns->Open().WithContext("transaction state"));

  kafka::KafkaListener::Options listener_options;
  listener_options.max_request_bytes = config.GetInt("kafka.socket.request.max.bytes");
  kafka::BrokerOptions broker_options;
  broker_options.node_id = group_options.node_id;
  broker_options.cluster_id = cluster_id;
  broker_options.auto_create_topics = config.GetBool("kafka.auto.create.topics.enable");
  broker_options.default_partitions = static_cast<int32_t>(config.GetInt("kafka.num.partitions"));
  broker_options.append_loop = impl->appender.loop();
  impl->broker = std::make_unique<kafka::Broker>(loop, logs, impl->groups.get(), impl->txns.get(),
                                                 impl->producer_ids.get(), &impl->metrics, broker_options);
  impl->kafka = std::make_unique<kafka::KafkaListener>(loop, impl->broker.get(), &impl->metrics, listener_options);
  TIDE_RETURN_IF_ERROR(impl->kafka->Listen(config.GetString("kafka.listen")).WithContext("kafka.listen"));
  impl->kafka_address = impl->kafka->address().ToString();

  // Clients connect to the advertised address; by default the one actually bound.
  std::string advertised = config.GetString("kafka.advertised.listener");
  if (advertised.empty()) advertised = impl->kafka_address;
  std::string host;
  int port = 0;
  TIDE_RETURN_IF_ERROR(io::SplitHostPort(advertised, &host, &port).WithContext("kafka.advertised.listener"));
  if (host.empty() || host == "0.0.0.0" || host == "::") {
    return Status::InvalidArgument("kafka.advertised.listener: clients cannot connect to '" + advertised +
                                   "'; set kafka.advertised.listener to a reachable HOST:PORT");
  }
  impl->broker->SetAdvertisedAddress(host, port);
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const base::Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->data_dir = config.GetString("data_dir");
  TIDE_ASSIGN_OR_RETURN(impl->lock, DataDirLock::Acquire(impl->data_dir));
  for (const char* sub : {"/log", "/tables", "/checkpoints", "/meta"}) {
    TIDE_RETURN_IF_ERROR(CreateDirectories(impl->data_dir + sub));
  }
  const bool new_data_dir = !std::ifstream(impl->data_dir + "/meta/cluster_id").good();
  TIDE_ASSIGN_OR_RETURN(std::string cluster_id, LoadOrCreateClusterId(impl->data_dir + "/meta"));

  base::RegisterProcessMetrics(&impl->metrics);
  impl->metrics.AddGauge("tide_build_info", "Tide build information (always 1)", {"version"})
      .WithLabels({TIDE_VERSION})
      .Set(1);
  const double start_seconds = static_cast<double>(base::WallMillis()) / 1000.0;
  impl->metrics.AddGaugeCallback("tide_server_start_time_seconds", "Unix time when this tide server started",
                                 [start_seconds] { return start_seconds; });

  log::LogManagerOptions log_options;
  log_options.data_dir = impl->data_dir;
  TIDE_ASSIGN_OR_RETURN(log_options.defaults, BrokerLogDefaults(config));
  log_options.warn = [](const std::string& note) { base::LogWarn("log", note); };
  // A marker written by a clean stop tells whether this start follows a crash (kill -9, power
  // loss): then the log's recovery (tail validation, index rebuilds) is worth reporting.
  const std::string clean_marker = impl->data_dir + "/meta/clean-shutdown";
  const bool clean_start = std::remove(clean_marker.c_str()) == 0 || new_data_dir;
  int64_t open_start = base::MonotonicMillis();
  TIDE_ASSIGN_OR_RETURN(impl->logs, log::LogManager::Open(log_options));
  base::Log(clean_start ? base::LogLevel::kInfo : base::LogLevel::kWarn, "log",
            new_data_dir  ? "opened a new data directory"
            : clean_start ? "opened after a clean shutdown"
                          : "opened after an unclean shutdown: logs recovered",
            {{"topics", static_cast<int64_t>(impl->logs->ListTopics().size())},
             {"ms", base::MonotonicMillis() - open_start}});
  impl->producer_ids = std::make_unique<kafka::ProducerIdManager>(impl->data_dir + "/meta");
  TIDE_RETURN_IF_ERROR(impl->producer_ids->Open());

  TIDE_RETURN_IF_ERROR(impl->appender.Start());
  TIDE_RETURN_IF_ERROR(impl->network.Start());
  io::EventLoop* loop = impl->network.loop();
  impl->sql_pool = std::make_unique<base::ThreadPool>(2, "tide-sql");
  impl->http = std::make_unique<io::HttpServer>(loop, io::HttpServer::Options{});
  RegisterHttpRoutes(impl.get());
  Impl* raw = impl.get();
  Status listening = RunOnLoop(loop, [raw, &config, &cluster_id]() -> Status {
    TIDE_RETURN_IF_ERROR(StartKafka(raw, config, cluster_id));
    TIDE_RETURN_IF_ERROR(raw->http->Listen(config.GetString("http.listen")).WithContext("http.listen"));
    raw->http_address = raw->http->address().ToString();
    return Status::OK();
  });
  auto server = std::unique_ptr<Server>(new Server(std::move(impl)));
  if (!listening.ok()) {
    (void)server->Stop();
    return listening;
  }
  int64_t retention_interval = config.GetInt("kafka.log.retention.check.interval.ms");
  raw->maintenance = std::thread([raw, retention_interval] { MaintenanceLoop(raw, std::max<int64_t>(100, retention_interval)); });
  base::LogInfo("server", "listening",
                {{"kafka", raw->kafka_address}, {"http", raw->http_address}, {"data_dir", raw->data_dir}});
  return server;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { (void)Stop(); }

Status Server::Stop() {
  if (impl_->stopped) return Status::OK();
  impl_->stopped = true;
  Impl* impl = impl_.get();
  {
    std::lock_guard<std::mutex> lock(impl->maintenance_mu);
    impl->stopping = true;
  }
  impl->maintenance_cv.notify_all();
  if (impl->maintenance.joinable()) impl->maintenance.join();

  // Running SQL statements finish (their responses go out while the loop still runs); queued
  // ones are still answered.
  if (impl->sql_pool) impl->sql_pool->Shutdown();

  Status result;
  // Stop taking requests, answer parked fetches, let the append thread finish what it was given
  // (its completions run on the network loop, which must still be running), persist
  // coordinator state, then stop the loop: everything that lives on the loop is torn down on it.
  if (impl->network.loop() != nullptr) {
    (void)RunOnLoop(impl->network.loop(), [impl]() -> Status {
      if (impl->http) impl->http->Close();
      if (impl->broker) impl->broker->CompletePendingFetches();
      if (impl->kafka) impl->kafka->Close();
      return Status::OK();
    });
    // Runs every append already posted; their completions queue on the network loop ahead of
    // the teardown below.
    impl->appender.Stop();
    Status s = RunOnLoop(impl->network.loop(), [impl]() -> Status {
      Status first;
      if (impl->broker) impl->broker->CompletePendingFetches();
      if (impl->txns) first = impl->txns->Close();
      if (impl->groups) {
        Status g = impl->groups->Close();
        if (first.ok()) first = g;
      }
      impl->kafka.reset();
      impl->broker.reset();
      impl->txns.reset();
      impl->groups.reset();
      impl->http.reset();
      return first;
    });
    if (!s.ok()) result = s;
    impl->network.Stop();
  }
  impl->appender.Stop();  // idempotent; for a server whose network loop never started
  if (impl->logs) {
    Status s = impl->logs->Close();
    if (!s.ok() && result.ok()) result = s;
  }
  if (result.ok() && impl->logs) {
    std::ofstream marker(impl->data_dir + "/meta/clean-shutdown");
    marker << "clean shutdown at " << base::FormatIso8601Micros(base::WallMicros()) << "\n";
  }
  impl->lock.reset();
  if (result.ok()) {
    base::LogInfo("server", "stopped", {{"data_dir", impl->data_dir}});
  } else {
    base::LogError("server", "stopped with errors", {{"data_dir", impl->data_dir}, {"error", result.message()}});
  }
  return result;
}

const std::string& Server::kafka_address() const { return impl_->kafka_address; }
const std::string& Server::http_address() const { return impl_->http_address; }
base::MetricsRegistry& Server::metrics() { return impl_->metrics; }

}  // namespace tide::server
