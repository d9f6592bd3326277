// Kafka broker benchmark: starts `tide server` as a child process and drives it with librdkafka
// (C API) over loopback, next to the machine's raw loopback TCP throughput measured in the same
// run (the physical limit for a broker on 127.0.0.1).
//
//   kafka_broker_bench [path/to/tide]
//
// The tide binary comes from argv[1], else $TIDE_BIN, else build/release/bin/tide in the repo.
// Knobs (environment): TIDE_BENCH_PRODUCE_SECONDS (time budget per produce run, default 8),
// TIDE_BENCH_PRODUCE_MB (volume cap per produce run, default 1024), TIDE_BENCH_REPS (default 3),
// TIDE_BENCH_LATENCY_SECONDS (default 10), TIDE_BENCH_LATENCY_RATE (records/s, default 10000),
// TIDE_BENCH_KEEP=1 keeps the temp data dir and server log, TIDE_BENCH_CASES=1kb (or 100b) runs
// one throughput case only, TIDE_BENCH_LATENCY_SECONDS=0 skips the latency runs (for profiling).
//
// Prints (throughputs: median of TIDE_BENCH_REPS runs; MB = 10^6 bytes of record values):
//   RESULT loopback_tcp_throughput <MB/s> MB/s
//   RESULT loopback_tcp_mb_per_cpu_s <MB per CPU second> MB/cpu-s
//   RESULT kafka_produce_{100b,1kb}_throughput <MB/s> MB/s
//   RESULT kafka_produce_{100b,1kb}_records <n> records/s
//   RESULT kafka_produce_{100b,1kb}_vs_loopback <ratio> ratio
//   RESULT kafka_produce_{100b,1kb}_{server,client}_mb_per_cpu_s <MB per CPU second> MB/cpu-s
//   RESULT kafka_consume_{100b,1kb}_throughput <MB/s> MB/s
//   RESULT kafka_consume_{100b,1kb}_records <n> records/s
//   RESULT kafka_consume_{100b,1kb}_server_mb_per_cpu_s <MB per CPU second> MB/cpu-s
//   RESULT kafka_e2e_latency_{p50,p99,p999,max} <ms> ms
//   RESULT kafka_e2e_latency_rate <achieved records/s> records/s
//   RESULT loopback_tcp_latency_{p50,p99,p999,max} <ms> ms   (same schedule over plain TCP)
// Lines starting with INFO are per-run details. See bench/README.md.
#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

