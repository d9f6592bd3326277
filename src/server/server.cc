#include "server/server.h"

#include <future>

#include "base/clock.h"
#include "base/logging.h"
#include "io/event_loop.h"
#include "io/http_server.h"
#include "server/data_dir_lock.h"

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
  };
}

struct Server::Impl {
  std::string data_dir;
  std::unique_ptr<DataDirLock> lock;
  base::MetricsRegistry metrics;
  io::EventLoopThread network{"tide-net"};
  std::unique_ptr<io::HttpServer> http;
  std::string kafka_address;
  std::string http_address;
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
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const base::Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->data_dir = config.GetString("data_dir");
  TIDE_ASSIGN_OR_RETURN(impl->lock, DataDirLock::Acquire(impl->data_dir));
  for (const char* sub : {"/log", "/tables", "/checkpoints", "/meta"}) {
    TIDE_RETURN_IF_ERROR(CreateDirectories(impl->data_dir + sub));
  }

  base::RegisterProcessMetrics(&impl->metrics);
  impl->metrics.AddGauge("tide_build_info", "Tide build information (always 1)", {"version"})
      .WithLabels({TIDE_VERSION})
      .Set(1);
  const double start_seconds = static_cast<double>(base::WallMillis()) / 1000.0;
  impl->metrics.AddGaugeCallback("tide_server_start_time_seconds", "Unix time when this tide server started",
                                 [start_seconds] { return start_seconds; });

  TIDE_RETURN_IF_ERROR(impl->network.Start());
  io::EventLoop* loop = impl->network.loop();
  impl->http = std::make_unique<io::HttpServer>(loop, io::HttpServer::Options{});
  RegisterHttpRoutes(impl.get());
  Impl* raw = impl.get();
  Status listening = RunOnLoop(loop, [raw, &config]() -> Status {
    TIDE_RETURN_IF_ERROR(raw->http->Listen(config.GetString("http.listen")).WithContext("http.listen"));
    raw->http_address = raw->http->address().ToString();
    return Status::OK();
  });
  if (!listening.ok()) {
    raw->network.Stop();
    return listening;
  }
  base::LogInfo("server", "listening", {{"http", raw->http_address}, {"data_dir", raw->data_dir}});
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { (void)Stop(); }

Status Server::Stop() {
  if (impl_->stopped) return Status::OK();
  impl_->stopped = true;
  Status result;
  // Close listeners and connections on the loop thread, then stop the loop.
  (void)RunOnLoop(impl_->network.loop(), [this]() -> Status {
    impl_->http->Close();
    return Status::OK();
  });
  impl_->network.Stop();
  impl_->http.reset();
  impl_->lock.reset();
  base::LogInfo("server", "stopped", {{"data_dir", impl_->data_dir}});
  return result;
}

const std::string& Server::kafka_address() const { return impl_->kafka_address; }
const std::string& Server::http_address() const { return impl_->http_address; }
base::MetricsRegistry& Server::metrics() { return impl_->metrics; }

}  // namespace tide::server
