// core.cc: see core.h. Comments cite the Raft paper (Ongaro and Ousterhout,
// "In Search of an Understandable Consensus Algorithm", extended version):
// Figure 2 for the rules, Figure 13 for InstallSnapshot.
#include "reference/core.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "reference/check.h"

namespace raftlab::ref {

const char* Outgoing::method() const {
  switch (args.index()) {
    case 0:
      return kRequestVote;
    case 1:
      return kAppendEntries;
    default:
      return kInstallSnapshot;
  }
}

Core::Core(Config config, const PersistentState& state, Bytes snapshot, int64_t now)
    : config_(std::move(config)),
      term_(state.term),
      voted_for_(state.voted_for),
      log_(state.snapshot_index, state.snapshot_term, state.entries),
      snapshot_(std::make_shared<const Bytes>(std::move(snapshot))) {
  REF_CHECK(config_.npeers >= 1 && config_.me >= 0 && config_.me < config_.npeers);
  REF_CHECK(static_cast<bool>(config_.random));
  REF_CHECK(config_.timing.election_min > 0 && config_.timing.election_max >= config_.timing.election_min);
  // The service restored the snapshot itself, so everything in it counts as
  // committed and applied; applying resumes at snapshot_index + 1.
  commit_ = applied_ = log_.snapshot_index();
  progress_.resize(static_cast<size_t>(config_.npeers));
  ResetElectionTimer(now);
  AfterInput();
}

int64_t Core::RandomElectionTimeout() {
  const Timing& t = config_.timing;
  const uint64_t span = static_cast<uint64_t>(t.election_max - t.election_min) + 1;
  return t.election_min + static_cast<int64_t>(config_.random() % span);
}

// ---------------------------------------------------------------------------
// Elections (section 5.2)

void Core::Tick(int64_t now) {
  // Figure 2, Followers: "If election timeout elapses without receiving
  // AppendEntries RPC from current leader or granting vote to candidate:
  // convert to candidate". Candidates: on timeout, start a new election.
  if (role_ != Role::kLeader && now >= election_deadline_) StartElection(now);
  AfterInput();
}

int64_t Core::NextTickAt() const { return role_ == Role::kLeader ? kNever : election_deadline_; }

void Core::StartElection(int64_t now) {
  term_++;
  role_ = Role::kCandidate;
  voted_for_ = config_.me;
  leader_ = kNone;
  persist_needed_ = true;
  ResetElectionTimer(now);
  for (int p = 0; p < config_.npeers; p++) {
    progress_[p] = Progress{};
    progress_[p].vote_granted = p == config_.me;
    progress_[p].vote_pending = p != config_.me;
  }
  wakeups_.peers = wakeups_.ticker = true;
  if (Majority() == 1) BecomeLeader(now);
}

void Core::StepDown(int64_t term, int64_t now) {
  REF_CHECK(term >= term_);
  if (term > term_) {
    term_ = term;
    voted_for_ = kNone;
    leader_ = kNone;
    persist_needed_ = true;
  }
  if (role_ == Role::kLeader) ResetElectionTimer(now);  // a leader had none
  if (role_ != Role::kFollower) wakeups_.peers = wakeups_.ticker = true;
  role_ = Role::kFollower;
}

void Core::BecomeLeader(int64_t now) {
  role_ = Role::kLeader;
  leader_ = config_.me;
  election_deadline_ = kNever;
  for (int p = 0; p < config_.npeers; p++) {
    Progress& pr = progress_[p];
    pr = Progress{};
    pr.next = log_.LastIndex() + 1;  // Figure 2: "initialized to leader last log index + 1"
    pr.match = 0;
    // Figure 2, Leaders: "Upon election: send initial empty AppendEntries
    // RPCs (heartbeat) to each server".
    pr.send_due = now;
    pr.heartbeat_due = now;
  }
  progress_[config_.me].match = log_.LastIndex();
  wakeups_.peers = wakeups_.ticker = true;
  // No no-op entry: the MIT tests expect the first command at index 1.
  // Entries of earlier terms therefore commit only once a command of this
  // term is replicated (Figure 8).
}

bool Core::CandidateUpToDate(int64_t last_index, int64_t last_term) const {
  // Section 5.4.1: the candidate's log is at least as up-to-date as ours if
  // its last term is higher, or equal with a last index at least as high.
  if (last_term != log_.LastTerm()) return last_term > log_.LastTerm();
  return last_index >= log_.LastIndex();
}

RequestVoteReply Core::HandleRequestVote(const RequestVoteArgs& args, int64_t now) {
  if (args.term > term_) StepDown(args.term, now);
  RequestVoteReply reply;
  reply.term = term_;
  // Figure 2, RequestVote rule 1: reply false if term < currentTerm.
  // Rule 2: grant if votedFor is null or candidateId, and the candidate's
  // log is at least as up-to-date (section 5.4.1).
  const bool may_vote = voted_for_ == kNone || voted_for_ == args.candidate;
  if (args.term == term_ && may_vote && CandidateUpToDate(args.last_log_index, args.last_log_term)) {
    if (voted_for_ != args.candidate) persist_needed_ = true;
    voted_for_ = args.candidate;
    reply.vote_granted = true;
    ResetElectionTimer(now);  // granting a vote restarts the timer (Figure 2)
  }
  AfterInput();
  return reply;
}

void Core::OnRequestVoteReply(const Outgoing& out, const RequestVoteReply& reply, int64_t now) {
  const auto& args = std::get<RequestVoteArgs>(out.args);
  if (reply.term > term_) {
    StepDown(reply.term, now);
  } else if (role_ == Role::kCandidate && args.term == term_ && reply.vote_granted) {
    progress_[out.peer].vote_granted = true;
    int votes = 0;
    for (const Progress& pr : progress_) votes += pr.vote_granted ? 1 : 0;
    // Figure 2, Candidates: "If votes received from majority of servers:
    // become leader".
    if (votes >= Majority()) BecomeLeader(now);
  }
  AfterInput();
}

// ---------------------------------------------------------------------------
// Log replication (section 5.3)

ProposeResult Core::Propose(Bytes command, int64_t now) {
  ProposeResult r;
  r.term = term_;
  if (role_ != Role::kLeader) return r;
  log_.Append(Entry{term_, std::move(command)});
  persist_needed_ = true;
  progress_[config_.me].match = log_.LastIndex();
  progress_[config_.me].next = log_.LastIndex() + 1;
  r.index = log_.LastIndex();
  r.is_leader = true;
  if (Majority() == 1) MaybeAdvanceCommit(now);
  ScheduleSend(now + config_.timing.batch_delay);
  AfterInput();
  return r;
}

void Core::ScheduleSend(int64_t at) {
  for (int p = 0; p < config_.npeers; p++) {
    if (p != config_.me) progress_[p].send_due = std::min(progress_[p].send_due, at);
  }
  wakeups_.peers = true;
}

AppendEntriesArgs Core::MakeAppend(int peer, bool with_entries) const {
  const Progress& pr = progress_[peer];
  AppendEntriesArgs a;
  a.term = term_;
  a.leader = config_.me;
  // An entry-less heartbeat sent while a snapshot is in flight checks at the
  // snapshot boundary instead (the follower still resets its timer).
  a.prev_log_index = std::max(pr.next - 1, log_.snapshot_index());
  a.prev_log_term = *log_.Term(a.prev_log_index);
  a.leader_commit = commit_;
  if (with_entries && a.prev_log_index < log_.LastIndex()) {
    a.entries = log_.Slice(a.prev_log_index + 1, config_.timing.max_entries_per_append,
                           config_.timing.max_bytes_per_append);
  }
  return a;
}

std::optional<Outgoing> Core::NextMessage(int peer, int64_t now, int64_t* wake_at) {
  *wake_at = kNever;
  if (peer == config_.me) return std::nullopt;
  Progress& pr = progress_[peer];
  Outgoing out;
  out.peer = peer;

  if (role_ == Role::kCandidate) {
    if (!pr.vote_pending) return std::nullopt;
    pr.vote_pending = false;
    out.seq = next_seq_++;
    out.args = RequestVoteArgs{term_, config_.me, log_.LastIndex(), log_.LastTerm()};
    *wake_at = now;
    return out;
  }
  if (role_ != Role::kLeader) return std::nullopt;

  const Timing& t = config_.timing;
  const int64_t heartbeat = t.heartbeat;
  const bool expired = pr.inflight && now - pr.inflight_since >= t.inflight_expiry;
  const bool can_send_data = !pr.inflight || expired;
  if (can_send_data && (pr.send_due <= now || pr.heartbeat_due <= now)) {
    out.seq = next_seq_++;
    if (pr.next <= log_.snapshot_index()) {
      // The entries this follower needs are gone: send the snapshot
      // (Figure 13, whole snapshot in one message).
      out.args = InstallSnapshotArgs{term_, config_.me, log_.snapshot_index(), log_.snapshot_term(),
                                     snapshot_};
      pr.inflight = true;
    } else {
      AppendEntriesArgs a = MakeAppend(peer, true);
      pr.inflight = !a.entries.empty();
      out.args = std::move(a);
    }
    pr.inflight_seq = out.seq;
    pr.inflight_since = now;
    pr.send_due = kNever;
    pr.heartbeat_due = now + heartbeat;
    *wake_at = now;
    return out;
  }
  if (!can_send_data && pr.heartbeat_due <= now) {
    // Data is still in flight (perhaps to a partitioned peer whose call
    // hangs): keep the follower's timer quiet without resending the data.
    out.seq = next_seq_++;
    out.args = MakeAppend(peer, false);
    pr.heartbeat_due = now + heartbeat;
    *wake_at = now;
    return out;
  }
  *wake_at = can_send_data ? std::min(pr.send_due, pr.heartbeat_due)
                           : std::min(pr.heartbeat_due, pr.inflight_since + t.inflight_expiry);
  REF_CHECK(*wake_at > now);
  return std::nullopt;
}

AppendEntriesReply Core::HandleAppendEntries(const AppendEntriesArgs& args, int64_t now) {
  if (args.term > term_) StepDown(args.term, now);
  AppendEntriesReply reply;
  reply.term = term_;
  // Figure 2, AppendEntries rule 1: reply false if term < currentTerm.
  if (args.term < term_) {
    reply.x_len = log_.LastIndex() + 1;
    AfterInput();
    return reply;
  }
  // Election safety: at most one leader per term, so this cannot be us.
  REF_CHECK(role_ != Role::kLeader);
  if (role_ == Role::kCandidate) StepDown(term_, now);  // section 5.2: a leader of our term exists
  leader_ = args.leader;
  ResetElectionTimer(now);

  const int64_t prev = args.prev_log_index;
  size_t first = 0;  // first entry of args.entries not yet known to match
  if (prev < log_.snapshot_index()) {
    // Everything up to the snapshot is committed and so matches the
    // leader's log (Leader Completeness, section 5.4); skip the entries it
    // covers.
    first = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(args.entries.size()),
                                                  log_.snapshot_index() - prev));
  } else if (prev > log_.LastIndex()) {
    // Figure 2, AppendEntries rule 2 (no entry at prevLogIndex).
    reply.x_term = 0;
    reply.x_index = 0;
    reply.x_len = log_.LastIndex() + 1;
    AfterInput();
    return reply;
  } else if (*log_.Term(prev) != args.prev_log_term) {
    // Figure 2, AppendEntries rule 2 (term mismatch at prevLogIndex), with
    // the fast-backup hints.
    reply.x_term = *log_.Term(prev);
    reply.x_index = log_.FirstIndexOfTermAt(prev);
    reply.x_len = log_.LastIndex() + 1;
    AfterInput();
    return reply;
  }

  for (size_t k = first; k < args.entries.size(); k++) {
    const int64_t index = args.prev_log_index + 1 + static_cast<int64_t>(k);
    const Entry& e = args.entries[k];
    if (index <= log_.LastIndex()) {
      // Figure 2, AppendEntries rule 3: an existing entry that conflicts
      // (same index, different term) goes, with all that follow it. A
      // matching entry stays: a late, shorter AppendEntries must never
      // truncate entries a newer one added.
      if (*log_.Term(index) == e.term) continue;
      REF_CHECK(index > commit_);  // committed entries never conflict
      log_.TruncateFrom(index);
    }
    // Rule 4: append any new entries not already in the log.
    log_.Append(e);
    persist_needed_ = true;
  }
  // Rule 5: if leaderCommit > commitIndex, set commitIndex =
  // min(leaderCommit, index of last new entry).
  const int64_t last_new = args.prev_log_index + static_cast<int64_t>(args.entries.size());
  const int64_t new_commit = std::min(args.leader_commit, last_new);
  if (new_commit > commit_) {
    commit_ = new_commit;
    wakeups_.applier = true;
  }
  reply.success = true;
  AfterInput();
  return reply;
}