double EnvDouble(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtod(v, nullptr) : fallback;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Result(const std::string& name, double value, const char* unit) {
  // Plain decimal notation (no exponent), so that scripts can parse every value the same way.
  std::printf(value >= 1e5 ? "RESULT %s %.0f %s\n" : "RESULT %s %.6g %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

[[noreturn]] void Die(const std::string& msg);

// ---------------------------------------------------------------------------------------------
// The server child process.

pid_t g_server_pid = -1;
std::string g_data_dir;

// CPU seconds (user + system) used so far by the server process and by this process.
double ServerCpuSeconds() {
  if (g_server_pid <= 0) return 0;
  std::string path = "/proc/" + std::to_string(g_server_pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  char buf[2048];
  size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // the command name may contain spaces
  if (p == nullptr) return 0;
  unsigned long long utime = 0, stime = 0;
  // After ") ": state(3) ... utime is field 14, stime 15.
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void StopServer() {
  if (g_server_pid <= 0) return;
  ::kill(g_server_pid, SIGTERM);
  auto start = Clock::now();
  int status = 0;
  while (true) {
    pid_t r = ::waitpid(g_server_pid, &status, WNOHANG);
    if (r == g_server_pid || r < 0) break;
    if (SecondsSince(start) > 15) {
      std::fprintf(stderr, "server did not stop within 15 s of SIGTERM; sending SIGKILL\n");
      ::kill(g_server_pid, SIGKILL);
      ::waitpid(g_server_pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  g_server_pid = -1;
}

void Cleanup() {
  StopServer();
  const char* keep = std::getenv("TIDE_BENCH_KEEP");
  if (!g_data_dir.empty() && (keep == nullptr || std::string(keep) != "1")) {
    std::error_code ec;
    std::filesystem::remove_all(g_data_dir, ec);
  }
}

void Die(const std::string& msg) {
  std::fprintf(stderr, "kafka_broker_bench: %s\n", msg.c_str());
  if (!g_data_dir.empty()) {
    // The server's own log usually says why (the directory is removed below).
    std::string log_path = g_data_dir + "/server.log";
    if (FILE* f = std::fopen(log_path.c_str(), "r")) {
      std::vector<std::string> lines;
      char line[4096];
      while (std::fgets(line, sizeof(line), f) != nullptr) {
        lines.emplace_back(line);
        if (lines.size() > 20) lines.erase(lines.begin());
      }
      std::fclose(f);
      std::fprintf(stderr, "last lines of %s:\n", log_path.c_str());
      for (const auto& l : lines) std::fputs(l.c_str(), stderr);
    }
  }
  Cleanup();
  std::exit(1);
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("cannot bind a port");
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

bool Healthy(int http_port) {
  int fd = ConnectLoopback(http_port);
  if (fd < 0) return false;
  std::string req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return false;
  }
  char buf[512];
  std::string resp;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return resp.rfind("HTTP/1.1 200", 0) == 0 || resp.rfind("HTTP/1.0 200", 0) == 0;
}

std::string DefaultTideBin() {
  if (const char* env = std::getenv("TIDE_BIN"); env != nullptr && *env != '\0') return env;
  // The repository is the first ancestor of this executable (<repo>/build/<dir>/bench/) or of
  // this source file that holds bench/kafka_broker_bench.cc; fall back to the working directory.
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> starts;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  fs::path src(__FILE__);
  if (src.is_absolute()) starts.push_back(src.parent_path());
  for (fs::path dir : starts) {
    for (; !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (fs::exists(dir / "bench/kafka_broker_bench.cc", ec)) return (dir / "build/release/bin/tide").string();
    }
  }
  return "build/release/bin/tide";
}

// Starts `tide server` on free loopback ports; returns the Kafka bootstrap address.
std::string StartServer(const std::string& tide_bin) {
  if (::access(tide_bin.c_str(), X_OK) != 0) Die("tide binary not found or not executable: " + tide_bin);
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tide-kafka-bench-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) Die("mkdtemp failed");
  g_data_dir = buf.data();
  int kafka_port = FreeLoopbackPort();
  int http_port = FreeLoopbackPort();
  while (http_port == kafka_port) http_port = FreeLoopbackPort();
  std::string kafka_listen = "127.0.0.1:" + std::to_string(kafka_port);
  std::string http_listen = "127.0.0.1:" + std::to_string(http_port);
  std::string data = g_data_dir + "/data";
  std::string log_path = g_data_dir + "/server.log";

  pid_t pid = ::fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execl(tide_bin.c_str(), tide_bin.c_str(), "server", "--data-dir", data.c_str(), "--kafka-listen",
            kafka_listen.c_str(), "--http-listen", http_listen.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  g_server_pid = pid;
  auto start = Clock::now();
  while (!Healthy(http_port)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      g_server_pid = -1;
      Die("tide server exited during startup");
    }
    if (SecondsSince(start) > 30) Die("tide server not healthy after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("INFO server %s pid %d kafka %s http %s healthy after %.2f s\n", tide_bin.c_str(), pid,
              kafka_listen.c_str(), http_listen.c_str(), SecondsSince(start));
  return kafka_listen;
}

// ---------------------------------------------------------------------------------------------
// Raw loopback TCP: one sender thread, one receiver thread, plain write()/read().

double LoopbackMBps(uint64_t total_bytes, double* cpu_seconds) {
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(lfd, 1) != 0) {
    Die("loopback listener failed");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);

  double cpu0 = SelfCpuSeconds();
  std::atomic<uint64_t> received{0};
  std::thread receiver([&] {
    int fd = ::accept(lfd, nullptr, nullptr);
    std::vector<char> buf(256 * 1024);
    uint64_t got = 0;
    while (got < total_bytes) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n <= 0) break;
      got += static_cast<uint64_t>(n);
    }
    received = got;
    ::close(fd);
  });
  int fd = ConnectLoopback(port);
  if (fd < 0) Die("loopback connect failed");
  std::vector<char> chunk(64 * 1024);
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>(i * 131 + 7);
  auto start = Clock::now();
  uint64_t sent = 0;
  while (sent < total_bytes) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), total_bytes - sent));
    ssize_t w = ::write(fd, chunk.data(), n);
    if (w <= 0) Die("loopback write failed");
    sent += static_cast<uint64_t>(w);
  }
  receiver.join();
  double secs = SecondsSince(start);
  *cpu_seconds = SelfCpuSeconds() - cpu0;
  ::close(fd);
  ::close(lfd);
  if (received != total_bytes) Die("loopback receiver short read");
  return static_cast<double>(total_bytes) / 1e6 / secs;
}

// The latency floor of this machine: the same paced 100 B messages with an embedded send time,
// over plain TCP on 127.0.0.1 (TCP_NODELAY) between two threads of this process. Returns the
// sorted latencies in ms of messages sent after the warm-up.
std::vector<double> LoopbackLatencyMs(double rate, double seconds, double warmup_s) {
  constexpr size_t kMsg = 100;
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(lfd, 1) != 0) {
    Die("loopback listener failed");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  uint64_t total = static_cast<uint64_t>(rate * (seconds + warmup_s));
  std::vector<double> out;
  out.reserve(total);
  std::atomic<int64_t> start_ns{0};
  std::thread receiver([&] {
    int fd = ::accept(lfd, nullptr, nullptr);
    char buf[kMsg];
    for (uint64_t i = 0; i < total; ++i) {
      size_t got = 0;
      while (got < kMsg) {
        ssize_t n = ::read(fd, buf + got, kMsg - got);
        if (n <= 0) {
          ::close(fd);
          return;
        }
        got += static_cast<size_t>(n);
      }
      int64_t now = NowNs();
      int64_t sent;
      std::memcpy(&sent, buf, sizeof(sent));
      if (sent >= start_ns.load() + static_cast<int64_t>(warmup_s * 1e9)) out.push_back(static_cast<double>(now - sent) / 1e6);
    }
    ::close(fd);
  });
  int fd = ConnectLoopback(ntohs(addr.sin_port));
  if (fd < 0) Die("loopback connect failed");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  char msg[kMsg];
  std::memset(msg, 'x', sizeof(msg));
  auto start = Clock::now();
  start_ns = NowNs();
  auto interval = std::chrono::duration<double>(1.0 / rate);
  for (uint64_t i = 0; i < total; ++i) {
    auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    while (true) {
      auto now = Clock::now();
      if (now >= due) break;
      if (due - now > std::chrono::microseconds(200)) std::this_thread::sleep_for(due - now - std::chrono::microseconds(100));
    }
    int64_t sent = NowNs();
    std::memcpy(msg, &sent, sizeof(sent));
    if (::write(fd, msg, kMsg) != static_cast<ssize_t>(kMsg)) Die("loopback latency write failed");
  }
  receiver.join();
  ::close(fd);
  ::close(lfd);
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// librdkafka helpers.

void Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    Die(std::string("config ") + key + "=" + value + ": " + err);
  }
}

