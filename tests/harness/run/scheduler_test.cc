// Tests of run scheduling (harness/run/scheduler.cc): the order runs start in,
// --until-fail, --fail-fast, parallel workers, interrupts, and the default
// job count. The Scheduler tests use a fake run function instead of test
// processes; none asserts how fast anything ran. Where runs must overlap,
// each run waits (up to a generous 20 s) until the expected number of runs
// is going at once, so a slow machine only makes the test slower.
#include "harness/run/scheduler.h"

#include <sched.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "runtime/real_runtime.h"

namespace raftlab {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<TestSpec> Specs(std::initializer_list<const char*> names) {
  std::vector<TestSpec> out;
  for (const char* n : names) {
    TestSpec t;
    t.name = n;
    out.push_back(t);
  }
  return out;
}

std::vector<const TestSpec*> Ptrs(const std::vector<TestSpec>& specs) {
  std::vector<const TestSpec*> out;
  for (const TestSpec& s : specs) out.push_back(&s);
  return out;
}

// "name#rep" of every run the queue hands out, feeding back `verdict_of`.
std::vector<std::string> Drain(JobQueue& q, const std::function<Verdict(const RunJob&)>& verdict_of,
                               size_t limit = 1000) {
  std::vector<std::string> out;
  while (out.size() < limit) {
    auto job = q.Next();
    if (!job) break;
    out.push_back(job->spec->name + "#" + std::to_string(job->repetition));
    q.Finished(*job, verdict_of(*job));
  }
  return out;
}

Verdict AllPass(const RunJob&) { return Verdict::kPass; }

TEST(StartOrderTest, LongestFirstUnknownFirstTiesKeepOrder) {
  auto specs = Specs({"a", "b", "c", "d", "e"});
  std::map<std::string, double> known = {{"a", 1}, {"b", 30}, {"d", 30}, {"e", 5}};
  auto order = StartOrder(Ptrs(specs), [&](const TestSpec& t) -> std::optional<double> {
    auto it = known.find(t.name);
    return it == known.end() ? std::nullopt : std::optional<double>(it->second);
  });
  std::vector<std::string> names;
  for (const TestSpec* t : order) names.push_back(t->name);
  EXPECT_THAT(names, ElementsAre("c", "b", "d", "e", "a"));
  // Without durations: catalogue order.
  auto plain = StartOrder(Ptrs(specs), nullptr);
  EXPECT_EQ(plain, Ptrs(specs));
}

TEST(JobQueueTest, RoundByRound) {
  auto specs = Specs({"a", "b"});
  SchedulePolicy p;
  p.repeat = 3;
  p.first_repetition = 2;
  JobQueue q(Ptrs(specs), p);
  auto remaining = q.Remaining();
  ASSERT_TRUE(remaining.has_value());
  EXPECT_THAT(*remaining, ElementsAre(Pair(&specs[0], 3), Pair(&specs[1], 3)));
  auto first = q.Next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sequence, 0u);
  EXPECT_THAT(*q.Remaining(), ElementsAre(Pair(&specs[0], 2), Pair(&specs[1], 3)));
  q.Finished(*first, Verdict::kPass);
  EXPECT_THAT(Drain(q, AllPass), ElementsAre("b#2", "a#3", "b#3", "a#4", "b#4"));
  EXPECT_TRUE(q.Remaining()->empty());
  EXPECT_FALSE(q.Next().has_value());
}

TEST(JobQueueTest, RepeatFromSpecGivesEachTestItsOwnCount) {
  auto specs = Specs({"a", "b", "c"});
  specs[0].repeat = 3;
  specs[1].repeat = 1;
  specs[2].repeat = 2;
  SchedulePolicy p;
  p.repeat = 7;  // ignored: each test's own repeat counts
  p.repeat_from_spec = true;
  JobQueue q(Ptrs(specs), p);
  EXPECT_THAT(*q.Remaining(), ElementsAre(Pair(&specs[0], 3), Pair(&specs[1], 1), Pair(&specs[2], 2)));
  EXPECT_THAT(Drain(q, AllPass), ElementsAre("a#0", "b#0", "c#0", "a#1", "c#1", "a#2"));
  EXPECT_TRUE(q.Remaining()->empty());
}