void Core::OnAppendEntriesReply(const Outgoing& out, const AppendEntriesReply& reply, int64_t now) {
  const auto& args = std::get<AppendEntriesArgs>(out.args);
  Progress& pr = progress_[out.peer];
  if (pr.inflight && pr.inflight_seq == out.seq) pr.inflight = false;
  wakeups_.peers = true;
  if (reply.term > term_) {
    StepDown(reply.term, now);
    AfterInput();
    return;
  }
  if (role_ != Role::kLeader || args.term != term_) {
    AfterInput();
    return;  // a reply from an older term (section 5.1: stale, ignore)
  }
  if (reply.success) {
    // Figure 2, Leaders: "If successful: update nextIndex and matchIndex".
    // max(): replies may come back out of order.
    pr.match = std::max(pr.match, args.prev_log_index + static_cast<int64_t>(args.entries.size()));
    pr.next = std::max(pr.next, pr.match + 1);
    MaybeAdvanceCommit(now);
  } else {
    // "If AppendEntries fails because of log inconsistency: decrement
    // nextIndex and retry", a whole term at a time (fast backup).
    int64_t next;
    if (reply.x_term == 0) {
      next = reply.x_len;  // the follower's log is too short
    } else if (auto last = log_.LastIndexOfTerm(reply.x_term)) {
      next = *last + 1;  // we have x_term: resume after our last entry of it
    } else if (reply.x_term == log_.snapshot_term()) {
      next = log_.snapshot_index() + 1;
    } else {
      next = reply.x_index;  // we lack x_term: skip all of the follower's
    }
    pr.next = std::clamp(next, pr.match + 1, log_.LastIndex() + 1);
    pr.send_due = now;
  }
  if (pr.next <= log_.LastIndex()) pr.send_due = std::min(pr.send_due, now);
  AfterInput();
}

