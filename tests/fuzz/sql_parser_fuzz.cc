// libFuzzer target: parse arbitrary bytes as a SQL script. Every input must give statements or
// an InvalidArgument error (never a crash, hang or sanitizer report), and every statement that
// parses must print (ToSql) to text that parses back to a tree printing the same text.
//
//   build/fuzz/fuzz/sql_parser_fuzz -max_total_time=60 -dict=... CORPUS_DIR \
//       tests/fuzz/corpus/sql_parser_fuzz

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/parser.h"
#include "sql/printer.h"
#include "large_stack.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "sql_parser_fuzz: %s\n--- first:\n%s\n--- second:\n%s\n", what, a.c_str(), b.c_str());
  std::abort();
}

void CheckRoundTrip(const tide::sql::Statement& stmt) {
  std::string printed = tide::sql::ToSql(stmt);
  auto again = tide::sql::ParseStatement(printed, {.max_depth = tide::sql::kCanonicalReparseDepth});
  if (!again.ok()) Fail("canonical text does not parse", printed, again.status().message());
  std::string reprinted = tide::sql::ToSql(**again);
  if (reprinted != printed) Fail("canonical text prints differently", printed, reprinted);
}

struct Input {
  std::string_view sql;
};

void* Run(void* arg) {
  std::string_view sql = static_cast<Input*>(arg)->sql;
  auto script = tide::sql::ParseScript(sql);
  if (script.ok()) {
    for (const auto& s : *script) {
      CheckRoundTrip(*s.statement);
      // Each statement's own text parses alone to the same tree.
      auto alone = tide::sql::ParseStatement(s.text);
      if (!alone.ok()) Fail("statement text does not parse alone", s.text, alone.status().message());
      if (tide::sql::ToSql(**alone) != tide::sql::ToSql(*s.statement)) {
        Fail("statement text parses differently alone", tide::sql::ToSql(*s.statement), tide::sql::ToSql(**alone));
      }
    }
  } else if (!script.status().IsInvalidArgument()) {
    Fail("unexpected error code", script.status().ToString(), "");
  }
  // The expression and type entry points see the same bytes.
  auto expr = tide::sql::ParseExpression(sql);
  if (expr.ok()) {
    std::string printed = tide::sql::ToSql(**expr);
    auto again = tide::sql::ParseExpression(printed, {.max_depth = tide::sql::kCanonicalReparseDepth});
    if (!again.ok()) Fail("canonical expression does not parse", printed, again.status().message());
    if (tide::sql::ToSql(**again) != printed) Fail("canonical expression prints differently", printed, tide::sql::ToSql(**again));
  }
  auto type = tide::sql::ParseType(sql);
  if (type.ok()) {
    std::string printed = tide::sql::ToSql(**type);
    auto again = tide::sql::ParseType(printed, {.max_depth = tide::sql::kCanonicalReparseDepth});
    if (!again.ok() || tide::sql::ToSql(**again) != printed) Fail("canonical type does not round-trip", printed, "");
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Parsing is linear; bigger inputs only slow the fuzzer down.
  if (size > 64 * 1024) return 0;
  Input input{std::string_view(reinterpret_cast<const char*>(data), size)};
  // Re-parsing canonical text near the nesting budget recurses deeply; sanitizers make frames
  // several times larger, so run on a thread with a roomy stack.
  tide::fuzz::RunOnLargeStack(Run, &input);
  return 0;
}
