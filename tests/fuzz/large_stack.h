// For libFuzzer targets whose inputs may recurse deeply (nested SQL through the parser, binder
// and evaluator): sanitizer builds make stack frames several times larger, so the main thread's
// stack would overflow on inputs that the engine handles within its nesting budget.
#pragma once

#include <pthread.h>

#include <cstddef>

namespace tide::fuzz {

// Runs fn(arg) on a new thread with a stack of `stack_bytes` (256 MiB by default) and waits for
// it; runs it on the calling thread when the thread cannot be created.
inline void RunOnLargeStack(void* (*fn)(void*), void* arg, size_t stack_bytes = size_t{256} << 20) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  if (pthread_create(&thread, &attr, fn, arg) != 0) {
    fn(arg);
  } else {
    pthread_join(thread, nullptr);
  }
  pthread_attr_destroy(&attr);
}

}  // namespace tide::fuzz