void Core::MaybeAdvanceCommit(int64_t now) {
  if (role_ != Role::kLeader) return;
  std::vector<int64_t> matches;
  matches.reserve(progress_.size());
  for (int p = 0; p < config_.npeers; p++) {
    matches.push_back(p == config_.me ? log_.LastIndex() : progress_[p].match);
  }
  // The Majority()-th highest match index is stored on a majority.
  std::nth_element(matches.begin(), matches.begin() + (Majority() - 1), matches.end(),
                   std::greater<int64_t>());
  const int64_t n = matches[static_cast<size_t>(Majority() - 1)];
  // Figure 2, Leaders: "If there exists an N such that N > commitIndex, a
  // majority of matchIndex[i] >= N, and log[N].term == currentTerm: set
  // commitIndex = N". The term test is Figure 8's lesson: an entry of an
  // older term is never committed by counting replicas. Terms never decrease
  // along the log, so if log[n] is older, no smaller N qualifies either.
  if (n > commit_ && *log_.Term(n) == term_) {
    commit_ = n;
    wakeups_.applier = true;
    ScheduleSend(now + config_.timing.batch_delay);  // tell followers soon
  }
}

// ---------------------------------------------------------------------------
// Snapshots (section 7, Figure 13)

bool Core::Snapshot(int64_t index, Bytes snapshot) {
  if (index <= log_.snapshot_index()) return true;  // older than what we have
  if (index > applied_) return false;               // the service cannot have it
  log_.CompactTo(index);
  snapshot_ = std::make_shared<const Bytes>(std::move(snapshot));
  persist_needed_ = true;
  wakeups_.peers = true;  // a lagging follower may now need InstallSnapshot
  AfterInput();
  return true;
}

