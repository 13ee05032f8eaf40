// ConsoleReporter (see console.h).
#include "harness/report/console.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "harness/catalogue/config.h"
#include "harness/run/child_process.h"
#include "harness/report/terminal.h"

namespace raftlab {
namespace {

void PrintIndented(std::FILE* out, const std::string& text, const char* indent, size_t max_lines,
                   const std::string& more_note) {
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (n++ == max_lines) {
      fmt::print(out, "{}{}\n", indent, more_note);
      return;
    }
    fmt::print(out, "{}{}\n", indent, line);
  }
}

std::string VerdictWord(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "Passed";
    case Verdict::kSkip: return "Skipped";
    case Verdict::kFail: return "FAILED";
    case Verdict::kTimeout: return "FAILED (timeout)";
    case Verdict::kCrash: return "FAILED (crash)";
    case Verdict::kCpuLimit: return "FAILED (CPU limit)";
    case Verdict::kError: return "ERROR";
  }
  return "?";
}

std::string Points(double p) { return fmt::format("{:g}", p); }

}  // namespace

class ConsoleReporter::ProgressPause {
 public:
  explicit ProgressPause(ProgressLine* p) : p_(p) {
    if (p_) p_->Clear();
  }
  ~ProgressPause() {
    if (p_) p_->Restore();
  }
  ProgressPause(const ProgressPause&) = delete;
  ProgressPause& operator=(const ProgressPause&) = delete;

 private:
  ProgressLine* p_;
};

std::string FormatFigures(double time_s, double cpu_s, const Figures* f) {
  std::string s = fmt::format("{:5.1f} s  cpu {:4.1f} s", time_s, cpu_s);
  if (f) {
    s += fmt::format("  {} peers  {:>5} RPCs  {:>8} bytes  {:>4} cmds", f->peers, f->rpcs, f->bytes, f->commands);
    if (f->ops > 0) s += fmt::format("  {} ops", f->ops);
  }
  return s;
}

void ConsoleReporter::RunStart(const RunInfo& info) {
  ProgressPause pause(options_.progress);
  info_ = info;
  fmt::print(out_, "labtest: config {} ({})\n", info.config_path, info.config_origin);
  if (info.bundled_plugin) {
    fmt::print(out_, "labtest: using the bundled reference implementation (no --plugin given)\n");
  } else {
    fmt::print(out_, "labtest: plugin {} ({} {}{})\n", info.plugin_path, info.plugin_name, info.plugin_version,
               info.plugin_language.empty() ? "" : ", " + info.plugin_language);
  }
  fmt::print(out_, "labtest: seed {}{}\n", info.base_seed,
             info.seed_given ? "" : fmt::format(" (random; --seed {} replays this run's choices)", info.base_seed));
  std::string runs = info.repeat > 1 ? fmt::format(", {} runs ({} repetitions each)", info.runs, info.repeat)
                     : info.repeat == 0 ? ", repeated until each fails (Ctrl-C stops)"
                                        : "";
  std::string scale = info.timeout_scale != 1 ? fmt::format(", timeouts x{}", info.timeout_scale) : "";
  fmt::print(out_, "labtest: {} test{}{}{}; logs of failed runs go to {}\n", info.tests, info.tests == 1 ? "" : "s",
             runs, scale, info.run_dir);
  std::fflush(out_);
}

void ConsoleReporter::Header(const TestSpec& spec, int repetition) {
  const std::string net = NetworkLabel(spec);
  const int k = repetition - info_.first_repetition + 1;
  std::string rep = info_.repeat > 1    ? fmt::format(" [run {}/{}]", k, info_.repeat)
                    : info_.repeat == 0 ? fmt::format(" [run {}]", k)
                                        : "";
  fmt::print(out_, "Test ({}): {}{}{} ...\n", spec.name, spec.description, net.empty() ? "" : " (" + net + ")", rep);
}

void ConsoleReporter::TestStart(const TestSpec& spec, int repetition, uint64_t seed) {
  (void)seed;
  if (options_.parallel) return;  // printed with the result, so the two stay together
  ProgressPause pause(options_.progress);
  Header(spec, repetition);
  std::fflush(out_);
}

void ConsoleReporter::TestLine(const TestSpec& spec, std::string_view line) {
  ProgressPause pause(options_.progress);
  if (options_.parallel) {
    fmt::print(out_, "    [{}] | {}\n", spec.name, line);
  } else {
    fmt::print(out_, "    | {}\n", line);
  }
  std::fflush(out_);
}