TEST(JobQueueTest, FailuresWithoutPoliciesChangeNothing) {
  auto specs = Specs({"a", "b"});
  SchedulePolicy p;
  p.repeat = 2;
  JobQueue q(Ptrs(specs), p);
  EXPECT_THAT(Drain(q, [](const RunJob&) { return Verdict::kFail; }), ElementsAre("a#0", "b#0", "a#1", "b#1"));
}

TEST(JobQueueTest, UntilFailRetiresAFailedTestOnly) {
  auto specs = Specs({"a", "b"});
  SchedulePolicy p;
  p.repeat = 4;
  p.until_fail = true;
  JobQueue q(Ptrs(specs), p);
  auto verdict = [](const RunJob& j) {
    return j.spec->name == "a" && j.repetition == 1 ? Verdict::kTimeout : Verdict::kPass;
  };
  EXPECT_THAT(Drain(q, verdict), ElementsAre("a#0", "b#0", "a#1", "b#1", "b#2", "b#3"));
  EXPECT_FALSE(q.stopped_by_failure());
}

TEST(JobQueueTest, UntilFailWithoutRepeatGoesOnUntilEveryTestFailed) {
  auto specs = Specs({"a", "b"});
  SchedulePolicy p;
  p.repeat = 0;
  p.until_fail = true;
  JobQueue q(Ptrs(specs), p);
  EXPECT_FALSE(q.Remaining().has_value());  // no end in sight
  auto verdict = [](const RunJob& j) {
    if (j.spec->name == "a" && j.repetition == 57) return Verdict::kFail;
    if (j.spec->name == "b" && j.repetition == 3) return Verdict::kCrash;
    return Verdict::kPass;
  };
  std::vector<std::string> runs = Drain(q, verdict);
  ASSERT_EQ(runs.size(), 58u + 4u);
  EXPECT_EQ(runs.back(), "a#57");
  // Without the failures it would never end: the drain stops at its limit.
  JobQueue endless(Ptrs(specs), p);
  EXPECT_EQ(Drain(endless, AllPass, 500).size(), 500u);
}

TEST(JobQueueTest, UntilFailRetiresSkippedTests) {
  auto specs = Specs({"a", "skipped"});
  SchedulePolicy p;
  p.repeat = 3;
  p.until_fail = true;
  JobQueue q(Ptrs(specs), p);
  auto verdict = [](const RunJob& j) { return j.spec->name == "skipped" ? Verdict::kSkip : Verdict::kPass; };
  EXPECT_THAT(Drain(q, verdict), ElementsAre("a#0", "skipped#0", "a#1", "a#2"));
}

TEST(JobQueueTest, FailFastStopsAtTheFirstFailureNotASkip) {
  auto specs = Specs({"a", "b", "c"});
  SchedulePolicy p;
  p.repeat = 2;
  p.fail_fast = true;
  JobQueue q(Ptrs(specs), p);
  auto verdict = [](const RunJob& j) {
    if (j.spec->name == "a") return Verdict::kSkip;
    return j.spec->name == "c" && j.repetition == 0 ? Verdict::kFail : Verdict::kPass;
  };
  EXPECT_THAT(Drain(q, verdict), ElementsAre("a#0", "b#0", "c#0"));
  EXPECT_TRUE(q.stopped_by_failure());
  EXPECT_TRUE(q.Remaining()->empty());
}

// A listener that records what it is told and on which thread.
class Recorder : public ScheduleListener {
 public:
  void RunStarted(const RunJob& job) override { Note("start " + Name(job)); }
  void RunLine(const RunJob& job, std::string_view line) override { Note("line " + Name(job) + " " + std::string(line)); }
  void RunFinished(const RunJob& job, const TestResult& r) override {
    Note("end " + Name(job) + " " + std::string(VerdictName(r.verdict)));
    if (!IsSuccess(r.verdict)) saw_failure = true;
  }
  void RunDropped(const RunJob& job) override { Note("dropped " + Name(job)); }
  bool Tick(const std::optional<std::vector<std::pair<const TestSpec*, int>>>&) override {
    threads.insert(std::this_thread::get_id());
    ++ticks;
    return interrupt && interrupt();
  }