InstallSnapshotReply Core::HandleInstallSnapshot(const InstallSnapshotArgs& args, int64_t now) {
  if (args.term > term_) StepDown(args.term, now);
  InstallSnapshotReply reply;
  reply.term = term_;
  // Figure 13, rule 1: reply immediately if term < currentTerm.
  if (args.term < term_) {
    AfterInput();
    return reply;
  }
  REF_CHECK(role_ != Role::kLeader);
  if (role_ == Role::kCandidate) StepDown(term_, now);
  leader_ = args.leader;
  ResetElectionTimer(now);

  const int64_t index = args.last_included_index;
  // Nothing new: we already committed at least this far, and the service
  // must never move backwards.
  if (index <= commit_) {
    AfterInput();
    return reply;
  }
  // Figure 13, rule 6: if an existing entry has the snapshot's last index
  // and term, keep the entries after it; rule 7: otherwise discard the log.
  if (log_.Term(index) == args.last_included_term) {
    log_.CompactTo(index);
  } else {
    log_.ResetToSnapshot(index, args.last_included_term);
  }
  snapshot_ = args.data ? args.data : std::make_shared<const Bytes>();
  // Rule 8: the service will load the snapshot (the applier delivers it
  // before any later command, since applied_ < index).
  commit_ = index;
  persist_needed_ = true;
  wakeups_.applier = true;
  AfterInput();
  return reply;
}

