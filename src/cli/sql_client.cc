// Statement backends of `tide sql` (see sql_client.h).
#include "cli/sql_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <vector>

#include "base/strings.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"

namespace tide::cli {
namespace {

using base::Status;

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Pulls "error" out of the endpoint's {"error": "...", "code": "..."} body.
std::string ErrorMessage(const std::string& body) {
  size_t at = body.find("\"error\":\"");
  if (at == std::string::npos) return body;
  std::string out;
  for (size_t i = at + 9; i < body.size() && body[i] != '"'; ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      ++i;
      switch (body[i]) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'u':
          if (i + 4 < body.size()) {
            out.push_back(static_cast<char>(std::stoi(body.substr(i + 1, 4), nullptr, 16)));
            i += 4;
          }
          break;
        default: out.push_back(body[i]);
      }
      continue;
    }
    out.push_back(body[i]);
  }
  return out;
}

Status StatusFor(const HttpReply& reply) {
  std::string message = ErrorMessage(reply.body);
  size_t code_at = reply.body.find("\"code\":\"");
  std::string code = code_at == std::string::npos ? "" : reply.body.substr(code_at + 8, reply.body.find('"', code_at + 8) - code_at - 8);
  if (code == "InvalidArgument") return Status::InvalidArgument(message);
  if (code == "NotFound") return Status::NotFound(message);
  if (code == "AlreadyExists") return Status::AlreadyExists(message);
  if (code == "Conflict") return Status::Conflict(message);
  if (code == "Unsupported") return Status::Unsupported(message);
  if (code == "ResourceExhausted") return Status::ResourceExhausted(message);
  if (code == "Cancelled") return Status::Cancelled(message);
  if (code.empty()) return Status::Unavailable("server answered HTTP " + std::to_string(reply.status) + ": " + message);
  return Status::Internal(message);
}

}  // namespace

Status SessionBackend::Execute(std::string_view sql, const SchemaCallback& on_schema, const BatchCallback& on_batch) {
  return session_->ExecuteStreaming(sql, on_schema, on_batch);
}

void RemoteBackend::Cancel() {
  cancelled_ = true;
  int fd = fd_.load();
  if (fd >= 0) shutdown(fd, SHUT_RDWR);  // wakes the blocked read
}

Status RemoteBackend::Execute(std::string_view sql, const SchemaCallback& on_schema, const BatchCallback& on_batch) {
  cancelled_ = false;
  size_t colon = host_port_.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port_.size()) {
    return Status::InvalidArgument("--server expects HOST:PORT, got '" + host_port_ + "'");
  }
  std::string host = host_port_.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = host_port_.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::Unavailable("cannot resolve " + host_port_ + ": " + gai_strerror(rc));
  }
  int fd = -1;
  int err = 0;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return Status::Unavailable("cannot connect to tide server at " + host_port_ + ": " + std::strerror(err));
  fd_ = fd;
  struct Closer {
    RemoteBackend* self;
    int fd;
    ~Closer() {
      self->fd_ = -1;
      close(fd);
    }
  } closer{this, fd};

  std::string request = "POST /api/v1/sql HTTP/1.1\r\nHost: " + host_port_ +
                        "\r\nContent-Type: application/sql\r\nAccept: application/vnd.apache.parquet\r\n"
                        "Connection: close\r\nContent-Length: " +
                        std::to_string(sql.size()) + "\r\n\r\n" + std::string(sql);
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (cancelled_) return Status::Cancelled("query cancelled");
      return Status::Unavailable("sending to " + host_port_ + " failed: " + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR && !cancelled_) continue;
      if (cancelled_) return Status::Cancelled("query cancelled");
      return Status::Unavailable("reading from " + host_port_ + " failed: " + std::strerror(errno));
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  if (cancelled_) return Status::Cancelled("query cancelled");

  HttpReply reply;
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) {
    return Status::Unavailable("malformed HTTP response from " + host_port_);
  }
  size_t sp = raw.find(' ');
  reply.status = std::atoi(raw.c_str() + sp + 1);
  size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    size_t eol = raw.find("\r\n", line);
    std::string h = raw.substr(line, eol - line);
    size_t c = h.find(':');
    if (c != std::string::npos) {
      std::string v = h.substr(c + 1);
      v.erase(0, v.find_first_not_of(' '));
      reply.headers[base::AsciiLower(h.substr(0, c))] = v;
    }
    line = eol + 2;
  }
  reply.body = raw.substr(head_end + 4);
  if (auto len = reply.headers.find("content-length"); len != reply.headers.end()) {
    size_t n = std::strtoull(len->second.c_str(), nullptr, 10);
    if (reply.body.size() < n) return Status::Unavailable("truncated response from " + host_port_);
    reply.body.resize(n);
  }
  if (reply.status != 200) return StatusFor(reply);

  const std::string& type = reply.headers["content-type"];
  if (type.find("parquet") == std::string::npos) {
    // No result columns (DDL), or a server that did not send Parquet.
    if (!reply.body.empty()) return Status::Unavailable("unexpected " + type + " result from " + host_port_);
    return on_schema(std::make_shared<const columnar::Schema>());
  }
  auto bytes = std::make_shared<std::vector<uint8_t>>(reply.body.begin(), reply.body.end());
  TIDE_ASSIGN_OR_RETURN(auto reader, format::parquet::ParquetReader::OpenBuffer(bytes, "result from " + host_port_));
  TIDE_RETURN_IF_ERROR(on_schema(reader->schema_ptr()));
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g));
    TIDE_RETURN_IF_ERROR(on_batch(std::move(batch)));
  }
  return Status::OK();
}

}  // namespace tide::cli
