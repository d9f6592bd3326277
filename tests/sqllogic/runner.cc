// sqllogic_runner: runs one sqllogictest file (tests/sql/*.slt) against Tide's SQL engine.
//
//   sqllogic_runner FILE.slt [--testdata DIR] [--keep] [--verbose]
//   sqllogic_runner --self-test      (checks the parser and the rendering rules; selftest.h)
//
// The file runs in a fresh data directory (a temp dir, removed afterwards unless --keep) through
// one exec::Session, one Session::Execute per record. In the SQL, __DATA_DIR__ becomes the data
// directory and __TESTDATA__ the shared test data directory (--testdata, else the environment
// variable TIDE_TESTDATA_DIR), and __COMMIT_TIME:<table>:<version>__ the commit time of that
// table version (UTC, milliseconds). Records marked `onlyif ENGINE` for another engine or
// `skipif tide` are skipped. Results are rendered by render.h's rules and compared with the
// expected lines; each failure is printed with file:line, the SQL, the expected and the actual
// result. Exit status: 0 when every record passed, 1 when any failed, 2 on a usage or file error.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "columnar/json.h"
#include "exec/session.h"
#include "table/snapshot.h"
#include "render.h"
#include "selftest.h"
#include "slt_file.h"

namespace tide::sqllogic {
namespace {

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  size_t p = 0;
  while ((p = s.find(from, p)) != std::string::npos) {
    s.replace(p, from.size(), to);
    p += to.size();
  }
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Seconds east of UTC for "UTC", "Z", "+02:00", "-05:30", "GMT+1"; other names (IANA zones)
// are taken as UTC — the corpus sets only fixed offsets.
int64_t ParseUtcOffset(const std::string& zone) {
  std::string z = zone;
  for (const char* prefix : {"UTC", "GMT"}) {
    if (z.rfind(prefix, 0) == 0) z = z.substr(3);
  }
  if (z.empty() || z == "Z") return 0;
  if (z[0] != '+' && z[0] != '-') return 0;
  int sign = z[0] == '-' ? -1 : 1;
  int h = 0, m = 0;
  if (std::sscanf(z.c_str() + 1, "%d:%d", &h, &m) < 1) return 0;
  return sign * (h * 3600LL + m * 60LL);
}

bool ErrorMatches(const std::string& message, const std::string& pattern) {
  if (pattern.empty()) return true;
  if (pattern.size() >= 2 && pattern.front() == '/' && pattern.back() == '/') {
    return RE2::PartialMatch(message, RE2(pattern.substr(1, pattern.size() - 2)));
  }
  return Lower(message).find(Lower(pattern)) != std::string::npos;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t t = line.find('\t', start);
    out.push_back(line.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) break;
    start = t + 1;
  }
  return out;
}

class Runner {
 public:
  Runner(std::string path, std::string data_dir, std::string testdata, bool verbose)
      : path_(std::move(path)), data_dir_(std::move(data_dir)), testdata_(std::move(testdata)), verbose_(verbose),
        session_(exec::SessionOptions{.data_dir = data_dir_, .settings = {}}) {}

  int failed() const { return failed_; }
  int passed() const { return passed_; }
  int skipped() const { return skipped_; }

  void Run(const std::vector<Record>& records) {
    for (const Record& rec : records) {
      if (!rec.RunsOn("tide")) {
        skipped_++;
        continue;
      }
      if (rec.kind == RecordKind::kHalt) break;
      if (rec.kind == RecordKind::kSleep) {
        std::this_thread::sleep_for(std::chrono::milliseconds(rec.sleep_ms));
        continue;
      }
      std::string sql = ReplaceAll(ReplaceAll(rec.sql, "__DATA_DIR__", data_dir_), "__TESTDATA__", testdata_);
      base::Status subst = SubstituteCommitTimes(&sql);
      if (!subst.ok()) {
        Fail(rec, sql, "a statement to run", "placeholder error: " + subst.ToString());
        continue;
      }
      if (verbose_) std::cerr << path_ << ":" << rec.line << ": " << sql << "\n";
      base::Result<exec::StatementResult> result = Execute(sql);
      switch (rec.kind) {
        case RecordKind::kStatementOk:
          if (result.ok()) {
            passed_++;
          } else {
            Fail(rec, sql, "statement ok", "error: " + result.status().ToString());
          }
          break;
        case RecordKind::kStatementError:
          if (result.ok()) {
            Fail(rec, sql, "an error matching: " + rec.error_pattern, "success (" + std::to_string(result->num_rows()) + " rows)");
          } else if (!ErrorMatches(result.status().ToString(), rec.error_pattern)) {
            Fail(rec, sql, "an error matching: " + rec.error_pattern, "error: " + result.status().ToString());
          } else {
            passed_++;
          }
          break;
        case RecordKind::kQuery:
          if (!result.ok()) {
            Fail(rec, sql, Join(rec.expected), "error: " + result.status().ToString());
          } else {
            CheckQuery(rec, sql, *result);
          }
          break;
        case RecordKind::kHalt:
        case RecordKind::kSleep:
          break;
      }
    }
  }

