// ExecuteRuns (see run_loop.h).
#include "harness/labtest/run_loop.h"

#include "harness/run/test_child.h"

namespace raftlab {
namespace {

double Seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }

class Loop final : public ScheduleListener {
 public:
  Loop(Runtime& rt, Reporter& reporters, const RunLoopOptions& o, RunLoopResult& out)
      : rt_(rt),
        reporters_(reporters),
        o_(o),
        out_(out),
        start_(rt.now()),
        tracker_(o.jobs, [b = o.baseline](const std::string& test) -> std::optional<double> {
          if (b == nullptr) return std::nullopt;
          const BaselineEntry* e = b->Find(test);
          return e ? std::optional<double>(e->time_s) : std::nullopt;
        }) {}

  void RunStarted(const RunJob& job) override {
    tracker_.Started(job.spec->name, job.repetition, Now());
    reporters_.TestStart(*job.spec, job.repetition, RunSeed(o_.base_seed, job.spec->name, job.repetition));
  }
  void RunLine(const RunJob& job, std::string_view line) override { reporters_.TestLine(*job.spec, line); }
  void RunFinished(const RunJob& job, const TestResult& r) override {
    const double time_s = r.duration_s > 0 ? r.duration_s : r.wall_s;
    tracker_.Finished(job.spec->name, job.repetition, !IsSuccess(r.verdict), time_s);
    reporters_.TestEnd(*job.spec, r);
    out_.results.push_back(r);
  }
  void RunDropped(const RunJob& job) override { tracker_.Dropped(job.spec->name, job.repetition); }

  bool Tick(const std::optional<std::vector<std::pair<const TestSpec*, int>>>& queued) override {
    if (o_.progress != nullptr && o_.progress->enabled()) {
      std::optional<std::vector<std::pair<std::string, int>>> names;
      if (queued) {
        names.emplace();
        for (const auto& [spec, n] : *queued) names->emplace_back(spec->name, n);
      }
      tracker_.SetQueued(std::move(names));
      const double now = Now();
      o_.progress->Show(FormatProgress(tracker_.Snapshot(now, now), o_.color));
    }
    if (o_.interrupts != nullptr && o_.interrupts->signal() != 0) {
      out_.signal = o_.interrupts->signal();
      return true;
    }
    return false;
  }

 private:
  double Now() const { return Seconds(rt_.now() - start_); }

  Runtime& rt_;
  Reporter& reporters_;
  const RunLoopOptions& o_;
  RunLoopResult& out_;
  const Nanos start_;
  ProgressTracker tracker_;
};

}  // namespace

RunLoopResult ExecuteRuns(Runtime& rt, const std::vector<const TestSpec*>& selected, const TestRunner& runner,
                          Reporter& reporters, const RunLoopOptions& o) {
  RunLoopResult out;
  const Nanos start = rt.now();
  std::vector<const TestSpec*> order = selected;
  if (o.baseline != nullptr) {
    order = StartOrder(selected, [&](const TestSpec& t) -> std::optional<double> {
      const BaselineEntry* e = o.baseline->Find(t.name);
      return e ? std::optional<double>(e->time_s) : std::nullopt;
    });
  }
  JobQueue queue(std::move(order), o.policy);
  Loop loop(rt, reporters, o, out);
  Scheduler scheduler(rt, o.jobs);
  const RunFunction run = [&](const RunJob& job, const std::atomic<bool>& cancel,
                              const std::function<void(std::string_view)>& line) {
    RunHooks hooks;
    hooks.live_line = line;
    hooks.cancel = &cancel;
    return runner.RunCancellable(*job.spec, job.repetition, o.base_seed, hooks);
  };
  out.outcome = scheduler.Run(queue, run, loop);
  if (o.progress != nullptr) o.progress->Finish();
  out.wall_s = Seconds(rt.now() - start);
  return out;
}

}  // namespace raftlab
