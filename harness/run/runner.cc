// TestRunner (see runner.h).
#include "harness/run/runner.h"

#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "harness/run/child_process.h"
#include "harness/run/crash_report.h"
#include "harness/run/plugin_symbolizer.h"
#include "harness/run/sanitizer_report.h"
#include "harness/run/sim_child.h"
#include "harness/run/stack_dump.h"
#include "harness/scenario/student_log.h"
#include "harness/run/test_child.h"
#include "harness/sandbox/sanitizer_runtime.h"
#include "harness/scenario/timeline_record.h"
#include "harness/timeline/timeline_html.h"

namespace raftlab {
namespace {

namespace fs = std::filesystem;


std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string CrashReason(int sig) {
  if (sig == SIGABRT) return "crashed: SIGABRT (abort; an exception or a panic may have escaped your code)";
  if (sig == SIGKILL) return "killed by SIGKILL (out of memory, or killed from outside)";
  return fmt::format("crashed: {} ({})", SignalName(sig), SignalDescription(sig));
}

// Enough of the log's end that a quiet peer's last lines are in it even when
// another peer is chatty; TailPerPeer then keeps a few of each.
constexpr size_t kLogScanLines = 4000;

std::vector<std::string> FailureLogTail(const std::string& log_file, const RunnerOptions& o) {
  return TailPerPeer(ReadLogTail(log_file, std::max(kLogScanLines, o.log_tail_lines)), o.log_tail_per_peer,
                     o.log_tail_lines / 2);
}

// The whole file, or "" when it cannot be read.
std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

// Writes <dir>/timeline.html from the child's <dir>/timeline.json. Returns
// its path, or "" when there is no record (the child died before writing
// it) or the page cannot be written.
std::string WriteTimeline(const fs::path& dir, const TestResult& r) {
  const std::string json = ReadText(dir / "timeline.json");
  if (json.empty()) return "";
  StatusOr<TimelineData> data = TimelineFromJson(json);
  if (!data.ok()) return "";
  TimelinePageOptions page;
  page.title = fmt::format("{} (repetition {}), seed {}: {}", r.test, r.repetition, r.base_seed,
                           VerdictName(r.verdict));
  if (!IsSuccess(r.verdict)) page.failure = r.message;
  const std::string path = (dir / "timeline.html").string();
  return WriteTimelineHtml(*data, page, path).ok() ? path : "";
}

std::string Seconds(double s) { return s == std::floor(s) ? fmt::format("{:.0f}", s) : fmt::format("{:.1f}", s); }

}  // namespace

std::string RunFolderName(const std::string& test, int repetition) { return fmt::format("{}-{}", test, repetition); }

TestRunner::TestRunner(Runtime& rt, RunnerOptions options) : rt_(rt), options_(std::move(options)) {}

TestResult TestRunner::Run(const TestSpec& spec, int repetition, uint64_t base_seed,
                           const std::function<void(std::string_view)>& live_line) const {
  RunHooks hooks;
  hooks.live_line = live_line;
  return *RunCancellable(spec, repetition, base_seed, hooks);  // no cancel flag: always a result
}

std::optional<TestResult> TestRunner::RunCancellable(const TestSpec& spec, int repetition, uint64_t base_seed,
                                                     const RunHooks& hooks) const {
  if (!options_.sim || !options_.check_determinism) return RunOnce(spec, repetition, base_seed, hooks, "", false);
  // --check-determinism: the same seed twice; every scheduling point of the
  // two runs must agree (runtime/sim_runtime.h: the trace hash covers them).
  std::optional<TestResult> first = RunOnce(spec, repetition, base_seed, hooks, "", true);
  if (!first) return std::nullopt;
  std::optional<TestResult> second = RunOnce(spec, repetition, base_seed, hooks, "-replay", true);
  if (!second) return std::nullopt;
  const fs::path dir = fs::path(options_.run_dir) / RunFolderName(spec.name, repetition);
  const fs::path replay_dir = fs::path(options_.run_dir) / (RunFolderName(spec.name, repetition) + "-replay");
  const bool same = first->sim_trace_hash == second->sim_trace_hash && first->verdict == second->verdict &&
                    first->message == second->message && first->sim_points == second->sim_points;
  std::error_code ec;
  if (same) {
    fs::remove_all(replay_dir, ec);
  } else {
    std::string where = "(no trace to compare: a run ended before writing it)";
    auto a = ReadSimTrace(SimTracePath((dir / "result.json").string()));
    auto b = ReadSimTrace(SimTracePath((replay_dir / "result.json").string()));
    if (a.ok() && b.ok()) {
      where = FirstDivergence(*a, *b);
      if (where.empty()) {
        where = fmt::format("(the first {} recorded scheduling points agree; they part later)", a->points.size());
      }
    }
    first->determinism = fmt::format(
        "seed {} gave two different runs: trace {:016x} ({} points, {}) then {:016x} ({} points, {}); {}",
        first->seed, first->sim_trace_hash, first->sim_points, VerdictName(first->verdict),
        second->sim_trace_hash, second->sim_points, VerdictName(second->verdict), where);
    first->verdict = Verdict::kFail;
    first->message = "not deterministic under --sim: " + first->determinism +
                     "\n(something the run depends on escapes the simulation: a thread, clock, sleep or "
                     "random source of its own, or an order taken from memory addresses; the second run's files "
                     "are in " + replay_dir.string() + ")";
    first->output_dir = dir.string();
    (void)WriteResultFile((dir / "result.json").string(), *first);
    return first;
  }
  fs::remove(SimTracePath((dir / "result.json").string()), ec);
  if (IsSuccess(first->verdict) && !options_.keep_passed_output && first->timeline_file.empty()) {
    fs::remove_all(dir, ec);
    first->output_dir.clear();
  }
  return first;
}

std::optional<TestResult> TestRunner::RunOnce(const TestSpec& spec, int repetition, uint64_t base_seed,
                                              const RunHooks& hooks, const std::string& folder_suffix,
                                              bool trace) const {
  const RunnerOptions& o = options_;
  const auto& live_line = hooks.live_line;
  TestResult r;
  r.test = spec.name;
  r.part = spec.part;
  r.repetition = repetition;
  r.base_seed = base_seed;
  r.seed = RunSeed(base_seed, spec.name, repetition);

  const fs::path dir = fs::path(o.run_dir) / (RunFolderName(spec.name, repetition) + folder_suffix);
  const fs::path tmp = dir / "tmp";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(tmp, ec);
  if (ec) {
    r.verdict = Verdict::kError;
    r.message = fmt::format("cannot create the output folder {}: {}", dir.string(), ec.message());
    return r;
  }
  r.output_dir = dir.string();
  const std::string result_file = (dir / "result.json").string();
  const std::string log_file = (dir / "student.log").string();

  const double limit_s = spec.timeout_s * o.timeout_scale;
  ChildSpec child;
  child.exe = o.self_exe;
  child.args = {"--child",          "--test",        spec.name,
                "--seed",           std::to_string(base_seed),
                "--repetition",     std::to_string(repetition),
                "--plugin",         o.plugin_path,
                "-f",               o.config_path,
                "--result-file",    result_file,
                "--log-file",       log_file,
                "--timeout-scale",  fmt::format("{}", o.timeout_scale)};
  if (o.verbose) child.args.push_back("-v");
  if (o.sim) child.args.push_back("--sim");
  if (o.sim && trace) child.args.push_back("--sim-trace");
  child.set_env = {{"TMPDIR", tmp.string()}};
  child.stdout_path = (dir / "stdout.txt").string();
  child.stderr_path = (dir / "stderr.txt").string();
  child.output_cap_bytes = o.output_cap_bytes;
  child.timeout = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(limit_s + o.grace_s));
  // ASan and TSan reserve terabytes of address space, which RLIMIT_AS breaks.
  child.limits.address_space_bytes = sandbox::SanitizerRuntimePresent() ? 0 : o.memory_limit_bytes;
  const int64_t cpu_limit_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(limit_s * o.cpu_factor)));
  child.limits.cpu_seconds = cpu_limit_s;
  child.limits.stack_bytes = o.thread_stack_bytes;
  if (o.verbose && live_line) child.on_stdout_line = live_line;
  // stderr: passed on with -v, and watched for the child's request for a
  // stack dump (a zombie kill(), a call into the plugin that does not
  // return): the stacks are taken at once, while the child still runs.
  // Every thread's stack of the running child, the plugin's frames named
  // (its maps, read while it lives, place the plugin's private copies).
  auto named_stacks = [&](pid_t pid) {
    const std::string maps = ReadText("/proc/" + std::to_string(pid) + "/maps");
    return SymbolizePluginFrames(rt_, DumpThreadStacks(rt_, pid, o.stack_tool_timeout), maps, o.plugin_path,
                                 o.stack_tool_timeout);
  };
  pid_t child_pid = 0;
  std::string requested_dump;
  child.on_start = [&child_pid](pid_t pid) { child_pid = pid; };
  child.on_stderr_line = [&](std::string_view line) {
    if (line.substr(0, kStackDumpRequestLine.size()) == kStackDumpRequestLine && requested_dump.empty() &&
        child_pid > 0) {
      requested_dump = fmt::format("stacks taken because {}:\n{}", line.substr(kStackDumpRequestLine.size()),
                                   named_stacks(child_pid));
    }
    if (o.verbose && live_line) live_line(line);
  };
  std::string analysis, dump;
  child.on_timeout = [&](pid_t pid) {
    analysis = AnalyseHangNow(rt_, pid, o.hang_sample_interval);
    dump = named_stacks(pid);
  };

  child.cancel = hooks.cancel;

  auto run = RunChildProcess(rt_, child);
  fs::remove_all(tmp, ec);
  if (run.ok() && run->cancelled) {
    fs::remove_all(dir, ec);
    return std::nullopt;
  }
  if (!run.ok()) {
    r.verdict = Verdict::kError;
    r.message = fmt::format("could not start the test process: {}", run.status().message());
    return r;
  }
  const ChildOutcome& out = *run;

  // The child's own account, when it got as far as writing one.
  auto written = ReadResultFile(result_file);
  if (written.ok()) {
    TestResult c = std::move(*written);
    r.verdict = c.verdict;
    r.message = c.message;
    if (!o.config_display_path.empty() && o.config_display_path != o.config_path) {
      for (size_t at = r.message.find(o.config_path); at != std::string::npos;
           at = r.message.find(o.config_path, at + o.config_display_path.size())) {
        r.message.replace(at, o.config_path.size(), o.config_display_path);
      }
    }
    r.has_figures = c.has_figures;
    r.figures = c.figures;
    r.duration_s = c.duration_s;
    r.events = std::move(c.events);
    r.events_dropped = c.events_dropped;
    r.log_lines = c.log_lines;
    r.simulated = c.simulated;
    r.sim_points = c.sim_points;
    r.sim_trace_hash = c.sim_trace_hash;
  }
  r.wall_s = out.wall_s;
  r.cpu_user_s = out.user_s;
  r.cpu_sys_s = out.sys_s;
  r.max_rss_kb = out.max_rss_kb;
  r.exit_code = out.exited ? out.exit_code : -1;
  r.term_signal = out.term_signal;

  bool sanitizer_found = false;
  // What the parent saw overrides the child's account: a process that was
  // killed did not finish cleanly, whatever it wrote before.
  if (out.timed_out) {
    r.verdict = Verdict::kTimeout;
    r.message = fmt::format("timed out after {} s; {}", Seconds(limit_s), FirstLine(analysis));
    r.hang_analysis = analysis;
    r.stack_dump = dump;
    std::ofstream(dir / "stacks.txt") << analysis << "\n" << dump << "\n";
  } else if (out.term_signal == SIGXCPU ||
             (out.term_signal == SIGKILL && out.user_s + out.sys_s >= static_cast<double>(cpu_limit_s))) {
    r.verdict = Verdict::kCpuLimit;
    r.message = fmt::format(
        "used its whole CPU budget of {} s (user {:.1f} s + system {:.1f} s) in {:.1f} s of wall time: likely a "
        "busy loop (threads spinning instead of sleeping or waiting)",
        cpu_limit_s, out.user_s, out.sys_s, out.wall_s);
  } else if (out.term_signal != 0) {
    r.verdict = Verdict::kCrash;
    r.message = CrashReason(out.term_signal);
    // The child's own account of the crash: where, and the crashing thread's
    // stack with the plugin's frames named.
    if (std::optional<CrashReport> crash = ParseCrashReport(ReadText(CrashReportPath(result_file)))) {
      const CrashDescription d = DescribeCrash(rt_, *crash, o.plugin_path, o.stack_tool_timeout);
      r.message += d.where;
      r.stack_dump = "backtrace of the crashing thread:\n" + d.backtrace;
      std::ofstream(dir / "stacks.txt") << r.stack_dump;
    }
  } else if (!written.ok()) {
    r.verdict = Verdict::kError;
    r.message = fmt::format(
        "the test process exited with code {} before the test finished, without writing a result ({}): does "
        "your code call _exit() or quick_exit()? A Raft must never end the process",
        out.exit_code, written.status().message());
  }
  // Under --asan or --race the sanitizer ends the process at its first
  // finding: its report, plugin frames named, is the verdict.
  if (!IsSuccess(r.verdict) && r.verdict != Verdict::kFail && !out.timed_out) {
    if (std::optional<SanitizerFinding> f = FindSanitizerFinding(ReadText(child.stderr_path))) {
      const SymbolizedReport named = SymbolizeSanitizerReport(rt_, f->report, o.plugin_path, o.stack_tool_timeout);
      r.verdict = Verdict::kCrash;
      r.message = SanitizerVerdict(*f, named.first_plugin_frame);
      const std::string crash_backtrace = r.stack_dump;
      r.stack_dump = fmt::format("the {} report (your plugin's frames named):\n{}", f->tool, named.report);
      if (!crash_backtrace.empty()) r.stack_dump += "\n" + crash_backtrace;
      std::ofstream(dir / "stacks.txt") << r.stack_dump;
      sanitizer_found = true;
    }
  }
  if (std::error_code size_ec; fs::exists(CrashReportPath(result_file)) &&
                               fs::file_size(CrashReportPath(result_file), size_ec) == 0) {
    fs::remove(CrashReportPath(result_file), size_ec);  // no crash: no file
  }
  if (!requested_dump.empty() && r.stack_dump.empty()) {
    r.stack_dump = requested_dump;
    std::ofstream(dir / "stacks.txt") << requested_dump << "\n";
  }
  if (!IsSuccess(r.verdict)) {
    r.log_tail = FailureLogTail(log_file, o);
    // (A sanitizer's report is in stack_dump already; its tail is noise.)
    if (r.verdict != Verdict::kFail && !sanitizer_found) r.stderr_tail = out.stderr_tail;
  }
  if (out.stdout_truncated || out.stderr_truncated) {
    r.events.push_back({r.wall_s, fmt::format("output was cut at {} bytes per stream (stdout {} bytes, stderr {} "
                                              "bytes produced)",
                                              o.output_cap_bytes, out.stdout_bytes, out.stderr_bytes)});
  }
  // A call the sandbox refused (test_child.h) overrides every other verdict:
  // the code broke the lab's rules, whatever happened next.
  if (std::optional<std::string> forbidden = ForbiddenVerdictForChild(result_file, out.term_signal)) {
    if (IsSuccess(r.verdict)) r.log_tail = FailureLogTail(log_file, o);
    r.verdict = Verdict::kFail;
    r.message = *forbidden;
  }
  const bool timeline = o.timeline == RunnerOptions::Timeline::kAlways ||
                        (o.timeline == RunnerOptions::Timeline::kFailures && !IsSuccess(r.verdict));
  if (timeline) r.timeline_file = WriteTimeline(dir, r);
  // The final account, with the parent's additions, replaces the child's.
  (void)WriteResultFile(result_file, r);
  if (IsSuccess(r.verdict) && !o.keep_passed_output && r.timeline_file.empty() && !trace) {
    fs::remove_all(dir, ec);
    r.output_dir.clear();
  }
  return r;
}

}  // namespace raftlab