  static std::string Name(const RunJob& j) { return j.spec->name + "#" + std::to_string(j.repetition); }
  void Note(std::string s) {
    threads.insert(std::this_thread::get_id());
    log.push_back(std::move(s));
  }
  size_t Count(const std::string& prefix) const {
    return static_cast<size_t>(std::count_if(log.begin(), log.end(), [&](const std::string& l) {
      return l.rfind(prefix, 0) == 0;
    }));
  }

  std::vector<std::string> log;
  std::set<std::thread::id> threads;
  int ticks = 0;
  std::function<bool()> interrupt;
  std::atomic<bool> saw_failure{false};
};

TestResult ResultOf(const RunJob& job, Verdict v) {
  TestResult r;
  r.test = job.spec->name;
  r.repetition = job.repetition;
  r.verdict = v;
  return r;
}

TEST(SchedulerTest, RunsJobsAtOnceAndReportsOnTheCallingThread) {
  auto rt = MakeRealTimeRuntime();
  auto specs = Specs({"a", "b", "c", "d"});
  SchedulePolicy p;
  p.repeat = 2;
  JobQueue q(Ptrs(specs), p);
  std::mutex mu;
  int running = 0, peak = 0;
  const RunFunction run = [&](const RunJob& job, const std::atomic<bool>&,
                              const std::function<void(std::string_view)>& line) -> std::optional<TestResult> {
    {
      std::lock_guard<std::mutex> l(mu);
      peak = std::max(peak, ++running);
    }
    line("hello");
    // The first four runs wait until all four are going at once (bounded, so
    // a broken scheduler fails the assertion below instead of hanging).
    if (job.sequence < 4) {
      for (int i = 0; i < 2000; ++i) {
        {
          std::lock_guard<std::mutex> l(mu);
          if (peak >= 4) break;
        }
        rt->sleep_for(Millis(10));
      }
    }
    std::lock_guard<std::mutex> l(mu);
    --running;
    return ResultOf(job, Verdict::kPass);
  };
  Recorder rec;
  Scheduler scheduler(*rt, 4, Millis(50));
  ScheduleOutcome out = scheduler.Run(q, run, rec);
  EXPECT_EQ(peak, 4);  // four runs overlapped
  EXPECT_EQ(out.workers, 4);
  EXPECT_EQ(out.finished, 8u);
  EXPECT_EQ(out.dropped, 0u);
  EXPECT_FALSE(out.interrupted);
  EXPECT_EQ(rec.Count("start "), 8u);
  EXPECT_EQ(rec.Count("end "), 8u);
  EXPECT_EQ(rec.Count("line "), 8u);
  EXPECT_EQ(rec.threads, std::set<std::thread::id>{std::this_thread::get_id()});
  // A run's start comes before its lines and its end.
  for (const std::string name : {"a#0", "d#1"}) {
    auto pos = [&](const std::string& e) { return std::find(rec.log.begin(), rec.log.end(), e) - rec.log.begin(); };
    EXPECT_LT(pos("start " + name), pos("line " + name + " hello"));
    EXPECT_LT(pos("line " + name + " hello"), pos("end " + name + " pass"));
  }
}

TEST(SchedulerTest, NoMoreWorkersThanRuns) {
  auto rt = MakeRealTimeRuntime();
  auto specs = Specs({"a"});
  JobQueue q(Ptrs(specs), SchedulePolicy{});
  Recorder rec;
  ScheduleOutcome out = Scheduler(*rt, 8).Run(
      q, [](const RunJob& j, const std::atomic<bool>&, const auto&) { return std::optional(ResultOf(j, Verdict::kPass)); },
      rec);
  EXPECT_EQ(out.workers, 1);
  EXPECT_EQ(out.finished, 1u);
}