struct DeliveryStats {
  std::atomic<uint64_t> ok{0};
  std::atomic<uint64_t> failed{0};
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* stats = static_cast<DeliveryStats*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    stats->ok.fetch_add(1, std::memory_order_relaxed);
  } else {
    if (stats->failed.fetch_add(1, std::memory_order_relaxed) == 0) stats->first_error = rd_kafka_err2str(msg->err);
  }
}

void OnError(rd_kafka_t*, int err, const char* reason, void*) {
  // Transient (e.g. disconnects) are reported and retried by librdkafka; show them anyway.
  std::fprintf(stderr, "librdkafka error: %s: %s\n", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

rd_kafka_t* NewProducer(const std::string& bootstrap, int linger_ms, DeliveryStats* stats) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", bootstrap);
  Set(conf, "acks", "all");
  Set(conf, "linger.ms", std::to_string(linger_ms));
  Set(conf, "batch.size", "1000000");
  Set(conf, "batch.num.messages", "100000");
  Set(conf, "queue.buffering.max.kbytes", "65536");  // keeps the flush after the budget short
  Set(conf, "queue.buffering.max.messages", "2000000");
  Set(conf, "compression.codec", "none");
  // Experiment hook: TIDE_BENCH_PRODUCER_CONF="key=value,key=value" (not for reported figures).
  if (const char* extra = std::getenv("TIDE_BENCH_PRODUCER_CONF"); extra != nullptr && *extra != '\0') {
    std::string all = extra;
    size_t start = 0;
    while (start < all.size()) {
      size_t end = all.find(',', start);
      if (end == std::string::npos) end = all.size();
      std::string kv = all.substr(start, end - start);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) Set(conf, kv.substr(0, eq).c_str(), kv.substr(eq + 1));
      start = end + 1;
    }
  }
  Set(conf, "message.max.bytes", "10000000");
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_error_cb(conf, OnError);
  rd_kafka_conf_set_opaque(conf, stats);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) Die(std::string("producer: ") + err);
  return rk;
}

