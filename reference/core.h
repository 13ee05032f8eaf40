// core.h: the reference Raft's pure core (the etcd-io/raft shape).
//
// The Core is Raft's state machine and nothing else: no threads, no clock, no
// I/O. Every input is a method call that carries the current time (`now`, in
// nanoseconds on any monotonic base):
//   Tick(now)                   election timeouts
//   Propose(command, now)       Start() on the leader
//   Handle*(args, now)          an incoming RPC; returns the reply
//   On*Reply(out, reply, now)   the reply to an RPC this peer sent
//   Snapshot(index, bytes)      the service compacted the log
// and the outputs are pulled by the adapter:
//   NextMessage(peer, now)      the RPC due to that peer now, if any, and
//                               when to ask again
//   TakeApply()                 committed entries / an installed snapshot
//                               to deliver to the service, in order
//   TakePersist()               whether state changed and must be saved
//   TakeWakeups()               which adapter threads have new work
//
// PERSIST BEFORE SEND: after any input, the adapter saves the state
// (EncodeState() and snapshot()) when TakePersist() says so, BEFORE it
// releases the lock that guards the Core. Every reply a Handle* returns and
// every message NextMessage() builds therefore reflects only persisted state
// (Figure 2: "respond to RPCs only after updating stable storage"). The core
// itself never sees the disk; this contract is the one place it is enforced.
//
// Randomness (election timeouts) comes from a caller-supplied function so
// that a seed replays the same run.
//
// Thread safety: none. The adapter serialises every call under one mutex.
// Ownership: the Core owns its log and snapshot; returned messages are
// copies, except snapshot data, which is shared read-only.
#ifndef RAFTLAB_REFERENCE_CORE_H_
#define RAFTLAB_REFERENCE_CORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "reference/log.h"
#include "reference/messages.h"

namespace raftlab::ref {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kMillisecond = 1000 * 1000;

// Timing and batching knobs. Defaults suit the MIT tester: a leader must
// emerge within 5 s, at most ~10 heartbeats per second, and elections must
// not fire while the leader is merely slow (10% of RPCs are lost on an
// unreliable network, so the timeout spans several heartbeats).
struct Timing {
  int64_t election_min = 350 * kMillisecond;
  int64_t election_max = 700 * kMillisecond;
  int64_t heartbeat = 100 * kMillisecond;
  // A new entry or commit waits this long so that a burst of Start()s and
  // the commit that follows travel in one AppendEntries (TestCount allows
  // 42 RPCs for 11 agreements on 3 peers).
  int64_t batch_delay = 1 * kMillisecond;
  // At most one AppendEntries/InstallSnapshot carrying data is outstanding
  // per follower; after this long the send counts as lost and another may
  // go (a call to a partitioned peer can hang for 7 s).
  int64_t inflight_expiry = 250 * kMillisecond;
  // After a send that got no reply, the data goes again this much later.
  int64_t retry_backoff = 10 * kMillisecond;
  size_t max_entries_per_append = 512;
  size_t max_bytes_per_append = 512 * 1024;
};

struct Config {
  int me = 0;
  int npeers = 1;
  Timing timing;
  std::function<uint64_t()> random;  // uniform 64-bit values; required
};

enum class Role { kFollower, kCandidate, kLeader };

// An RPC to send. `seq` names it among the sends to that peer, so that a late
// reply is matched to the right in-flight record.
struct Outgoing {
  int peer = 0;
  uint64_t seq = 0;
  std::variant<RequestVoteArgs, AppendEntriesArgs, InstallSnapshotArgs> args;
  const char* method() const;
};

// One message for the service (MIT's ApplyMsg).
struct ApplyItem {
  bool is_snapshot = false;
  int64_t index = 0;
  int64_t term = 0;
  Bytes data;  // the command, or the snapshot
};

struct Wakeups {
  bool peers = false;    // senders: something may be due
  bool applier = false;  // commit or snapshot moved
  bool ticker = false;   // the election deadline moved or role changed
};

struct ProposeResult {
  int64_t index = 0;
  int64_t term = 0;
  bool is_leader = false;
};

class Core {
 public:
  // A peer restarting from `state` (default: a fresh peer) and `snapshot`
  // (the bytes saved beside it; may be empty). The service already holds the
  // snapshot (the harness loads it), so applying resumes after it.
  Core(Config config, const PersistentState& state, Bytes snapshot, int64_t now);

  // --- inputs ---------------------------------------------------------------
  void Tick(int64_t now);
  ProposeResult Propose(Bytes command, int64_t now);
  RequestVoteReply HandleRequestVote(const RequestVoteArgs& args, int64_t now);
  AppendEntriesReply HandleAppendEntries(const AppendEntriesArgs& args, int64_t now);
  InstallSnapshotReply HandleInstallSnapshot(const InstallSnapshotArgs& args, int64_t now);
  void OnRequestVoteReply(const Outgoing& out, const RequestVoteReply& reply, int64_t now);
  void OnAppendEntriesReply(const Outgoing& out, const AppendEntriesReply& reply, int64_t now);
  void OnInstallSnapshotReply(const Outgoing& out, const InstallSnapshotReply& reply, int64_t now);
  // The RPC `out` got no reply (lost, or the peer is unreachable): its data
  // may go again after Timing::retry_backoff instead of the full expiry.
  void OnSendFailed(const Outgoing& out, int64_t now);
  // The service's snapshot covers indices 1..index. Returns false (and does
  // nothing) when index is beyond what was handed to the applier; an index at
  // or below the current snapshot is ignored and returns true.
  bool Snapshot(int64_t index, Bytes snapshot);

