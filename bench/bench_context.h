// BenchContext: a minimal TestContext for benchmarks that drive a Cluster
// directly, without the runner or GoogleTest (the same idea as the
// FakeTestContext of tests/harness/testing/test_util.h, which depends on the test tree).
//
// It records the first failure (Fail throws TestFailed only on the thread that
// constructed the context, as TestContext requires; the fixture's own verbs
// throw on any thread through ThrowIfFailed), counts the student's log lines,
// and keeps the last figures. With `echo` set, events and student log lines
// are also written to stderr (raft_bench -v).
//
// Thread safety: every method may be called from any thread (one Runtime
// mutex, never held while writing to stderr or calling out).
// Ownership: borrows the Runtime and the PluginLibrary; both must outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "harness/scenario/scenario.h"
#include "runtime/runtime.h"

namespace raftlab::bench {

class BenchContext final : public TestContext {
 public:
  BenchContext(Runtime& rt, const PluginLibrary& plugin, uint64_t seed, bool echo)
      : rt_(rt), plugin_(plugin), seed_(seed), echo_(echo), owner_(std::this_thread::get_id()), mu_(rt.make_mutex()) {
    spec_.name = "raft_bench";
  }

  const TestSpec& spec() const override { return spec_; }
  uint64_t seed() const override { return seed_; }
  Runtime& runtime() override { return rt_; }
  const PluginLibrary& plugin() const override { return plugin_; }
  double timeout_scale() const override { return 1.0; }

  void Fail(const std::string& message) override {
    std::string first;
    {
      MutexLock l(*mu_);
      if (!failure_) failure_ = message;
      first = *failure_;
      failed_.store(true, std::memory_order_release);
    }
    if (std::this_thread::get_id() == owner_) throw TestFailed(first);
  }
  bool failed() const override { return failed_.load(std::memory_order_acquire); }
  void ThrowIfFailed() override {
    if (!failed()) return;
    throw TestFailed(failure());
  }
  [[noreturn]] void Skip(const std::string& reason) override { throw TestSkipped(reason); }

  void Event(const std::string& text) override {
    if (echo_) std::fprintf(stderr, "[event] %s\n", text.c_str());
  }
  void StudentLog(int peer, int64_t term, int level, std::string_view text) override {
    student_lines_.fetch_add(1, std::memory_order_relaxed);
    if (echo_) {
      std::fprintf(stderr, "[peer %d term %lld level %d] %.*s\n", peer, static_cast<long long>(term), level,
                   static_cast<int>(text.size()), text.data());
    }
  }
  void SetFigures(const Figures& f) override {
    MutexLock l(*mu_);
    figures_ = f;
  }

  // The first recorded failure ("" if none).
  std::string failure() const {
    MutexLock l(*mu_);
    return failure_.value_or("");
  }
  std::optional<Figures> figures() const {
    MutexLock l(*mu_);
    return figures_;
  }
  int64_t student_lines() const { return student_lines_.load(std::memory_order_relaxed); }

 private:
  Runtime& rt_;
  const PluginLibrary& plugin_;
  const uint64_t seed_;
  const bool echo_;
  const std::thread::id owner_;
  TestSpec spec_;

  std::unique_ptr<Mutex> mu_;
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> student_lines_{0};
  std::optional<std::string> failure_ GUARDED_BY(*mu_);
  std::optional<Figures> figures_ GUARDED_BY(*mu_);
};

}  // namespace raftlab::bench
