// Internal helpers for reading RapidJSON documents with errors that name the field
// ("add.size: expected a number"). Not part of the table layer's public contract.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace tide::table::json {

using Value = rapidjson::Value;

// Parses `text` into `doc` (kParseFullPrecisionFlag, NaN/Inf allowed). Corruption with the
// RapidJSON error and byte offset, prefixed by `where`.
base::Status Parse(std::string_view text, rapidjson::Document* doc, std::string_view where);

// The member `key` of object `obj`, or nullptr when absent (JSON null counts as absent).
const Value* Find(const Value& obj, std::string_view key);

// Compact JSON text of a value.
std::string ToText(const Value& v);

// Typed accessors: `field` is the dotted name for errors ("add.size").
base::Result<std::string> RequiredString(const Value& obj, std::string_view key, std::string_view field);
base::Result<std::optional<std::string>> OptionalString(const Value& obj, std::string_view key, std::string_view field);
base::Result<int64_t> RequiredInt(const Value& obj, std::string_view key, std::string_view field);
base::Result<std::optional<int64_t>> OptionalInt(const Value& obj, std::string_view key, std::string_view field);
base::Result<bool> RequiredBool(const Value& obj, std::string_view key, std::string_view field);
base::Result<std::optional<bool>> OptionalBool(const Value& obj, std::string_view key, std::string_view field);

// A value as an int64 (integral JSON number, or a double with an integral value in range).
std::optional<int64_t> AsInt(const Value& v);

inline base::Status FieldError(std::string_view field, std::string_view what) {
  return base::Status::Corruption(std::string(field) + ": " + std::string(what));
}

}  // namespace tide::table::json
