// raft.cc: your Raft. As shipped it builds, loads, answers RPCs and never
// elects a leader, so labtest's part 1 fails with "expected one leader, got
// none". Work through the TODO(partN) comments in order.
//
// Traps, each explained where it bites below:
//   - an RPC may fail (return false) or take seconds: never hold mu_ across it
//   - Start must return at once: never wait for agreement in it
//   - never hold mu_ while calling host_.ApplyCommand / ApplySnapshot
//   - every loop must check Killed(), and Kill() must join every thread
//   - persist before you reply to an RPC or send one that depends on the
//     new state
#include "raft.h"

#include "clerk.h"
#include "kvserver.h"
#include "rsm.h"

#include <mutex>
#include <utility>

namespace {

constexpr char kRequestVote[] = "Raft.RequestVote";
constexpr char kAppendEntries[] = "Raft.AppendEntries";

constexpr int64_t kMillisecond = 1000 * 1000;  // host times are nanoseconds

// --- encoding of RPC messages ------------------------------------------------
// Encode every field you add to the structs in raft.h, in the same order in
// Encode and Decode. Decode returns false on malformed input.

raftlab::Bytes Encode(const RequestVoteArgs& a) {
  raftlab::Encoder e;
  e.PutI64(a.term);
  e.PutI32(a.candidate);
  // TODO(part1): the fields you added.
  return e.Take();
}
bool Decode(raftlab::ByteView in, RequestVoteArgs* a) {
  raftlab::Decoder d(in);
  a->term = d.GetI64();
  a->candidate = d.GetI32();
  return d.Finish();
}
raftlab::Bytes Encode(const RequestVoteReply& r) {
  raftlab::Encoder e;
  e.PutI64(r.term);
  e.PutBool(r.vote_granted);
  return e.Take();
}
bool Decode(raftlab::ByteView in, RequestVoteReply* r) {
  raftlab::Decoder d(in);
  r->term = d.GetI64();
  r->vote_granted = d.GetBool();
  return d.Finish();
}
raftlab::Bytes Encode(const AppendEntriesArgs& a) {
  raftlab::Encoder e;
  e.PutI64(a.term);
  e.PutI32(a.leader);
  // TODO(part2): entries as a count followed by (term, PutBytes(command)).
  return e.Take();
}
bool Decode(raftlab::ByteView in, AppendEntriesArgs* a) {
  raftlab::Decoder d(in);
  a->term = d.GetI64();
  a->leader = d.GetI32();
  return d.Finish();
}
raftlab::Bytes Encode(const AppendEntriesReply& r) {
  raftlab::Encoder e;
  e.PutI64(r.term);
  e.PutBool(r.success);
  return e.Take();
}
bool Decode(raftlab::ByteView in, AppendEntriesReply* r) {
  raftlab::Decoder d(in);
  r->term = d.GetI64();
  r->success = d.GetBool();
  return d.Finish();
}

}  // namespace

// -----------------------------------------------------------------------------
// Lifecycle

Raft::Raft(raftlab::Host host, int me, int npeers)
    : host_(host), me_(me), npeers_(npeers), mu_(host), cv_(host) {
  next_index_.assign(static_cast<size_t>(npeers_), 0);
  match_index_.assign(static_cast<size_t>(npeers_), 0);

  // Part 3: come back from a crash with what you saved.
  ReadPersist(host_.ReadState());
  // TODO(part4): snapshot_ = host_.ReadSnapshot(); and restore the last
  // included index/term. The harness already gave the snapshot to the
  // service, so start applying at the snapshot's index + 1 (set
  // last_applied_ and commit_index_ to it); do NOT apply it again.

  // Your log lines (host_.Log / Logf) are kept per test, shown on failure,
  // and live with labtest -v.
  LogState("started");

  // Make must return quickly: long-running work goes on threads. Use the
  // host's threads (raftlab::Thread) so the harness can name them in stack
  // dumps, and join every one of them in Kill().
  threads_.emplace_back(host_, "ticker", [this] { Ticker(); });
  // TODO(part2): start your applier thread here.
}

Raft::~Raft() { Kill(); }

