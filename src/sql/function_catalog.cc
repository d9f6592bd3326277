// The function registry: one table built once from the per-family registration files.
#include "sql/function_catalog.h"

#include "base/strings.h"
#include "sql/function_catalog_internal.h"

namespace tide::sql {

namespace {

const fcat::Registry& GetRegistry() {
  static const fcat::Registry* registry = [] {
    auto* r = new fcat::Registry();
    fcat::RegisterOperators(r);
    fcat::RegisterStringFunctions(r);
    fcat::RegisterMathDateFunctions(r);
    fcat::RegisterCollectionFunctions(r);
    fcat::RegisterAggregates(r);
    return r;
  }();
  return *registry;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The canonical name and entry, or nullptr.
const fcat::FunctionEntry* Find(std::string_view name, std::string* canonical) {
  const auto& r = GetRegistry();
  *canonical = Lower(name);
  auto alias = r.aliases.find(*canonical);
  if (alias != r.aliases.end()) *canonical = alias->second;
  auto it = r.entries.find(*canonical);
  return it == r.entries.end() ? nullptr : &it->second;
}

}  // namespace

base::Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<BoundExprPtr>& args) {
  std::string canonical;
  const fcat::FunctionEntry* entry = Find(name, &canonical);
  if (entry == nullptr) return base::Status::NotFound("undefined function '" + std::string(name) + "'");
  TIDE_ASSIGN_OR_RETURN(ResolvedFunction f, entry->resolve(canonical, args));
  f.name = canonical;
  f.function_class = entry->function_class;
  if (!f.result_type) f.result_type = columnar::Null();
  return f;
}

std::optional<FunctionClass> LookupFunctionClass(std::string_view name) {
  std::string canonical;
  const fcat::FunctionEntry* entry = Find(name, &canonical);
  if (entry == nullptr) return std::nullopt;
  return entry->function_class;
}

std::vector<std::string> ListFunctions() {
  std::vector<std::string> out;
  for (const auto& [name, entry] : GetRegistry().entries) out.push_back(name);
  return out;
}

}  // namespace tide::sql
