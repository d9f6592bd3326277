// `tide group list|describe|reset-offsets`: consumer groups, their members, committed
// offsets and lag, and replay by moving committed offsets.
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "cli/client_options.h"
#include "cli/command.h"

namespace tide::cli {
namespace {

using kafka::client::AdminClient;
using kafka::client::TopicPartitionOffset;

struct GroupArgs {
  BrokerArgs broker;
  std::string group;
  std::vector<std::string> topics;
  bool to_earliest = false;
  bool to_latest = false;
  std::string to_datetime;
  bool dry_run = false;
};

base::Result<std::unique_ptr<AdminClient>> Connect(const GroupArgs& args) {
  kafka::client::ClientOptions options;
  TIDE_RETURN_IF_ERROR(args.broker.ToOptions(&options));
  return AdminClient::Connect(options);
}

base::Status List(const GroupArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_ASSIGN_OR_RETURN(auto groups, admin->ListGroups());
  for (const auto& g : groups) std::printf("%s\t%s\n", g.group_id.c_str(), g.state.c_str());
  return base::Status::OK();
}

base::Status Describe(const GroupArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));
  TIDE_ASSIGN_OR_RETURN(auto desc, admin->DescribeGroup(args.group));
  TIDE_ASSIGN_OR_RETURN(auto committed, admin->GroupOffsets(args.group));
  if (desc.state == "Dead" && committed.empty()) return base::Status::NotFound("group '" + args.group + "' does not exist");
  std::printf("Group: %s\tState: %s\tAssignor: %s\tMembers: %zu\n", desc.group_id.c_str(), desc.state.c_str(),
              desc.assignor.empty() ? "-" : desc.assignor.c_str(), desc.members.size());

  // Every partition the group has a commit for or has assigned, with its owner.
  std::map<std::pair<std::string, int32_t>, int64_t> offsets;
  for (const auto& c : committed) offsets[{c.topic, c.partition}] = c.offset;
  std::map<std::pair<std::string, int32_t>, const kafka::client::GroupMember*> owner;
  for (const auto& m : desc.members) {
    for (const auto& tp : m.assignment) {
      owner[tp] = &m;
      offsets.emplace(tp, -1);
    }
  }
  // A partition of a consumed topic without a commit still has lag: show every partition.
  std::set<std::string> topics;
  for (const auto& [tp, offset] : offsets) topics.insert(tp.first);
  for (const auto& topic : topics) {
    auto info = admin->DescribeTopic(topic);
    if (!info.ok()) continue;  // deleted since the commit: its committed rows still show
    for (const auto& p : info->partitions) offsets.emplace(std::make_pair(topic, p.id), -1);
  }
  std::printf("%-24s %-10s %-12s %-12s %-8s %-28s %s\n", "TOPIC", "PARTITION", "COMMITTED", "END-OFFSET", "LAG",
              "CLIENT-ID", "HOST");
  int64_t total_lag = 0;
  for (const auto& [tp, offset] : offsets) {
    auto marks = admin->Watermarks(tp.first, tp.second);
    std::string end = marks.ok() ? std::to_string(marks->second) : "?";
    std::string lag = "-";
    if (marks.ok()) {
      // Without a commit the consumer starts per auto.offset.reset; count from the log start.
      int64_t from = offset >= 0 ? offset : marks->first;
      lag = std::to_string(marks->second - from);
      total_lag += marks->second - from;
    }
    auto it = owner.find(tp);
    std::printf("%-24s %-10d %-12s %-12s %-8s %-28s %s\n", tp.first.c_str(), tp.second,
                offset >= 0 ? std::to_string(offset).c_str() : "-", end.c_str(), lag.c_str(),
                it != owner.end() ? it->second->client_id.c_str() : "-",
                it != owner.end() ? it->second->host.c_str() : "-");
  }
  std::printf("Total lag: %lld\n", static_cast<long long>(total_lag));
  return base::Status::OK();
}