void Raft::Kill() {
  // Trap: kill() must stop and JOIN every thread before it returns, or the
  // harness reports a zombie. Set the flag, wake whoever waits, join.
  {
    std::lock_guard<raftlab::Mutex> lock(mu_);
    dead_.store(true);
    cv_.notify_all();
  }
  for (raftlab::Thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

// -----------------------------------------------------------------------------
// The harness's calls

raftlab::RaftState Raft::GetState() {
  std::lock_guard<raftlab::Mutex> lock(mu_);
  return raftlab::RaftState{current_term_, role_ == Role::kLeader};
}

raftlab::StartResult Raft::Start(raftlab::ByteView command) {
  std::lock_guard<raftlab::Mutex> lock(mu_);
  raftlab::StartResult r;
  r.term = current_term_;
  if (role_ != Role::kLeader || Killed()) return r;  // not leader: is_leader = false
  // TODO(part2): append {current_term_, command.ToBytes()} to the log,
  // persist, wake the senders, and return its index (the first command is
  // at index 1).
  //
  // Trap: Start must return AT ONCE. Never wait here for the entry to
  // commit, and never call host_.Call from here. But do get the entry to
  // the followers soon (not only on the next heartbeat): the latency test
  // times start() until the leader applies. Batching is up to you: the
  // RPC-count tests allow one AppendEntries per follower for each Start()
  // and one more for each commit advance (README: "What the timing and
  // count tests demand").
  (void)command;
  return r;
}

int64_t Raft::PersistBytes() { return static_cast<int64_t>(host_.StateSize()); }

void Raft::Snapshot(int64_t index, raftlab::ByteView snapshot) {
  // TODO(part4): the service has a snapshot of everything up to and
  // including `index`: drop those entries (keep the index and term of the
  // last one), keep snapshot.ToBytes() in snapshot_, and Persist().
  //
  // Trap: this is called from the harness's applier, possibly WHILE your
  // applier is inside host_.ApplyCommand. If you hold mu_ around that call,
  // this lock deadlocks.
  std::lock_guard<raftlab::Mutex> lock(mu_);
  (void)index;
  (void)snapshot;
}

int32_t Raft::HandleRpc(std::string_view method, raftlab::ByteView req, raftlab::Bytes* reply) {
  if (method == kRequestVote) {
    RequestVoteArgs args;
    if (!Decode(req, &args)) return RAFTLAB_ERR_INTERNAL;
    RequestVoteReply r;
    HandleRequestVote(args, &r);
    *reply = Encode(r);
    return RAFTLAB_OK;
  }
  if (method == kAppendEntries) {
    AppendEntriesArgs args;
    if (!Decode(req, &args)) return RAFTLAB_ERR_INTERNAL;
    AppendEntriesReply r;
    HandleAppendEntries(args, &r);
    *reply = Encode(r);
    return RAFTLAB_OK;
  }
  // TODO(part4): "Raft.InstallSnapshot".
  // The harness reports unknown method names as your error: check spelling.
  return RAFTLAB_ERR_UNKNOWN_METHOD;
}

// -----------------------------------------------------------------------------
// RPC handlers

void Raft::HandleRequestVote(const RequestVoteArgs& args, RequestVoteReply* reply) {
  std::lock_guard<raftlab::Mutex> lock(mu_);
  // TODO(part1): Figure 2, RequestVote RPC, receiver implementation:
  // adopt a higher term (becoming follower), refuse an older term, grant
  // at most one vote per term, and (part 2) only to a candidate whose log
  // is at least as up-to-date as yours (section 5.4.1). Reset your election
  // timer when you grant a vote.
  //
  // Trap: persist before replying. If you grant a vote, crash and restart
  // without having saved voted_for_, you may vote twice in one term.
  (void)args;
  reply->term = current_term_;
  reply->vote_granted = false;
}

void Raft::HandleAppendEntries(const AppendEntriesArgs& args, AppendEntriesReply* reply) {
  std::lock_guard<raftlab::Mutex> lock(mu_);
  // TODO(part1): a heartbeat from a current leader: adopt its term if
  // higher, become follower, reset the election timer.
  // TODO(part2): Figure 2, AppendEntries rules 1-5. Careful with rule 3:
  // delete entries only on a real conflict, because an old, reordered
  // AppendEntries must not cut off entries a newer one added.
  //
  // Trap: persist before replying when the log or term changed.
  (void)args;
  reply->term = current_term_;
  reply->success = false;
}

// -----------------------------------------------------------------------------
// RPC senders

bool Raft::SendRequestVote(int peer, const RequestVoteArgs& args, RequestVoteReply* reply) {
  // Trap: the RPC may FAIL (false: lost request or reply, peer down or
  // partitioned) and may take up to ~7 s to do so. Never hold mu_ here, do
  // not retry forever, and send to each peer from its own thread so one
  // slow peer does not stall the others. No timeouts of your own: the host
  // already implements them.
  auto bytes = host_.Call(peer, kRequestVote, Encode(args));
  return bytes && Decode(*bytes, reply);
}

bool Raft::SendAppendEntries(int peer, const AppendEntriesArgs& args, AppendEntriesReply* reply) {
  auto bytes = host_.Call(peer, kAppendEntries, Encode(args));
  return bytes && Decode(*bytes, reply);
  // After it returns: lock mu_, and check that you are still leader of
  // args.term before you use the reply (replies can come back late, out of
  // order, or from an older term).
}

// -----------------------------------------------------------------------------
// Background work

void Raft::Ticker() {
  // Trap: check Killed() in every loop, or a killed peer keeps running (and
  // labtest reports it). host_.Sleep returns early once the peer is killed.
  while (!Killed()) {
    // TODO(part1): if this peer is not the leader and has heard nothing
    // from a leader (and granted no vote) within its election timeout,
    // start an election: new term, vote for yourself, persist, then send
    // RequestVote to every other peer in parallel (one thread each, or
    // long-lived sender threads) WITHOUT holding mu_.
    // TODO(part1): as leader, send heartbeats, at most 10 per second.
    //
    // Pick a random timeout (e.g. 300-600 ms) from host_.RandomRange, so
    // that a seed replays the same run; the tester wants a new leader within
    // 5 s of a failure.
    host_.Sleep(host_.RandomRange(50, 150) * kMillisecond);
  }
}

// TODO(part2): the applier. A thread that waits on cv_ until
// commit_index_ > last_applied_, copies the entries to deliver, UNLOCKS mu_,
// calls host_.ApplyCommand(index, term, command) for each in order, and
// locks again. Trap: never hold mu_ while applying: the harness may call
// Snapshot() (which takes mu_) before ApplyCommand returns. ApplyCommand
// returns false once the peer is killed: stop then.
//
// TODO(part4): when you install a snapshot from the leader, deliver it with
// host_.ApplySnapshot(index, term, bytes) from the same thread, in order
// with the commands, and never move the service backwards.

// -----------------------------------------------------------------------------
// Debugging

void Raft::LogState(const char* what) {
  static const char* const kRoles[] = {"follower", "candidate", "leader"};
  host_.Logf(RAFTLAB_LOG_DEBUG, "%s: peer %d/%d %s term %lld voted_for %d log %zu commit %lld applied %lld",
             what, me_, npeers_, kRoles[static_cast<int>(role_)], static_cast<long long>(current_term_),
             voted_for_, log_.size(), static_cast<long long>(commit_index_),
             static_cast<long long>(last_applied_));
}

// -----------------------------------------------------------------------------
// Persistence (part 3)

void Raft::Persist() {
  // TODO(part3): encode current_term_, voted_for_ and the log (and, part 4,
  // the snapshot's last included index and term) with raftlab::Encoder and
  // save them with host_.Save(state, snapshot_). Call it (holding mu_)
  // after every change to them and before any reply or send that depends
  // on the change.
  //
  // Save replaces BOTH the state and the snapshot: pass snapshot_ every
  // time, or an empty one erases the snapshot you saved.
}

void Raft::ReadPersist(const raftlab::Bytes& state) {
  if (state.empty()) return;  // first boot
  // TODO(part3): decode what Persist() wrote, in the same order, with
  // raftlab::Decoder; check failed() / Finish() before trusting it.
}

// The one exported symbol: the harness finds your Raft through it.
RAFTLAB_DEFINE_PLUGIN(Raft, "student-raft", "0.1")

// Part 5: the harness finds your rsm, KV server and clerk through this. To
// hide a part (its tests then say "skipped: not implemented"), pass
// raftlab::NotImplemented in its place.
RAFTLAB_DEFINE_EXTENSIONS(Raft, Rsm, KvServer, Clerk)
