// The labtest commands (see labtest.h).
#include "harness/labtest/labtest.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <regex>
#include <string_view>

#include <fmt/format.h>

#include "harness/report/baseline.h"
#include "harness/catalogue/catalogue_snapshot.h"
#include "harness/catalogue/config.h"
#include "harness/grade/grading.h"
#include "harness/labtest/interrupt.h"
#include "harness/plugin/language.h"
#include "harness/plugin/lint.h"
#include "harness/plugin/loader.h"
#include "harness/report/output_spec.h"
#include "harness/report/progress.h"
#include "harness/labtest/race.h"
#include "harness/labtest/sanitize.h"
#include "harness/plugin/import_scan.h"
#include "harness/report/console.h"
#include "harness/labtest/run_loop.h"
#include "harness/run/runner.h"
#include "harness/run/scheduler.h"
#include "harness/report/terminal.h"
#include "harness/run/test_child.h"
#include "runtime/real_runtime.h"

#ifndef RAFTLAB_SOURCE_DIR
#define RAFTLAB_SOURCE_DIR ""
#endif
#ifndef RAFTLAB_VERSION
#define RAFTLAB_VERSION "unknown"
#endif

namespace raftlab {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCatalogueName = "raft_lab_test.yml";
constexpr const char* kBaselineName = "reference_baseline.json";

std::string ExeDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "" : exe.parent_path().string();
}

// Loads the catalogue named by the options (or the default one).
StatusOr<Catalogue> LoadSelectedCatalogue(const Options& o, const Environment& env, std::string* path,
                                          std::string* origin) {
  if (!o.config_path.empty()) {
    *path = o.config_path;
    *origin = "given with -f";
  } else {
    auto found = FindDefaultConfig(origin);
    if (!found.ok()) return found.status();
    *path = *found;
  }
  return LoadCatalogue(*path, *env.registry);
}