void Core::OnInstallSnapshotReply(const Outgoing& out, const InstallSnapshotReply& reply, int64_t now) {
  const auto& args = std::get<InstallSnapshotArgs>(out.args);
  Progress& pr = progress_[out.peer];
  if (pr.inflight && pr.inflight_seq == out.seq) pr.inflight = false;
  wakeups_.peers = true;
  if (reply.term > term_) {
    StepDown(reply.term, now);
  } else if (role_ == Role::kLeader && args.term == term_) {
    pr.match = std::max(pr.match, args.last_included_index);
    pr.next = std::max(pr.next, pr.match + 1);
    if (pr.next <= log_.LastIndex()) pr.send_due = std::min(pr.send_due, now);
  }
  AfterInput();
}

void Core::OnSendFailed(const Outgoing& out, int64_t now) {
  Progress& pr = progress_[out.peer];
  // seq numbers only grow and BecomeLeader resets progress, so a matching
  // seq means this send belongs to the current leadership.
  if (role_ == Role::kLeader && pr.inflight && pr.inflight_seq == out.seq) {
    pr.inflight = false;
    pr.send_due = std::min(pr.send_due, now + config_.timing.retry_backoff);
    wakeups_.peers = true;
  }
  AfterInput();
}

// ---------------------------------------------------------------------------
// Apply

bool Core::HasApply() const { return log_.snapshot_index() > applied_ || applied_ < commit_; }

std::vector<ApplyItem> Core::TakeApply(size_t max_items) {
  std::vector<ApplyItem> out;
  if (log_.snapshot_index() > applied_) {
    // An installed snapshot the service has not seen: it goes first and
    // alone (Figure 13 rule 8; MIT's SnapshotValid ApplyMsg).
    out.push_back(ApplyItem{true, log_.snapshot_index(), log_.snapshot_term(), *snapshot_});
    applied_ = log_.snapshot_index();
  } else {
    // Figure 2, All servers: "If commitIndex > lastApplied: increment
    // lastApplied, apply log[lastApplied] to state machine".
    while (applied_ < commit_ && out.size() < max_items) {
      applied_++;
      const Entry& e = log_.At(applied_);
      out.push_back(ApplyItem{false, applied_, e.term, e.command});
    }
  }
  AfterInput();
  return out;
}

// ---------------------------------------------------------------------------
// Invariants

void Core::AfterInput() const {
#if REF_DCHECK_IS_ON
  CheckInvariants();
#endif
}

void Core::CheckInvariants() const {
  log_.CheckInvariants();
  REF_CHECK(snapshot_ != nullptr);
  REF_CHECK(log_.snapshot_index() <= commit_ && commit_ <= log_.LastIndex());
  REF_CHECK(applied_ <= commit_);
  REF_CHECK(voted_for_ >= kNone && voted_for_ < config_.npeers);
  REF_CHECK(log_.LastTerm() <= term_);
  if (role_ == Role::kLeader) {
    REF_CHECK(leader_ == config_.me && voted_for_ == config_.me);
    REF_CHECK(progress_[config_.me].match == log_.LastIndex());
    for (int p = 0; p < config_.npeers; p++) {
      const Progress& pr = progress_[p];
      if (p == config_.me) continue;
      REF_CHECK(pr.match < pr.next && pr.next <= log_.LastIndex() + 1);
    }
  }
  if (role_ == Role::kCandidate) REF_CHECK(voted_for_ == config_.me);
}

}  // namespace raftlab::ref