void ConsoleReporter::TestEnd(const TestSpec& spec, const TestResult& r) {
  ProgressPause pause(options_.progress);
  if (!spec.checks.empty()) checks_[spec.name] = spec.checks;
  if (options_.parallel) Header(spec, r.repetition);
  const double time_s = r.duration_s > 0 ? r.duration_s : r.wall_s;
  if (r.verdict == Verdict::kPass) {
    std::string line = "  ... " + Paint("Passed", Tone::kPass, options_.color) + " -- " +
                       FormatFigures(time_s, r.cpu_s(), r.has_figures ? &r.figures : nullptr);
    if (options_.baseline) {
      if (const BaselineEntry* b = options_.baseline->Find(r.test)) {
        line += "   [reference: " + FormatFigures(b->time_s, b->cpu_s, r.has_figures ? &b->figures : nullptr) + "]";
      }
    }
    if (r.simulated) line += fmt::format("   [sim trace {:016x}, {} points]", r.sim_trace_hash, r.sim_points);
    fmt::print(out_, "{}\n", line);
  } else if (r.verdict == Verdict::kSkip) {
    fmt::print(out_, "  ... {} -- {}\n", Paint("Skipped", Tone::kSkip, options_.color), r.message);
  } else {
    Failure(spec, r);
  }
  std::fflush(out_);
}

void ConsoleReporter::Failure(const TestSpec& spec, const TestResult& r) {
  const double time_s = r.duration_s > 0 && r.verdict == Verdict::kFail ? r.duration_s : r.wall_s;
  fmt::print(out_, "  ... {} -- after {:.1f} s, cpu {:.1f} s\n", Paint(VerdictWord(r.verdict), Tone::kFail, options_.color),
             time_s, r.cpu_s());
  // What kind of demand failed (catalogue key `checks`): a broken safety
  // rule is a bug; a missed performance bound may be a design choice.
  if (!spec.checks.empty()) fmt::print(out_, "      this test checks {}\n", DemandLabel(spec.checks));
  PrintIndented(out_, r.message, "      ", 40, "[...]");
  if (!r.hang_analysis.empty()) {
    fmt::print(out_, "      what the threads were doing:\n");
    PrintIndented(out_, r.hang_analysis.substr(r.hang_analysis.find('\n') + 1), "  ", 40, "  [...]");
  }
  fmt::print(out_, "      seed: {} (repetition {}, run seed {})\n", r.base_seed, r.repetition, r.seed);
  if (r.simulated) {
    fmt::print(out_, "      simulated time: trace {:016x} after {} scheduling points; the rerun command replays this "
               "run exactly\n",
               r.sim_trace_hash, r.sim_points);
  }
  if (r.verdict == Verdict::kFail && r.log_lines == 0) {
    fmt::print(out_, "      your code logged nothing (lines it logs through host->log would show here)\n");
  }
  if (!r.log_tail.empty()) {
    fmt::print(out_, "      the test log's last lines of each peer ({} lines; S<n>: peer n; ====== marks harness "
               "events):\n",
               r.log_tail.size());
    for (const std::string& l : r.log_tail) fmt::print(out_, "        {}\n", l);
  }
  if (!r.stderr_tail.empty()) {
    fmt::print(out_, "      last lines of the test process's stderr:\n");
    for (const std::string& l : r.stderr_tail) fmt::print(out_, "        {}\n", l);
  }
  if (!r.stack_dump.empty()) {
    const std::string where = r.output_dir.empty() ? "" : " (full dump: " + r.output_dir + "/stacks.txt)";
    PrintIndented(out_, r.stack_dump, "      ", options_.max_dump_lines, "[... cut" + where + "]");
  }
  if (!r.output_dir.empty()) fmt::print(out_, "      files: {}\n", r.output_dir);
  if (!r.timeline_file.empty()) {
    fmt::print(out_, "      timeline: {} (open it in a browser: every peer's role, term, crashes, partitions, "
               "applies, RPCs and log lines up to the failure)\n",
               r.timeline_file);
  }
  fmt::print(out_, "      rerun: {}\n", RerunCommand(info_.rerun_prefix, r));
}

