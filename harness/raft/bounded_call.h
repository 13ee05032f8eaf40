// RunBounded: run a function on its own thread and wait for it at most a
// bounded time. The fixture uses it for plugin calls that must return (kill)
// so that a student's hang becomes a named verdict instead of a stuck test.
//
// CallWatch: a cheaper watchdog for calls made on the caller's own thread
// (start, get_state, snapshot): it arms a Runtime timer and, if the call has
// not finished when it fires, runs `on_late` once (from the timer thread).
//
// Thread safety: both may be used from any thread. Ownership: a thread that
// did not finish in time is left running (its handle is deliberately leaked,
// since joining it would hang); everything it touches must therefore stay
// alive, which the caller guarantees by keeping the plugin mapped
// (LoadedPlugin::KeepLoaded) and leaking the instance.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "runtime/runtime.h"

namespace raftlab {

// "5 s", "12.5 s": a duration for messages.
std::string FormatSeconds(Nanos d);

// Runs fn on a new thread named `name`; returns true if it returned within
// `bound` (the thread is then joined), false otherwise (the thread is leaked).
bool RunBounded(Runtime& rt, const std::string& name, std::function<void()> fn, Nanos bound);

class CallWatch {
 public:
  // on_late runs on the Runtime's timer thread if Done() was not called
  // within `bound`; it must not block for long.
  CallWatch(Runtime& rt, Nanos bound, std::function<void()> on_late);
  ~CallWatch();  // Done()
  CallWatch(const CallWatch&) = delete;
  CallWatch& operator=(const CallWatch&) = delete;
  void Done();

 private:
  std::shared_ptr<std::atomic<bool>> done_;
};

}  // namespace raftlab
