// `tide topic create|list|describe|alter|delete`: topic administration over the Kafka
// protocol, against the embedded server or any Kafka-compatible cluster.
#include <cstdio>
#include <memory>

#include "base/json_writer.h"
#include "cli/client_options.h"
#include "cli/command.h"

namespace tide::cli {
namespace {

using kafka::client::AdminClient;
using kafka::client::ClientOptions;

struct TopicArgs {
  BrokerArgs broker;
  std::string name;
  int partitions = 0;
  std::vector<std::string> configs;
  std::vector<std::string> delete_configs;
  bool json = false;
};

base::Result<std::unique_ptr<AdminClient>> Connect(const TopicArgs& args) {
  ClientOptions options;
  TIDE_RETURN_IF_ERROR(args.broker.ToOptions(&options));
  return AdminClient::Connect(options);
}

base::Status Create(const TopicArgs& args) {
  std::map<std::string, std::string> configs;
  TIDE_RETURN_IF_ERROR(ParseAssignments(args.configs, "--config", &configs));
  if (args.partitions < 1) return base::Status::InvalidArgument("--partitions must be at least 1");
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_RETURN_IF_ERROR(admin->CreateTopic(args.name, args.partitions, configs));
  std::printf("created topic %s with %d partition%s\n", args.name.c_str(), args.partitions, args.partitions == 1 ? "" : "s");
  return base::Status::OK();
}

base::Status List(const TopicArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_ASSIGN_OR_RETURN(auto topics, admin->ListTopics());
  for (const auto& t : topics) {
    if (args.json) {
      std::string line = "{\"topic\":";
      base::AppendJsonString(&line, t.name);
      line += ",\"partitions\":" + std::to_string(t.partitions.size()) + "}";
      std::printf("%s\n", line.c_str());
    } else {
      std::printf("%s\t%zu partition%s\n", t.name.c_str(), t.partitions.size(), t.partitions.size() == 1 ? "" : "s");
    }
  }
  return base::Status::OK();
}

base::Status Describe(const TopicArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_ASSIGN_OR_RETURN(auto info, admin->DescribeTopic(args.name));
  std::printf("Topic: %s\tPartitions: %zu\n", info.name.c_str(), info.partitions.size());
  std::printf("%-10s %-7s %-16s %-16s %s\n", "PARTITION", "LEADER", "START-OFFSET", "END-OFFSET", "RECORDS");
  for (const auto& p : info.partitions) {
    auto marks = admin->Watermarks(info.name, p.id);
    if (marks.ok()) {
      std::printf("%-10d %-7d %-16lld %-16lld %lld\n", p.id, p.leader, static_cast<long long>(marks->first),
                  static_cast<long long>(marks->second), static_cast<long long>(marks->second - marks->first));
    } else {
      std::printf("%-10d %-7d %s\n", p.id, p.leader, marks.status().message().c_str());
    }
  }
  std::printf("Configs:\n");
  for (const auto& [k, v] : info.configs) {
    bool set = info.overrides.count(k) > 0;
    std::printf("  %s=%s%s\n", k.c_str(), v.c_str(), set ? "" : "  (default)");
  }
  return base::Status::OK();
}

base::Status Alter(const TopicArgs& args) {
  std::map<std::string, std::string> sets;
  TIDE_RETURN_IF_ERROR(ParseAssignments(args.configs, "--config", &sets));
  if (sets.empty() && args.delete_configs.empty() && args.partitions == 0) {
    return base::Status::InvalidArgument("nothing to change: give --config, --delete-config or --partitions");
  }
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  if (args.partitions > 0) {
    TIDE_RETURN_IF_ERROR(admin->CreatePartitions(args.name, args.partitions));
    std::printf("topic %s now has %d partitions\n", args.name.c_str(), args.partitions);
  }
  if (!sets.empty() || !args.delete_configs.empty()) {
    std::map<std::string, std::optional<std::string>> changes;
    for (const auto& [k, v] : sets) changes[k] = v;
    for (const auto& k : args.delete_configs) changes[k] = std::nullopt;
    TIDE_RETURN_IF_ERROR(admin->AlterTopicConfigs(args.name, changes));
    std::printf("altered configs of topic %s\n", args.name.c_str());
  }
  return base::Status::OK();
}

base::Status Delete(const TopicArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_RETURN_IF_ERROR(admin->DeleteTopic(args.name));
  std::printf("deleted topic %s\n", args.name.c_str());
  return base::Status::OK();
}

}  // namespace

void AddTopicCommands(CLI::App& app, CommandResult& result) {
  CLI::App* topic = app.add_subcommand("topic", "Create, list, describe, alter and delete topics");
  topic->require_subcommand(1);
  auto add = [&](const char* name, const char* help, base::Status (*run)(const TopicArgs&), bool needs_name) {
    auto args = std::make_shared<TopicArgs>();
    CLI::App* cmd = topic->add_subcommand(name, help);
    if (needs_name) cmd->add_option("TOPIC", args->name, "Topic name")->required();
    args->broker.AddTo(cmd);
    cmd->callback([args, run, &result] { result.status = run(*args); });
    return std::make_pair(cmd, args);
  };
  {
    auto [cmd, args] = add("create", "Create a topic", Create, true);
    args->partitions = 1;
    cmd->add_option("-p,--partitions", args->partitions, "Number of partitions (default 1)");
    cmd->add_option("-c,--config", args->configs, "Topic config KEY=VALUE, e.g. retention.ms=86400000 (repeatable)");
  }
  {
    auto [cmd, args] = add("list", "List topics", List, false);
    cmd->add_flag("--json", args->json, "One JSON object per line");
  }
  add("describe", "Show a topic's partitions, offsets and configs", Describe, true);
  {
    auto [cmd, args] = add("alter", "Change a topic's configs or add partitions", Alter, true);
    cmd->add_option("-c,--config", args->configs, "Set config KEY=VALUE (repeatable)");
    cmd->add_option("--delete-config", args->delete_configs, "Reset config KEY to its default (repeatable)");
    cmd->add_option("-p,--partitions", args->partitions, "New total number of partitions (only grows)");
  }
  add("delete", "Delete a topic and its data", Delete, true);
}

}  // namespace tide::cli