rd_kafka_t* NewConsumer(const std::string& bootstrap, int fetch_wait_ms) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", bootstrap);
  Set(conf, "group.id", "tide-kafka-bench");
  Set(conf, "enable.auto.commit", "false");
  Set(conf, "enable.partition.eof", "true");
  Set(conf, "auto.offset.reset", "earliest");
  Set(conf, "fetch.wait.max.ms", std::to_string(fetch_wait_ms));
  Set(conf, "fetch.min.bytes", "1");
  Set(conf, "fetch.max.bytes", "52428800");
  Set(conf, "max.partition.fetch.bytes", "16777216");
  Set(conf, "queued.min.messages", "1000000");
  rd_kafka_conf_set_error_cb(conf, OnError);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) Die(std::string("consumer: ") + err);
  rd_kafka_poll_set_consumer(rk);
  return rk;
}

void CreateTopic(const std::string& bootstrap, const std::string& topic) {
  DeliveryStats unused;
  rd_kafka_t* rk = NewProducer(bootstrap, 5, &unused);
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), 1, 1, err, sizeof(err));
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15000);
  if (ev == nullptr) Die("CreateTopics timed out (is the server's Kafka listener up?)");
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("CreateTopics: ") + rd_kafka_event_error_string(ev));
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Die("CreateTopics " + topic + ": " + rd_kafka_topic_result_error_string(results[i]));
    }
  }
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
}

void DeleteTopic(const std::string& bootstrap, const std::string& topic) {
  DeliveryStats unused;
  rd_kafka_t* rk = NewProducer(bootstrap, 5, &unused);
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, &dt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15000);
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_DeleteTopic_destroy(dt);
  rd_kafka_destroy(rk);
}

struct ThroughputRun {
  uint64_t records = 0;
  double seconds = 0;
  double server_cpu = 0;  // CPU seconds of the tide server during the run
  double client_cpu = 0;  // CPU seconds of this process (librdkafka) during the run
  double MBps(size_t record_bytes) const { return static_cast<double>(records * record_bytes) / 1e6 / seconds; }
  double RecordsPerSec() const { return static_cast<double>(records) / seconds; }
};

// Produces record_bytes-sized values (no key) to partition 0 until the time or volume budget is
// spent, then flushes; the time includes the flush, so every counted record is acknowledged.
ThroughputRun Produce(const std::string& bootstrap, const std::string& topic, size_t record_bytes,
                      double budget_s, uint64_t budget_bytes) {
  DeliveryStats stats;
  rd_kafka_t* rk = NewProducer(bootstrap, 10, &stats);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  // Wait for the connection and metadata so that the timed part is the steady state.
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("producer metadata failed");
  rd_kafka_metadata_destroy(md);

  std::vector<char> payload(record_bytes);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + (i * 7) % 26);
  uint64_t max_records = budget_bytes / record_bytes;
  uint64_t produced = 0;
  double server_cpu0 = ServerCpuSeconds();
  double client_cpu0 = SelfCpuSeconds();
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budget_s));
  while (produced < max_records) {
    if ((produced & 1023) == 0 && Clock::now() >= deadline) break;
    // Flags 0: librdkafka neither copies nor frees the payload, which outlives the producer.
    if (rd_kafka_produce(rkt, 0, 0, payload.data(), payload.size(), nullptr, 0, nullptr) == -1) {
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 1);
        continue;
      }
      Die(std::string("produce: ") + rd_kafka_err2str(err));
    }
    ++produced;
    if ((produced & 4095) == 0) rd_kafka_poll(rk, 0);
  }
  if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("flush timed out");
  ThroughputRun run;
  run.seconds = SecondsSince(start);
  run.server_cpu = ServerCpuSeconds() - server_cpu0;
  run.client_cpu = SelfCpuSeconds() - client_cpu0;
  run.records = stats.ok.load();
  if (stats.failed.load() != 0) Die("delivery failed: " + stats.first_error);
  if (run.records != produced) Die("delivered count differs from produced count");
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return run;
}

