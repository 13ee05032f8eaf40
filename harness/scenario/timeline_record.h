// TimelineRecord: the one event record of a test run, from which the
// timeline picture (harness/timeline/) and the text narrative
// (ChildTestContext::events) are drawn. The fixture, the test context and
// the network tap feed it typed, timestamped events: what each peer reported
// of its role and term (get_state polling and start replies), crashes and
// restarts, connects, disconnects and partitions, applies and snapshots, the
// student's log lines, RPC counts per time bin between peer pairs, harness
// notes and the checker's failure with its message.
//
// Size bound (a long run is sampled, never unbounded):
//   - "marks" (notes, lifecycle, network changes, failures) keep the first
//     kMaxMarks / 2 and the last kMaxMarks / 2;
//   - "samples" (role/term observations, applies, snapshots, log lines,
//     KV client calls) keep
//     the first max_samples / 2 and the last max_samples / 2; a role/term
//     observation equal to the peer's previous one is not recorded at all;
//   - RPC bins: when there are more than max_bins (from, to, bin) cells the
//     bin width doubles and neighbouring bins merge.
// What was dropped is counted (dropped_marks, dropped_samples).
//
// Thread safety: every method may be called from any thread (one Runtime
// mutex, never held while calling out). Ownership: borrows the Runtime,
// which must outlive the record; everything else by value.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/status.h"

namespace raftlab {

enum class TimelineKind {
  kNote,        // a line of the harness narrative ("crash peer 2")
  kRole,        // peer reported term `term`, leader when `value` == 1
  kCrash,       // peer (incarnation) crashed
  kRestart,     // peer restarted as `incarnation`
  kConnect,     // peer connected to every other connected peer
  kDisconnect,  // peer cut off from every other peer
  kPartition,   // text: the groups ("{0,1} {2}")
  kApply,       // peer applied `index` (term `term`, -1 when unknown)
  kSnapshot,    // peer took / installed a snapshot at `index`
  kLog,         // the student's log line: level in `value`
  kFailure,     // the checker's first failure; text: its message
  kClientOp,    // a KV clerk's call: t_s its call, index the client, value its return
                // time in microseconds since the start (-1: never returned), text the
                // call and its result ("put(\"k\", \"v\", 0) -> OK")
};

std::string_view TimelineKindName(TimelineKind k);  // "note", "role", ... "failure"

struct TimelineEvent {
  double t_s = 0;  // since the test started
  TimelineKind kind = TimelineKind::kNote;
  int peer = -1;          // -1: not about one peer
  int incarnation = 0;    // 0: unknown (the lane is found by time)
  int64_t term = -1;      // -1: unknown
  int64_t index = -1;     // applies and snapshots
  int64_t value = 0;      // kRole: 1 leader, 0 not; kLog: level
  std::string text;

  // TimelineEvent::Of(TimelineKind::kApply, 2, 1).WithIndex(7).WithTerm(3)
  static TimelineEvent Of(TimelineKind kind, int peer = -1, int incarnation = 0) {
    TimelineEvent e;
    e.kind = kind;
    e.peer = peer;
    e.incarnation = incarnation;
    return e;
  }
  TimelineEvent& WithTerm(int64_t t) { term = t; return *this; }
  TimelineEvent& WithIndex(int64_t i) { index = i; return *this; }
  TimelineEvent& WithValue(int64_t v) { value = v; return *this; }
  TimelineEvent& WithText(std::string t) { text = std::move(t); return *this; }
};

struct RpcBin {
  double t_s = 0;  // start of the bin
  int from = -1;
  int to = -1;
  int64_t count = 0;
};

// What a record holds, ordered by time (stable: equal times keep the order
// they were added in). Plain values; written to and read from JSON.
struct TimelineData {
  double bin_s = 0.1;
  std::vector<TimelineEvent> events;
  std::vector<RpcBin> rpcs;
  int64_t dropped_marks = 0;
  int64_t dropped_samples = 0;
  int peers = 0;  // 0: unknown (taken from the events)
};

std::string TimelineToJson(const TimelineData& d);
StatusOr<TimelineData> TimelineFromJson(std::string_view json);

struct TimelineLimits {
  size_t max_marks = 4000;
  size_t max_samples = 40000;
  size_t max_bins = 20000;
  double bin_s = 0.1;
};

class TimelineRecord {
 public:
  // start: Runtime::now() when the test began; times are measured from it.
  TimelineRecord(Runtime& rt, Nanos start, TimelineLimits limits = {});
  TimelineRecord(const TimelineRecord&) = delete;
  TimelineRecord& operator=(const TimelineRecord&) = delete;

  // Stamps e.t_s with the time since start and records it (subject to the
  // bounds above).
  void Add(TimelineEvent e);
  // Adds e with its own t_s (tests, and events learnt after the fact).
  void AddAt(TimelineEvent e);
  // One RPC from peer `from` to peer `to`, now.
  void CountRpc(int from, int to);
  void SetPeers(int n);

  TimelineData Data() const;
  double Now() const;  // seconds since start

 private:
  void AddLocked(TimelineEvent e) REQUIRES(*mu_);
  void MergeBinsLocked() REQUIRES(*mu_);

  Runtime& rt_;
  const Nanos start_;
  const TimelineLimits limits_;
  std::unique_ptr<Mutex> mu_;
  int peers_ GUARDED_BY(*mu_) = 0;
  uint64_t seq_ GUARDED_BY(*mu_) = 0;  // order of addition, for a stable sort
  // Each part: the first half kept for good, the second a ring of the newest.
  struct Part {
    std::vector<std::pair<uint64_t, TimelineEvent>> head;
    std::deque<std::pair<uint64_t, TimelineEvent>> tail;
    int64_t dropped = 0;
  };
  Part marks_ GUARDED_BY(*mu_);
  Part samples_ GUARDED_BY(*mu_);
  std::map<std::pair<int, int>, std::pair<int64_t, bool>> last_role_ GUARDED_BY(*mu_);  // peer,inc -> term,leader
  double bin_s_ GUARDED_BY(*mu_);
  std::map<std::tuple<int64_t, int, int>, int64_t> bins_ GUARDED_BY(*mu_);  // (bin, from, to) -> count
};

}  // namespace raftlab
