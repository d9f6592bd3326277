// Every function the catalog lists has a kernel (scalar) or belongs to the operators
// (aggregate, window, generator).
#include <gtest/gtest.h>

#include "exec/functions.h"
#include "sql/function_catalog.h"

namespace tide::exec {
namespace {

TEST(ExprCoverage, EveryScalarFunctionHasAKernel) {
  std::vector<std::string> missing;
  for (const auto& name : sql::ListFunctions()) {
    auto cls = sql::LookupFunctionClass(name);
    ASSERT_TRUE(cls.has_value()) << name;
    if (*cls != sql::FunctionClass::kScalar) continue;
    if (!HasKernel(name)) missing.push_back(name);
  }
  std::string text;
  for (const auto& m : missing) text += m + " ";
  EXPECT_TRUE(missing.empty()) << "scalar functions without a kernel: " << text;
}

TEST(ExprCoverage, EveryKernelIsAScalarFunction) {
  for (const auto& name : ListKernels()) {
    auto cls = sql::LookupFunctionClass(name);
    ASSERT_TRUE(cls.has_value()) << "kernel '" << name << "' is not in the function catalog";
    EXPECT_EQ(*cls, sql::FunctionClass::kScalar) << name;
  }
}

}  // namespace
}  // namespace tide::exec