// Consumes partition 0 from the beginning until EOF at `expected` records.
ThroughputRun Consume(const std::string& bootstrap, const std::string& topic, uint64_t expected, size_t record_bytes) {
  rd_kafka_t* rk = NewConsumer(bootstrap, 100);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  double server_cpu0 = ServerCpuSeconds();
  double client_cpu0 = SelfCpuSeconds();
  auto start = Clock::now();
  if (rd_kafka_assign(rk, parts) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("assign failed");
  rd_kafka_topic_partition_list_destroy(parts);
  uint64_t count = 0;
  uint64_t bad_size = 0;
  while (count < expected) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 1000);
    if (msg == nullptr) {
      if (SecondsSince(start) > 120) Die("consume timed out at " + std::to_string(count) + " records");
      continue;
    }
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++count;
      if (msg->len != record_bytes) ++bad_size;
    } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      Die(std::string("consume: ") + rd_kafka_message_errstr(msg));
    }
    rd_kafka_message_destroy(msg);
  }
  ThroughputRun run;
  run.seconds = SecondsSince(start);
  run.server_cpu = ServerCpuSeconds() - server_cpu0;
  run.client_cpu = SelfCpuSeconds() - client_cpu0;
  run.records = count;
  if (bad_size != 0) Die("consumed records of the wrong size");
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return run;
}

struct LatencyResult {
  std::vector<double> ms;  // sorted, after warm-up
  double achieved_rate = 0;
};

