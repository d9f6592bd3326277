#include "slt_file.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace tide::sqllogic {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

constexpr std::string_view kDuckdbPrefix = "-- duckdb:";

// The text after the first word (and the blanks that follow it).
std::string RestAfter(const std::string& line, const std::string& word) {
  size_t p = line.find(word);
  if (p == std::string::npos) return {};
  p += word.size();
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) p++;
  std::string rest = line.substr(p);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.pop_back();
  return rest;
}

}  // namespace

bool Record::RunsOn(const std::string& engine) const {
  if (!onlyif.empty() && std::find(onlyif.begin(), onlyif.end(), engine) == onlyif.end()) return false;
  return std::find(skipif.begin(), skipif.end(), engine) == skipif.end();
}

base::Result<std::vector<Record>> ParseSlt(const std::string& text, const std::string& path) {
  std::vector<std::string> lines = SplitLines(text);
  std::vector<Record> records;
  Record pending;  // conditions collected for the next record
  bool skipping = false;
  size_t i = 0;
  auto error = [&](size_t line, const std::string& what) {
    return base::Status::InvalidArgument(path + ":" + std::to_string(line + 1) + ": " + what);
  };
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (IsBlank(line) || line[0] == '#') {
      i++;
      continue;
    }
    std::vector<std::string> words = Words(line);
    const std::string& head = words[0];
    if (head == "onlyif" || head == "skipif") {
      if (words.size() != 2) return error(i, "expected '" + head + " ENGINE'");
      (head == "onlyif" ? pending.onlyif : pending.skipif).push_back(words[1]);
      i++;
      continue;
    }
    if (head == "mode") {
      if (words.size() != 2) return error(i, "expected 'mode skip|unskip'");
      if (words[1] == "skip") {
        skipping = true;
      } else if (words[1] == "unskip") {
        skipping = false;
      } else if (words[1] != "output_result") {
        return error(i, "unknown mode '" + words[1] + "'");
      }
      i++;
      continue;
    }
    if (head == "hash-threshold" || head == "require") {  // accepted for compatibility, no effect
      i++;
      continue;
    }
    Record rec = std::move(pending);
    pending = Record();
    rec.line = static_cast<int>(i + 1);
    if (head == "halt") {
      rec.kind = RecordKind::kHalt;
      i++;
      if (!skipping) records.push_back(std::move(rec));
      continue;
    }
    if (head == "sleep") {
      rec.kind = RecordKind::kSleep;
      char* end = nullptr;
      double n = words.size() >= 2 ? std::strtod(words[1].c_str(), &end) : -1;
      std::string unit = words.size() >= 3 ? words[2] : "seconds";
      if (words.size() < 2 || words.size() > 3 || *end != '\0' || n < 0 ||
          (unit != "seconds" && unit != "second" && unit != "milliseconds" && unit != "millisecond")) {
        return error(i, "expected 'sleep N seconds|milliseconds'");
      }
      rec.sleep_ms = static_cast<int64_t>(unit.rfind("milli", 0) == 0 ? n : n * 1000);
      i++;
      if (!skipping) records.push_back(std::move(rec));
      continue;
    }
    if (head == "statement") {
      if (words.size() < 2 || (words[1] != "ok" && words[1] != "error")) {
        return error(i, "expected 'statement ok' or 'statement error [pattern]'");
      }
      rec.kind = words[1] == "ok" ? RecordKind::kStatementOk : RecordKind::kStatementError;
      if (rec.kind == RecordKind::kStatementError) rec.error_pattern = RestAfter(line, "error");
      if (rec.kind == RecordKind::kStatementOk && words.size() > 2) {
        return error(i, "unexpected text after 'statement ok'");
      }
    } else if (head == "query") {
      rec.kind = RecordKind::kQuery;
      if (words.size() < 2) return error(i, "expected 'query TYPES [rowsort|valuesort|nosort]'");
      rec.types = words[1];
      for (char c : rec.types) {
        if (c != 'I' && c != 'R' && c != 'T') {
          return error(i, std::string("column type '") + c + "' is not one of I, R, T");
        }
      }
      for (size_t w = 2; w < words.size(); w++) {
        if (words[w] == "rowsort") {
          rec.sort = SortMode::kRowSort;
        } else if (words[w] == "valuesort") {
          rec.sort = SortMode::kValueSort;
        } else if (words[w] == "nosort") {
          rec.sort = SortMode::kNoSort;
        } else if (words[w].rfind("columns=", 0) == 0) {
          std::string list = words[w].substr(8);
          size_t start = 0;
          while (start <= list.size()) {
            size_t comma = list.find(',', start);
            std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (item.empty()) return error(i, "bad column list '" + words[w] + "'");
            rec.columns.push_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
          }
          if (rec.columns.size() != rec.types.size()) {
            return error(i, "'" + words[w] + "' lists " + std::to_string(rec.columns.size()) + " columns for types '" +
                                rec.types + "'");
          }
        } else if (w == words.size() - 1) {
          // A last word that is none of these is a label (SQLite): accepted and ignored.
        } else {
          return error(i, "unknown query option '" + words[w] + "' (rowsort, valuesort, nosort, columns=...)");
        }
      }
    } else {
      return error(i, "unknown directive '" + head + "'");
    }
    i++;
    // The statement: lines up to a blank line or "----".
    std::string sql, duck;
    bool saw_separator = false;
    while (i < lines.size() && !IsBlank(lines[i])) {
      if (lines[i] == "----") {
        saw_separator = true;
        i++;
        break;
      }
      std::string_view l = lines[i];
      if (l.substr(0, kDuckdbPrefix.size()) == kDuckdbPrefix) {
        std::string_view rest = l.substr(kDuckdbPrefix.size());
        if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
        if (!duck.empty()) duck += "\n";
        duck += rest;
      } else {
        if (!sql.empty()) sql += "\n";
        sql += l;
      }
      i++;
    }
    if (sql.empty()) return error(rec.line - 1, "record has no SQL");
    rec.sql = std::move(sql);
    rec.duckdb_sql = std::move(duck);
    if (rec.kind == RecordKind::kQuery) {
      if (!saw_separator) return error(rec.line - 1, "query without '----' (write '----' even for no rows)");
      while (i < lines.size() && !lines[i].empty()) {
        rec.expected.push_back(lines[i]);
        i++;
      }
    } else if (saw_separator) {
      if (rec.kind != RecordKind::kStatementError) return error(rec.line - 1, "'----' after 'statement ok'");
      // DuckDB style: the expected message on the lines after "----".
      std::string msg;
      while (i < lines.size() && !lines[i].empty()) {
        if (!msg.empty()) msg += "\n";
        msg += lines[i];
        i++;
      }
      if (!rec.error_pattern.empty()) return error(rec.line - 1, "error pattern both on the header and after '----'");
      rec.error_pattern = std::move(msg);
    }
    if (!skipping) records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace tide::sqllogic
