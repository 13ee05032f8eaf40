// ChildTestContext: the concrete TestContext a scenario runs against inside
// the test child (labtest --child). It records the first failure, the
// figures, and the run's TimelineRecord (timeline_record.h), which holds the
// harness's event narrative (notes), the failure moment and the student's log
// lines beside what the fixture adds; log lines also go to the test's
// StudentLog.
//
// Thread safety: every method may be called from any thread (one Runtime
// mutex; it is never held while calling out of this class except into the
// StudentLog, which never calls back). Fail() throws only on the scenario
// thread, the one that called BindScenarioThread().
// Ownership: borrows the spec, Runtime, plugin and StudentLog; they must
// outlive the context.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "harness/scenario/result.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/student_log.h"
#include "harness/scenario/timeline_record.h"

namespace raftlab {

class ChildTestContext final : public TestContext {
 public:
  static constexpr size_t kMaxEvents = 200;  // the result keeps the last notes

  // start: Runtime::now() when the test began. log may be null (no logging).
  ChildTestContext(const TestSpec& spec, uint64_t seed, Runtime& rt, const PluginLibrary& plugin,
                   double timeout_scale, raftlab::StudentLog* log, Nanos start);

  const TestSpec& spec() const override { return spec_; }
  uint64_t seed() const override { return seed_; }
  Runtime& runtime() override { return rt_; }
  const PluginLibrary& plugin() const override { return plugin_; }
  double timeout_scale() const override { return timeout_scale_; }

  void Fail(const std::string& message) override;
  bool failed() const override { return failed_.load(std::memory_order_acquire); }
  void ThrowIfFailed() override;
  [[noreturn]] void Skip(const std::string& reason) override;
  void Event(const std::string& text) override;
  void StudentLog(int peer, int64_t term, int level, std::string_view text) override;
  void SetFigures(const Figures& f) override;
  TimelineRecord* timeline() override { return &timeline_; }
  void RequestStackDump(const std::string& why) override;
  void SetFixtureHook(FixtureHook hook) override;
  FixtureHook TakeFixtureHook() override;
  // True once RequestStackDump was called: the child then waits a moment
  // before it exits, so that the parent's dump finds it alive.
  bool stack_dump_requested() const { return dump_requested_.load(); }

  // Marks the calling thread as the scenario thread.
  void BindScenarioThread() { scenario_thread_ = std::this_thread::get_id(); }

  // What was recorded (for the result file).
  std::string failure_message() const;
  std::optional<Figures> figures() const;
  // The narrative: the last kMaxEvents notes of the timeline record;
  // *dropped counts the older ones left out.
  std::vector<EventRecord> events(int64_t* dropped) const;
  TimelineData timeline_data() const { return timeline_.Data(); }

 private:
  bool OnScenarioThread() const { return std::this_thread::get_id() == scenario_thread_; }

  std::atomic<bool> dump_requested_{false};
  const TestSpec& spec_;
  const uint64_t seed_;
  Runtime& rt_;
  const PluginLibrary& plugin_;
  const double timeout_scale_;
  raftlab::StudentLog* const log_;
  const Nanos start_;
  std::thread::id scenario_thread_;

  std::unique_ptr<Mutex> mu_;
  std::atomic<bool> failed_{false};
  std::string failure_ GUARDED_BY(*mu_);
  std::optional<Figures> figures_ GUARDED_BY(*mu_);
  FixtureHook fixture_hook_ GUARDED_BY(*mu_);
  TimelineRecord timeline_;
};

}  // namespace raftlab
