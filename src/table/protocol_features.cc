// Protocol versions and table features Tide can read and write (see snapshot.h and
// docs/delta.md "Table features").
#include <algorithm>
#include <set>
#include <string>

#include "table/snapshot.h"

namespace tide::table {
namespace {

using base::Status;

// Features a reader must understand (PROTOCOL.md "Table Features"); writer-only features impose
// nothing on readers and may appear in readerFeatures only if they are reader-writer features.
const std::set<std::string, std::less<>>& SupportedReaderFeatures() {
  static const std::set<std::string, std::less<>> kFeatures = {
      "columnMapping",      "deletionVectors",      "timestampNtz",         "typeWidening",
      "typeWidening-preview", "v2Checkpoint",       "vacuumProtocolCheck",  "checkpointProtection",
  };
  return kFeatures;
}

// Writer features Tide's writers honour. invariants / checkConstraints / generatedColumns /
// identityColumns are accepted by CheckWritable(protocol, metadata) only while no column or
// property uses them (Tide does not evaluate them).
const std::set<std::string, std::less<>>& SupportedWriterFeatures() {
  static const std::set<std::string, std::less<>> kFeatures = {
      "appendOnly",    "changeDataFeed", "columnMapping",        "deletionVectors", "timestampNtz",
      "typeWidening",  "typeWidening-preview", "domainMetadata", "v2Checkpoint",    "vacuumProtocolCheck",
      "inCommitTimestamp", "checkpointProtection",
  };
  return kFeatures;
}

const std::set<std::string, std::less<>>& InactiveOnlyWriterFeatures() {
  static const std::set<std::string, std::less<>> kFeatures = {"invariants", "checkConstraints", "generatedColumns",
                                                                "identityColumns"};
  return kFeatures;
}

bool FieldsUse(const columnar::Field& f, std::string_view key_prefix) {
  for (const auto& [k, v] : f.metadata()) {
    if (k.compare(0, key_prefix.size(), key_prefix) == 0) return true;
  }
  for (const auto& c : f.type()->children()) {
    if (FieldsUse(*c, key_prefix)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> ReaderFeatures(const Protocol& p) {
  if (p.min_reader_version >= 3) return p.reader_features.value_or(std::vector<std::string>{});
  std::vector<std::string> out;
  if (p.min_reader_version >= 2) out.push_back("columnMapping");
  return out;
}

std::vector<std::string> WriterFeatures(const Protocol& p) {
  if (p.min_writer_version >= 7) return p.writer_features.value_or(std::vector<std::string>{});
  std::vector<std::string> out;
  int v = p.min_writer_version;
  if (v >= 2) { out.push_back("appendOnly"); out.push_back("invariants"); }
  if (v >= 3) out.push_back("checkConstraints");
  if (v >= 4) { out.push_back("changeDataFeed"); out.push_back("generatedColumns"); }
  if (v >= 5) out.push_back("columnMapping");
  if (v >= 6) out.push_back("identityColumns");
  return out;
}

bool HasReaderFeature(const Protocol& p, std::string_view feature) {
  auto f = ReaderFeatures(p);
  return std::find(f.begin(), f.end(), feature) != f.end();
}

bool HasWriterFeature(const Protocol& p, std::string_view feature) {
  auto f = WriterFeatures(p);
  return std::find(f.begin(), f.end(), feature) != f.end();
}

Status CheckReadable(const Protocol& p) {
  if (p.min_reader_version < 1 || p.min_reader_version > 3) {
    return Status::Unsupported("table requires reader version " + std::to_string(p.min_reader_version) +
                               "; Tide reads reader versions 1 to 3");
  }
  for (const auto& f : ReaderFeatures(p)) {
    if (!SupportedReaderFeatures().count(f)) {
      return Status::Unsupported("table requires reader feature '" + f + "', which Tide does not support");
    }
  }
  return Status::OK();
}

Status CheckWritable(const Protocol& p) {
  TIDE_RETURN_IF_ERROR(CheckReadable(p));
  if (p.min_writer_version < 1 || p.min_writer_version > 7) {
    return Status::Unsupported("table requires writer version " + std::to_string(p.min_writer_version) +
                               "; Tide writes writer versions 1 to 7");
  }
  for (const auto& f : WriterFeatures(p)) {
    if (SupportedWriterFeatures().count(f) || InactiveOnlyWriterFeatures().count(f)) continue;
    return Status::Unsupported("table requires writer feature '" + f + "', which Tide does not support for writes");
  }
  return Status::OK();
}

Status CheckWritable(const Protocol& p, const Metadata& metadata, const columnar::Schema& schema) {
  TIDE_RETURN_IF_ERROR(CheckWritable(p));
  auto uses = [&](std::string_view key) {
    for (const auto& f : schema.fields()) {
      if (FieldsUse(*f, key)) return true;
    }
    return false;
  };
  for (const auto& f : WriterFeatures(p)) {
    if (!InactiveOnlyWriterFeatures().count(f)) continue;
    bool active = false;
    if (f == "invariants") active = uses("delta.invariants");
    if (f == "generatedColumns") active = uses("delta.generationExpression");
    if (f == "identityColumns") active = uses("delta.identity.");
    if (f == "checkConstraints") {
      for (const auto& [k, v] : metadata.configuration) {
        if (k.rfind("delta.constraints.", 0) == 0) active = true;
      }
    }
    if (active) {
      return Status::Unsupported("table uses writer feature '" + f + "' (" +
                                 (f == "checkConstraints" ? std::string("a CHECK constraint") : std::string("a column")) +
                                 " needs it), which Tide does not enforce; refusing to write");
    }
  }
  return Status::OK();
}

}  // namespace tide::table
