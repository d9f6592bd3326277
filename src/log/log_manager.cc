#include "log/log_manager.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>

#include "log/file_util.h"

namespace tide::log {

using base::Status;

namespace {

std::string HexId(const std::array<uint8_t, 16>& id) {
  std::string s;
  char buf[3];
  for (uint8_t b : id) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    s += buf;
  }
  return s;
}

bool ParseHexId(const std::string& s, std::array<uint8_t, 16>* id) {
  if (s.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    unsigned v = 0;
    if (std::sscanf(s.c_str() + 2 * i, "%2x", &v) != 1) return false;
    (*id)[i] = static_cast<uint8_t>(v);
  }
  return true;
}

std::array<uint8_t, 16> RandomId() {
  std::random_device rd;
  std::array<uint8_t, 16> id;
  for (auto& b : id) b = static_cast<uint8_t>(rd());
  // RFC 4122 version 4 variant bits, like Kafka's Uuid.randomUuid().
  id[6] = static_cast<uint8_t>((id[6] & 0x0F) | 0x40);
  id[8] = static_cast<uint8_t>((id[8] & 0x3F) | 0x80);
  return id;
}

std::string Unify(const std::string& name) {
  std::string s = name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

}  // namespace

LogManager::LogManager(LogManagerOptions options) : options_(std::move(options)) {
  if (!options_.clock_ms) {
    options_.clock_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

LogManager::~LogManager() { (void)Close(); }

void LogManager::Warn(const std::string& msg) const {
  if (options_.warn) options_.warn(msg);
}

std::string LogManager::PartitionDir(const std::string& topic, int32_t p) const {
  return options_.data_dir + "/log/" + topic + "-" + std::to_string(p);
}

std::string LogManager::MetaPath(const std::string& topic) const {
  return options_.data_dir + "/meta/topics/" + topic + ".json";
}

Status LogManager::ValidateTopicName(const std::string& name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name == "." || name == "..") return Status::InvalidArgument("topic name cannot be '.' or '..'");
  if (name.size() > 249) {
    return Status::InvalidArgument("topic name is " + std::to_string(name.size()) + " characters; the limit is 249");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + name + "' contains '" + std::string(1, c) +
                                     "'; allowed are ASCII letters, digits, '.', '_' and '-'");
    }
  }
  return Status::OK();
}

base::Result<std::unique_ptr<LogManager>> LogManager::Open(LogManagerOptions options) {
  std::unique_ptr<LogManager> m(new LogManager(std::move(options)));
  TIDE_RETURN_IF_ERROR(m->Load());
  return m;
}

base::Result<std::shared_ptr<PartitionLog>> LogManager::OpenPartition(const TopicDescription& desc, int32_t p) const {
  PartitionLogOptions opt;
  opt.dir = PartitionDir(desc.name, p);
  opt.topic = desc.name;
  opt.partition = p;
  opt.config = desc.config;
  opt.warn = options_.warn;
  opt.clock_ms = options_.clock_ms;
  return PartitionLog::Open(std::move(opt));
}

