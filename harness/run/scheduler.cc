// JobQueue, Scheduler, DefaultJobs (see scheduler.h).
#include "harness/run/scheduler.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <memory>

#include <fmt/format.h>

namespace raftlab {

std::vector<const TestSpec*> StartOrder(const std::vector<const TestSpec*>& tests,
                                        const std::function<std::optional<double>(const TestSpec&)>& expected_s) {
  struct Keyed {
    const TestSpec* spec;
    std::optional<double> expected;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(tests.size());
  for (const TestSpec* t : tests) keyed.push_back({t, expected_s ? expected_s(*t) : std::nullopt});
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (!a.expected || !b.expected) return !a.expected && b.expected;  // unknown first
    return *a.expected > *b.expected;
  });
  std::vector<const TestSpec*> out;
  out.reserve(keyed.size());
  for (const Keyed& k : keyed) out.push_back(k.spec);
  return out;
}

JobQueue::JobQueue(std::vector<const TestSpec*> order, SchedulePolicy policy)
    : order_(std::move(order)), policy_(policy), failed_(order_.size(), false) {
  if (policy_.repeat_from_spec) {
    policy_.repeat = 1;
    for (const TestSpec* t : order_) policy_.repeat = std::max(policy_.repeat, t->repeat);
  }
  if (policy_.repeat < 0 || (policy_.repeat == 0 && !policy_.until_fail)) policy_.repeat = 1;
}

int JobQueue::RepeatOf(size_t test) const {
  return policy_.repeat_from_spec ? std::max(1, order_[test]->repeat) : policy_.repeat;
}

std::optional<RunJob> JobQueue::Next() {
  if (stopped_ || order_.empty()) return std::nullopt;
  if (std::none_of(failed_.begin(), failed_.end(), [](bool f) { return !f; })) return std::nullopt;
  for (;;) {
    if (next_test_ >= order_.size()) {
      next_test_ = 0;
      ++round_;
    }
    if (policy_.repeat > 0 && round_ >= policy_.repeat) return std::nullopt;
    const size_t i = next_test_++;
    if (!Alive(i)) continue;
    if (policy_.repeat_from_spec && round_ >= RepeatOf(i)) continue;
    return RunJob{order_[i], policy_.first_repetition + round_, sequence_++};
  }
}

void JobQueue::Finished(const RunJob& job, Verdict verdict) {
  if (verdict == Verdict::kPass) return;
  // A skip is deterministic (the plugin lacks an extension): repeating it
  // until it "fails" would never end, so --until-fail retires it too.
  if (policy_.until_fail) {
    for (size_t i = 0; i < order_.size(); ++i) {
      if (order_[i] == job.spec) failed_[i] = true;
    }
  }
  if (policy_.fail_fast && !IsSuccess(verdict)) {
    stopped_ = true;
    stopped_by_failure_ = true;
  }
}

std::optional<std::vector<std::pair<const TestSpec*, int>>> JobQueue::Remaining() const {
  std::vector<std::pair<const TestSpec*, int>> out;
  if (stopped_) return out;
  if (policy_.repeat == 0) return std::nullopt;
  for (size_t i = 0; i < order_.size(); ++i) {
    if (!Alive(i)) continue;
    // Tests before next_test_ already got their run of this round.
    const int next_round = round_ + (i < next_test_ ? 1 : 0);
    const int left = RepeatOf(i) - next_round;
    if (left > 0) out.emplace_back(order_[i], left);
  }
  return out;
}

Scheduler::Scheduler(Runtime& rt, int jobs, Nanos tick) : rt_(rt), jobs_(std::max(1, jobs)), tick_(tick) {}

namespace {

struct Event {
  enum class Kind { kStarted, kLine, kFinished, kDropped };
  Kind kind;
  RunJob job;
  std::string line;
  std::optional<TestResult> result;
};

}  // namespace

