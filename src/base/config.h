// Typed configuration: a fixed set of known keys with defaults, loaded from a YAML file and
// overridden from the command line.
//
// Keys are dotted names ("kafka.listen", "kafka.log.retention.hours"). A YAML file may write
// them nested or flat, the two are the same key:
//     kafka:                      kafka.listen: 127.0.0.1:9092
//       listen: 127.0.0.1:9092
// A key that is not in the schema is refused, naming the key, where it came from and the
// nearest known key; a value of the wrong type is refused naming the key and the expected type.
// Later sources win: defaults < config file < command line.
//
// Thread-safety: load and set before sharing; concurrent reads of a loaded Config are safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tide::base {

enum class ConfigType { kString, kInt, kBool, kDouble };

struct ConfigKey {
  std::string name;
  ConfigType type;
  std::string default_value;
  std::string doc;  // one line, shown by `tide server --help-config`
};

class Config {
 public:
  explicit Config(std::vector<ConfigKey> schema);

  // Loads a YAML mapping; scalars only at the leaves (a list is refused). `source` names the
  // origin in error messages (the file path).
  Status LoadYamlFile(const std::string& path);
  Status LoadYamlString(std::string_view yaml, std::string_view source);

  // Sets one key from text, as the command line's `--set key=value` does.
  Status Set(std::string_view key, std::string_view value, std::string_view source = "command line");
  // Parses "key=value" and sets it.
  Status SetAssignment(std::string_view assignment, std::string_view source = "command line");

  // Typed reads. The key must be in the schema (a bug otherwise: asserts, returns the zero value).
  const std::string& GetString(std::string_view key) const;
  int64_t GetInt(std::string_view key) const;
  bool GetBool(std::string_view key) const;
  double GetDouble(std::string_view key) const;
  // Where a key's value came from: "default", a file path or "command line".
  const std::string& Source(std::string_view key) const;

  const std::vector<ConfigKey>& schema() const { return schema_; }
  // Every key with its current value in text form, sorted by key.
  std::vector<std::pair<std::string, std::string>> Effective() const;

 private:
  struct Value {
    std::string text;
    std::string source;
    int64_t i = 0;
    double d = 0;
    bool b = false;
  };
  const ConfigKey* Find(std::string_view key) const;
  std::string NearestKey(std::string_view key) const;
  Status Assign(const ConfigKey& key, std::string_view text, std::string_view source);
  const Value& Get(std::string_view key) const;

  std::vector<ConfigKey> schema_;
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace tide::base
