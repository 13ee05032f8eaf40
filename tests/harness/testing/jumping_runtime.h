// JumpingRuntime: the real runtime, except that its clock jumps ahead once,
// during the first sleep after Arm() (of the thread named `sleeper` if one is
// given): what every thread of a process sees when the process was not
// scheduled for that long (an overloaded machine).
// For the tests of the stall watch (tests/harness/fixture/) and of the
// checks that excuse such stalls (tests/harness/steps/).
//
// Thread safety: every member may be called from any thread. Ownership: owns
// the real runtime it wraps.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "runtime/real_runtime.h"
#include "runtime/runtime.h"

namespace raftlab::testing {

class JumpingRuntime : public Runtime {
 public:
  explicit JumpingRuntime(Nanos jump, std::string sleeper = "") : jump_(jump), sleeper_(std::move(sleeper)) {}
  void Arm() { armed_.store(true); }
  bool Jumped() const { return jumped_.load(); }

  Nanos now() const override { return real_->now() + Nanos(offset_.load()); }
  void sleep_for(Nanos d) override {
    real_->sleep_for(d);
    if (!sleeper_.empty() && ThreadName() != sleeper_) return;
    if (armed_.exchange(false)) {
      offset_.fetch_add(jump_.count());
      jumped_.store(true);
    }
  }
  std::unique_ptr<Thread> spawn(const std::string& name, std::function<void()> fn, size_t stack) override {
    return real_->spawn(
        name, [name, fn = std::move(fn)] {
          ThreadName() = name;
          fn();
        },
        stack);
  }
  std::unique_ptr<Mutex> make_mutex() override { return real_->make_mutex(); }
  std::unique_ptr<CondVar> make_cond() override { return real_->make_cond(); }
  void after(Nanos delay, std::function<void()> fn) override { real_->after(delay, std::move(fn)); }

 private:
  static std::string& ThreadName() {
    thread_local std::string name;
    return name;
  }

  std::unique_ptr<Runtime> real_ = MakeRealTimeRuntime();
  Nanos jump_;
  std::string sleeper_;
  std::atomic<int64_t> offset_{0};
  std::atomic<bool> armed_{false};
  std::atomic<bool> jumped_{false};
};

}  // namespace raftlab::testing