 private:
  base::Result<exec::StatementResult> Execute(const std::string& sql) {
    try {
      return session_.Execute(sql);
    } catch (const std::exception& e) {
      return base::Status::Internal(std::string("exception thrown by Session::Execute: ") + e.what());
    }
  }

  // __COMMIT_TIME:<table>:<version>__ becomes the commit timestamp of that version of table
  // DATA_DIR/tables/<table> (or of the Delta table at <table> when it holds a '/') as UTC text
  // 'YYYY-MM-DD HH:MM:SS.fff', for TIMESTAMP AS OF tests with literal timestamps.
  base::Status SubstituteCommitTimes(std::string* sql) const {
    static const std::string kOpen = "__COMMIT_TIME:";
    size_t p;
    while ((p = sql->find(kOpen)) != std::string::npos) {
      size_t end = sql->find("__", p + kOpen.size());
      if (end == std::string::npos) return base::Status::InvalidArgument("unterminated " + kOpen + " placeholder");
      std::string body = sql->substr(p + kOpen.size(), end - p - kOpen.size());
      size_t colon = body.rfind(':');
      if (colon == std::string::npos) return base::Status::InvalidArgument("expected __COMMIT_TIME:table:version__");
      std::string table = body.substr(0, colon);
      int64_t version = std::strtoll(body.c_str() + colon + 1, nullptr, 10);
      std::string root = table.find('/') != std::string::npos ? table : data_dir_ + "/tables/" + table;
      base::Result<int64_t> ms = table::CommitTimestamp(root, version);
      if (!ms.ok()) return ms.status();
      std::string text = columnar::FormatTimestamp(*ms * 1000, columnar::TimeUnit::kMicro, false);
      text[10] = ' ';
      text = text.substr(0, 23);  // milliseconds
      sql->replace(p, end + 2 - p, text);
    }
    return base::Status::OK();
  }

  static std::string Join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out.empty() ? "(no rows)\n" : out;
  }

