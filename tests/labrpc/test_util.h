// Shared helpers for the labrpc tests.
//
// RecordingRuntime wraps a real Runtime (fault injection by wrapping, never
// by `if (testing)` in production code): it records the delay of every
// after() and sleep_for() labrpc asks for and then runs it `speedup` times
// faster (speedup 0: at once). Tests thus check MIT's delay distributions
// exactly, without waiting seconds.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "labrpc/network.h"
#include "labrpc/server.h"
#include "runtime/real_runtime.h"
#include "runtime/runtime.h"

namespace raftlab::labrpc::testing {

class RecordingRuntime final : public Runtime {
 public:
  // speedup == 0 fires timers and ends sleeps at once.
  RecordingRuntime(Runtime& base, int speedup) : base_(base), speedup_(speedup) {}

  Nanos now() const override { return base_.now(); }
  void sleep_for(Nanos d) override {
    Record(&sleeps_, d);
    base_.sleep_for(Scale(d));
  }
  std::unique_ptr<Thread> spawn(const std::string& name, std::function<void()> fn,
                                size_t stack_bytes) override {
    return base_.spawn(name, std::move(fn), stack_bytes);
  }
  std::unique_ptr<Mutex> make_mutex() override { return base_.make_mutex(); }
  std::unique_ptr<CondVar> make_cond() override { return base_.make_cond(); }
  void after(Nanos delay, std::function<void()> fn) override {
    Record(&afters_, delay);
    base_.after(Scale(delay), std::move(fn));
  }

  std::vector<Nanos> afters() const { return Get(afters_); }
  std::vector<Nanos> sleeps() const { return Get(sleeps_); }

 private:
  Nanos Scale(Nanos d) const { return speedup_ == 0 ? Nanos(0) : d / speedup_; }
  void Record(std::vector<Nanos>* v, Nanos d) {
    std::lock_guard<std::mutex> l(mu_);
    v->push_back(d);
  }
  std::vector<Nanos> Get(const std::vector<Nanos>& v) const {
    std::lock_guard<std::mutex> l(mu_);
    return v;
  }

  Runtime& base_;
  const int speedup_;
  mutable std::mutex mu_;
  std::vector<Nanos> afters_;
  std::vector<Nanos> sleeps_;
};

// A one-shot gate a handler can block on until the test opens it.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard<std::mutex> l(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

inline Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }
inline std::string S(const Bytes& b) { return std::string(b.begin(), b.end()); }

// A server whose "Echo" service answers "Echo.Echo" with the request
// same bytes and "Echo.Big" with `reply_size` bytes;
// any other method is unknown. Counts handler runs in `runs`.
inline std::shared_ptr<Server> MakeEchoServer(std::atomic<int>* runs = nullptr,
                                              size_t reply_size = 0) {
  auto s = std::make_shared<Server>();
  s->AddService("Echo", [runs, reply_size](std::string_view m, const Bytes& req, Bytes* reply) {
    if (runs) runs->fetch_add(1);
    if (m == "Echo.Echo") {
      *reply = req;
      return true;
    }
    if (m == "Echo.Big") {
      reply->assign(reply_size, 0x5a);
      return true;
    }
    return false;
  });
  return s;
}

}  // namespace raftlab::labrpc::testing