void ConsoleReporter::Table(const RunSummary& s) {
  size_t width = 20;
  for (const TestSummary& t : s.tests) width = std::max(width, t.test.size());
  fmt::print(out_, "  {:<{}} {:>5} {:>6}  {:<31} {:>7}\n", "test", width, "runs", "failed",
             "time: mean ± sd (min-max)", "RPCs");
  for (const TestSummary& t : s.tests) {
    const std::string time =
        fmt::format("{:.1f} ± {:.1f} s ({:.1f}-{:.1f})", t.mean_s, t.stddev_s, t.min_s, t.max_s);
    const std::string rpcs = t.has_rpcs ? fmt::format("{:.0f}", t.mean_rpcs) : "-";
    const std::string failed = fmt::format("{:>6}", t.failed);
    fmt::print(out_, "  {:<{}} {:>5} {}  {:<31} {:>7}\n", t.test, width, t.runs,
               t.failed > 0 ? Paint(failed, Tone::kFail, options_.color) : failed, time, rpcs);
    if (t.failures.empty()) continue;
    std::string list;
    for (size_t i = 0; i < t.failures.size() && i < options_.max_listed_failures; ++i) {
      const FailedRun& f = t.failures[i];
      list += fmt::format("{}repetition {} (run seed {}, {})", i == 0 ? "" : ", ", f.repetition, f.seed,
                          VerdictName(f.verdict));
    }
    if (t.failures.size() > options_.max_listed_failures) {
      list += fmt::format(" and {} more", t.failures.size() - options_.max_listed_failures);
    }
    fmt::print(out_, "      failed: {}\n", list);
    fmt::print(out_, "      rerun the first: {}\n", RerunCommand(info_.rerun_prefix, t.first_failure));
  }
}

void ConsoleReporter::RunEnd(const RunSummary& s) {
  ProgressPause pause(options_.progress);
  if (s.interrupted) {
    fmt::print(out_, "\nlabtest: interrupted by {}: running tests were stopped; what follows counts only the runs "
                     "that finished\n",
               SignalName(s.interrupt_signal));
  } else if (s.stopped_by_failure) {
    fmt::print(out_, "\nlabtest: --fail-fast: no run was started after the first failure\n");
  }
  fmt::print(out_, "\nSummary (seed {}): {} run{}, {} passed, {} failed{}; {:.1f} s wall, {:.1f} s CPU, {} job{}\n",
             s.base_seed, s.runs, s.runs == 1 ? "" : "s", s.runs_passed, s.runs_failed,
             s.runs_skipped ? fmt::format(", {} skipped", s.runs_skipped) : "", s.wall_s, s.cpu_s, s.jobs,
             s.jobs == 1 ? "" : "s");
  if (!s.tests.empty()) Table(s);
  fmt::print(out_, "\n");
  for (const PartSummary& p : s.parts) {
    fmt::print(out_, "  part {:<2} {:<26} {:>3}/{:<3} passed {:>3} failed {:>6}/{:<6} points\n", p.part, p.name,
               p.tests_passed, p.tests, p.tests_failed, Points(p.points_earned), Points(p.points_possible));
  }
  fmt::print(out_, "  {:<62} {:>6}/{:<6} points\n", "total", Points(s.points_earned), Points(s.points_possible));
  if (s.failed_tests.empty() && !s.interrupted) {
    fmt::print(out_, "{}\n", Paint("PASSED", Tone::kPass, options_.color));
  } else if (s.failed_tests.empty()) {
    fmt::print(out_, "{}\n", Paint("INTERRUPTED (no failure among the finished runs)", Tone::kSkip, options_.color));
  } else {
    std::string names;
    for (const std::string& n : s.failed_tests) {
      auto it = checks_.find(n);
      names += (names.empty() ? "" : ", ") + n + (it == checks_.end() ? "" : " [" + it->second + "]");
    }
    fmt::print(out_, "{}: {} (each failure above ends with the command that reruns it)\n",
               Paint("FAILED", Tone::kFail, options_.color), names);
  }
  if (!s.output_dir.empty()) fmt::print(out_, "labtest: run files are in {}\n", s.output_dir);
  if (s.failed_tests.empty() && !s.interrupted && info_.seed_given && info_.tests == 1 && info_.repeat == 1 &&
      !info_.sim) {
    // A rerun command that passed: in real time the seed does not replay
    // the threads' timing, so a timing bug may simply not have shown.
    fmt::print(out_,
               "labtest: this replay passed. In real time a seed replays the harness's choices but not the "
               "timing of threads, so a timing bug may not show again: repeat it (--repeat 100 --until-fail) or "
               "run it under simulated time (--sim), where a seed replays everything\n");
  }
  std::fflush(out_);
}

}  // namespace raftlab
