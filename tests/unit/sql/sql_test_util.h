// Helpers shared by the sql layer's tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sql/parser.h"
#include "sql/printer.h"

namespace tide::sql::testing {

// Canonical SQL of one statement, or "ERROR: <message>".
inline std::string Canon(std::string_view sql) {
  auto stmt = ParseStatement(sql);
  if (!stmt.ok()) return "ERROR: " + stmt.status().message();
  return ToSql(**stmt);
}

// Canonical SQL of one expression, or "ERROR: <message>".
inline std::string ExprSql(std::string_view sql) {
  auto e = ParseExpression(sql);
  if (!e.ok()) return "ERROR: " + e.status().message();
  return ToSql(**e);
}

// The first line of the error message for `sql` ("" when it parses).
inline std::string ErrorOf(std::string_view sql) {
  auto stmt = ParseStatement(sql);
  if (stmt.ok()) return "";
  EXPECT_TRUE(stmt.status().IsInvalidArgument()) << stmt.status().ToString();
  const std::string& m = stmt.status().message();
  return m.substr(0, m.find('\n'));
}

// Parses, prints, parses the print and prints again: both prints must agree. Returns the
// canonical text.
inline std::string RoundTrip(std::string_view sql) {
  auto first = ParseStatement(sql);
  if (!first.ok()) {
    ADD_FAILURE() << "does not parse: " << sql << "\n" << first.status().message();
    return "";
  }
  std::string printed = ToSql(**first);
  auto second = ParseStatement(printed, {.max_depth = kCanonicalReparseDepth});
  if (!second.ok()) {
    ADD_FAILURE() << "canonical form does not parse: " << printed << "\n" << second.status().message();
    return printed;
  }
  std::string reprinted = ToSql(**second);
  EXPECT_EQ(printed, reprinted) << "from: " << sql;
  return printed;
}

}  // namespace tide::sql::testing
