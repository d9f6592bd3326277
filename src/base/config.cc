#include "base/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tide::base {
namespace {

std::string_view TypeName(ConfigType t) {
  switch (t) {
    case ConfigType::kString: return "a string";
    case ConfigType::kInt: return "an integer";
    case ConfigType::kBool: return "a boolean (true or false)";
    case ConfigType::kDouble: return "a number";
  }
  return "a value";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Flattens a YAML mapping into dotted keys; refuses sequences and non-string keys.
Status Flatten(const YAML::Node& node, const std::string& prefix, std::string_view source,
               std::vector<std::pair<std::string, std::string>>* out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        return Status::InvalidArgument(std::string(source) + ": a key under '" + prefix + "' is not a plain name");
      }
      std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
      TIDE_RETURN_IF_ERROR(Flatten(kv.second, key, source, out));
    }
    return Status::OK();
  }
  if (node.IsScalar()) {
    out->emplace_back(prefix, node.Scalar());
    return Status::OK();
  }
  if (node.IsNull()) {
    return Status::InvalidArgument(std::string(source) + ": key '" + prefix + "' has no value");
  }
  return Status::InvalidArgument(std::string(source) + ": key '" + prefix + "' must have a single value, not a list");
}

}  // namespace

Config::Config(std::vector<ConfigKey> schema) : schema_(std::move(schema)) {
  std::sort(schema_.begin(), schema_.end(), [](const ConfigKey& a, const ConfigKey& b) { return a.name < b.name; });
  for (const auto& key : schema_) {
    Status s = Assign(key, key.default_value, "default");
    assert(s.ok() && "a config default does not parse as its type");
    (void)s;
  }
}

const ConfigKey* Config::Find(std::string_view key) const {
  auto it = std::lower_bound(schema_.begin(), schema_.end(), key,
                             [](const ConfigKey& k, std::string_view name) { return k.name < name; });
  if (it == schema_.end() || it->name != key) return nullptr;
  return &*it;
}

std::string Config::NearestKey(std::string_view key) const {
  std::string best;
  size_t best_distance = 4;  // suggest only plausible typos
  for (const auto& k : schema_) {
    size_t d = EditDistance(key, k.name);
    if (d < best_distance) {
      best_distance = d;
      best = k.name;
    }
  }
  return best;
}

Status Config::Assign(const ConfigKey& key, std::string_view text, std::string_view source) {
  Value v;
  v.text = std::string(text);
  v.source = std::string(source);
  auto bad = [&]() {
    return Status::InvalidArgument(std::string(source) + ": config key '" + key.name + "' expects " +
                                   std::string(TypeName(key.type)) + ", got '" + std::string(text) + "'");
  };
  switch (key.type) {
    case ConfigType::kString:
      break;
    case ConfigType::kInt: {
      auto res = std::from_chars(text.data(), text.data() + text.size(), v.i);
      if (res.ec != std::errc() || res.ptr != text.data() + text.size() || text.empty()) return bad();
      break;
    }
    case ConfigType::kDouble: {
      std::string copy(text);
      char* end = nullptr;
      v.d = std::strtod(copy.c_str(), &end);
      if (copy.empty() || end != copy.c_str() + copy.size()) return bad();
      break;
    }
    case ConfigType::kBool:
      if (text == "true" || text == "yes" || text == "on" || text == "1") {
        v.b = true;
      } else if (text == "false" || text == "no" || text == "off" || text == "0") {
        v.b = false;
      } else {
        return bad();
      }
      break;
  }
  values_[key.name] = std::move(v);
  return Status::OK();
}

Status Config::Set(std::string_view key, std::string_view value, std::string_view source) {
  const ConfigKey* k = Find(key);
  if (k == nullptr) {
    std::string msg = std::string(source) + ": unknown config key '" + std::string(key) + "'";
    std::string near = NearestKey(key);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    return Status::InvalidArgument(msg);
  }
  return Assign(*k, value, source);
}

Status Config::SetAssignment(std::string_view assignment, std::string_view source) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument(std::string(source) + ": expected KEY=VALUE, got '" + std::string(assignment) + "'");
  }
  return Set(assignment.substr(0, eq), assignment.substr(eq + 1), source);
}

Status Config::LoadYamlString(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return Status::OK();  // an empty file sets nothing
  if (!root.IsMap()) return Status::InvalidArgument(std::string(source) + ": expected a mapping of config keys");
  std::vector<std::pair<std::string, std::string>> flat;
  TIDE_RETURN_IF_ERROR(Flatten(root, "", source, &flat));
  for (const auto& [key, value] : flat) TIDE_RETURN_IF_ERROR(Set(key, value, source));
  return Status::OK();
}

Status Config::LoadYamlFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::FromErrno(errno, "config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadYamlString(ss.str(), path);
}

const Config::Value& Config::Get(std::string_view key) const {
  auto it = values_.find(key);
  assert(it != values_.end() && "config key not in schema");
  if (it == values_.end()) {
    static const Value kMissing;
    return kMissing;
  }
  return it->second;
}

const std::string& Config::GetString(std::string_view key) const { return Get(key).text; }
int64_t Config::GetInt(std::string_view key) const { return Get(key).i; }
bool Config::GetBool(std::string_view key) const { return Get(key).b; }
double Config::GetDouble(std::string_view key) const { return Get(key).d; }
const std::string& Config::Source(std::string_view key) const { return Get(key).source; }

std::vector<std::pair<std::string, std::string>> Config::Effective() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(values_.size());
  for (const auto& [k, v] : values_) out.emplace_back(k, v.text);
  return out;
}

}  // namespace tide::base
