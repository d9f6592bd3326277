// Result<T>: a value of type T, or the Status that explains why there is none.
//
//   Result<Segment> OpenSegment(const std::string& path);
//   TIDE_ASSIGN_OR_RETURN(auto segment, OpenSegment(path));
//
// Accessing value() of an error Result is a bug (checked with an assert in debug builds).
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/status.h"

namespace tide::base {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Status>, "use Status directly");

 public:
  // Implicit so `return value;` and `return Status::NotFound(...);` both work.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "a Result built from a Status must carry an error");
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> && !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The value, or `fallback` when this is an error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;  // OK exactly when value_ is set
};

}  // namespace tide::base

#define TIDE_CONCAT_INNER_(a, b) a##b
#define TIDE_CONCAT_(a, b) TIDE_CONCAT_INNER_(a, b)
#define TIDE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

// Evaluates `expr` (a Result); on error returns its Status, otherwise assigns the value to `lhs`
// (which may be a declaration such as `auto x`).
#define TIDE_ASSIGN_OR_RETURN(lhs, expr) \
  TIDE_ASSIGN_OR_RETURN_IMPL_(TIDE_CONCAT_(tide_result_, __LINE__), lhs, expr)
