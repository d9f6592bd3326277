// Generators (explode, posexplode, inline, their _outer forms, json_tuple) in a select list and
// in LATERAL VIEW: each becomes a kExplode node appending the generated columns to its input.
#include <string>
#include <vector>

#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/optimizer_util.h"

namespace tide::sql::binder_internal {

using base::Result;
using columnar::TypeId;

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The get_json_object path of a json_tuple key: `$['key']` so that dots and spaces in the key
// are taken literally, as json_tuple does (a key holding both ' and ] cannot be written and
// finds nothing, as no JSON path could name it).
std::string JsonKeyPath(const std::string& key) {
  if (key.find('\'') == std::string::npos) return "$['" + key + "']";
  return "$[\"" + key + "\"]";
}

}  // namespace

Result<int> Binder::BindGenerator(const FunctionCall& f, bool outer, const std::vector<Identifier>& names, bool names_strict,
                                  const std::string& qualifier, Scope& scope, PlanPtr& plan) {
  std::string fname = Lower(f.name.back().name);
  if (f.over || f.over_name || f.filter || f.distinct) {
    return Error(f.pos, "generator '" + fname + "' takes no OVER, FILTER or DISTINCT");
  }
  auto cls = f.name.size() == 1 ? LookupFunctionClass(fname) : std::nullopt;
  if (!cls || *cls != FunctionClass::kGenerator) {
    return Error(f.pos, "'" + ExprSql(f) + "' is not a generator (explode, posexplode, inline, json_tuple, ...)");
  }
  ExprContext gctx;
  gctx.scope = &scope;
  gctx.clause = "the argument of generator '" + fname + "'";
  std::vector<BoundExprPtr> args;
  for (const auto& a : f.args) {
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*a, gctx));
    args.push_back(x);
  }
  if (EndsWith(fname, "_outer")) {
    outer = true;
  }
  if (fname == "json_tuple") {
    // json_tuple(json, k1, ..., kn) is one row of n strings c0..cn-1, NULL where a key is
    // missing: inline(array(named_struct('c0', get_json_object(json, '$[''k1'']'), ...))).
    auto rf = ResolveFunction(fname, args);  // checks the arity and types
    if (!rf.ok()) return AddPosition(rf.status(), f.pos);
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr json, CoerceTo(args[0], columnar::Utf8(), "json_tuple's JSON argument"));
    std::vector<BoundExprPtr> fields;
    for (size_t k = 1; k < args.size(); ++k) {
      BoundExprPtr path;
      if (args[k]->kind == BoundExprKind::kLiteral && args[k]->type->id() == TypeId::kString) {
        path = args[k]->literal->IsValid(0) ? MakeStringLiteral(JsonKeyPath(std::string(args[k]->literal->BytesValue(0))))
                                            : MakeNullLiteral(columnar::Utf8());
      } else {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr key, CoerceTo(args[k], columnar::Utf8(), "json_tuple's key"));
        TIDE_ASSIGN_OR_RETURN(path, Call("concat", {MakeStringLiteral("$['"), key, MakeStringLiteral("']")}, f.pos, key->sql));
      }
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr value, Call("get_json_object", {json, path}, f.pos, args[k]->sql));
      fields.push_back(MakeStringLiteral("c" + std::to_string(k - 1)));
      fields.push_back(value);
    }
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr row, Call("named_struct", std::move(fields), f.pos, ExprSql(f)));
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr rows, Call("array", {row}, f.pos, ExprSql(f)));
    args = {rows};
    fname = "inline";
  }
  auto rf = ResolveFunction(fname, args);
  if (!rf.ok()) return AddPosition(rf.status(), f.pos);
  for (size_t k = 0; k < args.size() && k < rf->arg_types.size(); ++k) {
    if (rf->arg_types[k] && !args[k]->type->Equals(*rf->arg_types[k])) {
      args[k] = MakeCast(args[k], rf->arg_types[k], false, args[k]->sql);
    }
  }
  const size_t n = rf->generated.size();
  if (names_strict && !names.empty() && names.size() != n) {
    return Error(names.front().pos, "generator '" + Lower(f.name.back().name) + "' makes " + std::to_string(n) +
                                        " column(s) but " + std::to_string(names.size()) + " name(s) were given");
  }
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kExplode;
  node->generator = MakeCall(rf->name, std::move(args), rf->result_type ? rf->result_type : columnar::Null(), true,
                             SparkName(f), f.pos);
  node->outer = outer;
  std::vector<columnar::FieldPtr> out = plan->schema->fields();
  for (size_t k = 0; k < n; ++k) {
    const auto& g = rf->generated[k];
    std::string name = g->name();
    if (names.size() == n) name = names[k].name;
    const bool nullable = g->nullable() || outer;
    out.push_back(columnar::MakeField(name, g->type(), nullable));
    ScopeColumn c;
    c.name = name;
    c.type = g->type();
    c.nullable = nullable;
    if (!qualifier.empty()) c.qualifiers.push_back(Lower(qualifier));
    scope.columns.push_back(std::move(c));
  }
  node->schema = planutil::MakeSchema(std::move(out));
  node->children.push_back(plan);
  plan = node;
  return static_cast<int>(n);
}

}  // namespace tide::sql::binder_internal
