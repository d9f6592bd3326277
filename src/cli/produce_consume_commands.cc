// `tide produce` and `tide consume`: records in and out of a topic from the shell.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "base/clock.h"
#include "base/json_writer.h"
#include "cli/client_options.h"
#include "cli/command.h"

namespace tide::cli {
namespace {

using kafka::client::ClientOptions;
using kafka::client::Consumer;
using kafka::client::Header;
using kafka::client::Message;
using kafka::client::Producer;

struct ProduceArgs {
  BrokerArgs broker;
  std::string topic;
  std::string file;
  std::string key_separator;
  int partition = -1;
  std::vector<std::string> headers;
};

base::Status Produce(const ProduceArgs& args) {
  std::vector<Header> headers;
  for (const auto& h : args.headers) {
    size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0) return base::Status::InvalidArgument("--header expects KEY=VALUE, got '" + h + "'");
    headers.push_back({h.substr(0, eq), h.substr(eq + 1)});
  }
  ClientOptions options;
  TIDE_RETURN_IF_ERROR(args.broker.ToOptions(&options));
  std::ifstream file;
  std::istream* in = &std::cin;
  if (!args.file.empty()) {
    file.open(args.file);
    if (!file) return base::Status::FromErrno(errno, "cannot read " + args.file);
    in = &file;
  }
  TIDE_ASSIGN_OR_RETURN(auto producer, Producer::Connect(options));
  std::string line;
  int64_t line_number = 0;
  while (std::getline(*in, line)) {
    ++line_number;
    std::optional<std::string> key;
    std::string value = line;
    if (!args.key_separator.empty()) {
      size_t pos = line.find(args.key_separator);
      if (pos == std::string::npos) {
        return base::Status::InvalidArgument("line " + std::to_string(line_number) + " has no key separator '" +
                                             args.key_separator + "'");
      }
      key = line.substr(0, pos);
      value = line.substr(pos + args.key_separator.size());
    }
    TIDE_RETURN_IF_ERROR(producer->Send(args.topic, args.partition, key, value, headers));
  }
  TIDE_RETURN_IF_ERROR(producer->Flush());
  std::fprintf(stderr, "produced %lld record%s to %s\n", static_cast<long long>(producer->delivered()),
               producer->delivered() == 1 ? "" : "s", args.topic.c_str());
  return base::Status::OK();
}

struct ConsumeArgs {
  BrokerArgs broker;
  std::string topic;
  std::string group;
  bool from_beginning = false;
  int64_t max_messages = -1;
  int partition = -1;
  int64_t offset = -1;
  bool exit_at_end = false;
  int idle_timeout_ms = -1;
};

volatile std::sig_atomic_t g_interrupted = 0;

std::string MessageToJson(const Message& m) {
  std::string out = "{\"topic\":";
  base::AppendJsonString(&out, m.topic);
  out += ",\"partition\":" + std::to_string(m.partition);
  out += ",\"offset\":" + std::to_string(m.offset);
  out += ",\"timestamp\":" + std::to_string(m.timestamp_ms);
  out += ",\"key\":";
  if (m.key) {
    base::AppendJsonString(&out, *m.key);
  } else {
    out += "null";
  }
  out += ",\"value\":";
  if (m.value) {
    base::AppendJsonString(&out, *m.value);
  } else {
    out += "null";
  }
  out += ",\"headers\":[";
  for (size_t i = 0; i < m.headers.size(); ++i) {
    if (i) out += ",";
    out += "{\"key\":";
    base::AppendJsonString(&out, m.headers[i].key);
    out += ",\"value\":";
    if (m.headers[i].value) {
      base::AppendJsonString(&out, *m.headers[i].value);
    } else {
      out += "null";
    }
    out += "}";
  }
  out += "]}";
  return out;
}

base::Status Consume(const ConsumeArgs& args) {
  if (!args.group.empty() && (args.partition >= 0 || args.offset >= 0)) {
    return base::Status::InvalidArgument("--partition and --offset choose partitions by hand; they cannot be used with --group");
  }
  if (args.offset >= 0 && args.partition < 0) return base::Status::InvalidArgument("--offset needs --partition");
  Consumer::Options options;
  TIDE_RETURN_IF_ERROR(args.broker.ToOptions(&options.client));
  options.group = args.group;
  options.from_beginning = args.from_beginning;
  options.partition = args.partition;
  options.offset = args.offset;
  TIDE_ASSIGN_OR_RETURN(auto consumer, Consumer::Subscribe(options, args.topic));
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  std::signal(SIGTERM, [](int) { g_interrupted = 1; });
  int64_t count = 0;
  int64_t idle_since = base::MonotonicMillis();
  while (!g_interrupted && (args.max_messages < 0 || count < args.max_messages)) {
    TIDE_ASSIGN_OR_RETURN(std::optional<Message> m, consumer->Poll(200));
    if (m) {
      std::string line = MessageToJson(*m);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      ++count;
      idle_since = base::MonotonicMillis();
      continue;
    }
    std::fflush(stdout);
    if (args.exit_at_end && consumer->AtEnd()) break;
    if (args.idle_timeout_ms >= 0 && base::MonotonicMillis() - idle_since >= args.idle_timeout_ms) break;
  }
  std::fflush(stdout);
  if (!args.group.empty()) TIDE_RETURN_IF_ERROR(consumer->Commit());
  return base::Status::OK();
}

}  // namespace

void AddProduceConsumeCommands(CLI::App& app, CommandResult& result) {
  {
    auto args = std::make_shared<ProduceArgs>();
    CLI::App* cmd = app.add_subcommand("produce", "Send records to a topic, one per input line");
    cmd->add_option("TOPIC", args->topic, "Topic name")->required();
    cmd->add_option("-f,--file", args->file, "Read lines from FILE instead of standard input");
    cmd->add_option("-K,--key-separator", args->key_separator, "Split each line into KEY SEP VALUE at the first SEP");
    cmd->add_option("-p,--partition", args->partition, "Send every record to this partition (default: by key)");
    cmd->add_option("-H,--header", args->headers, "Add header KEY=VALUE to every record (repeatable)");
    args->broker.AddTo(cmd);
    cmd->callback([args, &result] { result.status = Produce(*args); });
  }
  {
    auto args = std::make_shared<ConsumeArgs>();
    CLI::App* cmd = app.add_subcommand("consume", "Read records from a topic as JSON lines");
    cmd->add_option("TOPIC", args->topic, "Topic name")->required();
    cmd->add_flag("--from-beginning", args->from_beginning, "Start at the earliest offset (default: only new records)");
    cmd->add_option("-g,--group", args->group, "Join consumer group GROUP and commit its offsets");
    cmd->add_option("-n,--max-messages", args->max_messages, "Exit after N records");
    cmd->add_option("-p,--partition", args->partition, "Read only this partition");
    cmd->add_option("-o,--offset", args->offset, "Start at this offset (with --partition)");
    cmd->add_flag("-e,--exit-at-end", args->exit_at_end, "Exit once every partition has been read to its end");
    cmd->add_option("--idle-timeout-ms", args->idle_timeout_ms, "Exit after this long without a record");
    args->broker.AddTo(cmd);
    cmd->callback([args, &result] { result.status = Consume(*args); });
  }
}

}  // namespace tide::cli