// Produces `rate` records/s of 100 B for `seconds` (plus 1 s warm-up) with linger.ms=0 and
// acks=all; a consumer thread in this process measures receive time minus the send time embedded
// in the value (steady clock).
LatencyResult MeasureLatency(const std::string& bootstrap, const std::string& topic, double rate, double seconds) {
  constexpr size_t kRecordBytes = 100;
  constexpr double kWarmupS = 1.0;
  std::atomic<bool> consumer_ready{false};
  std::atomic<bool> stop{false};
  std::vector<int64_t> samples;  // (receive - send) ns, with the send time to drop warm-up
  std::vector<int64_t> send_times;
  samples.reserve(static_cast<size_t>(rate * (seconds + kWarmupS) * 1.1));
  send_times.reserve(samples.capacity());

  std::thread consumer([&] {
    rd_kafka_t* rk = NewConsumer(bootstrap, 100);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    while (!stop.load()) {
      rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 100);
      if (msg == nullptr) continue;
      if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        consumer_ready = true;
      } else if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR && msg->len >= 8) {
        int64_t now = NowNs();
        int64_t sent;
        std::memcpy(&sent, msg->payload, sizeof(sent));
        samples.push_back(now - sent);
        send_times.push_back(sent);
      } else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "latency consumer: %s\n", rd_kafka_message_errstr(msg));
      }
      rd_kafka_message_destroy(msg);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  });

  DeliveryStats stats;
  rd_kafka_t* rk = NewProducer(bootstrap, 0, &stats);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("producer metadata failed");
  rd_kafka_metadata_destroy(md);
  auto wait_start = Clock::now();
  while (!consumer_ready.load()) {
    if (SecondsSince(wait_start) > 30) Die("latency consumer never reached EOF");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::vector<char> payload(kRecordBytes, 'x');
  uint64_t total = static_cast<uint64_t>(rate * (seconds + kWarmupS));
  auto start = Clock::now();
  int64_t start_ns = NowNs();
  auto interval = std::chrono::duration<double>(1.0 / rate);
  for (uint64_t i = 0; i < total; ++i) {
    auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    // Sleep for most of the wait, spin the rest: the send schedule stays accurate to ~µs.
    while (true) {
      auto now = Clock::now();
      if (now >= due) break;
      if (due - now > std::chrono::microseconds(200)) {
        rd_kafka_poll(rk, 0);
        std::this_thread::sleep_for(due - now - std::chrono::microseconds(100));
      }
    }
    int64_t sent = NowNs();
    std::memcpy(payload.data(), &sent, sizeof(sent));
    if (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(), nullptr, 0, nullptr) == -1) {
      Die(std::string("latency produce: ") + rd_kafka_err2str(rd_kafka_last_error()));
    }
  }
  double send_s = SecondsSince(start);
  rd_kafka_flush(rk, 30000);
  // Let the consumer drain the last records.
  auto drain_start = Clock::now();
  while (SecondsSince(drain_start) < 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // samples is written by the consumer thread; reading its size here is only a progress hint.
    if (stats.ok.load() >= total && SecondsSince(drain_start) > 0.5) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  consumer.join();
  if (stats.failed.load() != 0) Die("latency delivery failed: " + stats.first_error);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  LatencyResult result;
  result.achieved_rate = static_cast<double>(total) / send_s;
  int64_t warm_until = start_ns + static_cast<int64_t>(kWarmupS * 1e9);
  for (size_t i = 0; i < samples.size(); ++i) {
    if (send_times[i] >= warm_until) result.ms.push_back(static_cast<double>(samples[i]) / 1e6);
  }
  std::sort(result.ms.begin(), result.ms.end());
  std::printf("INFO latency sent %llu records in %.2f s, received %zu, measured %zu after %.0f s warm-up\n",
              static_cast<unsigned long long>(total), send_s, samples.size(), result.ms.size(), kWarmupS);
  if (samples.size() != total) Die("latency consumer lost records");
  return result;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string tide_bin = argc > 1 ? argv[1] : DefaultTideBin();
  double produce_s = EnvDouble("TIDE_BENCH_PRODUCE_SECONDS", 8);
  uint64_t produce_bytes = static_cast<uint64_t>(EnvDouble("TIDE_BENCH_PRODUCE_MB", 1024) * 1e6);
  int reps = std::max(1, static_cast<int>(EnvDouble("TIDE_BENCH_REPS", 5)));
  double latency_s = EnvDouble("TIDE_BENCH_LATENCY_SECONDS", 10);
  double latency_rate = EnvDouble("TIDE_BENCH_LATENCY_RATE", 10000);

  std::string bootstrap = StartServer(tide_bin);

  struct Case {
    const char* name;
    size_t bytes;
  };
  // TIDE_BENCH_CASES picks a subset ("1kb" for profiling one case); the default runs both.
  const char* only = std::getenv("TIDE_BENCH_CASES");
  std::string only_cases = only != nullptr && *only != '\0' ? std::string(",") + only + "," : ",100b,1kb,";
  std::vector<Case> cases;
  for (const Case& c : {Case{"100b", 100}, Case{"1kb", 1000}}) {
    if (only_cases.find(std::string(",") + c.name + ",") != std::string::npos) cases.push_back(c);
  }
  if (cases.empty()) Die("TIDE_BENCH_CASES names no known case (100b, 1kb)");
  struct CaseResult {
    double produce_mbps, produce_rps, consume_mbps, consume_rps;
    double produce_vs_loopback;  // median of the per-run ratios (each run with its own loopback)
    double produce_server_eff, produce_client_eff, consume_server_eff;  // MB per CPU second
  };
  std::vector<CaseResult> results;
  // The physical limit is measured right after every produce run (broker idle, same volume):
  // the host's speed drifts by 2x within minutes, so each run is divided by the loopback of
  // its own moment, and the ratio reported is the median of those.
  std::vector<double> lb, lb_eff;
  auto measure_loopback = [&](uint64_t volume) {
    double cpu = 0;
    lb.push_back(LoopbackMBps(volume, &cpu));
    lb_eff.push_back(cpu > 0 ? static_cast<double>(volume) / 1e6 / cpu : 0);
    std::printf("INFO loopback run %zu: %.1f MB at %.1f MB/s (CPU s: %.2f)\n", lb.size() - 1,
                static_cast<double>(volume) / 1e6, lb.back(), cpu);
    return lb.back();
  };
  for (const Case& c : cases) {
    std::vector<double> produce_mbps, produce_rps, consume_mbps, consume_rps, ratios;
    std::vector<double> produce_server_eff, produce_client_eff, consume_server_eff;
    for (int r = 0; r < reps; ++r) {
      std::string topic = std::string("bench-") + c.name + "-" + std::to_string(r);
      CreateTopic(bootstrap, topic);
      ThroughputRun p = Produce(bootstrap, topic, c.bytes, produce_s, produce_bytes);
      ThroughputRun k = Consume(bootstrap, topic, p.records, c.bytes);
      double mb = static_cast<double>(p.records * c.bytes) / 1e6;
      std::printf("INFO %s run %d: produced %llu records (%.1f MB) in %.2f s = %.1f MB/s (CPU s: server %.2f, client %.2f);"
                  " consumed in %.2f s = %.1f MB/s (CPU s: server %.2f, client %.2f)\n",
                  c.name, r, static_cast<unsigned long long>(p.records), mb, p.seconds, p.MBps(c.bytes), p.server_cpu,
                  p.client_cpu, k.seconds, k.MBps(c.bytes), k.server_cpu, k.client_cpu);
      produce_server_eff.push_back(p.server_cpu > 0 ? mb / p.server_cpu : 0);
      produce_client_eff.push_back(p.client_cpu > 0 ? mb / p.client_cpu : 0);
      consume_server_eff.push_back(k.server_cpu > 0 ? mb / k.server_cpu : 0);
      std::fflush(stdout);
      produce_mbps.push_back(p.MBps(c.bytes));
      produce_rps.push_back(p.RecordsPerSec());
      consume_mbps.push_back(k.MBps(c.bytes));
      consume_rps.push_back(k.RecordsPerSec());
      DeleteTopic(bootstrap, topic);
      // The same payload volume (at least 256 MB) over plain TCP on 127.0.0.1, broker idle.
      double loopback = measure_loopback(std::max<uint64_t>(p.records * c.bytes, 256u << 20));
      ratios.push_back(p.MBps(c.bytes) / loopback);
      std::fflush(stdout);
    }
    results.push_back({Median(produce_mbps), Median(produce_rps), Median(consume_mbps), Median(consume_rps),
                       Median(ratios), Median(produce_server_eff), Median(produce_client_eff),
                       Median(consume_server_eff)});
  }
  double loopback_mbps = Median(lb);
  Result("loopback_tcp_throughput", loopback_mbps, "MB/s");
  Result("loopback_tcp_mb_per_cpu_s", Median(lb_eff), "MB/cpu-s");
  for (size_t i = 0; i < results.size(); ++i) {
    std::string prefix = std::string("kafka_produce_") + cases[i].name;
    Result(prefix + "_throughput", results[i].produce_mbps, "MB/s");
    Result(prefix + "_records", results[i].produce_rps, "records/s");
    Result(prefix + "_vs_loopback", results[i].produce_vs_loopback, "ratio");
    Result(prefix + "_server_mb_per_cpu_s", results[i].produce_server_eff, "MB/cpu-s");
    Result(prefix + "_client_mb_per_cpu_s", results[i].produce_client_eff, "MB/cpu-s");
  }
  for (size_t i = 0; i < results.size(); ++i) {
    std::string prefix = std::string("kafka_consume_") + cases[i].name;
    Result(prefix + "_throughput", results[i].consume_mbps, "MB/s");
    Result(prefix + "_records", results[i].consume_rps, "records/s");
    Result(prefix + "_server_mb_per_cpu_s", results[i].consume_server_eff, "MB/cpu-s");
  }

  if (latency_s <= 0) {  // TIDE_BENCH_LATENCY_SECONDS=0: throughput only
    Cleanup();
    return 0;
  }
  CreateTopic(bootstrap, "bench-latency");
  LatencyResult lat = MeasureLatency(bootstrap, "bench-latency", latency_rate, latency_s);
  Result("kafka_e2e_latency_p50", Percentile(lat.ms, 0.50), "ms");
  Result("kafka_e2e_latency_p99", Percentile(lat.ms, 0.99), "ms");
  Result("kafka_e2e_latency_p999", Percentile(lat.ms, 0.999), "ms");
  Result("kafka_e2e_latency_max", lat.ms.empty() ? 0 : lat.ms.back(), "ms");
  Result("kafka_e2e_latency_rate", lat.achieved_rate, "records/s");

  // The same schedule over plain TCP: how much of the tail is this machine's scheduling noise.
  std::vector<double> floor = LoopbackLatencyMs(latency_rate, latency_s, 1.0);
  Result("loopback_tcp_latency_p50", Percentile(floor, 0.50), "ms");
  Result("loopback_tcp_latency_p99", Percentile(floor, 0.99), "ms");
  Result("loopback_tcp_latency_p999", Percentile(floor, 0.999), "ms");
  Result("loopback_tcp_latency_max", floor.empty() ? 0 : floor.back(), "ms");

  Cleanup();
  return 0;
}
