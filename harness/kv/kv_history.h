// KvHistory: the thread-safe recorder of every clerk call made during one
// KV test (into harness/linearizability/history.h's types), plus the fault
// bands (partitions, crashes) the visualisation draws behind them.
//
// Times are the Runtime's monotonic now() in nanoseconds, taken immediately
// before the clerk call and immediately after it returned. The history is
// cumulative for the whole test, as in MIT's GenericTest.
//
// Bands: at most one partition band is open at a time (SetPartition closes
// the previous one); crash bands are opened and closed explicitly. Snapshot()
// closes open bands at "now" in the copy it returns.
//
// Every recorded call also goes to the run's timeline record, when one is
// given, as a client call (TimelineKind::kClientOp): the timeline page draws
// one lane per clerk beside the servers' lanes.
//
// Thread safety: every method may be called from any thread (one Runtime
// mutex, never held while calling out). Ownership: owns its operations;
// borrows the timeline record, which must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "harness/linearizability/history.h"
#include "harness/scenario/timeline_record.h"
#include "runtime/runtime.h"

namespace raftlab {

class KvHistory {
 public:
  explicit KvHistory(Runtime& rt, TimelineRecord* timeline = nullptr);
  KvHistory(const KvHistory&) = delete;
  KvHistory& operator=(const KvHistory&) = delete;

  int64_t NowNs() const { return rt_.now().count(); }

  void Record(lin::Operation op);
  size_t size() const;

  // Opens a partition band labelled `label` (closing the open one, if any);
  // an empty label only closes it (the network healed).
  void SetPartition(const std::string& label);
  // Crash bands: Begin returns a handle for End.
  size_t BeginCrash(const std::string& label);
  void EndCrash(size_t handle);
  // A point event (e.g. "check 2 passed").
  void Mark(const std::string& label);

  // A copy with every open band closed at now.
  lin::History Snapshot() const;

 private:
  Runtime& rt_;
  TimelineRecord* const timeline_;  // may be null
  const std::unique_ptr<Mutex> mu_;
  lin::History h_ GUARDED_BY(*mu_);
  std::optional<size_t> open_partition_ GUARDED_BY(*mu_);  // index into annotations
};

}  // namespace raftlab