  // --- outputs --------------------------------------------------------------
  // The RPC due to `peer` at `now`, or nullopt; in both cases *wake_at is the
  // earliest time anything more may be due for that peer without further
  // input (kNever when only an input can create work). Guarantees
  // *wake_at > now when it returns nullopt, so a waiting sender never spins.
  std::optional<Outgoing> NextMessage(int peer, int64_t now, int64_t* wake_at);
  // When Tick() next has something to do (kNever for a leader).
  int64_t NextTickAt() const;
  // Up to max_items messages for the service, in order; marks them handed
  // over. A pending installed snapshot comes alone, before any command.
  std::vector<ApplyItem> TakeApply(size_t max_items);
  bool HasApply() const;
  bool TakePersist() { return std::exchange(persist_needed_, false); }
  Wakeups TakeWakeups() { return std::exchange(wakeups_, Wakeups{}); }

  // --- state ----------------------------------------------------------------
  Bytes EncodeState() const { return ::raftlab::ref::EncodeState(term_, voted_for_, log_); }
  const Bytes& snapshot() const { return *snapshot_; }
  int64_t term() const { return term_; }
  Role role() const { return role_; }
  bool is_leader() const { return role_ == Role::kLeader; }
  int voted_for() const { return voted_for_; }
  int leader() const { return leader_; }
  int64_t commit_index() const { return commit_; }
  int64_t last_applied() const { return applied_; }
  const Log& log() const { return log_; }
  int64_t match_index(int peer) const { return progress_[peer].match; }
  int64_t next_index(int peer) const { return progress_[peer].next; }

  // Checks every invariant below; aborts on violation. Called after each
  // input when debug checks are on.
  void CheckInvariants() const;

 private:
  // Replication state the leader keeps per follower (Figure 2's nextIndex[]
  // and matchIndex[] plus flow control).
  struct Progress {
    int64_t next = 1;   // Invariant: match < next <= log.LastIndex() + 1 (leader).
    int64_t match = 0;  // Highest index known replicated there; never decreases in a term.
    bool inflight = false;   // a data-carrying send is outstanding...
    uint64_t inflight_seq = 0;  // ...with this seq,
    int64_t inflight_since = 0;  // sent at this time.
    int64_t send_due = kNever;   // an AppendEntries is wanted at this time
    int64_t heartbeat_due = kNever;
    bool vote_pending = false;  // candidate: RequestVote not yet sent this term
    bool vote_granted = false;  // candidate: this peer voted for us
  };

  int Majority() const { return config_.npeers / 2 + 1; }
  int64_t RandomElectionTimeout();
  void ResetElectionTimer(int64_t now) { election_deadline_ = now + RandomElectionTimeout(); }
  // Adopts a newer term (Figure 2, "All servers": if an RPC has term T >
  // currentTerm, set currentTerm = T and convert to follower).
  void StepDown(int64_t term, int64_t now);
  void StartElection(int64_t now);
  void BecomeLeader(int64_t now);
  void MaybeAdvanceCommit(int64_t now);
  void ScheduleSend(int64_t at);  // every follower, no later than `at`
  bool CandidateUpToDate(int64_t last_index, int64_t last_term) const;
  AppendEntriesArgs MakeAppend(int peer, bool with_entries) const;
  void AfterInput() const;

  const Config config_;

  // --- persistent state (Figure 2) ---
  int64_t term_ = 0;        // Invariant: never decreases.
  int voted_for_ = kNone;   // Candidate voted for in term_, or kNone.
  Log log_;
  // The snapshot ending at log_.snapshot_index(). Never null.
  std::shared_ptr<const Bytes> snapshot_;

  // --- volatile state ---
  Role role_ = Role::kFollower;
  int leader_ = kNone;  // who we believe leads term_, if known
  // Invariant: log_.snapshot_index() <= commit_ <= log_.LastIndex(), and
  // commit_ never decreases.
  int64_t commit_ = 0;
  // Highest index handed to the applier (command or snapshot).
  // Invariant: applied_ <= commit_; never decreases.
  int64_t applied_ = 0;
  int64_t election_deadline_ = kNever;
  std::vector<Progress> progress_;  // one per peer; [me] tracks our own log
  uint64_t next_seq_ = 1;

  bool persist_needed_ = false;
  Wakeups wakeups_;
};

}  // namespace raftlab::ref

#endif  // RAFTLAB_REFERENCE_CORE_H_