Status LogManager::Load() {
  std::string meta_dir = options_.data_dir + "/meta/topics";
  TIDE_RETURN_IF_ERROR(fileutil::CreateDirs(meta_dir));
  TIDE_RETURN_IF_ERROR(fileutil::CreateDirs(options_.data_dir + "/log"));
  std::vector<std::string> names;
  TIDE_RETURN_IF_ERROR(fileutil::ListDir(meta_dir, &names));
  std::sort(names.begin(), names.end());
  std::map<std::string, Topic> topics;
  for (const auto& file : names) {
    if (file.size() <= 5 || file.compare(file.size() - 5, 5, ".json") != 0) {
      if (file.rfind(".tmp.", 0) == 0) ::unlink((meta_dir + "/" + file).c_str());  // interrupted write
      continue;
    }
    std::string path = meta_dir + "/" + file;
    std::string text;
    TIDE_RETURN_IF_ERROR(fileutil::ReadFile(path, &text));
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("name") || !doc["name"].IsString() ||
        !doc.HasMember("partitions") || !doc["partitions"].IsInt()) {
      return Status::Corruption(path + ": not a valid topic metadata file");
    }
    Topic t;
    t.desc.name = doc["name"].GetString();
    t.desc.partitions = doc["partitions"].GetInt();
    if (t.desc.partitions < 1 || file != t.desc.name + ".json") {
      return Status::Corruption(path + ": inconsistent name or partition count");
    }
    if (doc.HasMember("id") && doc["id"].IsString()) ParseHexId(doc["id"].GetString(), &t.desc.id);
    if (doc.HasMember("configs") && doc["configs"].IsObject()) {
      // Counted loop: rapidjson's iterator != is ambiguous under C++20's reversed operators.
      const auto& configs = doc["configs"];
      auto it = configs.MemberBegin();
      for (rapidjson::SizeType i = 0; i < configs.MemberCount(); ++i, ++it) {
        if (it->value.IsString()) t.desc.overrides[it->name.GetString()] = it->value.GetString();
      }
    }
    auto cfg = ApplyTopicConfigs(options_.defaults, t.desc.overrides);
    if (!cfg.ok()) return cfg.status().WithContext(path);
    t.desc.config = *cfg;
    for (int32_t p = 0; p < t.desc.partitions; ++p) {
      TIDE_ASSIGN_OR_RETURN(auto log, OpenPartition(t.desc, p));
      t.partitions.push_back(std::move(log));
    }
    topics[t.desc.name] = std::move(t);
  }
  // Partition directories with no topic behind them are left over from an interrupted create or
  // delete.
  std::vector<std::string> dirs;
  TIDE_RETURN_IF_ERROR(fileutil::ListDir(options_.data_dir + "/log", &dirs));
  for (const auto& d : dirs) {
    size_t dash = d.rfind('-');
    bool orphan = true;
    if (dash != std::string::npos && dash + 1 < d.size()) {
      auto it = topics.find(d.substr(0, dash));
      std::string num = d.substr(dash + 1);
      bool digits = std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (it != topics.end() && digits && num.size() < 10 && std::stoi(num) < it->second.desc.partitions) orphan = false;
    }
    if (orphan) {
      Warn("removing orphaned log directory " + options_.data_dir + "/log/" + d);
      TIDE_RETURN_IF_ERROR(fileutil::RemoveAll(options_.data_dir + "/log/" + d));
    }
  }
  std::unique_lock lock(mu_);
  topics_ = std::move(topics);
  return Status::OK();
}

Status LogManager::WriteMeta(const TopicDescription& desc) const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("name");
  w.String(desc.name.c_str(), static_cast<rapidjson::SizeType>(desc.name.size()));
  w.Key("id");
  std::string id = HexId(desc.id);
  w.String(id.c_str());
  w.Key("partitions");
  w.Int(desc.partitions);
  w.Key("configs");
  w.StartObject();
  for (const auto& [k, v] : desc.overrides) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  w.EndObject();
  std::string text(sb.GetString(), sb.GetSize());
  text += "\n";
  return fileutil::WriteFileAtomic(MetaPath(desc.name), text);
}

namespace {

Status CheckNewTopic(const std::string& name, int32_t partitions, const std::map<std::string, std::string>& configs,
                     const LogConfig& defaults, base::Result<LogConfig>* cfg) {
  TIDE_RETURN_IF_ERROR(LogManager::ValidateTopicName(name));
  if (partitions < 1) {
    return Status::InvalidArgument("topic " + name + ": partition count must be at least 1, got " +
                                   std::to_string(partitions));
  }
  *cfg = ApplyTopicConfigs(defaults, configs);
  if (!cfg->ok()) return cfg->status().WithContext("topic " + name);
  return Status::OK();
}

template <typename Map>
Status CheckCollision(const std::string& name, const Map& topics) {
  if (topics.count(name)) return Status::AlreadyExists("topic " + name + " already exists");
  for (const auto& [other, t] : topics) {
    if (Unify(other) == Unify(name)) {
      return Status::InvalidArgument("topic " + name + " collides with existing topic " + other +
                                     " ('.' and '_' are interchangeable in metric names)");
    }
  }
  return Status::OK();
}

}  // namespace

