// Internal to src/exec/functions: the mutable registry the per-family files fill once, and
// the registration entry points. See exec/functions.h for the contract.
#pragma once

#include <map>
#include <string>

#include "exec/functions.h"

namespace tide::exec::fn {

struct KernelRegistry {
  std::map<std::string, KernelFactory> factories;
  void Add(const std::string& name, KernelFactory f) { factories[name] = std::move(f); }
  // A stateless kernel shared by every call site.
  void AddFn(const std::string& name, KernelFunction f, bool deterministic = true);
};

void RegisterArithmeticKernels(KernelRegistry* r);   // arithmetic.cc
void RegisterCompareKernels(KernelRegistry* r);      // compare.cc
void RegisterStringKernels(KernelRegistry* r);       // strings.cc
void RegisterPatternKernels(KernelRegistry* r);      // pattern.cc (like, rlike, regexp_*)
void RegisterMathKernels(KernelRegistry* r);         // math.cc
void RegisterDateTimeKernels(KernelRegistry* r);     // datetime.cc
void RegisterCollectionKernels(KernelRegistry* r);   // collections.cc
void RegisterJsonKernels(KernelRegistry* r);         // json.cc
void RegisterMiscKernels(KernelRegistry* r);         // misc.cc (hashes, encodings, ids)

}  // namespace tide::exec::fn
