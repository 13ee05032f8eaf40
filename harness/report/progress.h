// The live progress line of a run on a terminal:
//
//   [12/40] 1 failed  3 running  elapsed 1:05  ETA 2:10
//
// ProgressTracker counts runs (done, failed, running) and estimates the time
// left; FormatProgress turns a snapshot into the line; ProgressLine draws it
// in place at the bottom of the terminal ("\r" + erase-line), and must be
// cleared before anything else is printed and restored after (the console
// reporter does that), so ordinary lines scroll above it.
//
// ETA: each run's expected duration is the mean of this test's finished runs
// in this run, else the reference baseline's time for the test, else the
// mean of every finished run so far; the work left (queued runs at their
// expected duration plus what running runs have left of theirs) divided by
// the number of jobs. No ETA before anything is known, nor for a run
// without end (--until-fail without --repeat).
//
// Thread safety: none; used from the thread that drives the reporters.
// Ownership: ProgressLine borrows the FILE*, which must outlive it.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace raftlab {

struct ProgressSnapshot {
  size_t done = 0;     // finished runs
  size_t failed = 0;   // of which failed (not pass, not skip)
  size_t running = 0;
  std::optional<size_t> total;  // done + running + queued; nullopt = without end
  double elapsed_s = 0;
  std::optional<double> eta_s;
};

// "0:07", "1:05", "1:02:03" (rounded down to whole seconds).
std::string FormatClock(double seconds);

// The progress line's text (no newline, no escape codes unless `color`).
std::string FormatProgress(const ProgressSnapshot& p, bool color);

class ProgressTracker {
 public:
  // baseline_s: the reference's time for a test, when known (may be empty).
  ProgressTracker(int jobs, std::function<std::optional<double>(const std::string&)> baseline_s);

  void Started(const std::string& test, int repetition, double now_s);
  void Finished(const std::string& test, int repetition, bool failed, double duration_s);
  void Dropped(const std::string& test, int repetition);
  // Runs not started yet, per test; nullopt when without end.
  void SetQueued(std::optional<std::vector<std::pair<std::string, int>>> queued);

  ProgressSnapshot Snapshot(double elapsed_s, double now_s) const;
  // The expected duration of one run of `test`, when anything is known.
  std::optional<double> Expected(const std::string& test) const;

 private:
  struct Observed {
    double sum_s = 0;
    int runs = 0;
  };
  int jobs_;
  std::function<std::optional<double>(const std::string&)> baseline_s_;
  size_t done_ = 0, failed_ = 0;
  std::map<std::pair<std::string, int>, double> running_;  // (test, rep) -> start
  std::map<std::string, Observed> observed_;
  Observed all_;
  std::optional<std::vector<std::pair<std::string, int>>> queued_ = std::vector<std::pair<std::string, int>>{};
};

class ProgressLine {
 public:
  // Draws nothing unless `enabled` (a terminal).
  ProgressLine(std::FILE* out, bool enabled, int width = 80);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  // Replaces the line's text (cut to the terminal width) and draws it.
  void Show(const std::string& text);
  // Erases the line (before other output).
  void Clear();
  // Draws the last text again (after other output).
  void Restore();
  // Erases the line for good (the run is over).
  void Finish();

 private:
  std::FILE* out_;
  bool enabled_;
  int width_;
  std::string text_;
  bool drawn_ = false;
};

}  // namespace raftlab
