// Scheduling the runs of a labtest run: which run starts next (JobQueue),
// running them on several worker threads at once (Scheduler, --jobs), and
// how many at once by default (DefaultJobs).
//
// Order: round by round. Round k holds repetition k of every selected test,
// tests in start order (StartOrder: longest expected duration first, so the
// long tests do not end up alone at the end of a parallel run); round k+1
// starts as round k's last runs are handed out, so workers never idle
// between rounds.
//
// Policies:
//   --repeat N      N rounds (repetitions first_repetition .. first_repetition+N-1).
//   --repeat-from-config  test t gets t.repeat rounds (its catalogue `repeat`).
//   --until-fail    a test that failed gets no further runs; the others go on.
//                   With repeat == 0 (no --repeat) rounds go on without end
//                   until every test has failed or the run is interrupted
//                   (like --gtest_repeat=-1 / ctest --repeat until-fail).
//   --fail-fast     after the first failed run no new run starts; runs already
//                   going finish normally and are reported (their results are
//                   real; killing them would throw work away).
//   interrupt       (Ctrl-C) no new run starts and the running children are
//                   killed; their runs are dropped, not reported.
//
// Thread safety: JobQueue is a plain value (the Scheduler guards it).
// Scheduler::Run must be called from one thread; it calls the listener only
// on that thread, so reporters need no locking. Ownership: the queue and
// scheduler borrow the TestSpecs, which must outlive them.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/result.h"
#include "harness/scenario/scenario.h"
#include "runtime/runtime.h"

namespace raftlab {

// One run to do: one repetition of one test.
struct RunJob {
  const TestSpec* spec = nullptr;
  int repetition = 0;
  size_t sequence = 0;  // 0, 1, 2... in the order runs were handed out
};

struct SchedulePolicy {
  int first_repetition = 0;
  int repeat = 1;           // repetitions per test; 0 = without end (only with until_fail)
  bool until_fail = false;
  bool fail_fast = false;
  // Each test runs its own TestSpec::repeat times (--repeat-from-config,
  // grading) instead of `repeat`; rounds go on until the largest is done.
  bool repeat_from_spec = false;
};

// Tests sorted by expected duration, longest first; tests with no expected
// duration (expected_s returns nullopt) come first, in catalogue order,
// since they may be the long ones. Ties keep catalogue order.
std::vector<const TestSpec*> StartOrder(const std::vector<const TestSpec*>& tests,
                                        const std::function<std::optional<double>(const TestSpec&)>& expected_s);

class JobQueue {
 public:
  // `order`: the tests in start order. Precondition: policy.repeat >= 1, or
  // 0 with until_fail.
  JobQueue(std::vector<const TestSpec*> order, SchedulePolicy policy);

  // The next run, or nullopt when there is none left (or Stop()ped).
  std::optional<RunJob> Next();
  // Tells the queue how a run handed out by Next() ended. Under --until-fail
  // a failed or skipped test gets no more runs; under --fail-fast a failure
  // (not a skip) stops the queue.
  void Finished(const RunJob& job, Verdict verdict);
  // No run is handed out after this.
  void Stop() { stopped_ = true; }

  bool stopped() const { return stopped_; }
  // True once --fail-fast has stopped the queue.
  bool stopped_by_failure() const { return stopped_by_failure_; }
  // Runs not handed out yet, per test (start order; tests with none left are
  // omitted); nullopt when unbounded.
  std::optional<std::vector<std::pair<const TestSpec*, int>>> Remaining() const;

 private:
  bool Alive(size_t test) const { return !failed_[test]; }
  // Rounds the test at position `test` of order_ gets (0 = without end).
  int RepeatOf(size_t test) const;

  std::vector<const TestSpec*> order_;
  SchedulePolicy policy_;
  std::vector<bool> failed_;  // by position in order_
  size_t next_test_ = 0;      // position in order_ of the next run
  int round_ = 0;             // repetitions done so far: next one is first_repetition + round_
  size_t sequence_ = 0;
  bool stopped_ = false;
  bool stopped_by_failure_ = false;
};

// What the Scheduler tells its caller, always on the thread that called Run.
class ScheduleListener {
 public:
  virtual ~ScheduleListener() = default;
  virtual void RunStarted(const RunJob& job) = 0;
  virtual void RunLine(const RunJob& job, std::string_view line) = 0;
  virtual void RunFinished(const RunJob& job, const TestResult& result) = 0;
  // A run killed by an interrupt (no result).
  virtual void RunDropped(const RunJob& job) = 0;
  // Called at least every `tick` while runs go on (progress line redraws),
  // and after every batch of events, with the queue's Remaining() taken at
  // that moment. Returns true to interrupt the run.
  virtual bool Tick(const std::optional<std::vector<std::pair<const TestSpec*, int>>>& queued) = 0;
};

// Runs one job on a worker thread. `cancel` becomes true on an interrupt;
// `line` forwards a live output line to the listener. Returns nullopt when
// the run was cut short by `cancel`.
using RunFunction = std::function<std::optional<TestResult>(
    const RunJob& job, const std::atomic<bool>& cancel, const std::function<void(std::string_view)>& line)>;

struct ScheduleOutcome {
  size_t finished = 0;   // runs reported through RunFinished
  size_t dropped = 0;    // runs cut short by the interrupt
  bool interrupted = false;
  bool stopped_by_failure = false;  // --fail-fast stopped it
  int workers = 0;       // worker threads used
};

class Scheduler {
 public:
  // jobs >= 1: runs at once.
  Scheduler(Runtime& rt, int jobs, Nanos tick = Millis(250));
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs everything `queue` hands out, `jobs` at a time, and returns when
  // the last worker is done.
  ScheduleOutcome Run(JobQueue& queue, const RunFunction& run, ScheduleListener& listener);

 private:
  Runtime& rt_;
  const int jobs_;
  const Nanos tick_;
};

// The default of --jobs on a machine with `cores` CPUs whose 1-minute load
// average is `load1` (from other work; labtest has not started yet):
// 4 per core, 2 per core when load1 > cores, at most kMaxDefaultJobs. See
// scheduler.cc for the measurements behind it.
inline constexpr int kMaxDefaultJobs = 32;
int DefaultJobs(int cores, double load1);
// DefaultJobs for this machine (sysconf + getloadavg).
int DefaultJobsHere();

// The default of --jobs under --sim: one per CPU this process may use
// (`cpus`, from its affinity mask), at most kMaxDefaultJobs. A simulated
// test runs one thread at a time pinned to one CPU (sim_child.h), so more
// processes than CPUs only add context switches; see scheduler.cc.
int DefaultSimJobs(int cpus);
// DefaultSimJobs for this process (sched_getaffinity; sysconf when that fails).
int DefaultSimJobsHere();

}  // namespace raftlab
