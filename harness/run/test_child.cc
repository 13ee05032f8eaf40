// The test child (see test_child.h).
#include "harness/run/test_child.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "harness/catalogue/config.h"
#include "harness/plugin/loader.h"
#include "harness/run/crash_report.h"
#include "harness/scenario/result.h"
#include "harness/scenario/student_log.h"
#include "harness/scenario/test_context.h"
#include "harness/scenario/timeline_record.h"
#include "harness/run/sim_child.h"
#include "runtime/real_runtime.h"
#include "runtime/sim_runtime.h"
#include "runtime/rng.h"

#if RAFTLAB_HAVE_SANDBOX
#include "harness/sandbox/forbidden_report.h"
#include "harness/sandbox/sandbox.h"
#endif

namespace raftlab {

// The test child: once a check on another thread has failed the test, the
// scenario thread gets this long to notice and tear down. Past it the thread
// is taken to be stuck in a call into the plugin (typically a deadlock on the
// plugin's own lock) and the child reports the failure without it, instead of
// waiting for the test's whole timeout. Teardown kills every peer with a 5 s
// bound each (kill_bound) but in parallel, so 15 s leaves room for it.
constexpr std::chrono::seconds kAbandonAfterFailure{15};
namespace {

constexpr int kExitResultWritten = 0;
constexpr int kExitNoResult = 4;

std::string CurrentExceptionType() {
  std::type_info* t = abi::__cxa_current_exception_type();
  if (!t) return "unknown exception";
  int status = 0;
  char* name = abi::__cxa_demangle(t->name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : t->name();
  std::free(name);
  return out;
}

// The student log's size bound inside the sandbox: below the file-size
// rlimit (16 MiB by default, rlimits.h), so the log can never be cut by it.
constexpr int64_t kSandboxedLogBytes = int64_t{8} << 20;

// How long a child that asked for a stack dump (RequestStackDump) stays up
// before it exits, so that the parent's eu-stack or gdb finds it alive.
constexpr std::chrono::seconds kStackDumpGrace{3};

// The result file, opened before the sandbox; -1 until then.
[[noreturn]] void Finish(const TestResult& r, int result_fd) {
  Status s = WriteResultToFd(result_fd, r);
  if (!s.ok()) std::fprintf(stderr, "labtest child: %s\n", s.message().c_str());
  std::fflush(nullptr);
  ::_exit(s.ok() ? kExitResultWritten : kExitNoResult);
}

// How the scenario thread ended.
struct Ending {
  Verdict verdict = Verdict::kPass;
  std::string message;
};

// `name` says what runs, for messages: "scenario 'backup'", "the test's steps".
Ending RunScenario(const std::string& name, const ScenarioFn& fn, ChildTestContext& ctx) {
  ctx.BindScenarioThread();
  try {
    fn(ctx);
    return {};
  } catch (const TestFailed& e) {
    return {Verdict::kFail, e.what()};
  } catch (const TestSkipped& e) {
    return {Verdict::kSkip, e.what()};
  } catch (const std::logic_error& e) {
    // Params accessors and other harness preconditions: a catalogue or
    // scenario bug, not the student's.
    return {Verdict::kError, fmt::format("harness error in {}: {}", name, e.what())};
  } catch (const std::bad_alloc& e) {
    return {Verdict::kCrash,
            fmt::format("crashed: out of memory: an allocation failed and std::bad_alloc escaped from your code "
                        "into the harness; the test process has a memory limit (RLIMIT_AS), so look for memory "
                        "that grows without bound (a log never trimmed, a queue never drained)")};
  } catch (const std::system_error& e) {
    // std::thread throws this when the process cannot start another thread.
    const bool threads = e.code() == std::errc::resource_unavailable_try_again;
    return {Verdict::kCrash,
            fmt::format("crashed: a C++ exception ({}: {}) escaped from your code into the harness{}; exceptions "
                        "must not cross the C ABI: catch them inside your plugin",
                        CurrentExceptionType(), e.what(),
                        threads ? " (no thread could be started: too many threads, or they used up the memory "
                                  "limit; start a few long-lived threads, not one per task)"
                                : "")};
  } catch (const std::exception& e) {
    return {Verdict::kCrash,
            fmt::format("crashed: a C++ exception ({}: {}) escaped from your code into the harness; exceptions "
                        "must not cross the C ABI: catch them inside your plugin",
                        CurrentExceptionType(), e.what())};
  } catch (...) {
    return {Verdict::kCrash, fmt::format("crashed: a C++ exception ({}) escaped from your code into the harness; "
                                         "exceptions must not cross the C ABI: catch them inside your plugin",
                                         CurrentExceptionType())};
  }
}

// The hand-over between the scenario thread and the child's main thread,
// which waits for the scenario to end but gives up on it when it stays
// stuck after a failure reported from another thread.
class ScenarioRun {
 public:
  explicit ScenarioRun(Runtime& rt) : rt_(rt), mu_(rt.make_mutex()), cv_(rt.make_cond()) {}

  // On the scenario thread, last.
  void Finish(Ending e) {
    MutexLock l(*mu_);
    ending_ = std::move(e);
    cv_->notify_all();
  }

  // The scenario's ending; nullopt when ctx had failed `grace` ago and the
  // scenario still had not ended.
  // `stopped`: the run can make no more progress (a halted simulation):
  // give up at once once ctx has failed.
  std::optional<Ending> Await(const ChildTestContext& ctx, Nanos grace, const std::function<bool()>& stopped) {
    constexpr Nanos kPoll = std::chrono::milliseconds(200);  // how soon a failure is noticed
    std::optional<Nanos> failed_at;
    MutexLock l(*mu_);
    while (!ending_) {
      const Nanos now = rt_.now();
      if (!failed_at && ctx.failed()) failed_at = now;
      if (failed_at && (now - *failed_at >= grace || stopped())) return std::nullopt;
      cv_->wait_until(*mu_, now + kPoll);
    }
    return ending_;
  }

 private:
  Runtime& rt_;
  std::unique_ptr<Mutex> mu_;
  std::unique_ptr<CondVar> cv_;
  std::optional<Ending> ending_ GUARDED_BY(*mu_);
};

// The run's timeline record as JSON into the already open `fd` (opened
// before the sandbox, which forbids creating files later), from offset 0.
// The parent draws timeline.html from it (runner.cc). Best effort: a short
// write leaves a file the parent rejects, and the run has no picture.
std::mutex g_timeline_write_mu;  // the periodic flush, the last write and an exit() share the file

void WriteTimelineToFd(int fd, const ChildTestContext& ctx) {
  if (fd < 0) return;
  const std::string json = TimelineToJson(ctx.timeline_data());
  std::lock_guard<std::mutex> l(g_timeline_write_mu);
  if (::ftruncate(fd, 0) != 0) return;
  size_t done = 0;
  while (done < json.size()) {
    const ssize_t w = ::pwrite(fd, json.data() + done, json.size() - done, static_cast<off_t>(done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    done += static_cast<size_t>(w);
  }
}

// Plugin code that calls exit() (or returns from a path that ends in it)
// ends the test process mid-test. glibc's on_exit() handlers run first and
// receive the status; this one writes the verdict so that the student reads
// "your code called exit(0)" instead of "no result". Armed once the scenario
// starts; every normal way out of the child is _exit(), which skips it.
// Thread safety: the fields are written once before `armed` is set (release)
// and read only after it is seen (acquire); the handler then runs on the
// thread that called exit(), once (glibc runs exit handlers once).
struct ExitGuard {
  std::atomic<bool> armed{false};
  TestResult* result = nullptr;
  int result_fd = -1;
  int timeline_fd = -1;
  ChildTestContext* ctx = nullptr;
  StudentLog* log = nullptr;
  Runtime* rt = nullptr;
  Nanos start{0};
};
ExitGuard g_exit_guard;

void OnExitDuringTest(int status, void*) {
  if (!g_exit_guard.armed.load(std::memory_order_acquire)) return;
  TestResult& r = *g_exit_guard.result;
  char name[32] = "";
  ::pthread_getname_np(::pthread_self(), name, sizeof name);
  const std::string thread = name;
  const std::string where =
      thread == "scenario"
          ? "inside a call the test made into your code (make, start, get_state, snapshot or kill)"
          : "on thread '" + thread + "'";
  r.verdict = Verdict::kCrash;
  r.message = fmt::format(
      "your code called exit({}) {}: the test process ended there. A Raft must never end the process; report "
      "a broken invariant with host->log and return",
      status, where);
  r.duration_s = std::chrono::duration<double>(g_exit_guard.rt->now() - g_exit_guard.start).count();
  g_exit_guard.ctx->Event(r.message);
  r.events = g_exit_guard.ctx->events(&r.events_dropped);
  r.log_tail = g_exit_guard.log->Tail();
  r.log_lines = g_exit_guard.log->lines();
  g_exit_guard.ctx->timeline()->Add(TimelineEvent::Of(TimelineKind::kFailure).WithText(r.message));
  WriteTimelineToFd(g_exit_guard.timeline_fd, *g_exit_guard.ctx);
  Finish(r, g_exit_guard.result_fd);
}

}  // namespace

namespace {
// A file beside the result file, in the same run folder.
std::string SiblingPath(const std::string& result_file, const std::string& name) {
  const size_t slash = result_file.find_last_of('/');
  return (slash == std::string::npos ? std::string() : result_file.substr(0, slash + 1)) + name;
}
}  // namespace


std::string ForbiddenReportPath(const std::string& result_file) { return SiblingPath(result_file, "forbidden.txt"); }

std::optional<std::string> ForbiddenVerdictForChild(const std::string& result_file, int term_signal) {
#if RAFTLAB_HAVE_SANDBOX
  std::string report;
  if (FILE* f = std::fopen(ForbiddenReportPath(result_file).c_str(), "rb")) {
    char buf[4096];  // the handler writes one short line; more is not ours
    report.assign(buf, std::fread(buf, 1, sizeof buf, f));
    std::fclose(f);
  }
  return sandbox::ForbiddenVerdictFor(report, term_signal);
#else
  (void)result_file;
  (void)term_signal;
  return std::nullopt;
#endif
}

bool SandboxEnabledByEnvironment() {
#if RAFTLAB_HAVE_SANDBOX
  const char* off = std::getenv("RAFTLAB_NO_SANDBOX");
  return off == nullptr || *off == '\0' || std::strcmp(off, "0") == 0;
#else
  return false;
#endif
}

uint64_t RunSeed(uint64_t base_seed, const std::string& test, int repetition) {
  return DeriveSeed(base_seed, test, static_cast<uint64_t>(repetition));
}

void RunTestChild(const ChildOptions& o, const ScenarioRegistry& registry) {
  // Yama ptrace_scope=1 lets only a declared tracer (and its descendants,
  // such as the eu-stack or gdb the parent starts) attach to us.
  ::prctl(PR_SET_PTRACER, static_cast<unsigned long>(::getppid()), 0, 0, 0);

  // The result file first: every way out below writes it.
  const int result_fd = ::open(o.result_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (result_fd < 0) {
    std::fprintf(stderr, "labtest child: cannot create %s: %s\n", o.result_file.c_str(), std::strerror(errno));
    ::_exit(kExitNoResult);
  }

  TestResult r;
  r.test = o.test;
  r.repetition = o.repetition;
  r.base_seed = o.base_seed;
  r.seed = RunSeed(o.base_seed, o.test, o.repetition);

  // Only this test's entry is parsed (the parent checked the whole file).
  auto catalogue = LoadCatalogueForTest(o.config_path, o.test, registry);
  if (!catalogue.ok()) {
    r.verdict = Verdict::kError;
    r.message = catalogue.status().message();
    Finish(r, result_fd);
  }
  const TestSpec* spec = catalogue->FindTest(o.test);
  if (!spec) {
    r.verdict = Verdict::kError;
    r.message = fmt::format("no test named '{}' in {}", o.test, o.config_path);
    Finish(r, result_fd);
  }
  r.part = spec->part;
  // A C++ scenario (validated by the loader), the steps runner
  // (harness/steps/, linked into labtest) for a steps test, or the scenario
  // through the prelude runner (harness/steps/) when steps are its prelude.
  const std::string body_name = spec->IsSteps()      ? "the test's steps"
                                : spec->HasPrelude() ? "scenario '" + spec->scenario + "' or its steps prelude"
                                                     : "scenario '" + spec->scenario + "'";
  ScenarioFn body;
  std::string missing;  // what this labtest was built without
  if (spec->IsSteps()) {
    body = registry.steps().runner();
    missing = "the steps runner (harness/steps/)";
  } else if (const ScenarioInfo* scenario = registry.Find(spec->scenario)) {
    body = scenario->fn;
    if (spec->HasPrelude()) {
      const StepRegistry::PreludeRunner& prelude = registry.steps().prelude_runner();
      body = prelude ? ScenarioFn([prelude, fn = scenario->fn](TestContext& c) { prelude(c, fn); }) : ScenarioFn();
      missing = "the prelude runner (harness/steps/)";
    }
  } else {
    missing = "scenario '" + spec->scenario + "'";
  }
  if (!body) {
    r.verdict = Verdict::kError;
    r.message = fmt::format("this labtest cannot run test '{}': it was built without {}", spec->name, missing);
    Finish(r, result_fd);
  }

  // The child's own machinery (the hand-over below, the timeline flusher,
  // waits for a stack dump) always runs in real time; the run itself (the
  // scenario, the fixture, labrpc, the plugin's host services) runs on `rt`:
  // the same real-time runtime, or under --sim the simulated one, whose
  // seed is the run's seed (runtime/sim_runtime.h).
  std::unique_ptr<Runtime> real = MakeRealTimeRuntime();
  const double limit_s = spec->timeout_s * o.timeout_scale;
  std::unique_ptr<SimRuntime> sim;
  int sim_cpu = -1;
  if (o.sim) {
    // One CPU for the whole child (sim_child.h); the lock files go in the
    // run's folder, shared by every child of this labtest.
    const std::string folder = SiblingPath(o.result_file, "");
    const size_t up = folder.size() > 1 ? folder.find_last_of('/', folder.size() - 2) : std::string::npos;
    sim_cpu = PinToOneCpu(up == std::string::npos ? "." : folder.substr(0, up));
    sim = MakeChildSimRuntime(r.seed, limit_s, o.sim_trace);
  }
  Runtime& rt = sim ? static_cast<Runtime&>(*sim) : *real;
  const Nanos start = rt.now();
  const bool sandboxed = SandboxEnabledByEnvironment();
  StudentLogOptions log_options;
  log_options.path = o.log_file;
  if (o.verbose) log_options.live_fd = 2;
  if (sandboxed) {
    log_options.rotate_in_place = true;  // rename and reopen are refused inside the sandbox
    log_options.rotate_bytes = kSandboxedLogBytes;
  }
  auto log = StudentLog::Open(rt, start, log_options);
  if (!log.ok()) {
    r.verdict = Verdict::kError;
    r.message = log.status().message();
    Finish(r, result_fd);
  }
  // The timeline record's file, beside the result; -1 when it cannot be made
  // (the run then has no picture, nothing else changes).
  const int timeline_fd =
      ::open(SiblingPath(o.result_file, "timeline.json").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  // A crash's backtrace goes beside the result (crash_report.h); without the
  // file a crash is still reported, by its signal alone.
  const int crash_fd =
      ::open(CrashReportPath(o.result_file).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (crash_fd >= 0) (void)InstallCrashReporter(crash_fd);
  // --check-determinism: every scheduling point, for the parent to compare.
  const int trace_fd = sim && o.sim_trace ? ::open(SimTracePath(o.result_file).c_str(),
                                                   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
                                          : -1;
  std::vector<std::string> sandbox_events;
#if RAFTLAB_HAVE_SANDBOX
  if (sandboxed) {
    const std::string report_path = ForbiddenReportPath(o.result_file);
    const int report_fd = ::open(report_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (report_fd < 0) {
      r.verdict = Verdict::kError;
      r.message = fmt::format("cannot create {}: {}", report_path, std::strerror(errno));
      Finish(r, result_fd);
    }
    // The KV tests draw a picture of a non-linearizable history
    // (harness/kv/kv_check.cc: SaveTestFile). The sandbox forbids creating
    // files later, so open it now and hand over the descriptor.
    if (spec->part == 5) {
      const std::string picture_path = SiblingPath(o.result_file, "linearizability.html");
      const int picture_fd = ::open(picture_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (picture_fd >= 0) {
        ::setenv("RAFTLAB_PICTURE_FD", std::to_string(picture_fd).c_str(), 1);
        ::setenv("RAFTLAB_PICTURE_PATH", picture_path.c_str(), 1);
      }
    }
    sandbox::SandboxOptions so;
    so.report_fd = report_fd;
    so.echo_fd = 2;
    // Each peer's copy of the plugin is an in-memory file (loader.h), which
    // the file-size limit counts too: leave room for the plugin.
    struct stat st {};
    if (::stat(o.plugin_path.c_str(), &st) == 0) {
      so.limits.file_size_bytes = std::max<int64_t>(so.limits.file_size_bytes, int64_t{st.st_size} + (1 << 20));
    }
    sandbox::SandboxOutcome outcome;
    if (Status s = sandbox::Sandbox::Apply(so, &outcome); !s.ok()) {
      r.verdict = Verdict::kError;
      r.message = "cannot set up the sandbox: " + s.message();
      Finish(r, result_fd);
    }
    sandbox_events.push_back(fmt::format("sandbox: seccomp {}, rlimits {}, network namespace {}",
                                         outcome.seccomp_loaded ? "on" : "off", outcome.rlimits_applied ? "on" : "off",
                                         outcome.network_isolated ? "on" : "off"));
    for (const std::string& note : outcome.notes) sandbox_events.push_back("sandbox: " + note);
  } else {
    sandbox_events.push_back("sandbox: off (RAFTLAB_NO_SANDBOX is set)");
  }
#else
  sandbox_events.push_back("sandbox: not built (libseccomp missing)");
#endif
  auto plugin = PluginLibrary::Open(o.plugin_path);
  if (!plugin.ok()) {
    r.verdict = Verdict::kError;
    r.message = plugin.status().message();
    Finish(r, result_fd);
  }

  ChildTestContext ctx(*spec, r.seed, rt, **plugin, o.timeout_scale, log->get(), start);
  ctx.Event(fmt::format("test {} (repetition {}), seed {}", spec->name, o.repetition, r.seed));
  for (const std::string& e : sandbox_events) ctx.Event(e);
  g_exit_guard.result = &r;
  g_exit_guard.result_fd = result_fd;
  g_exit_guard.timeline_fd = timeline_fd;
  g_exit_guard.ctx = &ctx;
  g_exit_guard.log = log->get();
  g_exit_guard.rt = &rt;
  g_exit_guard.start = start;
  g_exit_guard.armed.store(true, std::memory_order_release);
  ::on_exit(&OnExitDuringTest, nullptr);
  if (sim) {
    // A halt (deadlock, the virtual time limit, a thread stuck outside the
    // host services) fails the test; the monitor thread reports it.
    sim->OnHalt([&ctx, limit_s](SimHaltKind kind, const std::string& why, const std::string& thread) {
      ctx.Fail(SimHaltMessage(kind, why, limit_s));
      if (kind == SimHaltKind::kWatchdog) ctx.RequestStackDump("thread '" + thread + "' is stuck outside the host");
    });
    // labtest's interposers (harness/labtest/sim_interpose.cc) report a
    // real sleep or a thread of the plugin's own on a simulated thread.
    SetSimEscapeReporter([&ctx](const std::string& call) {
      const std::string name = SimulatedThreadName();
      try {
        ctx.Fail(SimEscapeMessage(call, name));
      } catch (const TestFailed&) {
        // On the scenario thread Fail() throws; the failure is recorded and
        // the scenario meets it at its next check (never throw into C code).
      }
    });
    ctx.Event(fmt::format("simulated time: seed {}, one thread at a time (labtest --sim){}", r.seed,
                          sim_cpu >= 0 ? fmt::format(", on CPU {}", sim_cpu) : ""));
  }
  ScenarioRun run(*real);
  // The simulation's account as the scenario ends, on its own thread: what
  // plugin threads still do afterwards (zombies) is not part of the run.
  SimSummary sim_at_end;
  std::unique_ptr<Thread> thread = rt.spawn("scenario", [&] {
    Ending e = RunScenario(body_name, body, ctx);
    if (sim) sim_at_end = SimSummary::Of(*sim);
    run.Finish(std::move(e));
  });
  // The record so far, every half second: a run that dies (a crash, a kill
  // at the time limit) still leaves the parent a picture up to then.
  // Stopping wakes it at once (a short simulated test must not wait out
  // the half second).
  std::unique_ptr<Mutex> flush_mu = real->make_mutex();
  std::unique_ptr<CondVar> flush_cv = real->make_cond();
  bool flushing = true;
  std::unique_ptr<Thread> flusher = real->spawn("timeline flush", [&] {
    std::unique_lock<Mutex> l(*flush_mu);
    while (flushing) {
      if (!flush_cv->wait_until(*flush_mu, real->now() + std::chrono::milliseconds(500)) || !flushing) continue;
      l.unlock();
      WriteTimelineToFd(timeline_fd, ctx);
      l.lock();
    }
  });
  auto stop_flushing = [&] {
    {
      std::unique_lock<Mutex> l(*flush_mu);
      flushing = false;
      flush_cv->notify_all();
    }
    flusher->join();
  };
  const Nanos grace = std::chrono::duration_cast<Nanos>(
      std::chrono::duration<double>(kAbandonAfterFailure) * o.timeout_scale);
  std::optional<Ending> ending = run.Await(ctx, grace, [&] { return sim && sim->halted(); });
  r.duration_s = std::chrono::duration<double>(rt.now() - start).count();
  if (sim) {
    if (!ending) sim_at_end = SimSummary::Of(*sim);  // halted: the run stopped there
    r.simulated = true;
    r.sim_points = sim_at_end.points;
    ctx.Event(fmt::format("simulation: {} scheduling points, {} hand-overs between threads, {:.3f} s of virtual time",
                          sim_at_end.points, sim_at_end.switches, sim_at_end.seconds));
    r.sim_trace_hash = sim_at_end.hash;
    r.duration_s = sim_at_end.seconds > 0 ? sim_at_end.seconds - std::chrono::duration<double>(start).count()
                                          : r.duration_s;
    WriteSimTraceToFd(trace_fd, *sim, sim_at_end.points);
  }
  if (!ending) {
    // The scenario thread never ended: the simulation stopped (ctx holds
    // why: nothing runs any more), or it is stuck (in the plugin, as a
    // rule) after a check on another thread failed the test. Report that
    // failure now; Finish() ends the process, so the thread is never joined.
    thread->detach();
    r.verdict = Verdict::kFail;
    r.message = sim && sim->halted()
                    ? ctx.failure_message()
                    : fmt::format("{} (the test thread was still blocked {:g} s after this failure, most likely "
                                  "inside a call into your code waiting for a lock your code holds; the test was "
                                  "stopped there)",
                                  ctx.failure_message(), kAbandonAfterFailure.count() * o.timeout_scale);
    r.events = ctx.events(&r.events_dropped);
    r.log_tail = (*log)->Tail();
    r.log_lines = (*log)->lines();
    stop_flushing();
    WriteTimelineToFd(timeline_fd, ctx);
    if (ctx.stack_dump_requested()) real->sleep_for(kStackDumpGrace);
    Finish(r, result_fd);
  }
  thread->join();
  stop_flushing();

  r.verdict = ending->verdict;
  r.message = ending->message;
  if (r.verdict == Verdict::kPass && ctx.failed()) {
    // A check on another thread failed after the scenario's last look.
    r.verdict = Verdict::kFail;
    r.message = ctx.failure_message();
  }
  if (r.verdict == Verdict::kPass && r.duration_s > limit_s) {
    r.verdict = Verdict::kFail;
    r.message = fmt::format("test took longer than {:g} seconds ({:.1f} s{})", limit_s, r.duration_s,
                            sim ? " of simulated time" : "");
  }
  if (auto f = ctx.figures()) {
    r.has_figures = true;
    r.figures = *f;
  }
  r.events = ctx.events(&r.events_dropped);
  r.log_tail = (*log)->Tail();
  r.log_lines = (*log)->lines();
  if (r.verdict != Verdict::kPass && r.verdict != Verdict::kSkip && !ctx.failed()) {
    // A failure the context did not see (an escaped exception, the time
    // limit): mark it on the timeline too.
    ctx.timeline()->Add(TimelineEvent::Of(TimelineKind::kFailure).WithText(r.message));
  }
  WriteTimelineToFd(timeline_fd, ctx);
  if (ctx.stack_dump_requested()) real->sleep_for(kStackDumpGrace);
  Finish(r, result_fd);
}

}  // namespace raftlab