  void CheckQuery(const Record& rec, const std::string& sql, const exec::StatementResult& result) {
    const int result_cols = result.schema ? result.schema->num_fields() : 0;
    // Malformed results are engine bugs: report them instead of crashing while rendering.
    for (int c = 0; c < result_cols; c++) {
      if (!result.schema->field(c) || !result.schema->field(c)->type()) {
        Fail(rec, sql, Join(rec.expected), "result column " + std::to_string(c + 1) + " has no type in the schema");
        return;
      }
    }
    for (size_t b = 0; b < result.batches.size(); b++) {
      const auto& batch = result.batches[b];
      std::string problem;
      if (!batch) {
        problem = "is null";
      } else if (batch->num_columns() != result_cols) {
        problem = "has " + std::to_string(batch->num_columns()) + " columns, the schema " + std::to_string(result_cols);
      } else {
        for (int c = 0; c < result_cols && problem.empty(); c++) {
          const auto& col = batch->column(c);
          if (!col || !col->type) {
            problem = "column " + std::to_string(c + 1) + " is null or untyped";
          } else if (col->length != batch->num_rows()) {
            problem = "column " + std::to_string(c + 1) + " has " + std::to_string(col->length) + " rows, the batch " +
                      std::to_string(batch->num_rows());
          } else if (!col->type->Equals(*result.schema->field(c)->type())) {
            problem = "column " + std::to_string(c + 1) + " is " + col->type->ToString() + ", the schema says " +
                      result.schema->field(c)->type()->ToString();
          } else if (base::Status st = col->Validate(); !st.ok()) {
            problem = "column " + std::to_string(c + 1) + " is invalid: " + st.ToString();
          }
        }
      }
      if (!problem.empty()) {
        Fail(rec, sql, Join(rec.expected), "result batch " + std::to_string(b) + " " + problem);
        return;
      }
    }
    std::vector<int> cols;
    for (const std::string& name : rec.columns) {
      int found = -1;
      if (std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        found = std::stoi(name) - 1;
      } else {
        for (int c = 0; c < result_cols; c++) {
          if (Lower(result.schema->field(c)->name()) == Lower(name)) found = c;
        }
        if (found < 0) {
          Fail(rec, sql, Join(rec.expected), "no column '" + name + "' in the result (" +
                                                 (result.schema ? result.schema->ToString() : std::string()) + ")");
          return;
        }
      }
      cols.push_back(found);
    }
    if (cols.empty()) {
      if (result_cols != static_cast<int>(rec.types.size())) {
        Fail(rec, sql, Join(rec.expected),
             "a result of " + std::to_string(result_cols) + " columns for a query typed '" + rec.types + "'" +
                 (result.schema ? " (" + result.schema->ToString() + ")" : ""));
        return;
      }
      for (int c = 0; c < result_cols; c++) cols.push_back(c);
    }
    const int ncols = static_cast<int>(cols.size());
    for (int k = 0; k < ncols; k++) {
      int c = cols[k];
      if (c < 0 || c >= result_cols) {
        Fail(rec, sql, Join(rec.expected), "no column " + std::to_string(c + 1) + " in a result of " +
                                               std::to_string(result_cols) + " columns");
        return;
      }
      std::string problem = CheckColumnType(*result.schema->field(c)->type(), rec.types[k]);
      if (!problem.empty()) {
        Fail(rec, sql, Join(rec.expected), "column " + std::to_string(c + 1) + " (" + result.schema->field(c)->name() +
                                               "): " + problem);
        return;
      }
    }
    RenderOptions opt;
    opt.utc_offset_seconds = ParseUtcOffset(session_.settings().time_zone);
    std::vector<std::string> rows;
    std::vector<std::string> values;
    for (const auto& batch : result.batches) {
      for (int64_t r = 0; r < batch->num_rows(); r++) {
        std::string row;
        for (int k = 0; k < ncols; k++) {
          std::string v = RenderValue(*batch->column(cols[k]), r, rec.types[k], opt);
          if (k > 0) row += "\t";
          row += v;
          values.push_back(std::move(v));
        }
        rows.push_back(std::move(row));
      }
    }
    std::vector<std::string> expected = rec.expected;
    if (rec.sort == SortMode::kRowSort) {
      std::sort(rows.begin(), rows.end());
      std::sort(expected.begin(), expected.end());
    } else if (rec.sort == SortMode::kValueSort) {
      std::vector<std::string> ev;
      for (const auto& l : expected) {
        for (auto& v : SplitTabs(l)) ev.push_back(std::move(v));
      }
      std::sort(ev.begin(), ev.end());
      std::sort(values.begin(), values.end());
      rows = std::move(values);
      expected = std::move(ev);
    }
    if (rows != expected) {
      Fail(rec, sql, Join(expected), Join(rows));
      return;
    }
    passed_++;
  }

  void Fail(const Record& rec, const std::string& sql, const std::string& expected, const std::string& actual) {
    failed_++;
    std::cout << "FAIL " << path_ << ":" << rec.line << "\n"
              << "  sql:\n    " << ReplaceAll(sql, "\n", "\n    ") << "\n"
              << "  expected:\n" << Indent(expected) << "  actual:\n" << Indent(actual) << std::endl;
  }

  static std::string Indent(const std::string& text) {
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out += "    " + line + "\n";
    return out;
  }

  std::string path_;
  std::string data_dir_;
  std::string testdata_;
  bool verbose_;
  exec::Session session_;
  int failed_ = 0, passed_ = 0, skipped_ = 0;
};

int Main(int argc, char** argv) {
  std::string file, testdata;
  bool keep = false, verbose = false;
  if (const char* env = std::getenv("TIDE_TESTDATA_DIR")) testdata = env;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--testdata" && i + 1 < argc) {
      testdata = argv[++i];
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--self-test") {
      return RunSelfTest() == 0 ? 0 : 1;
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (!a.empty() && a[0] != '-' && file.empty()) {
      file = a;
    } else {
      std::cerr << "usage: sqllogic_runner FILE.slt [--testdata DIR] [--keep] [--verbose]\n";
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: sqllogic_runner FILE.slt [--testdata DIR] [--keep] [--verbose]\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << file << ": cannot open\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  base::Result<std::vector<Record>> records = ParseSlt(text.str(), file);
  if (!records.ok()) {
    std::cerr << records.status().message() << "\n";
    return 2;
  }
  std::error_code ec;
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "tide-slt-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    std::cerr << "cannot create a temp directory from " << tmpl << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  std::string data_dir = buf.data();
  int failed = 0;
  {
    Runner runner(file, data_dir, testdata, verbose);
    runner.Run(*records);
    failed = runner.failed();
    std::cout << file << ": " << runner.passed() << " passed, " << runner.failed() << " failed, " << runner.skipped()
              << " skipped\n";
  }
  if (keep) {
    std::cout << "data directory kept: " << data_dir << "\n";
  } else {
    std::filesystem::remove_all(data_dir, ec);
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tide::sqllogic

int main(int argc, char** argv) { return tide::sqllogic::Main(argc, argv); }
