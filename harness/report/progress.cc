// ProgressTracker, FormatProgress, ProgressLine (see progress.h).
#include "harness/report/progress.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/report/terminal.h"

namespace raftlab {

std::string FormatClock(double seconds) {
  const long s = seconds > 0 ? static_cast<long>(std::floor(seconds)) : 0;
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string FormatProgress(const ProgressSnapshot& p, bool color) {
  std::string line = p.total ? fmt::format("[{}/{}]", p.done, *p.total) : fmt::format("[{} done]", p.done);
  line = Paint(line, Tone::kBold, color);
  if (p.failed > 0) line += " " + Paint(fmt::format("{} failed", p.failed), Tone::kFail, color);
  line += fmt::format("  {} running  elapsed {}", p.running, FormatClock(p.elapsed_s));
  if (p.eta_s) line += fmt::format("  ETA {}", FormatClock(*p.eta_s));
  return line;
}

ProgressTracker::ProgressTracker(int jobs, std::function<std::optional<double>(const std::string&)> baseline_s)
    : jobs_(std::max(1, jobs)), baseline_s_(std::move(baseline_s)) {}

void ProgressTracker::Started(const std::string& test, int repetition, double now_s) {
  running_[{test, repetition}] = now_s;
}

void ProgressTracker::Finished(const std::string& test, int repetition, bool failed, double duration_s) {
  running_.erase({test, repetition});
  ++done_;
  if (failed) ++failed_;
  Observed& o = observed_[test];
  o.sum_s += duration_s;
  ++o.runs;
  all_.sum_s += duration_s;
  ++all_.runs;
}

void ProgressTracker::Dropped(const std::string& test, int repetition) { running_.erase({test, repetition}); }

void ProgressTracker::SetQueued(std::optional<std::vector<std::pair<std::string, int>>> queued) {
  queued_ = std::move(queued);
}

std::optional<double> ProgressTracker::Expected(const std::string& test) const {
  if (auto it = observed_.find(test); it != observed_.end() && it->second.runs > 0) {
    return it->second.sum_s / it->second.runs;
  }
  if (baseline_s_) {
    if (auto b = baseline_s_(test)) return *b;
  }
  if (all_.runs > 0) return all_.sum_s / all_.runs;
  return std::nullopt;
}

ProgressSnapshot ProgressTracker::Snapshot(double elapsed_s, double now_s) const {
  ProgressSnapshot p;
  p.done = done_;
  p.failed = failed_;
  p.running = running_.size();
  p.elapsed_s = elapsed_s;
  if (!queued_) return p;  // without end: no total, no ETA
  size_t queued = 0;
  double work_s = 0;
  bool known = true;
  for (const auto& [test, n] : *queued_) {
    queued += static_cast<size_t>(n);
    auto e = Expected(test);
    if (!e) known = false;
    work_s += e.value_or(0) * n;
  }
  for (const auto& [key, start_s] : running_) {
    auto e = Expected(key.first);
    if (!e) known = false;
    work_s += std::max(0.0, e.value_or(0) - (now_s - start_s));
  }
  p.total = done_ + running_.size() + queued;
  if (known) p.eta_s = work_s / jobs_;
  return p;
}

ProgressLine::ProgressLine(std::FILE* out, bool enabled, int width)
    : out_(out), enabled_(enabled), width_(std::max(20, width)) {}

void ProgressLine::Show(const std::string& text) {
  text_ = text;
  Restore();
}

void ProgressLine::Clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

void ProgressLine::Restore() {
  if (!enabled_ || text_.empty()) return;
  // Cut to one screen line, so "\r" returns to its start. Escape codes count
  // as width here, which only ever cuts a little early.
  std::string shown = text_.size() >= static_cast<size_t>(width_) ? text_.substr(0, width_ - 1) : text_;
  if (shown.size() < text_.size() && text_.find('\033') != std::string::npos) shown += "\033[0m";
  fmt::print(out_, "\r\033[K{}", shown);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressLine::Finish() {
  Clear();
  text_.clear();
}

}  // namespace raftlab