// "2026-11-24T10:00:00[.123][Z]" (UTC) -> milliseconds since the epoch.
base::Result<int64_t> ParseDateTime(const std::string& text) {
  struct tm tm = {};
  int millis = 0;
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    tm = {};
    rest = strptime(text.c_str(), "%Y-%m-%d", &tm);  // a date alone means its midnight
    if (rest != nullptr && *rest != '\0') rest = nullptr;
  }
  if (rest == nullptr) {
    return base::Status::InvalidArgument("--to-datetime expects YYYY-MM-DD[THH:MM:SS[.mmm]][Z] (UTC), got '" + text + "'");
  }
  if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
      ++digits;
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (*rest == 'Z') ++rest;
  if (*rest != '\0') {
    return base::Status::InvalidArgument("--to-datetime: unexpected '" + std::string(rest) + "' in '" + text +
                                         "' (times are UTC; write them without an offset)");
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

base::Status ResetOffsets(const GroupArgs& args) {
  int modes = (args.to_earliest ? 1 : 0) + (args.to_latest ? 1 : 0) + (args.to_datetime.empty() ? 0 : 1);
  if (modes != 1) return base::Status::InvalidArgument("choose exactly one of --to-earliest, --to-latest, --to-datetime");
  int64_t timestamp = 0;
  if (!args.to_datetime.empty()) {
    TIDE_ASSIGN_OR_RETURN(timestamp, ParseDateTime(args.to_datetime));
  }
  TIDE_ASSIGN_OR_RETURN(auto admin, Connect(args));

  std::set<std::string> topics(args.topics.begin(), args.topics.end());
  if (topics.empty()) {
    TIDE_ASSIGN_OR_RETURN(auto committed, admin->GroupOffsets(args.group));
    for (const auto& c : committed) topics.insert(c.topic);
    if (topics.empty()) {
      return base::Status::InvalidArgument("group '" + args.group + "' has no committed offsets; name the topics with --topic");
    }
  }
  std::vector<TopicPartitionOffset> plan;
  for (const auto& topic : topics) {
    if (!args.to_datetime.empty()) {
      TIDE_ASSIGN_OR_RETURN(auto found, admin->OffsetsForTime(topic, timestamp));
      plan.insert(plan.end(), found.begin(), found.end());
      continue;
    }
    TIDE_ASSIGN_OR_RETURN(auto info, admin->DescribeTopic(topic));
    for (const auto& p : info.partitions) {
      TIDE_ASSIGN_OR_RETURN(auto marks, admin->Watermarks(topic, p.id));
      plan.push_back({topic, p.id, args.to_earliest ? marks.first : marks.second});
    }
  }
  if (!args.dry_run) TIDE_RETURN_IF_ERROR(admin->AlterGroupOffsets(args.group, plan));
  std::printf("%-24s %-10s %s\n", "TOPIC", "PARTITION", args.dry_run ? "NEW-OFFSET (dry run, not applied)" : "NEW-OFFSET");
  for (const auto& o : plan) {
    std::printf("%-24s %-10d %lld\n", o.topic.c_str(), o.partition, static_cast<long long>(o.offset));
  }
  return base::Status::OK();
}

}  // namespace

void AddGroupCommands(CLI::App& app, CommandResult& result) {
  CLI::App* group = app.add_subcommand("group", "List consumer groups, show their lag, reset their offsets");
  group->require_subcommand(1);
  auto add = [&](const char* name, const char* help, base::Status (*run)(const GroupArgs&), bool needs_group) {
    auto args = std::make_shared<GroupArgs>();
    CLI::App* cmd = group->add_subcommand(name, help);
    if (needs_group) cmd->add_option("GROUP", args->group, "Consumer group id")->required();
    args->broker.AddTo(cmd);
    cmd->callback([args, run, &result] { result.status = run(*args); });
    return std::make_pair(cmd, args);
  };
  add("list", "List consumer groups and their states", List, false);
  add("describe", "Show a group's members, assignments, committed offsets, end offsets and lag", Describe, true);
  auto [reset, args] = add("reset-offsets", "Move a group's committed offsets (the group must have no members)",
                           ResetOffsets, true);
  reset->add_option("-t,--topic", args->topics, "Topic to reset (repeatable; default: every topic the group committed)");
  reset->add_flag("--to-earliest", args->to_earliest, "To the first offset still in the log (replay everything)");
  reset->add_flag("--to-latest", args->to_latest, "To the end of the log (skip everything)");
  reset->add_option("--to-datetime", args->to_datetime, "To the first record at or after this UTC time, YYYY-MM-DDTHH:MM:SS");
  reset->add_flag("--dry-run", args->dry_run, "Show the new offsets without applying them");
}

}  // namespace tide::cli