Status LogManager::ValidateNewTopic(const std::string& name, int32_t partitions,
                                    const std::map<std::string, std::string>& configs) const {
  base::Result<LogConfig> cfg = Status::Internal("unset");
  TIDE_RETURN_IF_ERROR(CheckNewTopic(name, partitions, configs, options_.defaults, &cfg));
  std::shared_lock lock(mu_);
  return CheckCollision(name, topics_);
}

Status LogManager::CreateTopic(const std::string& name, int32_t partitions,
                               const std::map<std::string, std::string>& configs) {
  base::Result<LogConfig> cfg = Status::Internal("unset");
  TIDE_RETURN_IF_ERROR(CheckNewTopic(name, partitions, configs, options_.defaults, &cfg));
  std::unique_lock lock(mu_);
  TIDE_RETURN_IF_ERROR(CheckCollision(name, topics_));
  Topic t;
  t.desc.name = name;
  t.desc.id = RandomId();
  t.desc.partitions = partitions;
  t.desc.overrides = configs;
  t.desc.config = *cfg;
  for (int32_t p = 0; p < partitions; ++p) {
    // A directory left by an earlier topic of the same name would resurrect its data.
    TIDE_RETURN_IF_ERROR(fileutil::RemoveAll(PartitionDir(name, p)));
    auto log = OpenPartition(t.desc, p);
    if (!log.ok()) {
      for (auto& opened : t.partitions) (void)opened->DeleteFromDisk();
      return log.status();
    }
    t.partitions.push_back(std::move(*log));
  }
  Status st = WriteMeta(t.desc);
  if (!st.ok()) {
    for (auto& opened : t.partitions) (void)opened->DeleteFromDisk();
    return st;
  }
  topics_[name] = std::move(t);
  return Status::OK();
}

Status LogManager::DeleteTopic(const std::string& name) {
  std::vector<std::string> doomed;
  {
    std::unique_lock lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return Status::NotFound("topic " + name + " does not exist");
    // The metadata goes first: once it is gone the topic is gone, even if we crash below.
    std::string meta = MetaPath(name);
    if (::unlink(meta.c_str()) != 0) return Status::FromErrno(errno, "delete " + meta);
    TIDE_RETURN_IF_ERROR(fileutil::SyncDir(options_.data_dir + "/meta/topics"));
    // Move the directories aside under the lock (cheap) so a topic re-created with the same name
    // right away cannot have its fresh directories removed by the slow deletion below.
    std::string tag = "." + HexId(it->second.desc.id) + "-delete";
    for (auto& p : it->second.partitions) {
      (void)p->Close();
      std::string aside = p->dir() + tag;
      if (::rename(p->dir().c_str(), aside.c_str()) == 0) doomed.push_back(aside);
      else doomed.push_back(p->dir());
    }
    topics_.erase(it);
  }
  Status first;
  for (const auto& d : doomed) {
    Status st = fileutil::RemoveAll(d);
    if (first.ok()) first = st;
  }
  return first;
}