TEST(SchedulerTest, FailFastLetsRunningRunsFinish) {
  auto rt = MakeRealTimeRuntime();
  auto specs = Specs({"a", "b", "c", "d", "e", "f"});
  SchedulePolicy p;
  p.fail_fast = true;
  JobQueue q(Ptrs(specs), p);
  Recorder rec;
  std::atomic<bool> b_started{false};
  // Two workers: "a" fails once "b" is running; "b" finishes (and passes)
  // only after the listener has been told of a's failure. Waits are bounded
  // (20 s) so a broken scheduler fails instead of hanging.
  const RunFunction run = [&](const RunJob& job, const std::atomic<bool>&,
                              const std::function<void(std::string_view)>&) -> std::optional<TestResult> {
    if (job.spec->name == "a") {
      for (int i = 0; i < 2000 && !b_started; ++i) rt->sleep_for(Millis(10));
      return ResultOf(job, Verdict::kFail);
    }
    if (job.spec->name == "b") {
      b_started = true;
      for (int i = 0; i < 2000 && !rec.saw_failure; ++i) rt->sleep_for(Millis(10));
    }
    return ResultOf(job, Verdict::kPass);
  };
  ScheduleOutcome out = Scheduler(*rt, 2, Millis(20)).Run(q, run, rec);
  EXPECT_TRUE(out.stopped_by_failure);
  EXPECT_FALSE(out.interrupted);
  EXPECT_THAT(rec.log, ElementsAre("start a#0", "start b#0", "end a#0 fail", "end b#0 pass"));
}

TEST(SchedulerTest, InterruptCancelsRunningRunsAndStartsNoMore) {
  auto rt = MakeRealTimeRuntime();
  auto specs = Specs({"a", "b", "c", "d"});
  SchedulePolicy p;
  p.repeat = 5;
  JobQueue q(Ptrs(specs), p);
  std::atomic<int> started{0};
  // Every run waits for the cancel flag (up to 20 s), like a test child being killed.
  const RunFunction run = [&](const RunJob&, const std::atomic<bool>& cancel,
                              const std::function<void(std::string_view)>&) -> std::optional<TestResult> {
    ++started;
    for (int i = 0; i < 2000 && !cancel.load(); ++i) rt->sleep_for(Millis(10));
    return cancel.load() ? std::nullopt : std::optional<TestResult>(TestResult{});
  };
  Recorder rec;
  rec.interrupt = [&] { return started.load() == 2; };
  ScheduleOutcome out = Scheduler(*rt, 2, Millis(20)).Run(q, run, rec);
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(out.finished, 0u);
  EXPECT_EQ(out.dropped, 2u);
  EXPECT_EQ(started.load(), 2);
  EXPECT_EQ(rec.Count("dropped "), 2u);
  EXPECT_EQ(rec.Count("end "), 0u);
}

TEST(DefaultJobsTest, FourPerCoreTwoWhenBusy) {
  EXPECT_EQ(DefaultJobs(2, 0.0), 8);
  EXPECT_EQ(DefaultJobs(2, 2.0), 8);   // exactly as busy as its cores: not yet "busy"
  EXPECT_EQ(DefaultJobs(2, 2.5), 4);
  EXPECT_EQ(DefaultJobs(2, 14.0), 4);
  EXPECT_EQ(DefaultJobs(1, 0.3), 4);
  EXPECT_EQ(DefaultJobs(0, 0.0), 4);   // an unknown core count counts as one
  EXPECT_EQ(DefaultJobs(64, 1.0), kMaxDefaultJobs);
  EXPECT_GE(DefaultJobsHere(), 1);
  EXPECT_LE(DefaultJobsHere(), kMaxDefaultJobs);
}

TEST(DefaultJobsTest, SimulationTakesOnePerCpu) {
  EXPECT_EQ(DefaultSimJobs(2), 2);
  EXPECT_EQ(DefaultSimJobs(1), 1);
  EXPECT_EQ(DefaultSimJobs(0), 1);  // an unknown count counts as one
  EXPECT_EQ(DefaultSimJobs(200), kMaxDefaultJobs);
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
  EXPECT_EQ(DefaultSimJobsHere(), std::min(CPU_COUNT(&allowed), kMaxDefaultJobs));
}

}  // namespace
}  // namespace raftlab
