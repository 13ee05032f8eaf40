// ChildTestContext (see test_context.h).
#include "harness/scenario/test_context.h"

#include <unistd.h>

#include <utility>

namespace raftlab {

ChildTestContext::ChildTestContext(const TestSpec& spec, uint64_t seed, Runtime& rt, const PluginLibrary& plugin,
                                   double timeout_scale, raftlab::StudentLog* log, Nanos start)
    : spec_(spec),
      seed_(seed),
      rt_(rt),
      plugin_(plugin),
      timeout_scale_(timeout_scale),
      log_(log),
      start_(start),
      mu_(rt.make_mutex()),
      timeline_(rt, start) {}

void ChildTestContext::Fail(const std::string& message) {
  bool first = false;
  std::string recorded;
  {
    MutexLock lock(*mu_);
    if (!failed_.load(std::memory_order_relaxed)) {
      failure_ = message;
      failed_.store(true, std::memory_order_release);
      first = true;
    }
    recorded = failure_;
  }
  if (first) {
    timeline_.Add(TimelineEvent::Of(TimelineKind::kFailure).WithText(message));
    Event("FAILED: " + message);
  }
  if (OnScenarioThread()) throw TestFailed(recorded);
}

void ChildTestContext::ThrowIfFailed() {
  if (!failed()) return;
  MutexLock lock(*mu_);
  throw TestFailed(failure_);
}

void ChildTestContext::Skip(const std::string& reason) {
  Event("skipped: " + reason);
  throw TestSkipped(reason);
}

void ChildTestContext::RequestStackDump(const std::string& why) {
  if (dump_requested_.exchange(true)) return;
  Event("stack dump requested: " + why);
  // One line on stderr, written at once: the parent reads the child's stderr
  // line by line and dumps the stacks when it sees this one.
  std::string line(kStackDumpRequestLine);
  line += why;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  line += '\n';
  (void)!::write(2, line.data(), line.size());
}

void ChildTestContext::SetFixtureHook(FixtureHook hook) {
  MutexLock lock(*mu_);
  fixture_hook_ = std::move(hook);
}

TestContext::FixtureHook ChildTestContext::TakeFixtureHook() {
  MutexLock lock(*mu_);
  FixtureHook hook = std::move(fixture_hook_);
  fixture_hook_ = nullptr;
  return hook;
}

void ChildTestContext::Event(const std::string& text) {
  timeline_.Add(TimelineEvent::Of(TimelineKind::kNote).WithText(text));
  // Interleaved with the student's lines, the narrative explains them.
  if (log_) log_->AddNote(text);
}

void ChildTestContext::StudentLog(int peer, int64_t term, int level, std::string_view text) {
  timeline_.Add(
      TimelineEvent::Of(TimelineKind::kLog, peer).WithTerm(term).WithValue(level).WithText(std::string(text)));
  if (log_) log_->Add(peer, term, level, text);
}

void ChildTestContext::SetFigures(const Figures& f) {
  MutexLock lock(*mu_);
  figures_ = f;
}

std::string ChildTestContext::failure_message() const {
  MutexLock lock(*mu_);
  return failure_;
}

std::optional<Figures> ChildTestContext::figures() const {
  MutexLock lock(*mu_);
  return figures_;
}

std::vector<EventRecord> ChildTestContext::events(int64_t* dropped) const {
  const TimelineData d = timeline_.Data();
  std::vector<EventRecord> notes;
  for (const TimelineEvent& e : d.events) {
    if (e.kind == TimelineKind::kNote) notes.push_back({e.t_s, e.text});
  }
  int64_t left_out = d.dropped_marks;  // marks are mostly notes: an upper bound
  if (notes.size() > kMaxEvents) {
    left_out += static_cast<int64_t>(notes.size() - kMaxEvents);
    notes.erase(notes.begin(), notes.end() - static_cast<std::ptrdiff_t>(kMaxEvents));
  }
  if (dropped) *dropped = left_out;
  return notes;
}

}  // namespace raftlab