Status LogManager::CreatePartitions(const std::string& name, int32_t new_total) {
  std::unique_lock lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::NotFound("topic " + name + " does not exist");
  Topic& t = it->second;
  if (new_total <= t.desc.partitions) {
    return Status::InvalidArgument("topic " + name + " has " + std::to_string(t.desc.partitions) +
                                   " partitions; the new count " + std::to_string(new_total) + " must be larger");
  }
  TopicDescription desc = t.desc;
  std::vector<std::shared_ptr<PartitionLog>> added;
  for (int32_t p = desc.partitions; p < new_total; ++p) {
    TIDE_RETURN_IF_ERROR(fileutil::RemoveAll(PartitionDir(name, p)));
    auto log = OpenPartition(desc, p);
    if (!log.ok()) {
      for (auto& a : added) (void)a->DeleteFromDisk();
      return log.status();
    }
    added.push_back(std::move(*log));
  }
  desc.partitions = new_total;
  Status st = WriteMeta(desc);
  if (!st.ok()) {
    for (auto& a : added) (void)a->DeleteFromDisk();
    return st;
  }
  t.desc = desc;
  for (auto& a : added) t.partitions.push_back(std::move(a));
  return Status::OK();
}

Status LogManager::AlterTopicConfig(const std::string& name, const std::map<std::string, std::string>& set,
                                    const std::vector<std::string>& remove) {
  std::unique_lock lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::NotFound("topic " + name + " does not exist");
  TopicDescription desc = it->second.desc;
  for (const auto& k : remove) {
    if (!IsKnownTopicConfig(k)) return Status::InvalidArgument("unknown topic config key '" + k + "'");
    desc.overrides.erase(k);
  }
  for (const auto& [k, v] : set) desc.overrides[k] = v;
  auto cfg = ApplyTopicConfigs(options_.defaults, desc.overrides);
  if (!cfg.ok()) return cfg.status().WithContext("topic " + name);
  desc.config = *cfg;
  TIDE_RETURN_IF_ERROR(WriteMeta(desc));
  it->second.desc = desc;
  for (auto& p : it->second.partitions) p->SetConfig(desc.config);
  return Status::OK();
}

base::Result<TopicDescription> LogManager::DescribeTopic(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::NotFound("topic " + name + " does not exist");
  return it->second.desc;
}

std::vector<std::string> LogManager::ListTopics() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, t] : topics_) out.push_back(name);
  return out;
}

bool LogManager::HasTopic(const std::string& name) const {
  std::shared_lock lock(mu_);
  return topics_.count(name) > 0;
}

std::optional<std::string> LogManager::TopicNameForId(const std::array<uint8_t, 16>& id) const {
  std::shared_lock lock(mu_);
  for (const auto& [name, t] : topics_) {
    if (t.desc.id == id) return name;
  }
  return std::nullopt;
}

std::shared_ptr<PartitionLog> LogManager::GetPartition(const std::string& topic, int32_t partition) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || partition >= static_cast<int32_t>(it->second.partitions.size())) {
    return nullptr;
  }
  return it->second.partitions[partition];
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::AllPartitions() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<PartitionLog>> out;
  for (const auto& [name, t] : topics_) out.insert(out.end(), t.partitions.begin(), t.partitions.end());
  return out;
}

base::Result<size_t> LogManager::RunRetention(int64_t now_ms) {
  size_t total = 0;
  Status first;
  for (auto& p : AllPartitions()) {
    auto r = p->RunRetention(now_ms);
    if (r.ok()) total += *r;
    else if (first.ok()) first = r.status();
  }
  if (!first.ok()) return first;
  return total;
}

base::Result<size_t> LogManager::RunCompaction(int64_t now_ms) {
  size_t total = 0;
  Status first;
  for (auto& p : AllPartitions()) {
    if (!p->config().cleanup_compact) continue;
    auto r = p->Compact(now_ms);
    if (r.ok()) total += *r;
    else if (first.ok()) first = r.status();
  }
  if (!first.ok()) return first;
  return total;
}

Status LogManager::FlushDue(int64_t now_ms) {
  Status first;
  for (auto& p : AllPartitions()) {
    Status st = p->MaybeFlush(now_ms);
    if (first.ok()) first = st;
  }
  return first;
}

Status LogManager::Close() {
  Status first;
  for (auto& p : AllPartitions()) {
    Status st = p->Close();
    if (first.ok()) first = st;
  }
  return first;
}

}  // namespace tide::log
