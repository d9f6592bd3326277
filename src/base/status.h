// Status: the outcome of an operation that can fail on input, disk or network.
//
// Errors are values in Tide (DESIGN.md, decision 4). A function that can fail returns Status
// (or Result<T>, see result.h); it never throws across a layer boundary and never aborts on
// bad input. The message says what is wrong and where, in words a user can act on, e.g.
//   Corruption: log/orders-0/00000000000000000000.log: batch at byte 4096: CRC mismatch
// Callers add context on the way up with WithContext("while opening table t").
//
// Thread-safety: a Status is an immutable value; copies may be used from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tide::base {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong (bad option, malformed request, bad schema)
  kNotFound,           // a named thing does not exist
  kAlreadyExists,      // a thing to be created exists already
  kCorruption,         // stored or received bytes fail validation (CRC, framing, bounds)
  kIoError,            // the operating system refused a file or socket operation
  kOutOfRange,         // an offset, index or version outside what exists
  kUnsupported,        // valid input using a feature Tide does not implement
  kResourceExhausted,  // a limit was hit: memory, disk space, request size
  kUnavailable,        // try again later: busy, shutting down, lock held by another process
  kConflict,           // a concurrent change won (optimistic concurrency)
  kCancelled,          // the operation was cancelled on request
  kTimedOut,           // a deadline passed
  kPermissionDenied,   // authentication or authorization failed
  kInternal,           // a bug in Tide: an invariant did not hold
};

// Stable, human-readable name of a code ("InvalidArgument", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // The OK status; cheap to create and copy (no allocation).
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {StatusCode::kOutOfRange, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {StatusCode::kTimedOut, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  // An IoError for a failed system call: "<what>: <strerror(errno_value)>".
  static Status FromErrno(int errno_value, std::string_view what);

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty for OK.
  const std::string& message() const;
  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

  // The same code with "<context>: " put in front of the message. OK stays OK.
  Status WithContext(std::string_view context) const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  // Shared so copies are cheap; never mutated after construction.
  std::shared_ptr<const State> state_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

}  // namespace tide::base

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define TIDE_RETURN_IF_ERROR(expr)                  \
  do {                                              \
    ::tide::base::Status tide_status_ = (expr);     \
    if (!tide_status_.ok()) return tide_status_;    \
  } while (0)
