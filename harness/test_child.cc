// The test child (see test_child.h).
#include "harness/test_child.h"

#include <cxxabi.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include <fmt/format.h>

#include "harness/config.h"
#include "harness/loader.h"
#include "harness/result.h"
#include "harness/student_log.h"
#include "harness/test_context.h"
#include "runtime/real_runtime.h"
#include "runtime/rng.h"

namespace raftlab {
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

[[noreturn]] void Finish(const TestResult& r, const std::string& path) {
  Status s = WriteResultFile(path, r);
  if (!s.ok()) std::fprintf(stderr, "labtest child: %s\n", s.message().c_str());
  std::fflush(nullptr);
  ::_exit(s.ok() ? kExitResultWritten : kExitNoResult);
}

// How the scenario thread ended.
struct Ending {
  Verdict verdict = Verdict::kPass;
  std::string message;
};

Ending RunScenario(const ScenarioInfo& scenario, ChildTestContext& ctx) {
  ctx.BindScenarioThread();
  try {
    scenario.fn(ctx);
    return {};
  } catch (const TestFailed& e) {
    return {Verdict::kFail, e.what()};
  } catch (const TestSkipped& e) {
    return {Verdict::kSkip, e.what()};
  } catch (const std::logic_error& e) {
    // Params accessors and other harness preconditions: a catalogue or
    // scenario bug, not the student's.
    return {Verdict::kError, fmt::format("harness error in scenario '{}': {}", scenario.name, e.what())};
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

}  // namespace

uint64_t RunSeed(uint64_t base_seed, const std::string& test, int repetition) {
  return DeriveSeed(base_seed, test, static_cast<uint64_t>(repetition));
}

void RunTestChild(const ChildOptions& o, const ScenarioRegistry& registry) {
  // Yama ptrace_scope=1 lets only a declared tracer (and its descendants,
  // such as the eu-stack or gdb the parent starts) attach to us.
  ::prctl(PR_SET_PTRACER, static_cast<unsigned long>(::getppid()), 0, 0, 0);

  TestResult r;
  r.test = o.test;
  r.repetition = o.repetition;
  r.base_seed = o.base_seed;
  r.seed = RunSeed(o.base_seed, o.test, o.repetition);

  auto catalogue = LoadCatalogue(o.config_path, registry);
  if (!catalogue.ok()) {
    r.verdict = Verdict::kError;
    r.message = catalogue.status().message();
    Finish(r, o.result_file);
  }
  const TestSpec* spec = catalogue->FindTest(o.test);
  if (!spec) {
    r.verdict = Verdict::kError;
    r.message = fmt::format("no test named '{}' in {}", o.test, o.config_path);
    Finish(r, o.result_file);
  }
  r.part = spec->part;
  const ScenarioInfo* scenario = registry.Find(spec->scenario);  // validated by the loader

  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  const Nanos start = rt->now();
  StudentLogOptions log_options;
  log_options.path = o.log_file;
  if (o.verbose) log_options.live_fd = 2;
  auto log = StudentLog::Open(*rt, start, log_options);
  if (!log.ok()) {
    r.verdict = Verdict::kError;
    r.message = log.status().message();
    Finish(r, o.result_file);
  }
  auto plugin = PluginLibrary::Open(o.plugin_path);
  if (!plugin.ok()) {
    r.verdict = Verdict::kError;
    r.message = plugin.status().message();
    Finish(r, o.result_file);
  }

  ChildTestContext ctx(*spec, r.seed, *rt, **plugin, o.timeout_scale, log->get(), start);
  ctx.Event(fmt::format("test {} (repetition {}), seed {}", spec->name, o.repetition, r.seed));
  Ending ending;
  std::unique_ptr<Thread> thread =
      rt->spawn("scenario", [&] { ending = RunScenario(*scenario, ctx); });
  thread->join();
  r.duration_s = std::chrono::duration<double>(rt->now() - start).count();

  r.verdict = ending.verdict;
  r.message = ending.message;
  if (r.verdict == Verdict::kPass && ctx.failed()) {
    // A check on another thread failed after the scenario's last look.
    r.verdict = Verdict::kFail;
    r.message = ctx.failure_message();
  }
  const double limit_s = spec->timeout_s * o.timeout_scale;
  if (r.verdict == Verdict::kPass && r.duration_s > limit_s) {
    r.verdict = Verdict::kFail;
    r.message = fmt::format("test took longer than {:g} seconds ({:.1f} s)", limit_s, r.duration_s);
  }
  if (auto f = ctx.figures()) {
    r.has_figures = true;
    r.figures = *f;
  }
  r.events = ctx.events(&r.events_dropped);
  r.log_tail = (*log)->Tail();
  r.log_lines = (*log)->lines();
  Finish(r, o.result_file);
}

}  // namespace raftlab