ScheduleOutcome Scheduler::Run(JobQueue& queue, const RunFunction& run, ScheduleListener& listener) {
  ScheduleOutcome outcome;
  std::unique_ptr<Mutex> mu = rt_.make_mutex();
  std::unique_ptr<CondVar> cond = rt_.make_cond();
  std::deque<Event> events;  // guarded by *mu
  std::atomic<bool> cancel{false};

  int workers = jobs_;
  if (auto remaining = queue.Remaining()) {
    size_t runs = 0;
    for (const auto& [spec, n] : *remaining) runs += static_cast<size_t>(n);
    workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(workers), runs));
  }
  int workers_left = workers;  // guarded by *mu
  outcome.workers = workers;

  auto push = [&](Event e) {
    MutexLock l(*mu);
    events.push_back(std::move(e));
    cond->notify_all();
  };
  auto worker = [&] {
    for (;;) {
      RunJob job;
      {
        MutexLock l(*mu);
        std::optional<RunJob> next = cancel.load() ? std::nullopt : queue.Next();
        if (!next) break;
        job = *next;
        events.push_back({Event::Kind::kStarted, job, {}, std::nullopt});
        cond->notify_all();
      }
      std::optional<TestResult> r =
          run(job, cancel, [&](std::string_view line) { push({Event::Kind::kLine, job, std::string(line), {}}); });
      MutexLock l(*mu);
      if (r) queue.Finished(job, r->verdict);
      events.push_back({r ? Event::Kind::kFinished : Event::Kind::kDropped, job, {}, std::move(r)});
      cond->notify_all();
    }
    MutexLock l(*mu);
    --workers_left;
    cond->notify_all();
  };

  std::vector<std::unique_ptr<Thread>> threads;
  for (int i = 0; i < workers; ++i) threads.push_back(rt_.spawn(fmt::format("run-worker-{}", i), worker));

  for (;;) {
    std::deque<Event> batch;
    bool done = false;
    std::optional<std::vector<std::pair<const TestSpec*, int>>> queued;
    {
      MutexLock l(*mu);
      if (events.empty() && workers_left > 0) cond->wait_until(*mu, rt_.now() + tick_);
      batch.swap(events);
      done = workers_left == 0;  // every worker pushed its events before leaving
      queued = queue.Remaining();
    }
    for (Event& e : batch) {
      switch (e.kind) {
        case Event::Kind::kStarted: listener.RunStarted(e.job); break;
        case Event::Kind::kLine: listener.RunLine(e.job, e.line); break;
        case Event::Kind::kFinished:
          ++outcome.finished;
          listener.RunFinished(e.job, *e.result);
          break;
        case Event::Kind::kDropped:
          ++outcome.dropped;
          listener.RunDropped(e.job);
          break;
      }
    }
    if (listener.Tick(queued) && !cancel.load()) {
      outcome.interrupted = true;
      cancel.store(true);
      MutexLock l(*mu);
      queue.Stop();
    }
    if (done) break;
  }
  for (auto& t : threads) t->join();
  outcome.stopped_by_failure = queue.stopped_by_failure();
  return outcome;
}

// The default of --jobs. A Raft test process sleeps most of the time: the
// bundled reference used 9.5 s of CPU for the 397 s of parts 1-4 run one at
// a time (2.4%; the busiest test, 3C-figure8-unreliable, 1.8 s in 31 s).
// What makes timing-sensitive tests flaky is wake-up latency once the cores
// are busy, not the CPU the tests use, so far more jobs than cores are fine.
//
// Measured on this project's 2-core build machine, shared with other
// helpers' compilers (load average 1-14 during the runs): the reference,
// `labtest --part 1,2 --repeat 3 --seed 42 -j J` (72 runs, 102 s of tests):
//     J    wall     failures   1-min load before
//     2    159 s    0          0.6
//     3    103 s    0          8.3
//     4     77 s    0          1.4
//     6     54 s    0          13.2
//     8     43 s    0          13.3
//    12     29 s    0          12.9
//    16     24 s    0          13.8
// and parts 3-4 --repeat 2 at -j 8 (see the issue 5 closing note).
// Nothing failed even at 16 jobs on 2 busy cores; the default takes 4 per
// core (8 here: half the highest count measured clean), and 2 per core when
// the machine is already busier than its cores (load1 > cores), because a
// student's plugin may use far more CPU than the reference.
int DefaultJobs(int cores, double load1) {
  cores = std::max(1, cores);
  const int per_core = load1 > cores ? 2 : 4;
  return std::clamp(per_core * cores, 1, kMaxDefaultJobs);
}

int DefaultJobsHere() {
  long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  double load[1] = {0};
  if (::getloadavg(load, 1) != 1) load[0] = 0;
  return DefaultJobs(cores > 0 ? static_cast<int>(cores) : 1, load[0]);
}

// Under --sim a test process runs one thread at a time, pinned to one CPU
// (sim_child.h): it is busy for all of its run, so a CPU shared by several
// of them only switches between them. Measured on this project's 2-core
// machine, nothing else running, the reference, `labtest --sim --part
// 1,2,3,4 --repeat 4 --seed 1 -j J` (200 runs): J=2 22.2 s, J=4 24.1 s,
// J=8 32.2 s wall. Before this default, an idle machine got 8 jobs (the
// real-time default), and 100 seeds of parts 1-4 took twice as long as at 2.
int DefaultSimJobs(int cpus) { return std::clamp(cpus, 1, kMaxDefaultJobs); }

int DefaultSimJobsHere() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) {
    return DefaultSimJobs(CPU_COUNT(&allowed));
  }
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  return DefaultSimJobs(cores > 0 ? static_cast<int>(cores) : 1);
}

}  // namespace raftlab