// The tests the flags select, in catalogue order.
StatusOr<std::vector<const TestSpec*>> SelectTests(const Catalogue& cat, const Options& o) {
  std::regex re;
  if (!o.filter.empty()) {
    try {
      re = std::regex(o.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument(fmt::format("--filter '{}' is not a valid regular expression: {}", o.filter,
                                                 e.what()));
    }
  }
  for (int p : o.parts) {
    if (!cat.FindPart(p)) {
      std::string known;
      for (const PartSpec& ps : cat.parts) known += (known.empty() ? "" : ", ") + std::to_string(ps.part);
      return Status::InvalidArgument(fmt::format("--part {}: {} has no part {} (parts: {})", p, cat.path, p, known));
    }
  }
  std::vector<const TestSpec*> out;
  for (const TestSpec& t : cat.tests) {
    if (!o.parts.empty() && std::find(o.parts.begin(), o.parts.end(), t.part) == o.parts.end()) continue;
    if (!o.filter.empty() && !std::regex_search(t.name, re)) continue;
    out.push_back(&t);
  }
  if (out.empty()) {
    std::string what = o.filter.empty() ? "" : fmt::format(" --filter '{}'", o.filter);
    if (!o.parts.empty()) {
      std::string parts;
      for (int p : o.parts) parts += (parts.empty() ? "" : ",") + std::to_string(p);
      what += " --part " + parts;
    }
    std::vector<std::string> names;
    for (const TestSpec& t : cat.tests) names.push_back(t.name);
    std::string hint = o.filter.empty() ? "" : ClosestMatch(o.filter, names);
    return Status::InvalidArgument(fmt::format("no test matches{}{}; `labtest --list` shows the tests", what,
                                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }
  return out;
}

std::string FormatParam(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else {
          return fmt::format("{}", x);
        }
      },
      v);
}

// "labtest-out/20250101-120000" (a suffix when that folder exists).
StatusOr<std::string> MakeRunDir(const std::string& root) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  for (int i = 0; i < 1000; ++i) {
    fs::path dir = fs::path(root) / (i == 0 ? std::string(stamp) : fmt::format("{}-{}", stamp, i));
    std::error_code ec;
    fs::create_directories(dir.parent_path(), ec);
    if (fs::create_directory(dir, ec)) return dir.string();
    if (ec) return Status::Internal(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  return Status::Internal(fmt::format("cannot find a free run folder name under {}", root));
}

uint64_t RandomSeed() {
  std::random_device rd;  // the one nondeterministic input of a run; printed
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// Everything a run's outcome depends on besides the test, the seed and the
// repetition (RerunCommand adds those): the plugin, the catalogue, the
// timeout scale and the memory limit. --jobs is left out on purpose: the
// rerun runs one test, and the seed replays the same choices at any -j.
std::string RerunPrefix(const Options& o, const std::string& config_path) {
  std::error_code ec;
  const fs::path running = fs::read_symlink("/proc/self/exe", ec);
  std::string cmd = ShellQuote(RerunProgram(o.command_line.empty() ? "" : o.command_line[0],
                                            ec ? "" : running.string()));
  if (!o.plugin_path.empty()) cmd += " --plugin " + ShellQuote(o.plugin_path);
  cmd += " -f " + ShellQuote(config_path);
  if (o.timeout_scale != 1) cmd += fmt::format(" --timeout-scale {}", o.timeout_scale);
  if (o.memory_limit_mb != Options{}.memory_limit_mb) cmd += fmt::format(" --memory-limit-mb {}", o.memory_limit_mb);
  if (o.sim) cmd += " --sim";
  // Re-executed by --asan (sanitize.h): the pasted line must ask for it again.
  if (const char* asan = std::getenv(kAsanModeEnv); asan != nullptr && *asan == '1') cmd += " --asan";
  return cmd;
}

}  // namespace

std::string RerunProgram(const std::string& argv0, const std::string& running_exe) {
  if (!argv0.empty() && argv0.find('/') == std::string::npos) return argv0;  // found on PATH: runs as typed
  if (argv0.empty()) return running_exe.empty() ? "labtest" : running_exe;
  std::error_code ec;
  const fs::path abs = fs::absolute(argv0, ec);
  if (ec) return running_exe.empty() ? argv0 : running_exe;
  return abs.lexically_normal().string();
}

StatusOr<std::string> FindDefaultConfig(std::string* origin) {
  std::vector<std::pair<fs::path, std::string>> candidates;
  const std::string exe_dir = ExeDir();
  if (!exe_dir.empty()) {
    candidates.emplace_back(fs::path(exe_dir) / kCatalogueName, "found beside the labtest binary");
    candidates.emplace_back(fs::path(exe_dir) / "config" / kCatalogueName, "found beside the labtest binary");
    candidates.emplace_back(fs::path(exe_dir) / ".." / "share" / "raftlab" / kCatalogueName,
                            "installed with labtest");
  }
  if (std::string_view(RAFTLAB_SOURCE_DIR).size() > 0) {
    candidates.emplace_back(fs::path(RAFTLAB_SOURCE_DIR) / "config" / kCatalogueName, "found in the source tree");
  }
  candidates.emplace_back(fs::path("config") / kCatalogueName, "found in ./config");
  std::string tried;
  for (const auto& [path, why] : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      *origin = why + "; -f picks another";
      return path.lexically_normal().string();
    }
    tried += "\n  " + path.lexically_normal().string();
  }
  return Status::NotFound("no test catalogue given (-f) and none found in the usual places:" + tried);
}

namespace {

// What --list and a run share: the catalogue and the tests the flags select.
struct Selection {
  std::string config_path;
  std::string origin;  // how the catalogue was found
  Catalogue catalogue;
  std::vector<const TestSpec*> tests;  // into catalogue, in catalogue order
};

// Loads the catalogue and selects the tests; on error prints it and returns
// nullptr with *code set (a usage error).
std::unique_ptr<Selection> Select(const Options& o, const Environment& env, int* code) {
  auto sel = std::make_unique<Selection>();
  auto cat = LoadSelectedCatalogue(o, env, &sel->config_path, &sel->origin);
  if (!cat.ok()) {
    fmt::print(env.err, "labtest: {}\n", cat.status().message());
    *code = kExitUsage;
    return nullptr;
  }
  sel->catalogue = std::move(*cat);
  for (const std::string& w : sel->catalogue.warnings) fmt::print(env.err, "labtest: warning: {}\n", w);
  auto selected = SelectTests(sel->catalogue, o);
  if (!selected.ok()) {
    fmt::print(env.err, "labtest: {}\n", selected.status().message());
    *code = kExitUsage;
    return nullptr;
  }
  sel->tests = std::move(*selected);
  return sel;
}

// A run, decided before its first test starts: MakeRunPlan builds it from
// the options once, and ExecutePlan only reads it.
struct RunPlan {
  std::unique_ptr<Selection> selection;
  GradingSetup grading;
  std::vector<OutputSpec> outputs;
  RunInfo info;                     // what the reporters are told at the start
  std::optional<Baseline> baseline;  // the reference's figures, when one sits beside the catalogue
  int jobs = 1;
  bool color = false;
  bool verbose = false;
  RunnerOptions runner;             // config_path is the run's snapshot of the catalogue
  SchedulePolicy policy;
  RunMetadata meta;
  std::string record_baseline;      // --record-baseline PATH, or ""
};

// --sim runs only a plugin that promised (raftlab_plugin.flags) to use
// nothing but the host's threads, locks, clock and sleep: a thread the
// simulation does not know about would run beside the baton, and a real
// sleep or clock would mix wall time into virtual time.
int CheckSimulationReady(const PluginLibrary& lib, const Environment& env, bool bundled) {
  if (DetectPluginLanguageOfFile(lib.path()) == PluginLanguage::kGo) {
    fmt::print(env.err,
               "labtest: --sim cannot run a Go plugin ({}): the Go runtime starts and schedules its own threads, "
               "which the simulated runtime can neither see nor order; run it in real time (without --sim)\n",
               lib.path());
    return kExitUsage;
  }
  // What the plugin imports first (it names the culprits), then its promise.
  auto scan = ScanForSimulation(lib.path(), lib.path());
  if (!scan.ok()) {
    fmt::print(env.err, "labtest: {}\n", scan.status().message());
    return kExitPluginLoad;
  }
  if (!scan->ready()) {
    fmt::print(env.err, "{}\n", scan->RefusalLine());
    return kExitUsage;
  }
  if (!lib.host_threads_only()) {
    fmt::print(env.err,
               "labtest: --sim: {} does not promise to use only the host's threads, locks, clock and sleep "
               "(raftlab_plugin.flags lacks RAFTLAB_PLUGIN_HOST_THREADS_ONLY{}); build it from the skeleton, "
               "which sets it (C++: static constexpr uint64_t kPluginFlags = RAFTLAB_PLUGIN_HOST_THREADS_ONLY "
               "in your Raft class), after replacing std::thread, std::condition_variable and sleeps with "
               "raftlab::Host; or run without --sim\n",
               lib.path(), lib.abi_minor() < 1 ? ", which plugins built before ABI 1.1 do not have" : "");
    return kExitUsage;
  }
  // The reference's one raw lock (its KV store's) is a leaf: no warning.
  if (std::string w = scan->WarningLine(); !w.empty() && !bundled) fmt::print(env.err, "{}\n", w);
  return kExitAllPassed;
}

// The plugin a run tests: --plugin, else the bundled reference. Checks it
// once, so a broken build fails in one line before any test.
int ResolvePlugin(const Options& o, const Environment& env, RunInfo* info) {
  info->plugin_path = o.plugin_path;
  if (info->plugin_path.empty()) {
    if (!env.default_plugin) {
      fmt::print(env.err, "labtest: this build has no bundled plugin; pass --plugin path/to/libraft.so\n");
      return kExitUsage;
    }
    auto bundled = env.default_plugin();
    if (!bundled.ok()) {
      fmt::print(env.err, "labtest: no --plugin given and the bundled reference is unavailable: {}\n",
                 bundled.status().message());
      // A build without the reference (the student handout) is used wrongly,
      // not broken: that is a usage error.
      return bundled.status().code() == Status::Code::kNotFound ? kExitUsage : kExitInternal;
    }
    info->plugin_path = *bundled;
    info->bundled_plugin = true;
  }
  // A plugin built with a sanitizer this process lacks would end it inside
  // dlopen (ASan) or run uninstrumented (TSan): say which mode to use.
  if (auto san = DetectSanitizer(info->plugin_path); san.ok()) {
    if (std::string line = SanitizerMismatch(*san, info->plugin_path, SanitizerInThisProcess()); !line.empty()) {
      fmt::print(env.err, "labtest: {}\n", line);
      return kExitUsage;
    }
  }
  auto lib = PluginLibrary::Open(info->plugin_path);
  if (!lib.ok()) {
    fmt::print(env.err, "labtest: {}\n", lib.status().message());
    return lib.status().code() == Status::Code::kPluginLoad ? kExitPluginLoad : kExitInternal;
  }
  info->plugin_name = (*lib)->name();
  info->plugin_version = (*lib)->version();
  if (!info->bundled_plugin) info->plugin_language = PluginLanguageName(DetectPluginLanguageOfFile(info->plugin_path));
  // Once, before any test: state every peer would share (harness/plugin/lint.h).
  if (std::string w = LintWarningForPlugin(info->plugin_path); !w.empty()) fmt::print(env.err, "{}", w);
  if (o.sim) {
    if (int rc = CheckSimulationReady(**lib, env, info->bundled_plugin); rc != kExitAllPassed) return rc;
  }
  return kExitAllPassed;
}

// Builds the plan; on error prints it and returns nullptr with *code set.
// Creates the run folder and the catalogue snapshot the children read.
std::unique_ptr<RunPlan> MakeRunPlan(const Options& o, const Environment& env, int* code) {
  auto plan = std::make_unique<RunPlan>();
  plan->selection = Select(o, env, code);
  if (!plan->selection) return nullptr;
  const Selection& sel = *plan->selection;
  auto grading = ResolveGrading({o.repeat_from_config, o.policy, o.repeat}, sel.catalogue, sel.tests);
  if (!grading.ok()) {
    fmt::print(env.err, "labtest: {}\n", grading.status().message());
    *code = kExitUsage;
    return nullptr;
  }
  plan->grading = std::move(*grading);
  auto outputs = ParseOutputSpecs(o.outputs);
  if (!outputs.ok()) {
    fmt::print(env.err, "labtest: {}\n", outputs.status().message());
    *code = kExitUsage;
    return nullptr;
  }
  plan->outputs = std::move(*outputs);

  RunInfo& info = plan->info;
  info.config_path = sel.config_path;
  info.config_origin = sel.origin;
  if (int rc = ResolvePlugin(o, env, &info); rc != kExitAllPassed) {
    *code = rc;
    return nullptr;
  }
  info.seed_given = o.seed.has_value();
  info.base_seed = o.seed ? *o.seed : RandomSeed();
  info.first_repetition = o.first_repetition;
  info.repeat = o.repeat;
  info.timeout_scale = o.timeout_scale;
  info.tests = sel.tests.size();
  info.runs = sel.tests.size() * static_cast<size_t>(o.repeat);  // 0: without end
  info.rerun_prefix = RerunPrefix(o, sel.config_path);
  info.sim = o.sim;

  const std::string baseline_path = (fs::path(sel.config_path).parent_path() / kBaselineName).string();
  if (auto b = Baseline::Load(baseline_path); b.ok()) {
    plan->baseline = std::move(*b);
  } else if (b.status().code() != Status::Code::kNotFound) {
    fmt::print(env.err, "labtest: warning: ignoring the baseline: {}\n", b.status().message());
  }

  // -v streams every line of every run: one run at a time unless -j says
  // otherwise; --sim: one process per CPU (scheduler.h).
  plan->jobs = o.jobs > 0 ? o.jobs : o.verbose ? 1 : o.sim ? DefaultSimJobsHere() : DefaultJobsHere();
  plan->color = ShouldColorHere(o.color, env.out);
  plan->verbose = o.verbose;
  plan->record_baseline = o.record_baseline;
  plan->meta.labtest_version = RAFTLAB_VERSION;
  plan->meta.command_line = o.command_line;
  plan->meta.start_time = FormatUtcTimestamp(std::time(nullptr));

  plan->policy.first_repetition = o.first_repetition;
  plan->policy.repeat = o.repeat;
  plan->policy.until_fail = o.until_fail;
  plan->policy.fail_fast = o.fail_fast;
  plan->policy.repeat_from_spec = plan->grading.repeat_from_config;

  RunnerOptions& ro = plan->runner;
  // Exec the binary by its real name, so the child's threads show up as
  // "labtest" (not "exe") in /proc and in stack dumps.
  std::error_code exe_ec;
  fs::path exe = env.self_exe == "/proc/self/exe" ? fs::read_symlink(env.self_exe, exe_ec) : fs::path(env.self_exe);
  ro.self_exe = exe_ec ? env.self_exe : exe.string();
  ro.plugin_path = fs::absolute(info.plugin_path).string();
  ro.timeout_scale = o.timeout_scale;
  ro.verbose = o.verbose;
  ro.keep_passed_output = o.keep_passed_output;
  ro.timeline = o.timeline == Options::Timeline::kAlways  ? RunnerOptions::Timeline::kAlways
                : o.timeline == Options::Timeline::kNever ? RunnerOptions::Timeline::kNever
                                                          : RunnerOptions::Timeline::kFailures;
  ro.memory_limit_bytes = o.memory_limit_mb << 20;
  ro.sim = o.sim;
  ro.check_determinism = o.check_determinism;

  auto run_dir = MakeRunDir(o.output_dir);
  if (!run_dir.ok()) {
    fmt::print(env.err, "labtest: {}\n", run_dir.status().message());
    *code = kExitInternal;
    return nullptr;
  }
  info.run_dir = *run_dir;
  ro.run_dir = info.run_dir;
  // The children read a copy: editing the YAML mid-run changes no run.
  auto snapshot = SnapshotCatalogue(fs::absolute(sel.config_path).string(), info.run_dir);
  if (!snapshot.ok()) {
    fmt::print(env.err, "labtest: {}\n", snapshot.status().message());
    RemoveRunDirIfUnused(info.run_dir);
    *code = kExitInternal;
    return nullptr;
  }
  ro.config_path = *snapshot;
  ro.config_display_path = sel.config_path;
  return plan;
}

// Runs a plan: reporters, the run loop, the summary, the baseline.
int ExecutePlan(const RunPlan& plan, const Environment& env) {
  const Selection& sel = *plan.selection;
  RunInfo info = plan.info;
  ProgressLine progress(env.out, IsTerminal(env.out), TerminalWidth(env.out));
  ConsoleOptions console_options;
  console_options.verbose = plan.verbose;
  console_options.baseline = plan.baseline ? &*plan.baseline : nullptr;
  console_options.color = plan.color;
  console_options.parallel = plan.jobs > 1;
  console_options.progress = &progress;
  ConsoleReporter console(env.out, console_options);
  ReporterList reporters;
  reporters.Add(&console);

  OutputContext output_context;
  output_context.plan = MakeReportPlan(sel.catalogue, sel.tests);
  output_context.meta = plan.meta;
  ApplyGrading(plan.grading, sel.tests, &info, &output_context.plan, &output_context.policy);
  std::vector<std::unique_ptr<FileReporter>> files = MakeFileReporters(plan.outputs, output_context);
  for (auto& f : files) reporters.Add(f.get());

  std::unique_ptr<Runtime> rt = MakeRealTimeRuntime();
  TestRunner runner(*rt, plan.runner);

  reporters.RunStart(info);
  for (auto& f : files) {
    if (!f->status().ok()) {
      fmt::print(env.err, "labtest: --output {}:{}: {}\n", f->format_name(), f->path(), f->status().message());
      RemoveRunDirIfUnused(info.run_dir);  // nothing ran yet
      return kExitUsage;
    }
  }

  InterruptWatch interrupts;
  RunLoopOptions lo;
  lo.jobs = plan.jobs;
  lo.policy = plan.policy;
  lo.base_seed = info.base_seed;
  lo.baseline = plan.baseline ? &*plan.baseline : nullptr;
  lo.progress = &progress;
  lo.color = plan.color;
  lo.interrupts = &interrupts;
  RunLoopResult run = ExecuteRuns(*rt, sel.tests, runner, reporters, lo);

  RunSummary summary = Summarize(sel.catalogue, sel.tests, run.results, run.wall_s, info.base_seed);
  summary.interrupted = run.outcome.interrupted;
  summary.interrupt_signal = run.signal;
  summary.stopped_by_failure = run.outcome.stopped_by_failure;
  summary.jobs = std::max(1, run.outcome.workers);
  // Removed unless a failed (or --keep-output) run kept files there.
  if (RemoveRunDirIfUnused(info.run_dir)) summary.output_dir = info.run_dir;
  reporters.RunEnd(summary);
  int code = summary.runs_failed > 0 ? kExitTestFailed : kExitAllPassed;
  for (auto& f : files) {
    if (!f->status().ok()) {
      fmt::print(env.err, "labtest: --output {}:{}: {}\n", f->format_name(), f->path(), f->status().message());
      code = std::max(code, static_cast<int>(kExitInternal));
    }
  }

  if (!plan.record_baseline.empty()) {
    Baseline b = Baseline::FromResults(run.results, fmt::format("{} {}", info.plugin_name, info.plugin_version));
    Status s = b.Save(plan.record_baseline);
    if (!s.ok()) {
      fmt::print(env.err, "labtest: {}\n", s.message());
      return kExitInternal;
    }
    fmt::print(env.out, "labtest: wrote the figures of {} passing test(s) to {}\n", b.entries().size(),
               plan.record_baseline);
  }
  if (run.signal != 0) return InterruptWatch::ExitCodeFor(run.signal);
  return code;
}

}  // namespace

int ListCommand(const Options& o, const Environment& env) {
  int code = kExitAllPassed;
  std::unique_ptr<Selection> sel = Select(o, env, &code);
  if (!sel) return code;
  fmt::print(env.out, "Catalogue {} ({})\n", sel->config_path, sel->origin);
  size_t kind_width = 5;  // "steps"; wider when a test is "C++ + steps prelude"
  for (const TestSpec* t : sel->tests) kind_width = std::max(kind_width, std::string_view(t->KindLabel()).size());
  double total = 0;
  for (const PartSpec& p : sel->catalogue.parts) {
    std::vector<const TestSpec*> in_part;
    for (const TestSpec* t : sel->tests) {
      if (t->part == p.part) in_part.push_back(t);
    }
    if (in_part.empty()) continue;
    fmt::print(env.out, "\nPart {}: {} ({:g} points)\n", p.part, p.name, p.points);
    for (const TestSpec* t : in_part) {
      total += t->points;
      std::string net = NetworkLabel(*t);
      fmt::print(env.out, "  {:<36} {:>4g} pts  {:>4g} s  {:<{}} {:<11}  {}{}\n", t->name, t->points, t->timeout_s,
                 t->KindLabel(), kind_width, t->checks.empty() ? "-" : t->checks, t->description,
                 net.empty() ? "" : " (" + net + ")");
      if (o.verbose) {
        std::string params;
        for (const auto& [k, v] : t->params.values()) params += fmt::format(" {}={}", k, FormatParam(v));
        const std::string graded = t->repeat > 1 ? fmt::format("  (graded over {} runs)", t->repeat) : "";
        if (t->IsSteps()) {
          fmt::print(env.out, "      steps: {} step{} at {}{}\n", t->steps->steps.size(),
                     t->steps->steps.size() == 1 ? "" : "s", t->steps->where, graded);
        } else {
          fmt::print(env.out, "      scenario {}:{}{}\n", t->scenario, params, graded);
          if (t->HasPrelude()) {
            fmt::print(env.out, "      prelude: {} step{} at {}\n", t->steps->steps.size(),
                       t->steps->steps.size() == 1 ? "" : "s", t->steps->where);
          }
        }
      }
    }
  }
  fmt::print(env.out, "\n{} test{}, {:g} points\n", sel->tests.size(), sel->tests.size() == 1 ? "" : "s", total);
  // The columns after the timeout: how the test is written (C++, steps, or
  // C++ with a steps prelude) and what it demands (catalogue key `checks`).
  fmt::print(env.out, "checks: ");
  for (size_t k = 0; k < DemandKinds().size(); k++) {
    fmt::print(env.out, "{}{}", k == 0 ? "" : "; ", DemandLabel(DemandKinds()[k]));
  }
  fmt::print(env.out, "\n");
  if (o.verbose) {
    // Each scenario with the fixture it builds: what verbs its prelude may use.
    fmt::print(env.out, "\nScenarios:\n");
    for (const ScenarioInfo* s : env.registry->All()) {
      const std::string fixture =
          s->fixture == StepFixture::kAny ? "" : fmt::format(" [{} fixture]", StepFixtureName(s->fixture));
      fmt::print(env.out, "  {}{}: {}\n", s->name, fixture, s->help);
      for (const ParamSpec& p : s->params) {
        fmt::print(env.out, "      {} (default {}): {}\n", p.name, FormatParam(p.default_value), p.help);
      }
    }
  }
  return kExitAllPassed;
}

int RunCommand(const Options& o, const Environment& given) {
  // `--output FORMAT:-` puts a results document on stdout; labtest's own
  // lines (progress, verdicts, summary) then go to stderr.
  Environment env = given;
  if (auto specs = ParseOutputSpecs(o.outputs); specs.ok() && WritesStdout(*specs)) env.out = given.err;
  int code = kExitAllPassed;
  std::unique_ptr<const RunPlan> plan = MakeRunPlan(o, env, &code);
  if (!plan) return code;
  return ExecutePlan(*plan, env);
}

void ChildCommand(const Options& o, const Environment& env) {
  ChildOptions c;
  c.config_path = o.config_path;
  c.test = o.child_test;
  c.plugin_path = o.plugin_path;
  c.result_file = o.result_file;
  c.log_file = o.log_file;
  c.base_seed = *o.seed;
  c.repetition = o.first_repetition;
  c.timeout_scale = o.timeout_scale;
  c.verbose = o.verbose;
  c.sim = o.sim;
  c.sim_trace = o.sim_trace;
  RunTestChild(c, *env.registry);
}

int LabtestMain(int argc, const char* const* argv, const Environment& env) {
  auto options = ParseCommandLine(argc, argv);
  if (!options.ok()) {
    fmt::print(env.err, "labtest: {}\n", options.status().message());
    return kExitUsage;
  }
  if (options->race && options->mode == Options::Mode::kRun) {
    RaceRequest race;
    race.argv = options->command_line;
    race.plugin_path = options->plugin_path;
    race.race_labtest = options->race_labtest;
    return RaceCommand(race, env.err);
  }
  if (options->asan && options->mode == Options::Mode::kRun) {
    AsanRequest asan;
    asan.argv = options->command_line;
    asan.plugin_path = options->plugin_path;
    asan.asan_labtest = options->asan_labtest;
    return AsanCommand(asan, env.err);
  }
  // The commands, by the mode the command line selects.
  struct Command {
    Options::Mode mode;
    int (*run)(const Options&, const Environment&);
  };
  static constexpr Command kCommands[] = {
      {Options::Mode::kHelp,
       [](const Options&, const Environment& e) {
         fmt::print(e.out, "{}", UsageText());
         return static_cast<int>(kExitAllPassed);
       }},
      {Options::Mode::kList, ListCommand},
      {Options::Mode::kListSteps,
       [](const Options&, const Environment& e) {
         fmt::print(e.out, "The step verbs of 'steps:' tests (docs/STEPS.md explains the language):\n\n{}",
                    StepReference(e.registry->steps(), /*markdown=*/false));
         return static_cast<int>(kExitAllPassed);
       }},
      {Options::Mode::kChild, [](const Options& o, const Environment& e) -> int { ChildCommand(o, e); }},
      {Options::Mode::kRun, RunCommand},
  };
  for (const Command& c : kCommands) {
    if (c.mode == options->mode) return c.run(*options, env);
  }
  return kExitInternal;
}

}  // namespace raftlab
