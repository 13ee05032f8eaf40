// Shared fakes and helpers for the harness tests.
//
// FakeTestContext: a TestContext for tests that drive a Cluster or a scenario
// directly, without the runner. It records the first failure (Fail throws
// TestFailed only on the thread that constructed it, the "scenario thread"),
// the event narrative, student log lines and the figures, so tests can
// assert on the exact verdict a checker produced; it keeps a fixture hook
// (a steps prelude) like the child's context.
//
// Thread safety: every method may be called from any thread (one std::mutex;
// tests are not subject to the harness's Runtime-only rule).
// Ownership: borrows the Runtime and the PluginLibrary (may be null when the
// code under test never loads a plugin); both must outlive the context.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness/scenario/scenario.h"
#include "runtime/runtime.h"

namespace raftlab::testing {

class FakeTestContext : public TestContext {
 public:
  FakeTestContext(Runtime& rt, const PluginLibrary* plugin, uint64_t seed = 1, double timeout_scale = 1.0)
      : rt_(rt), plugin_(plugin), seed_(seed), scale_(timeout_scale), scenario_thread_(std::this_thread::get_id()) {
    spec_.name = "fake-test";
  }

  TestSpec& mutable_spec() { return spec_; }
  const TestSpec& spec() const override { return spec_; }
  uint64_t seed() const override { return seed_; }
  Runtime& runtime() override { return rt_; }
  const PluginLibrary& plugin() const override {
    if (plugin_ == nullptr) throw std::logic_error("FakeTestContext has no plugin");
    return *plugin_;
  }
  double timeout_scale() const override { return scale_; }

  void Fail(const std::string& message) override {
    std::string first;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!failure_) failure_ = message;
      first = *failure_;
    }
    if (std::this_thread::get_id() == scenario_thread_) throw TestFailed(first);
  }
  bool failed() const override {
    std::lock_guard<std::mutex> l(mu_);
    return failure_.has_value();
  }
  void ThrowIfFailed() override {
    std::lock_guard<std::mutex> l(mu_);
    if (failure_) throw TestFailed(*failure_);
  }
  [[noreturn]] void Skip(const std::string& reason) override { throw TestSkipped(reason); }
  void Event(const std::string& text) override {
    std::lock_guard<std::mutex> l(mu_);
    events_.push_back(text);
  }
  void StudentLog(int peer, int64_t term, int level, std::string_view text) override {
    std::lock_guard<std::mutex> l(mu_);
    student_lines_.push_back("peer " + std::to_string(peer) + " term " + std::to_string(term) + " level " +
                             std::to_string(level) + ": " + std::string(text));
  }
  void SetFigures(const Figures& f) override {
    std::lock_guard<std::mutex> l(mu_);
    figures_ = f;
  }
  void SetFixtureHook(FixtureHook hook) override {
    std::lock_guard<std::mutex> l(mu_);
    fixture_hook_ = std::move(hook);
  }
  FixtureHook TakeFixtureHook() override {
    std::lock_guard<std::mutex> l(mu_);
    FixtureHook hook = std::move(fixture_hook_);
    fixture_hook_ = nullptr;
    return hook;
  }
  // True while a fixture hook is set and not yet taken.
  bool has_fixture_hook() const {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<bool>(fixture_hook_);
  }

  // The first recorded failure ("" if none).
  std::string failure() const {
    std::lock_guard<std::mutex> l(mu_);
    return failure_.value_or("");
  }
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  std::vector<std::string> student_lines() const {
    std::lock_guard<std::mutex> l(mu_);
    return student_lines_;
  }
  std::optional<Figures> figures() const {
    std::lock_guard<std::mutex> l(mu_);
    return figures_;
  }

  // Polls failed() until it is true or `limit` passes (for failures found on
  // other threads, e.g. an applier). Returns failed().
  bool WaitForFailure(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!failed() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return failed();
  }

 private:
  Runtime& rt_;
  const PluginLibrary* plugin_;
  const uint64_t seed_;
  const double scale_;
  const std::thread::id scenario_thread_;
  TestSpec spec_;

  mutable std::mutex mu_;
  std::optional<std::string> failure_;
  std::vector<std::string> events_;
  std::vector<std::string> student_lines_;
  std::optional<Figures> figures_;
  FixtureHook fixture_hook_;
};

}  // namespace raftlab::testing
